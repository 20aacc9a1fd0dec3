"""My unit's results: a unit officer's own unit in every approved or published result set — the preview
between approval and publication, and the published figures after. No other unit's figure is shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages.common import lang, local, require_actor, show_error, t

actor = require_actor()
st.title(t("staff.preview.title"))
st.caption(t("staff.preview.caption"))
try:
    rows = ia.unit_preview(actor)
except DomainError as exc:
    show_error(exc)
    st.stop()
if rows.empty:
    st.info(t("staff.preview.none"))
    st.stop()
name = "name_vi" if lang() == "vi" else "name_en"
for set_id, part in rows.groupby("result_set_id", sort=False):
    first = part.iloc[0]
    status = t(f"workflow.status.{first['status']}")
    index_name = t("index." + str(first["index"]))
    st.subheader(f"{index_name} {first['year']} — v{first['version']} ({status})")
    when = first["publish_at"] if pd.notna(first["publish_at"]) else None
    if bool(first["public"]):
        st.caption(t("staff.preview.published", at=local(when)))
    elif when is None:
        st.info(t("staff.preview.not_scheduled"))
    else:
        st.info(t("staff.preview.public_from", at=local(when)))
    shown = part.assign(unit=part[name].where(part["scope"] == "unit", t("staff.preview.national")))
    st.dataframe(
        shown[["unit", "metric", "value", "max_value", "rank", "rank_low", "rank_high", "group"]],
        hide_index=True,
        width="stretch",
        key=f"preview_{set_id}",
    )
