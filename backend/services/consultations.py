"""Policy consultation (xin ý kiến): staff put a draft policy or reform initiative to citizens with a summary,
documents and an open period; citizens comment (moderated); afterwards staff publish a summary of the comments
and their response. A consultation is a draft → open (public; comments accepted within its period) → closed
→ answered (the summary and the response are public). Every step is audited."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlmodel import Session, col, func, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import Consultation, ConsultationComment, ConsultationDocument, ParDocument, Topic
from backend.services.voice_common import (
    BODY_MAX,
    InputRefused,
    check_period,
    load,
    public_code,
    public_link,
    require_text,
    step,
)

#: url path of the public page of consultations (dashboards/public_app.py)
PUBLIC_PAGE = "consultations"
_URL_PREFIXES = ("https://", "http://")


def create_consultation(
    session: Session,
    *,
    actor: Actor,
    title_vi: str,
    summary_vi: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    title_en: str = "",
    summary_en: str = "",
    topic_code: str | None = None,
) -> Consultation:
    """A draft consultation."""
    actor = authorize(session, actor, "voice_edit")
    texts = require_text(
        {"title_vi": title_vi, "title_en": title_en, "summary_vi": summary_vi, "summary_en": summary_en},
        ["title_vi", "summary_vi"],
        {"summary_vi": BODY_MAX, "summary_en": BODY_MAX},
    )
    if topic_code and session.get(Topic, topic_code) is None:
        raise InputRefused([("voice.errors.unknown_topic", {"topic": topic_code})])
    opens, closes = check_period(opens_at, closes_at)
    consultation = Consultation(
        code=public_code(),
        topic_code=topic_code or None,
        opens_at=opens,
        closes_at=closes,
        created_by=actor.username,
        title_vi=texts["title_vi"],
        title_en=texts["title_en"],
        summary_vi=texts["summary_vi"],
        summary_en=texts["summary_en"],
    )
    session.add(consultation)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="consultation_create",
        entity="consultation",
        entity_id=str(consultation.id),
        detail={"title": consultation.title_vi, "code": consultation.code},
    )
    return consultation


def add_document(
    session: Session, *, actor: Actor, consultation_id: int, title: str, url: str = "", document_id: int | None = None
) -> ConsultationDocument:
    """A document of a draft or open consultation: a web link (http/https) or an entry of the PAR database."""
    actor = authorize(session, actor, "voice_edit")
    consultation = load(session, Consultation, consultation_id, "consultation")
    if consultation.status not in ("draft", "open"):
        raise InputRefused([("voice.errors.closed", {})])
    texts = require_text({"title": title, "url": url}, ["title"], {"url": 2000})
    if texts["url"] and not texts["url"].startswith(_URL_PREFIXES):
        raise InputRefused([("voice.errors.bad_url", {})])
    if document_id is not None and session.get(ParDocument, document_id) is None:
        raise InputRefused([("voice.errors.unknown_document", {"id": document_id})])
    if not texts["url"] and document_id is None:
        raise InputRefused([("voice.errors.link_needed", {})])
    document = ConsultationDocument(
        consultation_id=consultation_id, document_id=document_id, title=texts["title"], url=texts["url"]
    )
    session.add(document)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="consultation_document",
        entity="consultation",
        entity_id=str(consultation_id),
        detail={"title": document.title, "url": document.url, "document_id": document_id},
    )
    return document


def open_consultation(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    """Make the consultation public; comments are accepted within its period."""
    consultation = load(session, Consultation, consultation_id, "consultation")
    return step(
        session,
        actor=actor,
        permission="voice_edit",
        obj=consultation,
        entity="consultation",
        action="consultation_open",
        sources=("draft",),
        target="open",
    )


def close_consultation(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    consultation = load(session, Consultation, consultation_id, "consultation")
    return step(
        session,
        actor=actor,
        permission="voice_edit",
        obj=consultation,
        entity="consultation",
        action="consultation_close",
        sources=("open",),
        target="closed",
    )


def publish_response(
    session: Session,
    *,
    actor: Actor,
    consultation_id: int,
    comment_summary_vi: str,
    response_vi: str,
    comment_summary_en: str = "",
    response_en: str = "",
) -> Consultation:
    """Publish the summary of the comments and the response of a closed consultation."""
    actor = authorize(session, actor, "voice_edit")
    limits = {k: BODY_MAX for k in ("comment_summary_vi", "comment_summary_en", "response_vi", "response_en")}
    texts = require_text(
        {
            "comment_summary_vi": comment_summary_vi,
            "comment_summary_en": comment_summary_en,
            "response_vi": response_vi,
            "response_en": response_en,
        },
        ["comment_summary_vi", "response_vi"],
        limits,
    )
    consultation = load(session, Consultation, consultation_id, "consultation")
    for key, value in texts.items():
        setattr(consultation, key, value)
    consultation.answered_at = dt.datetime.now(dt.UTC)
    return step(
        session,
        actor=actor,
        permission="voice_edit",
        obj=consultation,
        entity="consultation",
        action="consultation_respond",
        sources=("closed",),
        target="answered",
    )


def list_consultations(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every consultation with its comments counted by moderation state."""
    actor = authorize(session, actor, "voice_edit")
    counts: dict[tuple[int, str], int] = {
        (int(cid), str(state)): int(n)
        for cid, state, n in session.exec(
            select(
                ConsultationComment.consultation_id,
                ConsultationComment.moderation,
                func.count(col(ConsultationComment.id)),
            ).group_by(col(ConsultationComment.consultation_id), col(ConsultationComment.moderation))
        ).all()
    }
    columns = ["id", "code", "title", "status", "opens_at", "closes_at", "pending", "approved", "rejected", "link"]
    records = [
        {
            "id": c.id,
            "code": c.code,
            "title": c.title_vi,
            "status": c.status,
            "opens_at": c.opens_at,
            "closes_at": c.closes_at,
            **{state: counts.get((c.id or 0, state), 0) for state in ("pending", "approved", "rejected")},
            "link": public_link(PUBLIC_PAGE, "consultation", c.code),
        }
        for c in session.exec(select(Consultation).order_by(col(Consultation.id).desc())).all()
    ]
    return pd.DataFrame.from_records(records, columns=columns)
