"""The audit trail: hash chain, recorded head (deleting the newest entries is detected), bounded fields, refusals
recorded after a rollback, and concurrent writers that cannot fork the chain."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from backend.audit import audited_scope, check_chain, clip, record, verify_chain
from backend.auth.login import authenticate
from backend.db import get_engine, session_scope
from backend.errors import DomainError
from tests.factories import make_user


def test_audit_chain_detects_tampering(session: Session) -> None:
    for i in range(3):
        record(session, actor="t", action="a", entity="e", entity_id=str(i), detail={"i": i})
    session.commit()
    assert verify_chain(session) == []
    # bypass the append-only trigger to simulate tampering at file level
    conn = session.connection()
    conn.execute(text("DROP TRIGGER audit_log_no_update"))
    conn.execute(text("UPDATE audit_log SET detail = :d WHERE entity_id = '1'"), {"d": json.dumps({"i": 99})})
    session.expire_all()
    assert len(verify_chain(session)) == 1


def test_deleting_the_newest_entries_is_detected(session: Session) -> None:
    for i in range(5):
        record(session, actor="t", action="a", entity="e", entity_id=str(i), reason="why", before="x", after="y")
    session.commit()
    assert check_chain(session).intact
    conn = session.connection()
    conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    conn.execute(text("DELETE FROM audit_log WHERE id > 3"))  # what is left is still a valid chain
    result = check_chain(session)
    assert result.broken == () and not result.head_matches and result.missing == 2 and not result.intact
    assert verify_chain(session) != []


def test_the_head_only_moves_forward(session: Session) -> None:
    record(session, actor="t", action="a", entity="e")
    session.commit()
    for statement in ("UPDATE audit_head SET entries = 0", "DELETE FROM audit_head"):
        with pytest.raises(DBAPIError), session.get_bind().begin() as conn:  # type: ignore[union-attr]
            conn.execute(text(statement))


def test_fields_are_bounded(session: Session) -> None:
    entry = record(
        session,
        actor="a" * 10_000,
        action="x",
        entity="e",
        entity_id="9" * 500,
        reason="r" * 100_000,
        detail={"name": "n" * 1_000_000, "items": list(range(10_000))},
    )
    assert len(entry.actor) <= 64 and len(entry.entity_id) <= 64 and len(entry.reason) <= 2000
    assert len(entry.detail) <= 8000 and "…[1000000]" in entry.detail
    assert clip("abc", 10) == "abc"
    session.commit()
    assert verify_chain(session) == []
    with pytest.raises(DBAPIError), session.get_bind().begin() as conn:  # type: ignore[union-attr]
        conn.execute(  # the store itself refuses an oversized entry written around backend.audit
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) "
                "VALUES (CURRENT_TIMESTAMP, :a, 'x', 'e', '', '{}', '', 'h')"
            ),
            {"a": "a" * 65},
        )


def test_refusals_are_recorded_after_the_rollback(store_url: str) -> None:
    engine = get_engine(store_url)
    with pytest.raises(DomainError), audited_scope(engine) as session:
        record(session, actor="someone", action="work", entity="e")  # rolled back with the refusal
        raise DomainError("x", "x").audited(actor="someone", action="refused", entity="e", detail={"why": "test"})
    with session_scope(engine) as session:
        rows = session.connection().execute(text("SELECT action FROM audit_log")).scalars().all()
        assert rows == ["refused"] and verify_chain(session) == []


def test_concurrent_failed_logins_keep_the_chain(store_url: str) -> None:
    """Six 'browsers' failing to log in at once (threads, separate connections): the chain stays intact and
    every attempt is recorded once (as a failure, or as refused once the account is locked)."""
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        make_user(session, "lan", "leader")
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def browser(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                with session_scope(engine) as session:
                    authenticate(session, "lan", f"wrong {i}", address=f"10.0.0.{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=browser, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with session_scope(engine) as session:
        result = check_chain(session)
        assert result.intact and result.entries >= 30
        count = session.connection().execute(
            text("SELECT count(*) FROM audit_log WHERE action IN ('login_failed', 'login_refused')")
        )
        assert count.scalar() == 30
