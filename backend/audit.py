"""The audit trail: every state change, login, refusal and export of non-public data, chained by hashes.

Rules (ARCHITECTURE.md; issue 9 §7):

* each entry's hash covers its content and the previous entry's hash, so altering or removing an entry
  breaks :func:`verify_chain`; the table refuses UPDATE and DELETE (migration triggers);
* the head of the chain (newest id and hash, number of entries) is kept in ``audit_head``: removing the
  newest entries (which leaves a valid shorter chain) is detected by comparing the log with its head;
* every writer first moves the head (``UPDATE audit_head … RETURNING``): on SQLite that takes the store's
  write lock, on PostgreSQL the head row's lock, so writers append one after the other and concurrent
  transactions can never fork the chain (before, two writers read the same last entry);
* free-text fields are cut to the bounds of :mod:`backend.models.audit` (a 5,000,000-character username is
  stored as its first 64 characters and its length); the database refuses longer values too;
* a refused action is recorded even though its own transaction rolls back: a
  :class:`~backend.errors.DomainError` carrying :attr:`~backend.errors.DomainError.audit` is written by
  :func:`audited_scope` in a fresh transaction after the rollback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend.db import session_scope
from backend.errors import DomainError
from backend.models import AuditHead, AuditLog
from backend.models.audit import ACTOR_MAX, DETAIL_MAX, REASON_MAX, REF_MAX

_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_VALUE_MAX = 500  # characters of one detail value


def _digest(
    prev_hash: str,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: str,
    reason: str = "",
    before: str = "",
    after: str = "",
) -> str:
    """sha256 over the entry's fields and the previous hash. The fields added in migration 0005 (reason,
    before, after) join the payload only when one is set, so entries written before keep their hash."""
    parts = [prev_hash, at.isoformat(), actor, action, entity, entity_id, detail]
    if reason or before or after:
        parts += [reason, before, after]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def clip(text: object, limit: int) -> str:
    """``text`` cut to ``limit`` characters; a cut value says how long it was (``…[+N]``)."""
    value = str(text)
    if len(value) <= limit:
        return value
    marker = f"…[{len(value)}]"
    return value[: max(limit - len(marker), 0)] + marker


def _bounded_detail(detail: dict[str, Any] | None) -> str:
    """JSON of ``detail`` with every string value cut to 500 characters and the whole to DETAIL_MAX."""

    def cut(value: Any) -> Any:
        if isinstance(value, str):
            return clip(value, _VALUE_MAX)
        if isinstance(value, dict):
            return {clip(k, 64): cut(v) for k, v in list(value.items())[:50]}
        if isinstance(value, list | tuple):
            return [cut(v) for v in list(value)[:50]]
        return value

    text = json.dumps(cut(detail or {}), ensure_ascii=False, sort_keys=True, default=str)
    if len(text) > DETAIL_MAX:
        text = json.dumps({"truncated": clip(text, DETAIL_MAX - 40)}, ensure_ascii=False)
    return text


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str = "",
    detail: dict[str, Any] | None = None,
    reason: str = "",
    before: str = "",
    after: str = "",
) -> AuditLog:
    """Append one entry in the caller's transaction (who, what, why, before/after ids, details).

    The head is moved first: this serialises writers (see the module rules) and is where the previous
    hash is read from."""
    conn = session.connection()
    head = conn.execute(
        update(_HEAD).where(_HEAD.c.id == 1).values(entries=_HEAD.c.entries + 1).returning(_HEAD.c.last_hash)
    ).first()
    if head is None:  # pragma: no cover - migration 0005 writes the head row
        raise RuntimeError("audit_head is missing: run `python -m backend migrate`")
    prev_hash = str(head[0])
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    fields = {
        "actor": clip(actor or "?", ACTOR_MAX),
        "action": clip(action, 64),
        "entity": clip(entity, 64),
        "entity_id": clip(entity_id, REF_MAX),
        "detail": _bounded_detail(detail),
        "reason": clip(reason or "", REASON_MAX),
        "before": clip(before or "", REF_MAX),
        "after": clip(after or "", REF_MAX),
    }
    digest = _digest(prev_hash, at, *fields.values())
    entry = AuditLog(
        at=at,
        actor=fields["actor"],
        action=fields["action"],
        entity=fields["entity"],
        entity_id=fields["entity_id"],
        detail=fields["detail"],
        reason=fields["reason"],
        before_ref=fields["before"],
        after_ref=fields["after"],
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(entry)
    session.flush()
    conn.execute(update(_HEAD).where(_HEAD.c.id == 1).values(last_id=entry.id, last_hash=digest, updated_at=at))
    return entry


@dataclass(frozen=True)
class ChainCheck:
    """Result of :func:`verify_chain`: broken entry ids and whether the log still ends where its head says."""

    broken: tuple[int, ...]
    entries: int
    head_entries: int
    head_matches: bool

    @property
    def intact(self) -> bool:
        return not self.broken and self.head_matches

    @property
    def missing(self) -> int:
        """How many entries the head counts that the log no longer has (deleted newest entries)."""
        return max(self.head_entries - self.entries, 0)


def check_chain(session: Session) -> ChainCheck:
    """Verify every entry's hash and link, then the log against its recorded head (count, last id, hash)."""
    broken: list[int] = []
    prev = ""
    last_id, count = 0, 0
    log = AuditLog.__table__  # type: ignore[attr-defined]
    stmt = select(log).order_by(log.c.id)
    for row in session.connection().execute(stmt):
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        expected = _digest(
            prev,
            at.astimezone(dt.UTC),
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            row.detail,
            row.reason,
            row.before_ref,
            row.after_ref,
        )
        if row.prev_hash != prev or row.hash != expected:
            broken.append(int(row.id))
        prev, last_id, count = row.hash, int(row.id), count + 1
    head = session.exec(orm_select(AuditHead).where(AuditHead.id == 1)).first()
    head_entries = head.entries if head else 0
    matches = head is not None and head.entries == count and head.last_id == last_id and head.last_hash == prev
    return ChainCheck(tuple(broken), count, head_entries, matches)


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash does not match their content or predecessor (empty = intact). A log that
    no longer reaches its recorded head reports the head's last id (newest entries deleted)."""
    result = check_chain(session)
    broken = list(result.broken)
    if not result.head_matches:
        head = session.exec(orm_select(AuditHead).where(AuditHead.id == 1)).first()
        broken.append(head.last_id if head else 0)
    return broken


def count_entries(session: Session) -> int:
    return int(session.connection().execute(select(func.count()).select_from(AuditLog)).scalar_one())


@contextmanager
def audited_scope(engine: Engine | None = None) -> Iterator[Session]:
    """:func:`backend.db.session_scope`, and when a :class:`DomainError` carrying an audit event (a refusal)
    ends the block: the work is rolled back, then the refusal is recorded in its own transaction."""
    try:
        with session_scope(engine) as session:
            yield session
    except DomainError as exc:
        event = getattr(exc, "audit", None)
        if event:
            with session_scope(engine) as fresh:
                record(fresh, **event)
        raise
