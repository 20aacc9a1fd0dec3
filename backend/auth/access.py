"""Authorisation on every action: the acting user's *current* roles and unit scopes, read from the store.

An :class:`~backend.auth.permissions.Actor` held by a page or a command is an identity only. Each service
call passes it to :func:`authorize`, which reloads the user (refusing a disabled or removed account), its
role grants valid today, and checks them against the permission table (and the unit, for unit-scoped
actions). A role revoked by an administrator therefore stops working on the user's very next action, in
an open session too. Refusals carry their audit event (written by ``backend.audit.audited_scope``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, select

from backend.auth.permissions import PERMISSIONS, UNIT_SCOPED, Actor, denied
from backend.errors import PermissionDenied
from backend.models import User, UserRole


def actor_for(session: Session, user: User, *, on: dt.date | None = None) -> Actor:
    """The acting identity of a user: its role grants valid on ``on`` (today by default)."""
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
        grants=frozenset((r.role, r.scope) for r in active),
    )


def current(session: Session, actor: Actor) -> Actor:
    """``actor`` as the store knows it now; PermissionDenied (audited) for a disabled or unknown account."""
    if actor.is_system:
        return actor
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.is_active or user.username != actor.username:
        raise PermissionDenied.of("access.inactive", user=actor.username).audited(
            actor=actor.username,
            action="refused",
            entity="app_user",
            entity_id=str(actor.user_id or ""),
            detail={"why": "inactive or unknown account"},
        )
    return actor_for(session, user)


def authorize(session: Session, actor: Actor, action: str, *, unit: str | None = None) -> Actor:
    """The actor's current identity if it may do ``action`` (for ``unit`` when the action is unit-scoped);
    otherwise PermissionDenied, carrying its audit event."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")
    fresh = current(session, actor)
    scoped = unit is not None and action in UNIT_SCOPED
    if not (fresh.can_for(action, unit) if scoped else fresh.can(action)):  # type: ignore[arg-type]
        raise denied(fresh, action, unit if scoped else None)
    return fresh


def authorize_any(session: Session, actor: Actor, actions: Iterable[str], *, unit: str | None = None) -> Actor:
    """Like :func:`authorize`, allowing the first of ``actions`` the actor holds (e.g. a unit officer reads
    its own assessment through ``self_assess``, an appraiser any unit's through ``view_assessments``)."""
    wanted = list(actions)
    fresh = current(session, actor)
    for action in wanted:
        if fresh.can_for(action, unit) if unit is not None and action in UNIT_SCOPED else fresh.can(action):
            return fresh
    raise denied(fresh, wanted[0], unit)
