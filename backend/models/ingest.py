"""Data in: import batches, quarantined rows, form review history, back-checks and the fieldwork plan (issue 8).

* :class:`ImportBatch`: one imported file (name as given, SHA-256, size, who, when, mode, counts); rolled back
  batches stay as history.
* :class:`QuarantineRow`: a row of a quarantine-mode import that did not pass validation, kept with its errors
  until it is corrected and imported again (phone numbers in it are encrypted, never plain).
* :class:`FormReview`: every review step of a form (received → accepted / rejected with a comment → corrected).
* :class:`BackcheckSample`, :class:`BackcheckCase`, :class:`BackcheckAnswer`: a seeded stratified sample of
  forms for back-checks (phúc tra), the outcome of each call and the re-asked answers.
* :class:`FieldworkPlan`: planned forms per survey, unit, commune and respondent group.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

IMPORT_KINDS = ("sipas", "official", "self_assessment", "plan")
BACKCHECK_OUTCOMES = ("reached", "not_reached", "confirmed", "contradicts")


class ImportBatch(SQLModel, table=True):
    """One imported file. ``file_name`` is the name as uploaded, for display only (never used as a path)."""

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('sipas','official','self_assessment','plan')", name="ck_import_batch_kind"),
        CheckConstraint("mode IN ('all_or_nothing','quarantine')", name="ck_import_batch_mode"),
        CheckConstraint("status IN ('loaded','rolled_back')", name="ck_import_batch_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    kind: str = Field(max_length=16)
    year: int = Field(foreign_key="evaluation_year.year")
    survey_id: int | None = Field(default=None, foreign_key="survey.id")
    file_name: str
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int
    mode: str = Field(max_length=16)
    imported_by: str
    imported_at: dt.datetime
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    status: str = Field(default="loaded", max_length=16)
    rolled_back_by: str | None = None
    rolled_back_at: dt.datetime | None = None
    rollback_reason: str | None = None


class QuarantineRow(SQLModel, table=True):
    """A row that failed validation in a quarantine-mode import, with its errors (JSON), until resolved."""

    __tablename__ = "quarantine_row"
    __table_args__ = (
        CheckConstraint("status IN ('open','resolved')", name="ck_quarantine_status"),
        UniqueConstraint("batch_id", "row_number", name="uq_quarantine_row"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    row_number: int = Field(description="line of the file (header = 1)")
    form_code: str | None = None
    data: str = Field(description="JSON of the row as read; a phone number only as its encrypted copy")
    errors: str = Field(description="JSON list of {column, code, message_vi, message_en}")
    status: str = Field(default="open", max_length=16)
    resolved_by_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")


class FormReview(SQLModel, table=True):
    """One review step of a form: who moved it from which state to which, when and why."""

    __tablename__ = "form_review"

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="survey_form.id", index=True)
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    comment: str = ""
    actor: str
    at: dt.datetime


class BackcheckSample(SQLModel, table=True):
    """A drawn back-check sample: which survey, the share, the minimum per interviewer and the seed."""

    __tablename__ = "backcheck_sample"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    share: float
    min_per_interviewer: int
    seed: int
    drawn_by: str
    drawn_at: dt.datetime


class BackcheckCase(SQLModel, table=True):
    """One sampled form and, once imported, the outcome of the back-check call."""

    __tablename__ = "backcheck_case"
    __table_args__ = (
        UniqueConstraint("sample_id", "form_id", name="uq_backcheck_case"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('reached','not_reached','confirmed','contradicts')",
            name="ck_backcheck_outcome",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="backcheck_sample.id", index=True)
    form_id: int = Field(foreign_key="survey_form.id", index=True)
    outcome: str | None = Field(default=None, max_length=16)
    checked_on: dt.date | None = None
    checked_by: str | None = None
    note: str = ""
    facts: str | None = Field(default=None, description="JSON of the re-asked profile answers")


class BackcheckAnswer(SQLModel, table=True):
    """A re-asked item of a back-check case (``value`` None = no answer)."""

    __tablename__ = "backcheck_answer"

    case_id: int = Field(foreign_key="backcheck_case.id", primary_key=True)
    item_id: int = Field(foreign_key="survey_item.id", primary_key=True)
    value: int | None = None


class FieldworkPlan(SQLModel, table=True):
    """Forms planned for a survey per unit, commune (empty = the whole unit) and respondent group."""

    __tablename__ = "fieldwork_plan"
    __table_args__ = (
        UniqueConstraint("survey_id", "unit_id", "commune_code", "respondent_group", name="uq_fieldwork_plan"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    commune_code: str = ""
    respondent_group: str
    planned_forms: int
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
