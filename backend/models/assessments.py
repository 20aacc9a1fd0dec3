"""Self-assessment scores of units, BNV's appraisal of them, and the evidence cited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class AssessmentScore(SQLModel, table=True):
    """A unit's self-score on one criterion in one year, and the appraised score where there is one."""

    __tablename__ = "assessment_score"
    __table_args__ = (
        UniqueConstraint("dataset_id", "year", "unit_id", "criterion_id", name="uq_assessment_score"),
        CheckConstraint("self_score IS NULL OR self_score >= 0", name="ck_self_score_nonneg"),
        CheckConstraint(
            "appraisal_score IS NULL OR appraisal_score >= 0",
            name="ck_appraisal_nonneg",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    year: int = Field(foreign_key="evaluation_year.year")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    self_score: float | None = None
    self_comment: str = ""
    appraisal_score: float | None = None
    appraisal_comment: str = Field(default="", description="why points were cut, shown to the unit")
    appraised_at: dt.datetime | None = None
    appraised_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class Evidence(SQLModel, table=True):
    """A document cited as evidence (tài liệu kiểm chứng) for one score."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("score_id", "ref_code", name="uq_evidence_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    score_id: int = Field(foreign_key="assessment_score.id", index=True)
    ref_code: str = Field(description="document number, e.g. 123/QĐ-UBND")
    title: str
    issued_on: dt.date | None = None
    location: str = Field(default="", description="file path or URL of the stored document")
