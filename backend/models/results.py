"""Result sets (immutable versions of computed indices) and their rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

RESULT_STATUSES = ("draft", "appraised", "agreed", "approved", "published", "withdrawn", "returned")


class ResultSet(SQLModel, table=True):
    """One computed version of one index for one year and unit scope.

    The numbers of a result set never change after it is written (database triggers refuse it). Workflow
    moves ``status`` by compare-and-set on ``status`` and ``lock_version``; a published version is immutable;
    a correction is a new version whose ``supersedes_id`` points at the old one, with an erratum (``erratum``:
    why; ``erratum_changes``: JSON of what changed, written when the correction is published).
    """

    __tablename__ = "result_set"
    __table_args__ = (
        UniqueConstraint(
            "dataset_id",
            "index_code",
            "year",
            "unit_scope",
            "version",
            name="uq_result_set_version",
        ),
        CheckConstraint(
            "status IN ('draft','appraised','agreed','approved','published','withdrawn','returned')",
            name="ck_result_status",
        ),
        CheckConstraint("index_code IN ('PAR_INDEX','SIPAS')", name="ck_result_index"),
        Index("ix_result_set_lookup", "index_code", "year", "unit_scope", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id")
    index_code: str = Field(max_length=16)
    year: int = Field(foreign_key="evaluation_year.year")
    unit_scope: str = Field(max_length=16, description="province | ministry")
    version: int
    status: str = Field(default="draft", max_length=16)
    framework_id: int = Field(foreign_key="framework.id")
    framework_version: str
    inputs_hash: str = Field(max_length=64)
    computed_at: dt.datetime
    computed_by: str
    publish_at: dt.datetime | None = Field(default=None, description="embargo: not public before this time (UTC)")
    published_at: dt.datetime | None = None
    supersedes_id: int | None = Field(default=None, foreign_key="result_set.id")
    erratum: str = ""
    erratum_changes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    lock_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    parameters: str = Field(default="{}", description="JSON of compute options (bootstrap replicates, seed)")


class ResultRow(SQLModel, table=True):
    """One figure of a result set: a metric for a unit, a region or the nation, with its interval."""

    __tablename__ = "result_row"
    __table_args__ = (
        UniqueConstraint("result_set_id", "scope", "scope_code", "metric", name="uq_result_row"),
        CheckConstraint("scope IN ('unit','region','national')", name="ck_result_row_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    result_set_id: int = Field(foreign_key="result_set.id", index=True)
    scope: str = Field(max_length=16)
    scope_code: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    metric: str
    value: float | None = None
    max_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    grp: str | None = None
    n: int | None = None


#: The figure columns of a result row, in table order (without the row id and result-set id).
RESULT_ROW_FIELDS: tuple[str, ...] = (
    "scope",
    "scope_code",
    "unit_id",
    "metric",
    "value",
    "max_value",
    "ci_low",
    "ci_high",
    "rank",
    "rank_low",
    "rank_high",
    "grp",
    "n",
)
