"""The people a benchmark acts as: stored users like any other (services re-read roles from the store), each
with a fresh random password nobody knows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from backend.auth.permissions import Actor


def stored_actor(session: Session, username: str, role: str, scope: str = "*") -> Actor:
    """The actor of stored user ``username`` holding ``role`` over ``scope`` (made the first time)."""
    from sqlmodel import select

    from backend.auth.access import actor_for
    from backend.auth.passwords import hash_password, new_password
    from backend.models import User, UserRole

    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, password_hash=hash_password(new_password()))
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=int(user.id or 0), role=role, scope=scope))
        session.flush()
    return actor_for(session, user)
