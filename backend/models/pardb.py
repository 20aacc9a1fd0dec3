"""The PAR database (cơ sở dữ liệu CCHC, issue 11): documents and figures of the government, every ministry
and every province, linked to the PAR criteria and, where a unit allows it, to its self-assessment evidence.

Entries are ``published`` (public) or ``withdrawn`` (kept, hidden); a correction edits the entry and the audit
log keeps the values before it. Every entry names its dataset, so generated entries stay labelled demo.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

DOCUMENT_KINDS = ("plan", "report", "decision", "guidance", "other")
ENTRY_STATUSES = ("published", "withdrawn")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ParDocument(SQLModel, table=True):
    """A document on administrative reform: who issued it, its number and date, the unit and year it concerns
    (no unit: the government as a whole), its topic, a summary and where to read it."""

    __tablename__ = "par_document"
    __table_args__ = (
        CheckConstraint("kind IN ('plan','report','decision','guidance','other')", name="ck_par_document_kind"),
        CheckConstraint("status IN ('published','withdrawn')", name="ck_par_document_status"),
        Index("ix_par_document_browse", "status", "year", "issued_on", "id"),
        Index("ix_par_document_recent", "status", "issued_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    kind: str = Field(max_length=16)
    issuer: str
    number: str = Field(description="document number as written, e.g. 123/QĐ-UBND")
    issued_on: dt.date
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    year: int = Field(index=True)
    topic_code: str = Field(foreign_key="par_topic.code", index=True)
    title: str
    summary: str = ""
    url: str = ""
    status: str = Field(default="published", max_length=16)
    updated_at: dt.datetime = Field(default_factory=_now)
    updated_by: str


class ParDocumentCriterion(SQLModel, table=True):
    """A document is about a PAR criterion (of the methodology files)."""

    __tablename__ = "par_document_criterion"

    document_id: int = Field(foreign_key="par_document.id", primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True, index=True)


class ParDocumentEvidence(SQLModel, table=True):
    """A document is cited as self-assessment evidence (``evidence``); shown publicly only while the evidence's
    unit allows it for that year (:class:`EvidenceShare`)."""

    __tablename__ = "par_document_evidence"

    document_id: int = Field(foreign_key="par_document.id", primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", primary_key=True, index=True)


class EvidenceShare(SQLModel, table=True):
    """A unit allows the public to see which of its self-assessment evidence for a year the PAR database links."""

    __tablename__ = "evidence_share"

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    year: int = Field(primary_key=True)
    allowed_by: str
    allowed_at: dt.datetime


class ParFigure(SQLModel, table=True):
    """A figure of a unit (no unit: national) for a year, e.g. the share of procedures handled online."""

    __tablename__ = "par_figure"
    __table_args__ = (
        UniqueConstraint("dataset_id", "unit_id", "year", "code", name="uq_par_figure"),
        CheckConstraint("status IN ('published','withdrawn')", name="ck_par_figure_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    year: int
    topic_code: str = Field(foreign_key="par_topic.code")
    code: str = Field(description="indicator code")
    name_vi: str
    name_en: str = ""
    value: float
    measure: str = Field(default="", description="unit of measure, e.g. % or documents")
    document_id: int | None = Field(default=None, foreign_key="par_document.id", description="the source")
    status: str = Field(default="published", max_length=16)
    updated_at: dt.datetime = Field(default_factory=_now)
    updated_by: str
