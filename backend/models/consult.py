"""Policy consultation (xin ý kiến) and questions and answers (hỏi - đáp) of issue 11, the topics both the
questions and the PAR database are grouped by, and the list of what the anonymous submission login may do.

Citizens' comments and questions are moderated (pending → approved or rejected) before anything of them is
shown; contact details are kept only as a salted hash plus an encrypted copy (backend/personal.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

CONSULTATION_STATUSES = ("draft", "open", "closed", "answered")
QUESTION_STATUSES = ("asked", "answered", "published")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Topic(SQLModel, table=True):
    """A topic of reform (the PAR areas and SIPAS): groups questions and answers and PAR database entries."""

    __tablename__ = "par_topic"

    code: str = Field(primary_key=True, max_length=32)
    name_vi: str
    name_en: str
    position: int = 0


class Consultation(SQLModel, table=True):
    """A draft policy or reform initiative put to citizens for comment during an open period; afterwards staff
    publish a summary of the comments and their response (status ``answered``)."""

    __tablename__ = "consultation"
    __table_args__ = (
        UniqueConstraint("code", name="uq_consultation_code"),
        CheckConstraint("status IN ('draft','open','closed','answered')", name="ck_consultation_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, description="random public identifier of the consultation's link")
    topic_code: str | None = Field(default=None, foreign_key="par_topic.code")
    title_vi: str
    title_en: str = ""
    summary_vi: str
    summary_en: str = ""
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str = Field(default="draft", max_length=16)
    comment_summary_vi: str = ""
    comment_summary_en: str = ""
    response_vi: str = ""
    response_en: str = ""
    answered_at: dt.datetime | None = None
    created_by: str
    created_at: dt.datetime = Field(default_factory=_now)


class ConsultationDocument(SQLModel, table=True):
    """A document of a consultation (the draft, an explanatory note…): a link, or an entry of the PAR database."""

    __tablename__ = "consultation_document"

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    title: str
    url: str = ""
    document_id: int | None = Field(default=None, foreign_key="par_document.id")


class ConsultationComment(SQLModel, table=True):
    """A citizen's comment on a consultation; shown publicly only once approved by a moderator."""

    __tablename__ = "consultation_comment"
    __table_args__ = (
        CheckConstraint("moderation IN ('pending','approved','rejected')", name="ck_consultation_comment_moderation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    submission_id: int = Field(foreign_key="voice_submission.id")
    text: str
    submitted_at: dt.datetime
    contact_hash: str | None = Field(default=None, max_length=64)
    contact_encrypted: str | None = None
    moderation: str = Field(default="pending", max_length=16)
    moderated_by: str | None = None
    moderated_at: dt.datetime | None = None


class Question(SQLModel, table=True):
    """A citizen's question on reform policies or results; staff answer it and publish the answer (status
    ``published``), which makes it searchable on the public side."""

    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint("moderation IN ('pending','approved','rejected')", name="ck_question_moderation"),
        CheckConstraint("status IN ('asked','answered','published')", name="ck_question_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="voice_submission.id")
    topic_code: str = Field(foreign_key="par_topic.code", index=True)
    text: str
    asked_at: dt.datetime
    contact_hash: str | None = Field(default=None, max_length=64)
    contact_encrypted: str | None = None
    moderation: str = Field(default="pending", max_length=16)
    moderated_by: str | None = None
    moderated_at: dt.datetime | None = None
    status: str = Field(default="asked", max_length=16)
    answer_vi: str = ""
    answer_en: str = ""
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    published_at: dt.datetime | None = None


class SubmissionGrant(SQLModel, table=True):
    """What the anonymous submission login may do: ``privilege`` INSERT or SELECT on an object (a column, or
    ``*`` for all). Read by the SQLite submission authorizer and by ``par_grant_submit()`` on PostgreSQL."""

    __tablename__ = "submission_grant"
    __table_args__ = (CheckConstraint("privilege IN ('SELECT','INSERT')", name="ck_submission_grant_privilege"),)

    object_name: str = Field(primary_key=True)
    column_name: str = Field(default="*", primary_key=True, sa_column_kwargs={"server_default": "*"})
    privilege: str = Field(primary_key=True, max_length=16)
