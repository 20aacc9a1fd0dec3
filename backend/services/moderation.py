"""The moderation queue of citizens' free text: survey text answers, comments on consultations, questions.

Every text arrives ``pending``; a moderator (content editor) approves or rejects it. Nothing pending or rejected
is ever shown publicly: approved comments appear under their consultation, approved questions may be answered
and published, approved survey texts are read by staff as feedback. A moderator who judges a survey response to
be abuse also excludes it (``exclude``): its ratings and choices then leave the aggregates. Reading a citizen's
contact detail (the encrypted copy) is a separate right and is audited each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from backend import personal
from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import (
    Consultation,
    ConsultationComment,
    Question,
    VoiceAnswer,
    VoiceItem,
    VoiceResponse,
    VoiceSurvey,
)
from backend.services.voice_common import InputRefused, load

KINDS = ("answer", "comment", "question")
DECISIONS = ("approved", "rejected")
QUEUE_COLUMNS = ["kind", "id", "text", "at", "context", "moderation", "has_contact"]
_ENTITY = {"answer": "voice_answer", "comment": "consultation_comment", "question": "question"}


def queue(session: Session, *, actor: Actor, status: str = "pending", limit: int = 500) -> pd.DataFrame:
    """Texts with moderation ``status``, oldest first, with what they are about."""
    actor = authorize(session, actor, "voice_moderate")
    records: list[dict[str, Any]] = []
    answers = session.exec(
        select(VoiceAnswer, VoiceResponse, VoiceSurvey, VoiceItem)
        .join(VoiceResponse, col(VoiceResponse.id) == col(VoiceAnswer.response_id))
        .join(VoiceSurvey, col(VoiceSurvey.id) == col(VoiceResponse.survey_id))
        .join(VoiceItem, col(VoiceItem.id) == col(VoiceAnswer.item_id))
        .where(VoiceAnswer.moderation == status)
        .limit(limit)
    ).all()
    for answer, response, survey, item in answers:
        context = f"{survey.title_vi} — {item.text_vi}"
        records.append(
            _entry("answer", answer.id, answer.text, response.submitted_at, context, status, response.contact_hash)
        )
    comments = session.exec(
        select(ConsultationComment, Consultation)
        .join(Consultation, col(Consultation.id) == col(ConsultationComment.consultation_id))
        .where(ConsultationComment.moderation == status)
        .limit(limit)
    ).all()
    for comment, consultation in comments:
        records.append(
            _entry(
                "comment",
                comment.id,
                comment.text,
                comment.submitted_at,
                consultation.title_vi,
                status,
                comment.contact_hash,
            )
        )
    questions = session.exec(select(Question).where(Question.moderation == status).limit(limit)).all()
    for question in questions:
        records.append(
            _entry(
                "question",
                question.id,
                question.text,
                question.asked_at,
                question.topic_code,
                status,
                question.contact_hash,
            )
        )
    frame = pd.DataFrame.from_records(records, columns=QUEUE_COLUMNS)
    return frame.sort_values("at", kind="stable").head(limit).reset_index(drop=True)


def _entry(
    kind: str, item_id: int | None, text: str | None, at: dt.datetime, context: str, status: str, contact: str | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": item_id,
        "text": text or "",
        "at": at,
        "context": context,
        "moderation": status,
        "has_contact": bool(contact),
    }


def _target(session: Session, kind: str, item_id: int) -> Any:
    if kind not in KINDS:
        raise InputRefused([("voice.errors.unknown_kind", {"kind": kind})])
    model = {"answer": VoiceAnswer, "comment": ConsultationComment, "question": Question}[kind]
    return load(session, model, item_id, kind)


def decide(
    session: Session, *, actor: Actor, kind: str, item_id: int, decision: str, exclude: bool = False, note: str = ""
) -> Any:
    """Approve or reject one text; ``exclude`` (survey answers only) also takes its whole response out of the
    aggregates. Audited with the decision and the note, never with the text or any contact."""
    actor = authorize(session, actor, "voice_moderate")
    if decision not in DECISIONS:
        raise InputRefused([("voice.errors.unknown_decision", {"decision": decision})])
    target = _target(session, kind, item_id)
    before = target.moderation
    target.moderation = decision
    target.moderated_by = actor.username
    target.moderated_at = dt.datetime.now(dt.UTC)
    session.add(target)
    detail: dict[str, Any] = {"from": before, "to": decision, "note": note.strip()[:500]}
    if exclude:
        if kind != "answer":
            raise InputRefused([("voice.errors.exclude_answers_only", {})])
        response = load(session, VoiceResponse, target.response_id, "response")
        response.status = "excluded"
        session.add(response)
        detail["excluded_response"] = response.id
    record(
        session, actor=actor.username, action="moderate", entity=_ENTITY[kind], entity_id=str(item_id), detail=detail
    )
    session.flush()
    return target


def reveal_contact(session: Session, *, actor: Actor, kind: str, item_id: int) -> str:
    """The contact detail a citizen left with a text (decrypted), for a content editor; audited each time."""
    actor = authorize(session, actor, "voice_view_contacts")
    target = _target(session, kind, item_id)
    owner = load(session, VoiceResponse, target.response_id, "response") if kind == "answer" else target
    if not owner.contact_encrypted:
        raise InputRefused([("voice.errors.no_contact", {})])
    record(session, actor=actor.username, action="reveal_contact", entity=_ENTITY[kind], entity_id=str(item_id))
    return personal.decrypt(owner.contact_encrypted)
