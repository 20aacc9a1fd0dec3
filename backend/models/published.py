"""The published record: official figures as printed in a cited source, never mixed with demo data."""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel


class PublishedFigure(SQLModel, table=True):
    """One row of data/published/*.csv. Conflicting rows are all kept; each carries its source.

    ``is_derived`` / ``is_uncertain`` come from the bracketed notes at the start or the end of ``source``;
    they must be shown wherever the row is shown.
    """

    __tablename__ = "published_figure"
    __table_args__ = (UniqueConstraint("row_hash", name="uq_published_row"),)

    id: int | None = Field(default=None, primary_key=True)
    source_file: str
    row_number: int
    year: int = Field(index=True)
    metric: str = Field(description="index or dotted sub-metric as in the file")
    unit_type: str
    unit_name: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    scope_code: str | None = Field(default=None, description="region code or aggregate name")
    score: float | None = None
    rank: int | None = None
    source: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(default="", description="the bracketed notes of source (start or end), if any")
    is_derived: bool = False
    is_uncertain: bool = False
    row_hash: str = Field(max_length=64)
