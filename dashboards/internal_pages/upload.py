"""Import survey data (analysts, data officers): templates, upload with progress, summary, error report, batches."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.errors import DomainError
from backend.services.ingestion import ImportRequest
from dashboards import ingest_access as ga
from dashboards.internal_pages.common import labels, lang, require_actor, t

KINDS = ["sipas", "official", "self_assessment", "plan"]
actor = require_actor()
st.title(t("ingest.page.upload.title"))
st.caption(t("ingest.page.upload.caption"))
left, right = st.columns(2)
kind = left.selectbox(t("ingest.page.upload.kind"), KINDS, format_func=lambda k: t(f"ingest.page.kind.{k}"), key="kind")
year = right.number_input(t("ingest.page.year"), 2022, 2100, dt.date.today().year - 1, key="year")
scope = "province"
if kind == "self_assessment":
    scope = st.radio(
        t("ingest.page.upload.scope"),
        ["province", "ministry"],
        horizontal=True,
        key="scope",
        format_func=lambda s: t(f"ingest.page.scope.{s}"),
    )

with st.expander(t("ingest.page.upload.templates"), icon=":material/download:"):
    formats = ["xlsx", "csv"] + (["xlsform"] if kind in ("sipas", "official") else [])
    for column, fmt in zip(st.columns(len(formats)), formats, strict=True):
        try:
            name, data = ga.template(kind, int(year), fmt, scope)
        except DomainError as exc:
            column.warning(exc.message(lang()))
            continue
        column.download_button(
            t(f"ingest.page.upload.template_{fmt}"),
            data,
            file_name=name,
            key=f"template_{fmt}",
            icon=":material/description:",
        )

mode = st.radio(
    t("ingest.page.upload.mode"),
    ["all_or_nothing", "quarantine"],
    horizontal=True,
    key="mode",
    format_func=lambda m: t(f"ingest.page.mode.{m}"),
)
dry_run = st.checkbox(t("ingest.page.upload.dry_run"), key="dry_run")
upload = st.file_uploader(t("ingest.page.upload.file"), type=["csv", "xlsx"], key="file")
if upload is not None and st.button(
    t("ingest.page.upload.run"), type="primary", key="run_import", icon=":material/upload:"
):
    bar = st.progress(0.0, text=t("ingest.page.upload.working"))
    request = ImportRequest(
        kind=kind,
        year=int(year),
        file_name=upload.name,
        data=upload.getvalue(),
        mode=mode,
        dry_run=dry_run,
        scope=scope,
    )
    try:
        st.session_state["import_summary"] = ga.run_import(
            actor, request, lambda f, s: bar.progress(min(1.0, f), text=t(f"ingest.page.stage.{s}"))
        )
    except DomainError as exc:
        st.session_state.pop("import_summary", None)
        st.error(exc.message(lang()))

summary = st.session_state.get("import_summary")
if summary is not None:
    st.subheader(t("ingest.page.upload.summary"))
    if summary.already_batch is not None:
        st.info(t("ingest.batch.already", batch=summary.already_batch))
    else:
        counts = summary.counts()
        for column, key in zip(st.columns(5), ["read", "valid", "quarantined", "duplicates", "loaded"], strict=True):
            column.metric(t(f"ingest.page.count.{key}"), f"{counts[key]:,}")
        if summary.dry_run:
            st.info(t("ingest.page.upload.dry_done"))
        elif summary.batch_id is not None:
            st.success(t("ingest.page.upload.loaded", batch=summary.batch_id))
        elif summary.problems:
            st.error(t("ingest.page.upload.nothing"))
    if summary.problems:
        errors = summary.error_frame()
        shown = errors[["line", "column", "value", "rule", f"message_{lang()}"]]
        st.dataframe(
            shown, hide_index=True, width="stretch", column_config=labels("ingest.page.error_col", list(shown.columns))
        )
        a, b = st.columns(2)
        a.download_button(
            t("ingest.page.upload.report_csv"),
            ga.report_file(summary, "csv"),
            file_name="errors.csv",
            key="errors_csv",
            icon=":material/download:",
        )
        b.download_button(
            t("ingest.page.upload.report_xlsx"),
            ga.report_file(summary, "xlsx"),
            file_name="errors.xlsx",
            key="errors_xlsx",
            icon=":material/download:",
        )

st.subheader(t("ingest.page.batches.title"))
table = ga.list_batches(actor)
if table.empty:
    st.caption(t("ingest.page.batches.none"))
else:
    st.dataframe(table.drop(columns=["sha256"]), hide_index=True, width="stretch", key="batches")
    with st.form("rollback"):
        batch_id = st.selectbox(
            t("ingest.page.batches.choose"), table.loc[table["status"] == "loaded", "id"].tolist(), key="rollback_id"
        )
        reason = st.text_input(t("ingest.page.batches.reason"), key="rollback_reason")
        if st.form_submit_button(t("ingest.page.batches.rollback"), icon=":material/undo:") and batch_id is not None:
            try:
                ga.rollback(actor, int(batch_id), reason)
            except DomainError as exc:
                st.error(exc.message(lang()))
            else:
                st.success(t("ingest.page.batches.done", batch=batch_id))
    n, data = ga.quarantine_csv(actor)
    if n:
        st.download_button(
            t("ingest.page.batches.quarantine", n=n),
            data,
            file_name="quarantine.csv",
            key="quarantine",
            icon=":material/download:",
        )
