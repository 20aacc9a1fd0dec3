"""Result sets: every version with its status; one set's figures and history; the next step by role."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, lang, require_actor, show_error, step_form, t

actor = require_actor()
st.title(t("internal.sets.title"))
st.caption(t("internal.sets.caption"))
try:
    sets = ia.result_sets(actor)
except DomainError as exc:
    show_error(exc)
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
try:
    rows, events = ia.result_set_detail(actor, int(choice), str(row["index"]))
except DomainError as exc:
    show_error(exc)
    st.stop()

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
    if actor.can("export_results"):
        st.download_button(
            t("staff.sets.export"),
            data=lambda: ia.export_set(actor, int(choice)),  # called on click: the export is recorded then
            file_name=f"result_set_{int(choice)}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="export_set",
        )

step_form(actor, int(choice), str(row["status"]), int(row["lock_version"]), key="sets_step")
