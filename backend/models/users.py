"""Users of the internal app, their roles (optionally limited to one unit) and the login throttle."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLES = (
    "admin",
    "leader",
    "council",
    "appraiser",
    "analyst",
    "data_officer",
    "unit_officer",
    "backcheck",
    "content_editor",
)
#: roles whose grant names one unit (``<unit kind>:<code>``) instead of the whole country (``*``)
UNIT_ROLES = ("unit_officer",)
NATIONAL_SCOPE = "*"


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("username", name="uq_user_username"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str
    full_name: str = ""
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(description="argon2id hash; never a plain password")
    is_active: bool = True
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class UserRole(SQLModel, table=True):
    """A role held by a user; ``scope`` is ``*`` (national) or ``<unit kind>:<code>``."""

    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "scope", name="uq_user_role"),
        CheckConstraint(
            "role IN ('admin','leader','council','appraiser','analyst','data_officer','unit_officer','backcheck','content_editor')",
            name="ck_user_role",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role: str = Field(max_length=16)
    scope: str = "*"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per account and per client address (backend/auth/throttle.py).

    ``key`` is the sha256 of ``account:<username>`` or ``address:<ip>``: bounded whatever was typed, and no
    unknown username is stored in clear.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (CheckConstraint("kind IN ('account','address')", name="ck_login_throttle_kind"),)

    key: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)
    failures: int = 0
    last_failure_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None
