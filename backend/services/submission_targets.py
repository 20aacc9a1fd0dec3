"""What the anonymous write path reads to check a submission, through the submission connection (which may
read only these: open surveys and their items, open consultations, units, and whether a contact has answered
a survey already)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, select

from backend.errors import DomainError
from backend.models import Unit, VoiceResponse
from backend.models.public_voice import public_consultation, public_voice_item, public_voice_survey
from backend.services.voice_common import accepting, province_valid
from backend.services.voice_templates import StoredItem


class ProvinceRefused(ValueError):
    """The named province is not a province unit valid on the day of the submission."""


def contact_used(connection: Connection, survey_id: int, contact_hash: str) -> bool:
    """Rule: one response per contact detail and survey."""
    return connection.execute(_CONTACT, {"survey": survey_id, "h": contact_hash}).first() is not None


def is_open(row: Mapping[str, Any], now: dt.datetime) -> bool:
    return accepting(row["status"], row["opens_at"], row["closes_at"], now)


# statements built once (every submission runs them)
_SURVEY = select(public_voice_survey).where(public_voice_survey.c.code == bindparam("code"))
_CONSULTATION = select(
    public_consultation.c.id,
    public_consultation.c.status,
    public_consultation.c.opens_at,
    public_consultation.c.closes_at,
).where(public_consultation.c.code == bindparam("code"))
_ITEMS = (
    select(public_voice_item)
    .where(public_voice_item.c.survey_id == bindparam("survey"))
    .order_by(public_voice_item.c.position)
)
_R = VoiceResponse.__table__.c  # type: ignore[attr-defined]
_CONTACT = select(_R.survey_id).where(_R.survey_id == bindparam("survey"), _R.contact_hash == bindparam("h")).limit(1)
_U = Unit.__table__.c  # type: ignore[attr-defined]
_UNIT = select(_U.id, _U.kind, _U.valid_from, _U.valid_to).where(_U.id == bindparam("id"))


def open_survey(connection: Connection, code: str, now: dt.datetime) -> Mapping[str, Any]:
    survey = connection.execute(_SURVEY, {"code": code}).mappings().first()
    if survey is None or not is_open(dict(survey), now):
        raise DomainError.of("voice.submit.closed")
    return dict(survey)


def open_consultation(connection: Connection, code: str, now: dt.datetime) -> Mapping[str, Any]:
    found = connection.execute(_CONSULTATION, {"code": code}).mappings().first()
    if found is None or not is_open(dict(found), now):
        raise DomainError.of("voice.submit.closed")
    return dict(found)


def items_of(connection: Connection, survey_id: int) -> list[StoredItem]:
    rows = connection.execute(_ITEMS, {"survey": survey_id}).mappings()
    return [
        StoredItem(
            id=int(r["id"]),
            code=r["code"],
            kind=r["kind"],
            required=bool(r["required"]),
            options=tuple(o["code"] for o in json.loads(r["options"] or "[]")),
        )
        for r in rows
    ]


def province(connection: Connection, unit_id: int | None, now: dt.datetime) -> int:
    """The province a citizen names for a service survey: a province unit valid today."""
    found = None if unit_id is None else connection.execute(_UNIT, {"id": int(unit_id)}).mappings().first()
    if found is None or not province_valid(found["kind"], found["valid_from"], found["valid_to"], now.date()):
        raise ProvinceRefused(unit_id)
    return int(found["id"])
