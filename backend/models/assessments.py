"""Self-assessment of units, BNV's appraisal of it, the units' explanations and the evidence cited.

The yearly cycle of one unit (backend/services/assessment.py, appraisal.py):
``draft`` (the unit scores itself) → ``submitted`` (locked for the unit) → ``preliminary`` (the appraiser's
preliminary appraisal, shown to the unit) → ``explained`` (the unit's explanation, giải trình, per adjusted
criterion) → ``final`` (the final appraisal; its scores are the ones computing uses).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

ASSESSMENT_STATUSES = ("draft", "submitted", "preliminary", "explained", "final")
EVIDENCE_STAGES = ("self", "explanation")


class Assessment(SQLModel, table=True):
    """One unit's self-assessment of one year, with its state, deadlines and who moved it on."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("dataset_id", "year", "unit_id", name="uq_assessment_unit_year"),
        CheckConstraint(
            "status IN ('draft','submitted','preliminary','explained','final')", name="ck_assessment_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    year: int = Field(foreign_key="evaluation_year.year")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    framework_id: int = Field(foreign_key="framework.id")
    status: str = Field(default="draft", max_length=16)
    lock_version: int = Field(default=0, description="bumped by every change: compare-and-set")
    submit_deadline: dt.datetime
    explain_deadline: dt.datetime
    opened_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    opened_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: dt.datetime | None = None
    submitted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    preliminary_at: dt.datetime | None = None
    preliminary_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    explained_at: dt.datetime | None = None
    explained_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    final_at: dt.datetime | None = None
    final_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class AssessmentScore(SQLModel, table=True):
    """A unit's self-score on one criterion in one year, the preliminary and final appraisal, the explanation.

    ``appraisal_score`` is the FINAL appraised score (what computing uses); the preliminary one lives in
    ``preliminary_score`` until the final appraisal closes the cycle.
    """

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
    self_comment: str = Field(default="", description="the unit's note; required where no evidence is attached")
    self_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    preliminary_score: float | None = None
    preliminary_reason: str = ""
    preliminary_at: dt.datetime | None = None
    preliminary_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    explanation: str = Field(default="", description="the unit's explanation of an adjustment (explanation round)")
    explained_at: dt.datetime | None = None
    appraisal_score: float | None = None
    appraisal_comment: str = Field(default="", description="why points were cut, shown to the unit")
    appraised_at: dt.datetime | None = None
    appraised_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class Evidence(SQLModel, table=True):
    """A document cited as evidence (tài liệu kiểm chứng) for one score.

    An uploaded file is stored under ``stored_name`` (random, never the uploader's file name) in the
    evidence folder outside anything served; ``sha256`` and ``size_bytes`` identify its content and
    ``file_kind`` is the type read from the content itself (pdf, docx, xlsx, png, jpeg).
    """

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("score_id", "ref_code", name="uq_evidence_ref"),
        CheckConstraint("stage IN ('self','explanation')", name="ck_evidence_stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    score_id: int = Field(foreign_key="assessment_score.id", index=True)
    ref_code: str = Field(description="document number, e.g. 123/QĐ-UBND")
    title: str
    issued_on: dt.date | None = None
    location: str = Field(default="", description="URL or reference of a document not uploaded")
    stage: str = Field(default="self", max_length=16)
    original_name: str = Field(default="", description="the uploader's file name, cleaned; shown, never a path")
    stored_name: str | None = Field(default=None, max_length=64)
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    file_kind: str | None = Field(default=None, max_length=8)
    uploaded_at: dt.datetime | None = None
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
