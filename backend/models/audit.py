"""Append-only audit log. Each entry chains the hash of the previous one (tamper evident); the head of the
chain (its last entry and length) is kept in ``audit_head``, so removing the newest entries is detected too.

UPDATE and DELETE of entries are refused by database triggers (migrations 0001/0005), on SQLite and
PostgreSQL; so are entries longer than the bounds below. Every writer takes the head first, which
serialises writers: concurrent transactions cannot fork the chain (backend/audit.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Text
from sqlmodel import Column, Field, SQLModel

#: bounds of the free-text fields (characters); longer values are cut by backend.audit.record
ACTOR_MAX = 64
REASON_MAX = 2000
DETAIL_MAX = 8000
REF_MAX = 64


class AuditLog(SQLModel, table=True):
    """One event: who (``actor``), when (``at``), what (``action`` on ``entity``/``entity_id``), why
    (``reason``), the state or id before and after (``before_ref``, ``after_ref``) and details (JSON)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(default="", max_length=64)
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(max_length=64)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    before_ref: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    after_ref: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})


class AuditHead(SQLModel, table=True):
    """The one row (id 1) naming the newest entry of the chain: its id and hash, and how many entries exist."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    entries: int = 0
    last_id: int = 0
    last_hash: str = Field(default="", max_length=64)
    updated_at: dt.datetime | None = None
