"""Audit log (admin, leader): the newest entries and whether the hash chain is intact."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, lang, require_actor, t

actor = require_actor()
st.title(t("internal.audit.title"))
try:
    entries, broken = ia.audit(actor)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()
if broken:
    st.error(t("internal.audit.broken", ids=broken))
else:
    st.success(t("internal.audit.intact"))
st.dataframe(
    entries, hide_index=True, width="stretch", column_config=labels("internal.audit.col", list(entries.columns))
)
