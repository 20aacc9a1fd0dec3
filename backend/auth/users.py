"""Accounts and role grants, managed by administrators (admin pages and ``python -m backend user``).

Rules:

* passwords are stored only as argon2id hashes; no password has a default (new ones are typed or random);
* a unit officer's grant names one unit (``<unit kind>:<code>`` of an existing unit); every other role is
  national (``*``);
* the last active administrator can be neither disabled nor lose the admin role (nobody could manage users);
* every change is audited with who did it, why (when given) and the state before and after;
* the system actor may only create the first administrator of an empty store (bootstrap).
"""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, func, select

from backend.audit import record
from backend.auth.access import actor_for, authorize
from backend.auth.passwords import hash_password
from backend.auth.permissions import ALL_UNITS, Actor
from backend.auth.throttle import clear
from backend.errors import NotFoundError, PermissionDenied, ValidationError
from backend.models import Unit, User, UserRole
from backend.models.users import ROLES, UNIT_ROLES

USERNAME_MAX = 64


def _admin(session: Session, actor: Actor) -> Actor:
    """The acting administrator (the system only while the store has no active administrator)."""
    if actor.is_system:
        if active_admins(session) == 0:
            return actor
        raise PermissionDenied.of("access.cli_as_required").audited(
            actor=actor.username,
            action="refused",
            entity="permission",
            entity_id="manage_users",
            detail={"why": "an administrator exists: the system no longer manages users"},
        )
    return authorize(session, actor, "manage_users")


def active_admins(session: Session) -> int:
    stmt = (
        select(func.count(func.distinct(User.id)))
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(UserRole.role == "admin", User.is_active == True)  # noqa: E712
    )
    return int(session.exec(stmt).one())


def find_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise NotFoundError.of("access.no_user", user=username.strip()[:USERNAME_MAX])
    return user


