"""Online-survey results (content editors, leaders, administrators): every computed version with its figures;
a leader approves a version (not the one who computed it) and publishes it at a chosen time (embargo), as for
the indices. These figures are labelled "online, self-selected — not comparable with SIPAS"."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import internal_voice as iv
from dashboards.internal_pages.common import labels, require_actor, t
from dashboards.internal_pages.voice_ui import VN, run

actor = require_actor()
st.title(t("voice.staff.results.title"))
st.warning(t("voice.results.label"), icon=":material/info:")
versions = iv.results(actor)
if versions.empty:
    st.info(t("voice.staff.results.none"))
    st.stop()
shown = versions.assign(status=versions["status"].map(lambda s: t(f"voice.staff.status.{s}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="voice_results",
    column_config=labels("voice.staff.col", list(versions.columns)),
)
choice = st.selectbox(
    t("voice.staff.results.choose"),
    versions["id"].tolist(),
    format_func=lambda i: "#{} {} v{} ({})".format(
        *versions.loc[versions["id"] == i, ["id", "survey", "version", "status"]].iloc[0]
    ),
    key="voice_result_id",
)
row = versions.loc[versions["id"] == choice].iloc[0]
figures = iv.result_rows(actor, int(choice))
units = iv.units()
names = dict(zip(units["unit_id"].astype(int), units["name_vi"], strict=False))
figures = figures.assign(
    unit=[t("voice.results.all_provinces") if pd.isna(u) else names.get(int(u), "") for u in figures["unit_id"]]
)
st.dataframe(
    figures[["unit", "item_code", "metric", "option", "value", "n"]],
    hide_index=True,
    width="stretch",
    key="voice_result_rows",
    column_config=labels("voice.staff.col", ["unit", "item_code", "metric", "option", "value", "n"]),
)
possible = iv.result_actions(actor, str(row["status"]))
if possible:
    st.subheader(t("voice.staff.results.actions"))
    action = st.radio(
        t("voice.staff.results.next"),
        possible,
        horizontal=True,
        key="voice_next",
        format_func={a: t(f"auth.action.{a}") for a in possible}.get,
    )
    reason = st.text_area(t("voice.staff.reason"), key="voice_reason")
    publish_at = None
    if action == "publish":
        day = st.date_input(
            t("voice.staff.results.publish_day"), value=dt.date.today(), key="voice_publish_day", format="DD/MM/YYYY"
        )
        clock = st.time_input(t("voice.staff.results.publish_time"), value=dt.time(9, 0), key="voice_publish_time")
        publish_at = dt.datetime.combine(day, clock, tzinfo=VN)
    if st.button(t("voice.staff.confirm"), key="voice_confirm", type="primary") and run(
        lambda: iv.result_step(actor, int(choice), str(action), reason, publish_at)
    ):
        st.rerun()
