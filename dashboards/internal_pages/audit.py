"""Audit log (administrators, leaders): filter events by time, person, action, object and text; the state of the
hash chain and its head; export what is shown (an audited event)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.errors import DomainError
from backend.services.internal_query import AuditFilter
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, require_actor, show_error, t

actor = require_actor()
st.title(t("internal.audit.title"))
cols = st.columns(4)
today = dt.date.today()
period = cols[0].date_input(
    t("staff.audit.period"), (today - dt.timedelta(days=30), today), key="audit_period", format="DD/MM/YYYY"
)
who = cols[1].text_input(t("staff.audit.actor"), key="audit_actor", max_chars=64)
entity = cols[2].text_input(t("staff.audit.entity"), key="audit_entity", max_chars=64)
text = cols[3].text_input(t("staff.audit.text"), key="audit_text", max_chars=200)
since, until = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
actions = tuple(st.session_state.get("audit_actions") or ())
flt = AuditFilter(since=since, until=until, actor=who, actions=actions, entity=entity.strip(), text=text)
try:
    entries, chain, known = ia.audit(actor, flt)
except DomainError as exc:
    show_error(exc)
    st.stop()
st.multiselect(t("staff.audit.actions"), known, key="audit_actions")
if chain.intact:
    st.success(t("internal.audit.intact"))
elif chain.broken:
    st.error(t("internal.audit.broken", ids=list(chain.broken)[:20]))
else:
    st.error(t("staff.audit.head_mismatch", missing=chain.missing, entries=chain.entries, head=chain.head_entries))
st.caption(t("staff.audit.count", n=len(entries)))
st.dataframe(
    entries, hide_index=True, width="stretch", column_config=labels("internal.audit.col", list(entries.columns))
)
if actor.can("export_audit"):
    st.download_button(
        t("staff.audit.export"),
        data=lambda: ia.export_audit(actor, flt),  # called on click: the export is recorded then
        file_name=f"audit_{today.isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="audit_export",
    )
