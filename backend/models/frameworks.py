"""Methodology as data: frameworks (criteria trees with maxima) per index, unit kind and years."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

SCORING_MODES = (
    "appraisal",
    "appraisal_socioeconomic",
    "survey",
    "survey_leaders",
    "survey_citizens_sipas",
    "sipas",
)


class Framework(SQLModel, table=True):
    """One version of one methodology file (e.g. PAR INDEX provinces under 876/QĐ-BNV)."""

    __tablename__ = "framework"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_framework_code_version"),
        CheckConstraint("index_code IN ('PAR_INDEX','SIPAS')", name="ck_framework_index"),
        CheckConstraint("year_to >= year_from", name="ck_framework_years"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True)
    version: str
    index_code: str = Field(max_length=16)
    unit_scope: str = Field(max_length=16, description="province | ministry")
    year_from: int
    year_to: int
    status: str = Field(default="official", max_length=16, description="official | provisional")
    title_vi: str = ""
    title_en: str = ""
    legal_basis: str = ""
    content_hash: str = Field(max_length=64)
    source_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Criterion(SQLModel, table=True):
    """A node of a criteria tree: area, criterion, sub-criterion or survey item group."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("framework_id", "code", name="uq_criterion_code"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="criterion.id")
    code: str
    level: str = Field(max_length=16, description="area | criterion | sub | content | item")
    name_vi: str
    name_en: str
    max_points: float | None = None
    mode: str | None = Field(default=None, max_length=32)
    provisional: bool = False
    sort_order: int = 0