def check_scope(session: Session, role: str, scope: str) -> str:
    """The grant's scope, validated: a unit role names an existing unit, other roles are national."""
    if role not in ROLES:
        raise ValidationError.of("access.unknown_role", roles=role, known=", ".join(ROLES))
    if role not in UNIT_ROLES:
        if scope not in ("", ALL_UNITS):
            raise ValidationError.of("access.national_role", role=role)
        return ALL_UNITS
    kind, _, code = scope.partition(":")
    if not code or session.exec(select(Unit).where(Unit.kind == kind, Unit.code == code)).first() is None:
        raise ValidationError.of("access.unit_scope", role=role, scope=scope)
    return scope


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    scope: str = ALL_UNITS,
    email: str | None = None,
) -> User:
    """Create a user with roles; ``scope`` applies to unit roles (the unit officer's unit)."""
    who = _admin(session, actor)
    name = username.strip()
    if not name or len(name) > USERNAME_MAX or any(c.isspace() for c in name):
        raise ValidationError.of("access.bad_username", high=USERNAME_MAX)
    if who.is_system and "admin" not in roles:
        raise ValidationError.of("access.bootstrap_admin_only")
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise ValidationError.of("access.unknown_role", roles=", ".join(unknown) or "—", known=", ".join(ROLES))
    grants = [(role, check_scope(session, role, scope)) for role in dict.fromkeys(roles)]
    if session.exec(select(User).where(User.username == name)).first():
        raise ValidationError.of("access.user_exists", user=name)
    user = User(username=name, full_name=full_name, email=email or None, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    assert user.id is not None
    for role, role_scope in grants:
        session.add(UserRole(user_id=user.id, role=role, scope=role_scope))
    record(
        session,
        actor=who.username,
        action="create_user",
        entity="app_user",
        entity_id=str(user.id),
        detail={"username": name, "grants": [f"{r}@{s}" for r, s in grants]},
        after="active",
    )
    return user


def set_active(session: Session, *, actor: Actor, username: str, active: bool, reason: str = "") -> User:
    """Disable (or enable again) an account; a disabled user's next action is refused."""
    who = _admin(session, actor)
    user = find_user(session, username)
    if not active and user.is_active and _is_admin(session, user) and active_admins(session) <= 1:
        raise ValidationError.of("access.last_admin")
    before = "active" if user.is_active else "disabled"
    user.is_active = active
    session.add(user)
    record(
        session,
        actor=who.username,
        action="enable_user" if active else "disable_user",
        entity="app_user",
        entity_id=str(user.id),
        reason=reason,
        before=before,
        after="active" if active else "disabled",
    )
    session.flush()
    return user


def reset_password(session: Session, *, actor: Actor, username: str, password: str, reason: str = "") -> User:
    """An administrator sets a new password (and lifts the account's login lock)."""
    who = _admin(session, actor)
    user = find_user(session, username)
    user.password_hash = hash_password(password)
    session.add(user)
    clear(session, "account", user.username)
    record(
        session, actor=who.username, action="reset_password", entity="app_user", entity_id=str(user.id), reason=reason
    )
    session.flush()
    return user


def change_own_password(session: Session, *, actor: Actor, old: str, new: str) -> None:
    """The logged-in user replaces its own password (the old one is checked first)."""
    from backend.auth.access import current
    from backend.auth.passwords import verify_password

    fresh = current(session, actor)
    user = session.get(User, fresh.user_id)
    assert user is not None
    if not verify_password(user.password_hash, old):
        raise ValidationError.of("access.old_password_wrong")
    user.password_hash = hash_password(new)
    session.add(user)
    record(session, actor=user.username, action="change_password", entity="app_user", entity_id=str(user.id))


def grant_role(
    session: Session, *, actor: Actor, username: str, role: str, scope: str = ALL_UNITS, reason: str = ""
) -> UserRole:
    """Give ``username`` the role ``role`` (for the unit ``scope`` if it is a unit role)."""
    who = _admin(session, actor)
    user = find_user(session, username)
    scope = check_scope(session, role, scope)
    existing = session.exec(
        select(UserRole).where(UserRole.user_id == user.id, UserRole.role == role, UserRole.scope == scope)
    ).first()
    if existing is not None:
        raise ValidationError.of("access.already_granted", user=user.username, role=role, scope=scope)
    grant = UserRole(user_id=int(user.id or 0), role=role, scope=scope)
    session.add(grant)
    record(
        session,
        actor=who.username,
        action="grant_role",
        entity="app_user",
        entity_id=str(user.id),
        reason=reason,
        after=f"{role}@{scope}",
    )
    session.flush()
    return grant


def revoke_role(
    session: Session, *, actor: Actor, username: str, role: str, scope: str | None = None, reason: str = ""
) -> int:
    """Take ``role`` (every scope, or only ``scope``) from ``username``; returns how many grants were removed.
    The user's next action already runs without it."""
    who = _admin(session, actor)
    user = find_user(session, username)
    stmt = select(UserRole).where(UserRole.user_id == user.id, UserRole.role == role)
    if scope:
        stmt = stmt.where(UserRole.scope == scope)
    grants = session.exec(stmt).all()
    if not grants:
        raise NotFoundError.of("access.not_granted", user=user.username, role=role)
    if role == "admin" and user.is_active and active_admins(session) <= 1:
        raise ValidationError.of("access.last_admin")
    for grant in grants:
        session.delete(grant)
    record(
        session,
        actor=who.username,
        action="revoke_role",
        entity="app_user",
        entity_id=str(user.id),
        reason=reason,
        before=", ".join(f"{g.role}@{g.scope}" for g in grants)[:64],
    )
    session.flush()
    return len(grants)


def list_users(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every account with its grants (administrators only)."""
    authorize(session, actor, "manage_users")
    users = session.exec(select(User).order_by(col(User.username))).all()
    rows = []
    for user in users:
        me = actor_for(session, user)
        rows.append(
            {
                "username": user.username,
                "full_name": user.full_name,
                "email": user.email or "",
                "active": user.is_active,
                "roles": ", ".join(sorted(f"{r}@{s}" if s != ALL_UNITS else r for r, s in me.grants)),
                "created_at": user.created_at,
            }
        )
    return pd.DataFrame(rows, columns=["username", "full_name", "email", "active", "roles", "created_at"])


def _is_admin(session: Session, user: User) -> bool:
    return (
        session.exec(select(UserRole).where(UserRole.user_id == user.id, UserRole.role == "admin")).first() is not None
    )
