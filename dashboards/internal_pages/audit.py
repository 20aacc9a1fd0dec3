"""Audit log (admin, leader): the newest entries and whether the hash chain is intact."""

from __future__ import annotations

import streamlit as st

from backend.audit import verify_chain
from backend.db import session_scope
from backend.errors import DomainError
from backend.services.internal_query import audit_entries
from dashboards.internal_pages.common import lang, require_actor, tr

actor = require_actor()
st.title(tr("Nhật ký kiểm toán", "Audit log"))
try:
    with session_scope() as session:
        entries = audit_entries(session, actor=actor)
        broken = verify_chain(session)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()

if broken:
    st.error(tr(f"Chuỗi băm bị phá vỡ tại các mục: {broken}", f"The hash chain is broken at entries: {broken}"))
else:
    st.success(
        tr("Chuỗi băm toàn vẹn: không mục nào bị sửa hay xóa.", "Hash chain intact: no entry was altered or removed.")
    )
st.dataframe(
    entries,
    hide_index=True,
    width="stretch",
    column_config={
        "id": tr("Mã", "Id"),
        "at": tr("Thời điểm (UTC)", "At (UTC)"),
        "actor": tr("Người thực hiện", "By"),
        "action": tr("Thao tác", "Action"),
        "entity": tr("Đối tượng", "Entity"),
        "entity_id": tr("Mã đối tượng", "Entity id"),
        "detail": tr("Chi tiết", "Detail"),
    },
)
