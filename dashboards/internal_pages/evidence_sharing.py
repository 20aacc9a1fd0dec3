"""Evidence in the PAR database (a unit's officer): allow, per year, the public PAR database to show which of the
unit's self-assessment evidence it links, or stop showing it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import internal_voice as iv
from dashboards.internal_pages.common import labels, lang, require_actor, t
from dashboards.internal_pages.voice_ui import run

actor = require_actor()
st.title(t("voice.staff.sharing.title"))
st.caption(t("voice.staff.sharing.caption"))
units = iv.officer_units(actor)
if units.empty:
    st.info(t("voice.staff.sharing.no_units"))
    st.stop()
names = dict(zip(units["unit_id"].astype(int), units["name_vi" if lang() == "vi" else "name_en"], strict=False))
unit_id = st.selectbox(t("pardb.unit"), list(names), format_func=names.get, key="share_unit")
year = int(
    st.number_input(t("pardb.year"), min_value=2000, max_value=2100, value=dt.date.today().year - 1, key="share_year")
)
shares = iv.evidence_shares(actor)
allowed = bool(((shares["unit_id"] == unit_id) & (shares["year"] == year)).any())
st.markdown(t("voice.staff.sharing.allowed") if allowed else t("voice.staff.sharing.not_allowed"))
if st.button(
    t("voice.staff.sharing.stop" if allowed else "voice.staff.sharing.allow"), key="share_toggle", type="primary"
) and run(lambda: iv.share_evidence(actor, int(unit_id), year, not allowed)):
    st.rerun()
if not shares.empty:
    st.dataframe(
        shares,
        hide_index=True,
        width="stretch",
        key="shares_table",
        column_config=labels("voice.staff.col", list(shares.columns)),
    )
