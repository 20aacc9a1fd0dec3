"""Logging in: by password (argon2id, throttled) or through an OIDC identity provider (st.login).

Rules:

* the same work is done for an unknown username, a disabled account and a wrong password (one argon2
  verification, the same store writes, the same answer), so neither the answer nor its time tells which
  usernames exist;
* a locked account or address (backend/auth/throttle.py) is refused before any password is checked;
* every login, failure, lockout and refusal is an audit event, with the client address; what was typed as a
  username is stored cut to 64 characters;
* an OIDC login maps the provider's verified e-mail to an active account: roles always come from this
  store, never from the provider's claims.

The outcome is returned, not raised, so that the caller's transaction commits the failure count and the
audit event; :meth:`LoginOutcome.error` is the message to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from backend.audit import record
from backend.auth.access import actor_for
from backend.auth.passwords import hash_password, needs_rehash, verify_password, verify_unknown
from backend.auth.permissions import Actor
from backend.auth.throttle import clear, key_of, locked_until, register_failure
from backend.errors import DomainError, PermissionDenied
from backend.models import User
from backend.settings import get_settings

USERNAME_MAX = 64


@dataclass(frozen=True)
class LoginOutcome:
    """The actor on success; otherwise why not (``wrong`` credentials, ``locked`` until a time, ``unknown``
    OIDC identity)."""

    actor: Actor | None
    reason: str = ""
    locked_until: dt.datetime | None = None

    def error(self) -> DomainError | None:
        if self.actor is not None:
            return None
        if self.reason == "locked" and self.locked_until is not None:
            local = self.locked_until.astimezone(_zone())
            return PermissionDenied.of("access.locked", until=local.strftime("%H:%M:%S"))
        if self.reason == "oidc_unknown":
            return PermissionDenied.of("access.oidc_unknown")
        return PermissionDenied.of("access.wrong_login")


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(get_settings().timezone)


def authenticate(session: Session, username: str, password: str, *, address: str = "") -> LoginOutcome:
    """Check a username and password (see the module rules)."""
    now = dt.datetime.now(dt.UTC)
    typed = username.strip()
    name = typed[: USERNAME_MAX + 1]  # a longer name cannot exist: no lookup of megabytes
    where = {"address": address or "?", "method": "password"}
    keys = [key_of("account", name)] + ([key_of("address", address)] if address else [])
    until = locked_until(session, keys, now)
    if until is not None:
        record(session, actor=typed or "?", action="login_refused", entity="app_user", detail={**where, "until": until})
        return LoginOutcome(None, "locked", until)
    user = None
    if len(typed) <= USERNAME_MAX:
        user = session.exec(select(User).where(User.username == typed)).first()
    if user is None or not user.is_active:
        ok = verify_unknown(password)
    else:
        ok = verify_password(user.password_hash, password)
    if not ok or user is None:
        return _failed(session, typed, address, now, where)
    clear(session, "account", name)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    record(session, actor=user.username, action="login", entity="app_user", entity_id=str(user.id), detail=where)
    return LoginOutcome(actor_for(session, user))


def _failed(session: Session, typed: str, address: str, now: dt.datetime, where: dict[str, str]) -> LoginOutcome:
    """Count the failure for the account and the address; audit it, and the lockout it may start."""
    failures, until = register_failure(session, "account", typed[: USERNAME_MAX + 1], now)
    if address:
        _, address_until = register_failure(session, "address", address, now)
        until = max((u for u in (until, address_until) if u is not None), default=None)
    record(
        session,
        actor=typed or "?",
        action="login_failed",
        entity="app_user",
        detail={**where, "failures": failures, "name_length": len(typed)},
    )
    if until is not None:
        record(session, actor=typed or "?", action="lockout", entity="app_user", detail={**where, "until": until})
    return LoginOutcome(None, "wrong")


def authenticate_oidc(session: Session, claims: Mapping[str, Any], *, address: str = "") -> LoginOutcome:
    """The active account whose e-mail is the provider's verified ``email`` claim (case-insensitive)."""
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified", True) is not False
    where = {"address": address or "?", "method": "oidc", "issuer": str(claims.get("iss") or "")}
    user = None
    if email and verified and len(email) <= 254:
        user = session.exec(select(User).where(func.lower(User.email) == email, User.is_active == True)).first()  # noqa: E712
    if user is None:
        record(session, actor=email or "?", action="login_failed", entity="app_user", detail=where)
        return LoginOutcome(None, "oidc_unknown")
    record(session, actor=user.username, action="login", entity="app_user", entity_id=str(user.id), detail=where)
    return LoginOutcome(actor_for(session, user))


def record_logout(session: Session, actor: Actor, *, why: str = "logout") -> None:
    """Audit the end of a session (``logout`` or ``idle_timeout``)."""
    record(session, actor=actor.username, action=why, entity="app_user", entity_id=str(actor.user_id or ""))
