"""Back-checks (phúc tra): draw a sample, the contact list (back-check role only), import outcomes, mismatch rates
by question type per interviewer, commune and province, flagged interviewers, invalidate forms (analysts)."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import ingest_access as ga
from dashboards.internal_pages.common import lang, require_actor, t
from dashboards.internal_pages.data_common import survey_picker

actor = require_actor()
st.title(t("ingest.page.backcheck.title"))
st.caption(t("ingest.page.backcheck.caption"))
survey_id = survey_picker("backcheck_survey")
if survey_id is None:
    st.stop()
if actor.can("draw_backcheck"):
    with st.form("draw"):
        a, b, c = st.columns(3)
        share = a.number_input(t("ingest.page.backcheck.share"), 0.01, 1.0, 0.10, step=0.01, key="share")
        minimum = b.number_input(t("ingest.page.backcheck.minimum"), 0, 50, 5, key="minimum")
        seed = c.number_input(t("ingest.page.backcheck.seed"), 0, 2**31 - 1, 1, key="seed")
        if st.form_submit_button(t("ingest.page.backcheck.draw"), icon=":material/casino:"):
            try:
                st.success(
                    t(
                        "ingest.page.backcheck.drawn",
                        id=ga.draw(actor, survey_id, float(share), int(minimum), int(seed)),
                    )
                )
            except DomainError as exc:
                st.error(exc.message(lang()))
try:
    samples = ga.samples(actor, survey_id)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()
if samples.empty:
    st.info(t("ingest.page.backcheck.none"))
    st.stop()
sample_id = int(st.selectbox(t("ingest.page.backcheck.sample"), samples["id"].tolist()[::-1], key="sample"))
cases = ga.sample_cases(actor, sample_id)
st.dataframe(
    cases[["form_code", f"name_{lang()}", "commune", "interviewer", "collected_on", "outcome"]],
    hide_index=True,
    width="stretch",
    key="cases",
)
if actor.can("view_phones"):
    st.download_button(
        t("ingest.page.backcheck.contacts"),
        ga.contacts_csv(actor, sample_id),
        file_name=f"contacts_{sample_id}.csv",
        key="contacts",
        icon=":material/contact_phone:",
    )
if actor.can("import_backcheck"):
    upload = st.file_uploader(t("ingest.page.backcheck.outcomes"), type=["csv", "xlsx"], key="outcomes")
    if upload is not None and st.button(
        t("ingest.page.backcheck.import"), key="import_outcomes", icon=":material/upload:"
    ):
        result = ga.import_outcomes(actor, sample_id, upload.name, upload.getvalue())
        if result.problems:
            st.error(t("ingest.page.backcheck.problems", n=len(result.problems)))
            st.dataframe(
                [{k: p[k] for k in ("line", "column", "value", f"message_{lang()}")} for p in result.problems],
                key="outcome_problems",
            )
        else:
            st.success(t("ingest.page.backcheck.imported", n=result.imported))

report = ga.backcheck_report(actor, sample_id)
level = st.segmented_control(
    t("ingest.page.quality.level"),
    ["interviewer", "commune", "province"],
    default="interviewer",
    key="bc_level",
    format_func=lambda x: t(f"ingest.page.level.{x}"),
)
st.dataframe(report.rates[level or "interviewer"], width="stretch", key="rates")
st.subheader(t("ingest.page.backcheck.flagged"))
if report.flagged.empty:
    st.success(t("ingest.page.quality.no_flags"))
else:
    st.dataframe(report.flagged, width="stretch", key="flagged")
if actor.can("invalidate_forms"):
    st.subheader(t("ingest.page.backcheck.invalidate"))
    reasons = {r["code"]: r[lang()] for r in ga.reason_codes()}
    with st.form("invalidate"):
        codes = st.multiselect(t("ingest.page.review.forms"), cases["form_code"].tolist(), key="invalid_codes")
        reason = st.selectbox(
            t("ingest.page.backcheck.reason"), list(reasons), format_func=reasons.get, key="invalid_reason"
        )
        note = st.text_input(t("ingest.page.review.comment"), key="invalid_note")
        if st.form_submit_button(t("ingest.page.backcheck.invalidate"), icon=":material/block:") and codes:
            st.success(
                t("ingest.page.backcheck.invalidated", n=ga.invalidate(actor, survey_id, codes, str(reason), note))
            )
