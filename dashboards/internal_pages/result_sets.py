"""Result sets: every version with its status; one set's figures and history; workflow actions by role."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, lang, require_actor, t

actor = require_actor()
st.title(t("internal.sets.title"))
st.caption(t("internal.sets.caption"))
try:
    sets = ia.result_sets(actor)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()
if sets.empty:
    st.info(t("internal.sets.none"))
    st.stop()

shown = sets.assign(status=sets["status"].map(lambda s: t(f"workflow.status.{s}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="sets_table",
    column_config=labels("internal.sets.col", list(sets.columns)),
)
choice = st.selectbox(
    t("internal.sets.choose"),
    sets["id"].tolist(),
    format_func=lambda i: "#{} {} {} {} v{} ({})".format(
        *sets.loc[sets["id"] == i, ["id", "index", "year", "scope", "version", "status"]].iloc[0]
    ),
    key="result_set_id",
)
row = sets.loc[sets["id"] == choice].iloc[0]
if bool(row["demo"]):
    st.warning(t("internal.sets.demo"))
rows, events = ia.result_set_detail(actor, int(choice), str(row["index"]))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("internal.sets.ranking"))
    name_col = "name_vi" if lang() == "vi" else "name_en"
    table = rows[rows["scope"] == "unit"][[name_col, "value", "ci_low", "ci_high", "rank", "group", "n"]]
    config = labels("internal.sets.col", ["rank", "group", "n"])
    config[name_col] = t("internal.sets.col.unit")
    for key in ("value", "ci_low", "ci_high"):
        config[key] = st.column_config.NumberColumn(t(f"internal.sets.col.{key}"), format="%.2f")  # type: ignore[assignment]
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
with right:
    st.subheader(t("internal.sets.history"))
    if events:
        keys = ["at", "actor", "action", "from", "to", "reason", "publish_at"]
        st.dataframe(events, hide_index=True, width="stretch", column_config=labels("internal.sets.col", keys))
    else:
        st.caption(t("internal.sets.no_steps"))

possible = ia.possible_actions(actor, str(row["status"]))
if possible:
    st.subheader(t("internal.sets.actions"))
    action = st.radio(
        t("internal.sets.next_step"),
        possible,
        horizontal=True,
        key="next_action",
        format_func={a: t(f"auth.action.{a}") for a in possible}.get,  # labels made in the reader's language now
    )
    reason = st.text_area(t("internal.sets.reason"), key="action_reason")
    publish_at = None
    if action == "publish":
        day = st.date_input(
            t("internal.sets.publish_day"), value=dt.date.today(), key="publish_day", format="DD/MM/YYYY"
        )
        clock = st.time_input(t("internal.sets.publish_time"), value=dt.time(9, 0), key="publish_time")
        publish_at = dt.datetime.combine(day, clock, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    if st.button(t("internal.sets.confirm"), key="confirm_action", type="primary"):
        try:
            ia.transition(actor, int(choice), str(action), reason, publish_at)
        except DomainError as exc:
            st.error(exc.message(lang()))
        else:
            st.success(t("internal.sets.done"))
            st.rerun()
