"""Result sets: every version with its status; one set's figures and history; workflow actions by role."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.auth.permissions import ACTION_NAMES
from backend.db import session_scope
from backend.errors import DomainError
from backend.services.internal_query import list_result_sets, result_rows
from backend.services.workflow import STATUS_NAMES, TRANSITIONS, history, transition
from dashboards.internal_pages.common import lang, require_actor, tr

actor = require_actor()
st.title(tr("Bộ kết quả", "Result sets"))
st.caption(
    tr(
        "Mỗi lần tính tạo một phiên bản bất biến. Trạng thái: nháp → đã thẩm định → hội đồng thống nhất → phê duyệt → công bố.",
        "Each computation makes an immutable version. Status: draft → appraised → agreed → approved → published.",
    )
)

try:
    with session_scope() as session:
        sets = list_result_sets(session, actor=actor)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()

if sets.empty:
    st.info(
        tr(
            "Chưa có bộ kết quả nào. Chạy `python -m backend compute …`.",
            "No result sets yet. Run `python -m backend compute …`.",
        )
    )
    st.stop()

shown = sets.assign(status=sets["status"].map(lambda s: STATUS_NAMES[s][0 if lang() == "vi" else 1]))
SET_COLUMNS = {
    "id": ("Mã", "Id"),
    "index": ("Chỉ số", "Index"),
    "year": ("Năm", "Year"),
    "scope": ("Đối tượng", "Units"),
    "version": ("Phiên bản", "Version"),
    "status": ("Trạng thái", "Status"),
    "dataset": ("Bộ dữ liệu", "Dataset"),
    "demo": ("Minh họa", "Demo"),
    "computed_at": ("Thời điểm tính (UTC)", "Computed at (UTC)"),
    "computed_by": ("Người tính", "Computed by"),
    "publish_at": ("Công bố từ (UTC)", "Public from (UTC)"),
    "framework": ("Phương pháp", "Framework"),
    "inputs_hash": ("Mã băm đầu vào", "Inputs hash"),
}
HISTORY_COLUMNS = {
    "at": ("Thời điểm (UTC)", "At (UTC)"),
    "actor": ("Người thực hiện", "By"),
    "action": ("Thao tác", "Action"),
    "from": ("Từ", "From"),
    "to": ("Sang", "To"),
    "reason": ("Lý do", "Reason"),
    "publish_at": ("Công bố từ (UTC)", "Public from (UTC)"),
}


def _labels(columns: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {key: tr(vi, en) for key, (vi, en) in columns.items()}


st.dataframe(shown, hide_index=True, width="stretch", key="sets_table", column_config=_labels(SET_COLUMNS))

choice = st.selectbox(
    tr("Chọn bộ kết quả", "Choose a result set"),
    sets["id"].tolist(),
    format_func=lambda i: "#{} {} {} {} v{} ({})".format(
        *sets.loc[sets["id"] == i, ["id", "index", "year", "scope", "version", "status"]].iloc[0]
    ),
    key="result_set_id",
)
row = sets.loc[sets["id"] == choice].iloc[0]
if bool(row["demo"]):
    st.warning(tr("Dữ liệu minh họa (demo), không phải số liệu chính thức.", "Demo data, not official figures."))

with session_scope() as session:
    rows = result_rows(session, actor=actor, result_set_id=int(choice), metric=str(row["index"]))
    events = history(session, int(choice))

left, right = st.columns([3, 2])
with left:
    st.subheader(tr("Xếp hạng", "Ranking"))
    name_col = "name_vi" if lang() == "vi" else "name_en"
    table = rows[rows["scope"] == "unit"][[name_col, "value", "ci_low", "ci_high", "rank", "group", "n"]]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            name_col: tr("Đơn vị", "Unit"),
            "value": st.column_config.NumberColumn(tr("Giá trị (%)", "Value (%)"), format="%.2f"),
            "ci_low": st.column_config.NumberColumn(tr("KTC 95% dưới", "95% CI low"), format="%.2f"),
            "ci_high": st.column_config.NumberColumn(tr("KTC 95% trên", "95% CI high"), format="%.2f"),
            "rank": tr("Hạng", "Rank"),
            "group": tr("Nhóm", "Group"),
            "n": tr("Số phiếu hợp lệ", "Valid forms"),
        },
    )
with right:
    st.subheader(tr("Lịch sử", "History"))
    if events:
        st.dataframe(events, hide_index=True, width="stretch", column_config=_labels(HISTORY_COLUMNS))
    else:
        st.caption(tr("Chưa có bước nào.", "No steps yet."))

possible = [name for name, (perm, sources, _) in TRANSITIONS.items() if row["status"] in sources and actor.can(perm)]
if possible:
    st.subheader(tr("Thao tác", "Actions"))
    action = st.radio(
        tr("Bước tiếp theo", "Next step"),
        possible,
        horizontal=True,
        key="next_action",
        format_func=lambda a: ACTION_NAMES[a][0 if lang() == "vi" else 1],
    )
    reason = st.text_area(tr("Lý do / ghi chú", "Reason / note"), key="action_reason")
    publish_at = None
    if action == "publish":
        day = st.date_input(
            tr("Ngày công bố", "Publication date"), value=dt.date.today(), key="publish_day", format="DD/MM/YYYY"
        )
        clock = st.time_input(
            tr("Giờ công bố (giờ Việt Nam)", "Publication time (Vietnam time)"), value=dt.time(9, 0), key="publish_time"
        )
        publish_at = dt.datetime.combine(day, clock, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    if st.button(tr("Xác nhận", "Confirm"), key="confirm_action", type="primary"):
        try:
            with session_scope() as session:
                transition(
                    session,
                    actor=actor,
                    result_set_id=int(choice),
                    action=str(action),
                    reason=reason,
                    publish_at=publish_at,
                )
        except DomainError as exc:
            st.error(exc.message(lang()))
        else:
            st.success(tr("Đã thực hiện.", "Done."))
            st.rerun()
