"""`python -m backend user …` and `python -m backend audit …`: bootstrap, --as sign-in, every change audited,
clear refusals (exit 2), the chain check for a scheduled job (exit 1 when broken)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from backend.cli import main
from backend.db import get_engine

ROOT_PASSWORD = "root password 123"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_user_commands(store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAR_NEW_PASSWORD", ROOT_PASSWORD)
    assert _run(capsys, "user", "add", "root", "--role", "admin")[0] == 0  # bootstrap: the first administrator
    code, out = _run(capsys, "user", "add", "lan", "--role", "leader")
    assert code == 2 and "--as" in out  # from now on somebody signs in
    monkeypatch.setenv("PAR_PASSWORD", ROOT_PASSWORD)
    monkeypatch.setenv("PAR_NEW_PASSWORD", "lan password 123")
    assert _run(capsys, "user", "add", "lan", "--role", "leader", "--email", "lan@moha.gov.vn", "--as", "root")[0] == 0
    code, out = _run(
        capsys, "user", "grant", "lan", "--role", "unit_officer", "--scope", "province_34:99", "--as", "root"
    )
    assert code == 2 and "province_34:99" in out and "Traceback" not in out
    assert (
        _run(capsys, "user", "grant", "lan", "--role", "unit_officer", "--scope", "province_34:01", "--as", "root")[0]
        == 0
    )
    assert _run(capsys, "user", "revoke", "lan", "--role", "leader", "--reason", "moved", "--as", "root")[0] == 0
    code, out = _run(capsys, "user", "reset-password", "lan", "--generate", "--as", "root")
    assert code == 0 and "password (shown once):" in out
    assert _run(capsys, "user", "disable", "lan", "--reason", "left", "--as", "root")[0] == 0
    code, out = _run(capsys, "user", "list", "--as", "root")
    assert code == 0 and "unit_officer@province_34:01" in out and "False" in out
    monkeypatch.setenv("PAR_PASSWORD", "wrong password")
    code, out = _run(capsys, "user", "list", "--as", "root")
    assert code == 2 and "Wrong username or password" in out
    with get_engine(store_url).connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
    for expected in ("create_user", "grant_role", "revoke_role", "reset_password", "disable_user", "login_failed"):
        assert expected in actions
    assert "refused" in actions  # the add without a signed-in administrator


def test_audit_commands(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAR_NEW_PASSWORD", ROOT_PASSWORD)
    monkeypatch.setenv("PAR_PASSWORD", ROOT_PASSWORD)
    assert _run(capsys, "user", "add", "root", "--role", "admin")[0] == 0
    code, out = _run(capsys, "audit", "verify")
    assert code == 0 and "intact" in out
    target = tmp_path / "audit.csv"
    code, out = _run(capsys, "audit", "export", "--out", str(target), "--action", "create_user", "--as", "root")
    assert code == 0 and "1 events" in out and "create_user" in target.read_text(encoding="utf-8-sig")
    engine = get_engine(store_url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'export'")).scalar() == 1
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"))
    code, out = _run(capsys, "audit", "verify")
    assert code == 1 and "NOT INTACT" in out
