"""Surveys, their items, interviewers, forms (one respondent each) and answers.

Two survey families: ``SIPAS`` (household survey of citizens; villages within communes within
provinces) and ``PAR_SURVEY`` (the sociological survey of officials and leaders feeding the PAR INDEX).
Respondents' phone numbers are personal data: a form keeps only their keyed hash (to find the same respondent
twice) and an encrypted copy that only the back-check role may read (backend/personal.py).

A form has two states. ``review_state`` is the supervisor's review (Survey Solutions' states): ``received`` →
``accepted`` or ``rejected`` (with a comment) → ``corrected`` → accepted or rejected again. ``status`` is whether
the form counts: ``valid`` (counted by the scoring engine; only an accepted form can be valid, a database CHECK
guarantees it, so a rejected form never counts), ``pending`` (not yet accepted) or ``invalid`` (invalidated with a
reason code, e.g. after a failed back-check).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, SmallInteger, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

FORM_STATUSES = ("valid", "invalid", "pending")
REVIEW_STATES = ("received", "accepted", "rejected", "corrected")


class Survey(SQLModel, table=True):
    __tablename__ = "survey"
    __table_args__ = (
        UniqueConstraint("dataset_id", "index_code", "year", name="uq_survey_dataset_index_year"),
        CheckConstraint("index_code IN ('SIPAS','PAR_SURVEY')", name="ck_survey_index"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    index_code: str = Field(max_length=16)
    year: int = Field(foreign_key="evaluation_year.year")
    name_vi: str
    name_en: str
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None


class SurveyItem(SQLModel, table=True):
    """A question. ``code`` matches the item codes used in framework files (e.g. ``POL.P1.C2``)."""

    __tablename__ = "survey_item"
    __table_args__ = (UniqueConstraint("survey_id", "code", name="uq_survey_item_code"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    code: str
    text_vi: str
    text_en: str
    scale_min: int = 1
    scale_max: int = 5
    respondent_groups: str = Field(default="", description="comma-separated groups that are asked this item")


class Interviewer(SQLModel, table=True):
    __tablename__ = "interviewer"
    __table_args__ = (UniqueConstraint("dataset_id", "code", name="uq_interviewer_code"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    code: str
    name: str


class SurveyForm(SQLModel, table=True):
    """One filled questionnaire: who (group), where (unit, district, commune, village), by whom, when."""

    __tablename__ = "survey_form"
    __table_args__ = (
        UniqueConstraint("survey_id", "form_code", name="uq_form_code"),
        CheckConstraint("status IN ('valid','invalid','pending')", name="ck_form_status"),
        CheckConstraint(
            "status != 'invalid' OR invalid_reason IS NOT NULL",
            name="ck_form_invalid_reason",
        ),
        CheckConstraint(
            "review_state IN ('received','accepted','rejected','corrected')",
            name="ck_form_review_state",
        ),
        CheckConstraint("status != 'valid' OR review_state = 'accepted'", name="ck_form_valid_accepted"),
        Index("ix_form_survey_unit", "survey_id", "unit_id"),
        Index("ix_form_survey_phone", "survey_id", "phone_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id")
    form_code: str
    respondent_group: str
    unit_id: int = Field(
        foreign_key="unit.id",
        description="the province or ministry the answers are about",
    )
    district_code: str | None = Field(default=None, description="empty from 2025-07-01 (no districts)")
    commune_code: str | None = None
    village_code: str | None = None
    interviewer_id: int | None = Field(default=None, foreign_key="interviewer.id", index=True)
    collected_on: dt.date
    status: str = Field(default="valid", max_length=16)
    invalid_reason: str | None = None
    review_state: str = Field(default="accepted", max_length=16)  # with the default status: a counted form
    review_comment: str | None = Field(default=None, description="the reviewer's last comment (required to reject)")
    phone_hash: str | None = Field(default=None, max_length=64, description="HMAC-SHA-256 of the respondent's phone")
    phone_encrypted: str | None = Field(default=None, description="AES-GCM copy of the phone: back-check role only")
    started_at: dt.datetime | None = Field(default=None, description="interview start (for duration checks)")
    finished_at: dt.datetime | None = None
    facts: str | None = Field(default=None, description="JSON of the profile answers (questionnaire `profile`)")
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class Answer(SQLModel, table=True):
    """One answer of one form to one item. ``value`` is None for 'no answer / don't know'."""

    __tablename__ = "answer"
    __table_args__ = {"sqlite_with_rowid": False}

    form_id: int = Field(foreign_key="survey_form.id", primary_key=True)
    item_id: int = Field(foreign_key="survey_item.id", primary_key=True)
    value: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
