"""Users and role assignments. Passwords are stored only as argon2id hashes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from backend.audit import record
from backend.auth.passwords import hash_password, needs_rehash, verify_password
from backend.auth.permissions import Actor, require
from backend.errors import ValidationError
from backend.models import User, UserRole
from backend.models.users import ROLES


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    scope: str = "*",
) -> User:
    """Create a user with roles (admin or system only)."""
    if actor != Actor.system():
        require(actor, "manage_users")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationError(
            f"Vai trò không hợp lệ: {', '.join(unknown)}.",
            f"Unknown roles: {', '.join(unknown)}.",
            hint_en=f"Use one of {', '.join(ROLES)}.",
        )
    if session.exec(select(User).where(User.username == username)).first():
        raise ValidationError(f"Tên đăng nhập {username} đã tồn tại.", f"Username {username} already exists.")
    user = User(username=username, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    assert user.id is not None
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role, scope=scope))
    record(
        session,
        actor=actor.username,
        action="create_user",
        entity="app_user",
        entity_id=str(user.id),
        detail={"username": username, "roles": roles, "scope": scope},
    )
    return user


def actor_for(session: Session, user: User, *, on: dt.date | None = None) -> Actor:
    """The acting identity of a user: active roles on ``on`` (today by default) and their scopes."""
    day = on or dt.date.today()
    rows = session.exec(select(UserRole).where(UserRole.user_id == user.id)).all()
    active = [
        r for r in rows if (r.valid_from is None or r.valid_from <= day) and (r.valid_to is None or day <= r.valid_to)
    ]
    return Actor(
        username=user.username,
        user_id=user.id,
        roles=frozenset(r.role for r in active),
        scopes=frozenset(r.scope for r in active) or frozenset({"*"}),
    )


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active user; None otherwise (no hint which was wrong)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        record(session, actor=username or "?", action="login_failed", entity="app_user", entity_id="")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(session, actor=user.username, action="login", entity="app_user", entity_id=str(user.id))
    return actor_for(session, user)
