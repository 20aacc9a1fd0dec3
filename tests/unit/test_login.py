"""Login: argon2, the same work for unknown and known users, lockout with a growing delay per account and per
address, every outcome audited with bounded fields, OIDC claims mapped to stored accounts only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from backend.auth import login as login_module
from backend.auth.login import authenticate, authenticate_oidc
from backend.auth.throttle import Policy, lock_delay
from backend.models import AuditLog, User
from tests.factories import PASSWORD, make_user


def _actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]  # type: ignore[arg-type]


def test_lock_delay_grows_and_is_capped() -> None:
    policy = Policy(max_failures=5, lock_seconds=30, max_lock_seconds=3600, window_seconds=900)
    assert [lock_delay(n, policy) for n in (1, 4, 5, 6, 7, 8)] == [0, 0, 30, 60, 120, 240]
    assert lock_delay(40, policy) == 3600


def test_login_and_failures_are_audited(session: Session) -> None:
    make_user(session, "lan", "leader", "council")
    outcome = authenticate(session, "lan", PASSWORD, address="10.0.0.1")
    assert outcome.actor is not None and outcome.actor.roles == {"leader", "council"}
    wrong = authenticate(session, "lan", "wrong password", address="10.0.0.1")
    unknown = authenticate(session, "nobody", PASSWORD, address="10.0.0.1")
    assert wrong.actor is None and unknown.actor is None
    assert wrong.error().message("en") == unknown.error().message("en")  # type: ignore[union-attr]  # no hint which
    assert _actions(session) == ["login", "login_failed", "login_failed"]
    entry = session.exec(select(AuditLog).where(AuditLog.action == "login")).one()
    assert json.loads(entry.detail)["address"] == "10.0.0.1"


def test_unknown_and_known_users_do_the_same_work(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """One argon2 verification and the same store writes whether the user exists, is disabled or not."""
    make_user(session, "lan", "leader")
    make_user(session, "old", "leader", active=False)
    calls: list[str] = []
    real = login_module.verify_password

    def counted(password_hash: str, password: str) -> bool:
        calls.append(password_hash[:9])
        return real(password_hash, password)

    monkeypatch.setattr(login_module, "verify_password", counted)
    monkeypatch.setattr("backend.auth.passwords.verify_password", counted)
    for name in ("lan", "old", "nobody", "x" * 5_000_000):
        before = len(calls)
        assert authenticate(session, name, "wrong password").actor is None
        assert len(calls) - before == 1, name
        assert calls[-1] == "$argon2id"  # a real argon2 hash was checked, for every name
    assert _actions(session) == ["login_failed"] * 4


def test_huge_username_is_stored_bounded(session: Session) -> None:
    authenticate(session, "x" * 5_000_000, "whatever password")
    entry = session.exec(select(AuditLog)).one()
    assert len(entry.actor) <= 64 and entry.actor.endswith("…[5000000]")
    assert json.loads(entry.detail)["name_length"] == 5_000_000


def test_account_lockout_with_growing_delay(session: Session) -> None:
    make_user(session, "lan", "leader")
    for _ in range(5):
        assert authenticate(session, "lan", "wrong password").reason == "wrong"
    locked = authenticate(session, "lan", PASSWORD)  # even the right password is refused while locked
    assert locked.actor is None and locked.reason == "locked" and locked.locked_until is not None
    first_lock = locked.locked_until - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=20) < first_lock <= dt.timedelta(seconds=30)
    assert "Too many failed sign-ins" in locked.error().message("en")  # type: ignore[union-attr]
    assert _actions(session)[-3:] == ["login_failed", "lockout", "login_refused"]
    # another account from another address is not affected
    make_user(session, "binh", "appraiser")
    assert authenticate(session, "binh", PASSWORD).actor is not None


def test_lock_doubles_after_the_lock_ends(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(session, "lan", "leader")
    for _ in range(5):
        authenticate(session, "lan", "wrong password")
    session.connection().exec_driver_sql("UPDATE login_throttle SET locked_until = NULL")  # the first lock is over
    authenticate(session, "lan", "wrong password")  # the 6th failure in a row
    until = authenticate(session, "lan", PASSWORD).locked_until
    assert until is not None and until - dt.datetime.now(dt.UTC) > dt.timedelta(seconds=50)


def test_address_lockout_across_accounts(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGIN_MAX_FAILURES_ADDRESS", "6")
    from backend.settings import get_settings

    get_settings.cache_clear()
    make_user(session, "lan", "leader")
    for i in range(6):  # six different guessed accounts from one address
        authenticate(session, f"guess{i}", "wrong password", address="203.0.113.9")
    refused = authenticate(session, "lan", PASSWORD, address="203.0.113.9")
    assert refused.reason == "locked"
    assert authenticate(session, "lan", PASSWORD, address="198.51.100.7").actor is not None  # another address
    get_settings.cache_clear()


def test_success_clears_the_account_count(session: Session) -> None:
    make_user(session, "lan", "leader")
    for _ in range(4):
        authenticate(session, "lan", "wrong password")
    assert authenticate(session, "lan", PASSWORD).actor is not None
    for _ in range(4):
        authenticate(session, "lan", "wrong password")
    assert authenticate(session, "lan", PASSWORD).actor is not None  # 4 + 4 failures, never 5 in a row


def test_oidc_maps_verified_email_to_an_active_account(session: Session) -> None:
    make_user(session, "lan", "leader")
    user = session.exec(select(User).where(User.username == "lan")).one()
    user.email = "Lan@MOHA.gov.vn"
    session.add(user)
    session.flush()
    ok = authenticate_oidc(session, {"email": "lan@moha.gov.vn", "email_verified": True, "roles": ["admin"]})
    assert ok.actor is not None and ok.actor.roles == {"leader"}  # roles from the store, never from the claims
    assert authenticate_oidc(session, {"email": "lan@moha.gov.vn", "email_verified": False}).actor is None
    assert authenticate_oidc(session, {"email": "someone@else.vn"}).reason == "oidc_unknown"
    assert _actions(session) == ["login", "login_failed", "login_failed"]
