"""The audit trail: every write a service makes is recorded here, chained by hashes.

Each entry's hash covers its content and the previous entry's hash, so removing or altering an
entry breaks :func:`verify_chain`. The table itself refuses UPDATE and DELETE (migration triggers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlmodel import Session, col, select

from backend.models import AuditLog


def _digest(prev_hash: str, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str, detail: str) -> str:
    payload = "\x1f".join([prev_hash, at.isoformat(), actor, action, entity, entity_id, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session, *, actor: str, action: str, entity: str, entity_id: str = "", detail: dict[str, Any] | None = None
) -> AuditLog:
    """Append one entry (in the caller's transaction)."""
    last = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(1)).first()
    prev_hash = last.hash if last else ""
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditLog(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=text,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, actor, action, entity, entity_id, text),
    )
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash does not match their content or predecessor (empty = intact)."""
    broken: list[int] = []
    prev = ""
    for entry in session.exec(select(AuditLog).order_by(col(AuditLog.id))).all():
        at = entry.at.astimezone(dt.UTC)
        expected = _digest(prev, at, entry.actor, entry.action, entry.entity, entry.entity_id, entry.detail)
        if entry.prev_hash != prev or entry.hash != expected:
            broken.append(entry.id or 0)
        prev = entry.hash
    return broken
