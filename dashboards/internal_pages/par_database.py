"""The PAR database (content editors): add documents and figures, correct them (the audit log keeps the old
values), withdraw or restore a document, link it to PAR criteria and to the self-assessment evidence that
cites it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from backend.models.pardb import DOCUMENT_KINDS
from dashboards import internal_voice as iv
from dashboards.internal_pages.common import labels, require_actor, t
from dashboards.internal_pages.voice_ui import run

actor = require_actor()
st.title(t("voice.staff.pardb.title"))
units = iv.units()
unit_names = {None: t("pardb.national"), **dict(zip(units["unit_id"].astype(int), units["name_vi"], strict=False))}
topics = iv.topics()
topic_names = dict(zip(topics["code"], topics["name_vi"], strict=False))


def document_form(key: str, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields of a document, prefilled with ``current`` when correcting one."""
    now = current or {}
    kind_names = {k: t(f"pardb.kind.{k}") for k in DOCUMENT_KINDS}
    kinds, unit_ids, codes = list(DOCUMENT_KINDS), list(unit_names), list(topic_names)
    left, right = st.columns(2)
    values = {
        "kind": left.selectbox(
            t("pardb.kind_label"),
            kinds,
            index=kinds.index(now.get("kind", "plan")),
            format_func=kind_names.get,
            key=f"{key}_kind",
        ),
        "number": right.text_input(t("pardb.col.number"), value=now.get("number", ""), key=f"{key}_number"),
        "issuer": left.text_input(t("pardb.col.issuer"), value=now.get("issuer", ""), key=f"{key}_issuer"),
        "issued_on": right.date_input(
            t("pardb.col.issued_on"),
            value=now.get("issued_on", dt.date.today()),
            key=f"{key}_issued",
            format="DD/MM/YYYY",
        ),
        "unit_id": left.selectbox(
            t("pardb.unit"),
            unit_ids,
            index=unit_ids.index(now.get("unit_id")),
            format_func=unit_names.get,
            key=f"{key}_unit",
        ),
        "year": int(
            right.number_input(
                t("pardb.year"),
                min_value=2000,
                max_value=2100,
                value=int(now.get("year", dt.date.today().year)),
                key=f"{key}_year",
            )
        ),
        "topic_code": left.selectbox(
            t("pardb.topic"),
            codes,
            index=codes.index(now.get("topic_code", codes[0])),
            format_func=topic_names.get,
            key=f"{key}_topic",
        ),
        "url": right.text_input(
            t("pardb.col.link"), value=now.get("url", ""), key=f"{key}_url", placeholder="https://"
        ),
    }
    values["title"] = st.text_input(t("pardb.col.title"), value=now.get("title", ""), key=f"{key}_title")
    values["summary"] = st.text_area(t("voice.staff.pardb.summary"), value=now.get("summary", ""), key=f"{key}_summary")
    return values


with st.expander(t("voice.staff.pardb.new"), icon=":material/add:"):
    new = document_form("new_doc")
    if st.button(t("voice.staff.create"), key="add_document", type="primary"):
        run(lambda: iv.add_document(actor, **new))

year_filter = st.number_input(
    t("pardb.year"), min_value=2000, max_value=2100, value=dt.date.today().year, key="doc_year"
)
documents = iv.documents(actor, int(year_filter), None)
if documents.empty:
    st.info(t("voice.staff.pardb.none"))
    st.stop()
st.dataframe(
    documents,
    hide_index=True,
    width="stretch",
    key="docs_table",
    column_config=labels("voice.staff.col", list(documents.columns)),
)
choice = st.selectbox(
    t("voice.staff.pardb.choose"),
    documents["id"].tolist(),
    format_func=lambda i: f"#{i} {documents.loc[documents['id'] == i, 'number'].iloc[0]}",
    key="document_id",
)
current = documents.loc[documents["id"] == choice].iloc[0].to_dict()
current["unit_id"] = None if pd.isna(current["unit_id"]) else int(current["unit_id"])
correct_tab, status_tab, links_tab = st.tabs(
    [t("voice.staff.pardb.correct"), t("voice.staff.pardb.status"), t("voice.staff.pardb.links")]
)
with correct_tab:
    changes = document_form(f"doc_{choice}", current)
    if st.button(t("voice.staff.pardb.save"), key="correct_document", type="primary"):
        run(lambda: iv.correct_document(actor, int(choice), **changes))
with status_tab:
    target = "withdrawn" if current["status"] == "published" else "published"
    reason = st.text_input(t("voice.staff.reason"), key="doc_reason")
    if st.button(t(f"voice.staff.pardb.to_{target}"), key="document_status"):
        run(lambda: iv.set_document_status(actor, int(choice), target, reason))
with links_tab:
    criteria = iv.criteria()
    label = {
        int(i): f"{c} — {n}"
        for i, c, n in zip(criteria["criterion_id"], criteria["code"], criteria["name_vi"], strict=False)
    }
    chosen = st.multiselect(
        t("pardb.criteria"),
        list(label),
        default=iv.document_criteria(actor, int(choice)),
        format_func=label.get,
        key=f"doc_criteria_{choice}",
    )
    if st.button(t("voice.staff.pardb.save_criteria"), key="save_criteria"):
        run(lambda: iv.set_criteria(actor, int(choice), [int(i) for i in chosen]))
    st.markdown(f"**{t('pardb.evidence')}**")
    candidates = iv.evidence_candidates(actor, int(choice))
    if candidates.empty:
        st.caption(t("voice.staff.pardb.no_candidates"))
    for evidence in candidates.to_dict("records"):
        text = f"{evidence['ref_code']} — {evidence['title']} ({unit_names.get(int(evidence['unit_id']), '')}, {evidence['year']})"
        linked = st.checkbox(text, value=bool(evidence["linked"]), key=f"evidence_{choice}_{evidence['evidence_id']}")
        if linked != bool(evidence["linked"]):
            evidence_id = int(evidence["evidence_id"])
            run(lambda e=evidence_id, on=linked: iv.link_evidence(actor, int(choice), e, on))  # type: ignore[misc]

with st.expander(t("voice.staff.pardb.new_figure"), icon=":material/add_chart:"):
    left, right = st.columns(2)
    figure = {
        "unit_id": left.selectbox(t("pardb.unit"), list(unit_names), format_func=unit_names.get, key="fig_unit"),
        "year": int(
            right.number_input(
                t("pardb.year"), min_value=2000, max_value=2100, value=dt.date.today().year, key="fig_year"
            )
        ),
        "topic_code": left.selectbox(t("pardb.topic"), list(topic_names), format_func=topic_names.get, key="fig_topic"),
        "code": right.text_input(t("voice.staff.pardb.figure_code"), key="fig_code"),
        "name_vi": left.text_input(t("voice.staff.title_vi"), key="fig_name_vi"),
        "name_en": right.text_input(t("voice.staff.title_en"), key="fig_name_en"),
        "value": left.number_input(t("voice.staff.pardb.value"), value=0.0, key="fig_value"),
        "measure": right.text_input(t("voice.staff.pardb.measure"), key="fig_measure"),
    }
    if st.button(t("voice.staff.create"), key="add_figure"):
        run(lambda: iv.add_figure(actor, **figure))
