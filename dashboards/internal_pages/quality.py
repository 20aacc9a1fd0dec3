"""Survey quality (analysts, data officers): high-frequency flags with the forms behind them, valid-form rate per
province, form review (accept, reject with a comment, accept every clean form)."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import ingest_access as ga
from dashboards.internal_pages.common import lang, require_actor, t
from dashboards.internal_pages.data_common import survey_picker

actor = require_actor()
st.title(t("ingest.page.quality.title"))
st.caption(t("ingest.page.quality.caption"))
survey_id = survey_picker("quality_survey")
if survey_id is None:
    st.stop()
try:
    view = ga.quality(actor, survey_id)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()

flags = view["flags"]
level = st.segmented_control(
    t("ingest.page.quality.level"),
    ["interviewer", "commune", "province"],
    default="interviewer",
    key="level",
    format_func=lambda x: t(f"ingest.page.level.{x}"),
)
shown = flags[flags["level"] == level].assign(
    check=lambda f: f["check"].map(lambda c: t(f"ingest.page.check.{c}")), n_forms=lambda f: f["forms"].map(len)
)
if shown.empty:
    st.success(t("ingest.page.quality.no_flags"))
else:
    st.dataframe(
        shown[["key", "check", "value", "limit", "n_forms"]],
        hide_index=True,
        width="stretch",
        key="flags",
        column_config={
            "key": t(f"ingest.page.level.{level}"),
            "check": t("ingest.page.quality.check"),
            "value": st.column_config.NumberColumn(t("ingest.page.quality.value"), format="%.2f"),
            "limit": st.column_config.NumberColumn(t("ingest.page.quality.limit"), format="%.2f"),
            "n_forms": t("ingest.page.quality.forms"),
        },
    )
    picked = st.selectbox(
        t("ingest.page.quality.behind"),
        list(range(len(shown))),
        format_func=lambda i: f"{shown.iloc[i]['key']} — {shown.iloc[i]['check']}",
        key="flag_pick",
    )
    st.code(", ".join(shown.iloc[int(picked)]["forms"]) or "—", language=None)

st.subheader(t("ingest.page.quality.valid_rate"))
rates = view["valid_rate"]
st.dataframe(
    rates[["unit_code", f"name_{lang()}", "received", "valid", "valid_rate"]],
    hide_index=True,
    width="stretch",
    key="rates",
    column_config={"valid_rate": st.column_config.NumberColumn("%", format="%.2f")},
)

st.subheader(t("ingest.page.review.title"))
st.caption(t("ingest.page.review.caption"))
st.dataframe(view["states"], hide_index=True, key="states")
waiting = view["waiting"]
codes = st.multiselect(t("ingest.page.review.forms"), waiting, key="review_codes", max_selections=500)
action = st.radio(
    t("ingest.page.review.action"),
    ["accept", "reject", "correct"],
    horizontal=True,
    key="review_action",
    format_func=lambda a: t(f"ingest.page.review.{a}"),
)
comment = st.text_input(t("ingest.page.review.comment"), key="review_comment")
left, right = st.columns(2)
if left.button(t("ingest.page.review.apply"), key="review_apply", icon=":material/rule:") and codes:
    try:
        moved = ga.review_forms(actor, survey_id, codes, action, comment)
    except DomainError as exc:
        st.error(exc.message(lang()))
    else:
        st.success(t("ingest.page.review.moved", n=moved))
if right.button(
    t("ingest.page.review.accept_clean", n=len(waiting)),
    key="accept_clean",
    icon=":material/done_all:",
    disabled=not waiting,
):
    try:
        st.success(t("ingest.page.review.moved", n=ga.accept_clean(actor, survey_id)))
    except DomainError as exc:
        st.error(exc.message(lang()))
