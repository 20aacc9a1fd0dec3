"""Login throttling: a lock with a growing delay after repeated failures, per account and per client address.

Rules (settings in backend/settings.py):

* failures are counted per key: ``account:<username>`` and ``address:<client address>``; a failure more than
  ``login_window_minutes`` after the previous one starts the count again;
* from the ``login_max_failures``-th failure of an account (``login_max_failures_address``-th of an address)
  the key is locked for ``login_lock_seconds``, doubled with each further failure, at most
  ``login_lock_max_seconds``; while a key is locked, no password is checked;
* a successful login clears its account's count (not its address's: a valid account must not reset the
  count of an address that is guessing other accounts);
* keys are stored as sha256 digests, so an unknown username is never stored in clear, and counts increase
  atomically in the store (``INSERT … ON CONFLICT DO UPDATE``), so parallel failures are all counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from backend.models import LoginThrottle
from backend.settings import get_settings

_T = LoginThrottle.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Policy:
    """When a key is locked and for how long (seconds)."""

    max_failures: int
    lock_seconds: int
    max_lock_seconds: int
    window_seconds: int

    @classmethod
    def for_kind(cls, kind: str) -> Policy:
        s = get_settings()
        limit = s.login_max_failures if kind == "account" else s.login_max_failures_address
        return cls(limit, s.login_lock_seconds, s.login_lock_max_seconds, s.login_window_minutes * 60)


def lock_delay(failures: int, policy: Policy) -> int:
    """Seconds of lock after ``failures`` consecutive failures: none below the limit, then
    lock_seconds × 2^(failures − limit), at most max_lock_seconds."""
    if failures < policy.max_failures:
        return 0
    return int(min(policy.lock_seconds * 2 ** min(failures - policy.max_failures, 30), policy.max_lock_seconds))


def key_of(kind: str, value: str) -> str:
    """The stored key of an account (case-insensitive username) or an address."""
    return hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()


def locked_until(session: Session, keys: list[str], now: dt.datetime) -> dt.datetime | None:
    """The latest lock among ``keys`` that has not expired at ``now`` (None: not locked)."""
    rows = session.connection().execute(select(_T.c.locked_until).where(_T.c.key.in_(keys))).all()
    ends = [_aware(r[0]) for r in rows if r[0] is not None]
    active = [end for end in ends if end > now]
    return max(active) if active else None


def register_failure(session: Session, kind: str, value: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Count one failure of ``kind`` (account | address) for ``value``; returns (failures in a row, the lock's
    end if the key is now locked)."""
    policy = Policy.for_kind(kind)
    key = key_of(kind, value)
    conn = session.connection()
    insert = (sqlite if conn.dialect.name == "sqlite" else postgresql).insert(_T)
    cutoff = now - dt.timedelta(seconds=policy.window_seconds)
    stmt = insert.values(key=key, kind=kind, failures=1, last_failure_at=now).on_conflict_do_update(
        index_elements=[_T.c.key],
        set_={
            "failures": case((_T.c.last_failure_at < cutoff, 1), else_=_T.c.failures + 1),
            "last_failure_at": now,
        },
    )
    conn.execute(stmt)
    failures = int(conn.execute(select(_T.c.failures).where(_T.c.key == key)).scalar_one())
    delay = lock_delay(failures, policy)
    until = now + dt.timedelta(seconds=delay) if delay else None
    conn.execute(update(_T).where(_T.c.key == key).values(locked_until=until))
    return failures, until


def clear(session: Session, kind: str, value: str) -> None:
    """Forget the failures of ``value`` (after a successful login, or an administrator's reset)."""
    session.connection().execute(
        update(_T).where(_T.c.key == key_of(kind, value)).values(failures=0, locked_until=None)
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
