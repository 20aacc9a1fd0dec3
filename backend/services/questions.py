"""Questions and answers (hỏi - đáp): citizens ask about reform policies and results; once a moderator has
approved a question, staff answer it (``answered``) and publish the answer (``published``), which puts the
question and its answer in the search index of public entries (backend/search.py); unpublishing takes them out.
Every step is audited."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlmodel import Session, col, select

from backend import search
from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import Question, Topic
from backend.services.voice_common import BODY_MAX, InputRefused, load, require_text


def answer_question(
    session: Session,
    *,
    actor: Actor,
    question_id: int,
    answer_vi: str,
    answer_en: str = "",
    topic_code: str | None = None,
) -> Question:
    """Write (or rewrite) the answer to an approved question; optionally move it to another topic. A published
    answer that is rewritten stays published, re-indexed."""
    actor = authorize(session, actor, "voice_edit")
    question = load(session, Question, question_id, "question")
    if question.moderation != "approved":
        raise InputRefused([("voice.errors.not_approved", {})])
    texts = require_text(
        {"answer_vi": answer_vi, "answer_en": answer_en}, ["answer_vi"], {"answer_vi": BODY_MAX, "answer_en": BODY_MAX}
    )
    if topic_code and session.get(Topic, topic_code) is None:
        raise InputRefused([("voice.errors.unknown_topic", {"topic": topic_code})])
    before = {"status": question.status, "topic": question.topic_code, "answer_vi": question.answer_vi}
    question.answer_vi, question.answer_en = texts["answer_vi"], texts["answer_en"]
    question.topic_code = topic_code or question.topic_code
    question.answered_by, question.answered_at = actor.username, dt.datetime.now(dt.UTC)
    if question.status == "asked":
        question.status = "answered"
    session.add(question)
    session.flush()
    if question.status == "published":
        _index(session, question)
    record(
        session,
        actor=actor.username,
        action="question_answer",
        entity="question",
        entity_id=str(question_id),
        detail={"before": before, "topic": question.topic_code},
    )
    return question


def publish_answer(session: Session, *, actor: Actor, question_id: int) -> Question:
    """Make an answered question public and searchable."""
    actor = authorize(session, actor, "voice_edit")
    question = load(session, Question, question_id, "question")
    if question.status != "answered" or question.moderation != "approved":
        raise InputRefused([("voice.errors.not_answered", {})])
    question.status = "published"
    question.published_at = dt.datetime.now(dt.UTC)
    session.add(question)
    session.flush()
    _index(session, question)
    record(session, actor=actor.username, action="question_publish", entity="question", entity_id=str(question_id))
    return question


def unpublish_answer(session: Session, *, actor: Actor, question_id: int, reason: str) -> Question:
    """Take a published answer back (it stays answered, out of public view and out of the index)."""
    actor = authorize(session, actor, "voice_edit")
    question = load(session, Question, question_id, "question")
    if question.status != "published":
        raise InputRefused([("voice.errors.not_published", {})])
    if not reason.strip():
        raise InputRefused([("voice.errors.reason_needed", {})])
    question.status = "answered"
    session.add(question)
    session.flush()
    search.remove(session.connection(), "question", [question_id])
    record(
        session,
        actor=actor.username,
        action="question_unpublish",
        entity="question",
        entity_id=str(question_id),
        detail={"reason": reason.strip()[:500]},
    )
    return question


def _index(session: Session, question: Question) -> None:
    topic = session.get(Topic, question.topic_code)
    text = search.search_text([question.text, question.answer_vi, question.answer_en, topic.name_vi if topic else ""])
    search.put(session.connection(), "question", [(question.id or 0, text)])


def list_questions(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every question that is not rejected, newest first, with its answer and states."""
    actor = authorize(session, actor, "voice_edit")
    columns = ["id", "topic_code", "text", "asked_at", "moderation", "status", "answer_vi", "answer_en", "answered_by"]
    rows = session.exec(
        select(Question).where(Question.moderation != "rejected").order_by(col(Question.id).desc())
    ).all()
    return pd.DataFrame.from_records([{c: getattr(q, c) for c in columns} for q in rows], columns=columns)


def topics(session: Session) -> pd.DataFrame:
    """The topics (code, names), in their order."""
    rows = session.exec(select(Topic).order_by(col(Topic.position))).all()
    return pd.DataFrame.from_records(
        [{"code": t.code, "name_vi": t.name_vi, "name_en": t.name_en} for t in rows],
        columns=["code", "name_vi", "name_en"],
    )
