"""The public read path in the schema (migration 0002): what the public side may read, and the two views
of published results it reads them through.

``public_result_set`` / ``public_result_row`` are database views whose WHERE clause is the one visibility
rule (published, and ``visible_from`` = coalesce(publish_at, published_at) has passed); they are described
here as plain SQLAlchemy tables on their own MetaData, so that neither ``create_all`` nor Alembic's
autogenerate ever mistakes them for tables.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, Table
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from backend.models.results import RESULT_ROW_FIELDS, ResultRow, ResultSet


class PublicGrant(SQLModel, table=True):
    """One object (table or view) the public side may read; ``column_name`` ``*`` = every column."""

    __tablename__ = "public_grant"

    object_name: str = Field(primary_key=True)
    column_name: str = Field(default="*", primary_key=True, sa_column_kwargs={"server_default": "*"})


#: the columns of result_set that public_result_set shows (not who computed it, nor compute options)
RESULT_SET_VIEW_FIELDS: tuple[str, ...] = (
    "id",
    "dataset_id",
    "index_code",
    "year",
    "unit_scope",
    "version",
    "status",
    "framework_id",
    "framework_version",
    "inputs_hash",
    "computed_at",
    "publish_at",
    "published_at",
    "supersedes_id",
    "erratum",
    "erratum_changes",
)

VIEWS = MetaData()

public_result_set = Table(
    "public_result_set",
    VIEWS,
    *(Column(name, ResultSet.__table__.c[name].type) for name in RESULT_SET_VIEW_FIELDS),  # type: ignore[attr-defined]
    Column("visible_from", UTCDateTime(), comment="coalesce(publish_at, published_at): when it became public"),
)

public_result_row = Table(
    "public_result_row",
    VIEWS,
    *(Column(name, ResultRow.__table__.c[name].type) for name in ("id", "result_set_id", *RESULT_ROW_FIELDS)),  # type: ignore[attr-defined]
)
