"""Small factories for tests: rows with sensible defaults, overridable by keyword."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import lru_cache

from sqlmodel import Session

from backend.auth.permissions import Actor
from backend.models import Dataset, Framework, ResultSet, User, UserRole

#: the password of every user made by :func:`make_user`
PASSWORD = "test password 123"


@lru_cache(maxsize=1)
def _password_hash() -> str:
    from backend.auth.passwords import hash_password

    return hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


def make_user(session: Session, username: str, *roles: str, scope: str = "*", active: bool = True) -> Actor:
    """A stored user with ``roles`` (all with ``scope``) and password :data:`PASSWORD`; returns its actor."""
    from backend.auth.access import actor_for

    user = User(username=username, password_hash=_password_hash(), is_active=active)
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=int(user.id or 0), role=role, scope=scope))
    session.flush()
    return actor_for(session, user)


class Staff:
    """A member of staff as a stored user (roles are read from the store on every action): calling it with a
    session returns the user's current actor, creating the user the first time."""

    def __init__(self, username: str, role: str, scope: str = "*") -> None:
        self.username, self.role, self.scope = username, role, scope

    def __call__(self, session: Session) -> Actor:
        from sqlmodel import select

        from backend.auth.access import actor_for

        user = session.exec(select(User).where(User.username == self.username)).first()
        if user is None:
            return make_user(session, self.username, self.role, scope=self.scope)
        return actor_for(session, user)


def staff(session: Session, role: str, scope: str = "*") -> Actor:
    """The stored user ``<role>-user`` holding ``role`` (made the first time): services re-read its roles."""
    return Staff(f"{role}-user", role, scope)(session)


_counter = itertools.count(1)


def make_result_set(
    session: Session,
    *,
    kind: str = "demo",
    computed_by: str = "analyst",
    index_code: str = "SIPAS",
    year: int = 2024,
    **overrides: object,
) -> ResultSet:
    """A draft result set with its own dataset (``kind`` demo/official) and framework."""
    n = next(_counter)
    dataset = Dataset(name=f"dataset-{kind}-{n}", kind=kind)
    framework = Framework(
        code=f"framework-{n}",
        version="1",
        index_code=index_code,
        unit_scope="province",
        year_from=2022,
        year_to=2026,
        content_hash="x",
    )
    session.add_all([dataset, framework])
    session.flush()
    values: dict[str, object] = {
        "dataset_id": dataset.id,
        "index_code": index_code,
        "year": year,
        "unit_scope": "province",
        "version": 1,
        "framework_id": framework.id,
        "framework_version": "1",
        "inputs_hash": f"hash-{n}",
        "computed_at": dt.datetime.now(dt.UTC),
        "computed_by": computed_by,
    }
    values.update(overrides)
    result_set = ResultSet(**values)  # type: ignore[arg-type]
    session.add(result_set)
    session.flush()
    return result_set
