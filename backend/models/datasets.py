"""Where rows came from: a dataset is either generated demo data or an official source."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class Dataset(SQLModel, table=True):
    """A labelled origin of data. ``kind='demo'`` rows are synthetic and must be shown as such."""

    __tablename__ = "dataset"
    __table_args__ = (
        UniqueConstraint("name", name="uq_dataset_name"),
        CheckConstraint("kind IN ('demo','official')", name="ck_dataset_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    kind: str = Field(max_length=16)
    description: str = ""
    parameters: str = Field(
        default="{}",
        description="JSON of public provenance: generator parameters and the source line of demo data (readable by "
        "the public role; import batches with file names and people are recorded elsewhere)",
    )
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def is_demo(self) -> bool:
        return self.kind == "demo"
