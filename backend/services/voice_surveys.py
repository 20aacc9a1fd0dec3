"""Online citizen surveys, as staff make them: from a template, for one province or one public service, with an
open period and a public link. A survey is a draft (its questions may change) → open (its link is out;
citizens answer between ``opens_at`` and ``closes_at``) → closed. Every step is audited."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlmodel import Session, col, func, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import NotFoundError
from backend.models import Unit, VoiceAnswer, VoiceItem, VoiceResponse, VoiceSurvey
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
from backend.services.voice_templates import ItemSpec, load_templates, parse_items

#: url path of the public page where citizens answer (dashboards/public_app.py)
PUBLIC_PAGE = "survey"


def survey_link(code: str) -> str:
    """The public link of a survey: PUBLIC_BASE_URL (or a relative path) + the answering page + its code."""
    return public_link(PUBLIC_PAGE, "survey", code)


def create_survey(
    session: Session,
    *,
    actor: Actor,
    template: str,
    title_vi: str,
    title_en: str = "",
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    unit_id: int | None = None,
    service_vi: str = "",
    service_en: str = "",
) -> VoiceSurvey:
    """A draft survey with the template's questions. A province survey names its province; a service survey
    names its service (the citizen then says which province)."""
    actor = authorize(session, actor, "voice_edit")
    spec = load_templates().get(template)
    if spec is None:
        raise NotFoundError.of("voice.errors.no_template", name=template)
    texts = require_text(
        {"title_vi": title_vi, "title_en": title_en, "service_vi": service_vi, "service_en": service_en},
        ["title_vi", "service_vi"] if spec.scope == "service" else ["title_vi"],
        {},
    )
    opens, closes = check_period(opens_at, closes_at)
    if spec.scope == "province":
        unit = session.get(Unit, unit_id) if unit_id is not None else None
        if unit is None or not unit.is_province:
            raise InputRefused([("voice.errors.province_needed", {})])
    survey = VoiceSurvey(
        code=public_code(),
        template=spec.code,
        intro_vi=spec.intro_vi,
        intro_en=spec.intro_en,
        scope=spec.scope,
        unit_id=unit_id if spec.scope == "province" else None,
        opens_at=opens,
        closes_at=closes,
        created_by=actor.username,
        title_vi=texts["title_vi"],
        title_en=texts["title_en"],
        service_vi=texts["service_vi"],
        service_en=texts["service_en"],
    )
    session.add(survey)
    session.flush()
    _replace_items(session, survey, spec.items)
    record(
        session,
        actor=actor.username,
        action="voice_survey_create",
        entity="voice_survey",
        entity_id=str(survey.id),
        detail={"template": spec.code, "scope": spec.scope, "unit_id": survey.unit_id, "code": survey.code},
    )
    return survey


def set_items(session: Session, *, actor: Actor, survey_id: int, rows: list[dict[str, object]]) -> list[VoiceItem]:
    """Replace a draft survey's questions (checked by the template rules)."""
    actor = authorize(session, actor, "voice_edit")
    survey = load(session, VoiceSurvey, survey_id, "survey")
    if survey.status != "draft":
        raise InputRefused([("voice.errors.not_draft", {})])
    items = parse_items(rows)
    before = [i.code for i in _items(session, survey_id)]
    made = _replace_items(session, survey, items)
    record(
        session,
        actor=actor.username,
        action="voice_survey_items",
        entity="voice_survey",
        entity_id=str(survey_id),
        detail={"before": before, "after": [i.code for i in items]},
    )
    return made


def set_intro(session: Session, *, actor: Actor, survey_id: int, intro_vi: str, intro_en: str = "") -> VoiceSurvey:
    """Change a draft survey's introduction."""
    actor = authorize(session, actor, "voice_edit")
    survey = load(session, VoiceSurvey, survey_id, "survey")
    if survey.status != "draft":
        raise InputRefused([("voice.errors.not_draft", {})])
    texts = require_text({"intro_vi": intro_vi, "intro_en": intro_en}, [], {"intro_vi": BODY_MAX, "intro_en": BODY_MAX})
    survey.intro_vi, survey.intro_en = texts["intro_vi"], texts["intro_en"]
    session.add(survey)
    record(session, actor=actor.username, action="voice_survey_intro", entity="voice_survey", entity_id=str(survey_id))
    return survey


