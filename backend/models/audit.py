"""Append-only audit log. Each entry chains the hash of the previous one (tamper evident).

UPDATE and DELETE are refused by database triggers created in the migration, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Text
from sqlmodel import Column, Field, SQLModel


class AuditLog(SQLModel, table=True):
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
