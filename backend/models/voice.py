"""Citizens' voice (issue 11): online surveys of citizens and their published aggregates.

Online surveys are self-selected: their figures are kept apart from the sampled SIPAS survey in their own
tables (never in ``survey_form``/``answer``/``result_set``), and published through their own result versions
(:class:`VoiceResult`), which follow the approve → publish path with embargo of the indices.

Texts a citizen typed are unbounded text in the schema; their lengths are limited by the submission service.
Contact details are kept only as a salted hash plus an encrypted copy (backend/personal.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

SURVEY_STATUSES = ("draft", "open", "closed")
SURVEY_SCOPES = ("province", "service")
ITEM_KINDS = ("rating", "choice", "text")
MODERATION = ("pending", "approved", "rejected")
RESPONSE_STATUSES = ("counted", "excluded")
VOICE_RESULT_STATUSES = ("draft", "approved", "published", "withdrawn")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class VoiceSurvey(SQLModel, table=True):
    """A questionnaire for citizens, made from a template, for one province or one public service, open for a
    period; ``code`` is the public link's identifier."""

    __tablename__ = "voice_survey"
    __table_args__ = (
        UniqueConstraint("code", name="uq_voice_survey_code"),
        CheckConstraint("status IN ('draft','open','closed')", name="ck_voice_survey_status"),
        CheckConstraint("scope IN ('province','service')", name="ck_voice_survey_scope"),
        CheckConstraint("scope <> 'province' OR unit_id IS NOT NULL", name="ck_voice_survey_unit"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, description="random public identifier of the survey's link")
    template: str = Field(description="template file the questionnaire was made from")
    title_vi: str
    title_en: str = ""
    intro_vi: str = ""
    intro_en: str = ""
    scope: str = Field(max_length=16, description="province: about one province; service: about one service")
    unit_id: int | None = Field(default=None, foreign_key="unit.id", description="the province (scope province)")
    service_vi: str = ""
    service_en: str = ""
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str = Field(default="draft", max_length=16)
    created_by: str
    created_at: dt.datetime = Field(default_factory=_now)


class VoiceItem(SQLModel, table=True):
    """One question of an online survey: a 1–5 rating, a choice among options, or free text."""

    __tablename__ = "voice_item"
    __table_args__ = (
        UniqueConstraint("survey_id", "code", name="uq_voice_item_code"),
        CheckConstraint("kind IN ('rating','choice','text')", name="ck_voice_item_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="voice_survey.id", index=True)
    position: int
    code: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    text_vi: str
    text_en: str = ""
    options: str = Field(default="[]", description="JSON list of {code, vi, en} (choice items)")
    required: bool = False


class VoiceSubmission(SQLModel, table=True):
    """One accepted anonymous submission (survey answer, comment or question): what the rate limits, the
    duplicate check and the replay check count. Addresses and sessions are keyed hashes, never in clear."""

    __tablename__ = "voice_submission"
    __table_args__ = (
        UniqueConstraint("token", name="uq_voice_submission_token"),
        CheckConstraint("kind IN ('survey','comment','question')", name="ck_voice_submission_kind"),
        Index("ix_voice_submission_source", "source_hash", "at"),
        Index("ix_voice_submission_session", "session_hash", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    kind: str = Field(max_length=16)
    target_id: int
    source_hash: str = Field(max_length=64)
    session_hash: str = Field(max_length=64)
    token: str = Field(max_length=64, description="the form's one-time token (a replay is refused)")
    fingerprint: str = Field(max_length=64, description="keyed hash of the content (duplicate suppression)")


class VoiceResponse(SQLModel, table=True):
    """A citizen's answers to one online survey, about one province."""

    __tablename__ = "voice_response"
    __table_args__ = (
        CheckConstraint("status IN ('counted','excluded')", name="ck_voice_response_status"),
        Index("ix_voice_response_contact", "survey_id", "contact_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="voice_survey.id", index=True)
    submission_id: int = Field(foreign_key="voice_submission.id")
    unit_id: int = Field(foreign_key="unit.id")
    submitted_at: dt.datetime
    contact_hash: str | None = Field(default=None, max_length=64)
    contact_encrypted: str | None = None
    status: str = Field(default="counted", max_length=16, description="excluded: judged abuse by a moderator")


class VoiceAnswer(SQLModel, table=True):
    """One answer: a rating (1–5), an option code or a free text (moderated before anyone reads it as data)."""

    __tablename__ = "voice_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id", name="uq_voice_answer"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_voice_answer_rating"),
        CheckConstraint(
            "moderation IS NULL OR moderation IN ('pending','approved','rejected')", name="ck_voice_answer_moderation"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="voice_response.id", index=True)
    item_id: int = Field(foreign_key="voice_item.id")
    rating: int | None = None
    choice: str | None = Field(default=None, max_length=32)
    text: str | None = None
    moderation: str | None = Field(default=None, max_length=16, description="free text only")
    moderated_by: str | None = None
    moderated_at: dt.datetime | None = None


class VoiceResult(SQLModel, table=True):
    """One computed version of an online survey's aggregates. Like a result set it never changes its figures;
    it moves draft → approved → published (with ``publish_at``, the embargo) → withdrawn."""

    __tablename__ = "voice_result"
    __table_args__ = (
        UniqueConstraint("survey_id", "version", name="uq_voice_result_version"),
        CheckConstraint("status IN ('draft','approved','published','withdrawn')", name="ck_voice_result_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="voice_survey.id", index=True)
    version: int
    status: str = Field(default="draft", max_length=16)
    responses: int = Field(description="counted responses the figures come from")
    inputs_hash: str = Field(max_length=64)
    computed_at: dt.datetime
    computed_by: str
    publish_at: dt.datetime | None = None
    published_at: dt.datetime | None = None


class VoiceResultRow(SQLModel, table=True):
    """One figure: for a province (or all, ``unit_id`` empty) and an item, the mean rating, the share rating
    4–5, or the share of one option. ``value`` is empty when fewer than the minimum answered (suppressed)."""

    __tablename__ = "voice_result_row"
    __table_args__ = (
        UniqueConstraint("result_id", "unit_id", "item_code", "metric", "option", name="uq_voice_result_row"),
        CheckConstraint("metric IN ('mean','share_high','option')", name="ck_voice_result_row_metric"),
    )

    id: int | None = Field(default=None, primary_key=True)
    result_id: int = Field(foreign_key="voice_result.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    item_code: str = Field(max_length=32)
    metric: str = Field(max_length=16)
    option: str = Field(default="", max_length=32)
    value: float | None = None
    n: int