def open_survey(session: Session, *, actor: Actor, survey_id: int) -> VoiceSurvey:
    """Publish the survey's link: citizens may answer within its period."""
    survey = load(session, VoiceSurvey, survey_id, "survey")
    if not _items(session, survey_id):
        raise InputRefused([("voice.errors.no_items", {})])
    detail = {"link": survey_link(survey.code)}
    return step(
        session,
        actor=actor,
        permission="voice_edit",
        obj=survey,
        entity="voice_survey",
        action="voice_survey_open",
        sources=("draft",),
        target="open",
        detail=detail,
    )


def close_survey(session: Session, *, actor: Actor, survey_id: int) -> VoiceSurvey:
    """Stop accepting answers (the period's end does so too)."""
    survey = load(session, VoiceSurvey, survey_id, "survey")
    return step(
        session,
        actor=actor,
        permission="voice_edit",
        obj=survey,
        entity="voice_survey",
        action="voice_survey_close",
        sources=("open",),
        target="closed",
    )


def set_period(
    session: Session, *, actor: Actor, survey_id: int, opens_at: dt.datetime, closes_at: dt.datetime
) -> VoiceSurvey:
    """Change the open period of a draft or open survey."""
    actor = authorize(session, actor, "voice_edit")
    survey = load(session, VoiceSurvey, survey_id, "survey")
    if survey.status == "closed":
        raise InputRefused([("voice.errors.closed", {})])
    before = {"opens_at": survey.opens_at.isoformat(), "closes_at": survey.closes_at.isoformat()}
    survey.opens_at, survey.closes_at = check_period(opens_at, closes_at)
    session.add(survey)
    record(
        session,
        actor=actor.username,
        action="voice_survey_period",
        entity="voice_survey",
        entity_id=str(survey_id),
        detail={"before": before, "opens_at": survey.opens_at.isoformat(), "closes_at": survey.closes_at.isoformat()},
    )
    return survey


def list_surveys(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every survey with its link, period, counted responses and free texts waiting for moderation."""
    if not (actor.can("voice_edit") or actor.can("voice_view_results")):
        actor = authorize(session, actor, "voice_edit")
    counted = dict(
        session.exec(
            select(VoiceResponse.survey_id, func.count(col(VoiceResponse.id)))
            .where(VoiceResponse.status == "counted")
            .group_by(col(VoiceResponse.survey_id))
        ).all()
    )
    pending = dict(
        session.exec(
            select(VoiceResponse.survey_id, func.count(col(VoiceAnswer.id)))
            .join(VoiceAnswer, col(VoiceAnswer.response_id) == col(VoiceResponse.id))
            .where(VoiceAnswer.moderation == "pending")
            .group_by(col(VoiceResponse.survey_id))
        ).all()
    )
    surveys = session.exec(select(VoiceSurvey).order_by(col(VoiceSurvey.id).desc())).all()
    records = [
        {
            "id": s.id,
            "code": s.code,
            "title": s.title_vi,
            "scope": s.scope,
            "status": s.status,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "responses": int(counted.get(s.id or 0, 0)),
            "pending_texts": int(pending.get(s.id or 0, 0)),
            "link": survey_link(s.code),
        }
        for s in surveys
    ]
    columns = ["id", "code", "title", "scope", "status", "opens_at", "closes_at", "responses", "pending_texts", "link"]
    return pd.DataFrame.from_records(records, columns=columns)


def survey_items(session: Session, *, actor: Actor, survey_id: int) -> pd.DataFrame:
    """A survey's questions as staff edit them (options as JSON text)."""
    actor = authorize(session, actor, "voice_edit")
    load(session, VoiceSurvey, survey_id, "survey")
    columns = ["code", "kind", "text_vi", "text_en", "required", "options"]
    rows = [{c: getattr(i, c) for c in columns} for i in _items(session, survey_id)]
    return pd.DataFrame.from_records(rows, columns=columns)


def _items(session: Session, survey_id: int) -> list[VoiceItem]:
    return list(
        session.exec(select(VoiceItem).where(VoiceItem.survey_id == survey_id).order_by(col(VoiceItem.position))).all()
    )


def _replace_items(session: Session, survey: VoiceSurvey, items: list[ItemSpec]) -> list[VoiceItem]:
    for old in _items(session, survey.id or 0):
        session.delete(old)
    session.flush()
    made = [
        VoiceItem(
            survey_id=survey.id or 0,
            position=position,
            code=item.code,
            kind=item.kind,
            text_vi=item.text_vi,
            text_en=item.text_en,
            required=item.required,
            options=json.dumps([o.model_dump() for o in item.options], ensure_ascii=False),
        )
        for position, item in enumerate(items, start=1)
    ]
    session.add_all(made)
    session.flush()
    return made
