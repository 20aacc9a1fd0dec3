"""Real browser (Debian chromium via Playwright) on the internal app: a leader signs in, opens the approval
panel, approves a result set with a reason, and signs out; the store records the step, its reason and the
logins."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from backend.db import get_engine
from tests.e2e.conftest import wait_ready
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("internal_browser")]
REASON = "Bộ trưởng đồng ý ngày 12/3"


def test_login_approve_with_a_reason_and_logout(page: Any, internal_server: tuple[str, str, int]) -> None:
    base, url, set_id = internal_server
    page.goto(base)
    wait_ready(page)
    page.get_by_label("Tên đăng nhập").fill("dung")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Bảng phê duyệt").first.wait_for(timeout=60_000)
    page.get_by_text("Bảng phê duyệt").first.click()
    wait_ready(page)
    page.locator("h1:has-text('Bảng phê duyệt')").wait_for(timeout=60_000)
    page.get_by_text("Bước tiếp theo").wait_for(timeout=60_000)  # the agreed set comes first: its next steps
    page.get_by_text("phê duyệt", exact=True).click()
    page.get_by_label("Lý do / ghi chú").fill(REASON)
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Đã thực hiện.").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text("Lịch sử", exact=True).click()  # the history tab: a table whose own CSV export is hidden
    table = page.locator('[data-testid="stDataFrame"]:visible').first
    table.hover()
    page.wait_for_timeout(500)
    assert page.locator('button[aria-label="Download as CSV"]').count() >= 1  # the toolbar is there …
    assert page.locator('button[aria-label="Download as CSV"]:visible').count() == 0  # … without its CSV button
    with get_engine(url).connect() as conn:
        status = conn.execute(text("SELECT status FROM result_set WHERE id = :i"), {"i": set_id}).scalar()
        entry = conn.execute(
            text("SELECT actor, reason FROM audit_log WHERE action = 'approve' AND entity_id = :i"), {"i": str(set_id)}
        ).one()
    assert status == "approved" and tuple(entry) == ("dung", REASON)
    page.get_by_text("Đăng xuất").first.click()
    page.get_by_role("button", name="Đăng nhập").wait_for(timeout=60_000)
    with get_engine(url).connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE actor = 'dung' ORDER BY id")).scalars().all()
    assert actions[0] == "login" and actions[-1] == "logout"
