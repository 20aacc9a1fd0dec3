"""Rules shared by the staff services of citizens' voice (surveys, consultations, questions, the PAR database):
status steps with their audit entry, open periods, public link codes, staff-typed text limits."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError, ValidationError
from backend.i18n import both, t
from backend.services.workflow import as_utc

#: longest title and longest body a staff member may type (characters)
TITLE_MAX = 500
BODY_MAX = 20_000

__all__ = [
    "BODY_MAX",
    "TITLE_MAX",
    "InputRefused",
    "accepting",
    "as_utc",
    "check_period",
    "load",
    "province_valid",
    "public_code",
    "public_link",
    "require_text",
    "step",
]


class InputRefused(ValidationError):
    """Input that is not accepted: a heading and one message per problem, each from the catalogue, in the
    reader's language (``issues``: catalogue key and its values)."""

    def __init__(self, issues: list[tuple[str, dict[str, Any]]], heading: str = "voice.errors.invalid") -> None:
        super().__init__(*both(heading))
        self.heading = heading
        self.issues = issues
        self.problems = [t(key, "en", **values) for key, values in issues]
        self.args = (self.message("en"),)

    def message(self, lang: str = "vi") -> str:
        lines = [f"- {t(key, lang, **values)}" for key, values in self.issues]
        return "\n".join([t(self.heading, lang), *lines])


def load(session: Session, model: Any, object_id: int, entity: str) -> Any:
    """The row ``object_id`` of ``model``, or a NotFoundError naming the kind of object."""
    found = session.get(model, object_id)
    if found is None:
        raise NotFoundError.of("voice.errors.not_found", entity=both(f"voice.entity.{entity}")[1], id=object_id)
    return found


def step(
    session: Session,
    *,
    actor: Actor,
    permission: str,
    obj: Any,
    entity: str,
    action: str,
    sources: Sequence[str],
    target: str,
    detail: dict[str, Any] | None = None,
) -> Any:
    """Move ``obj.status`` from one of ``sources`` to ``target`` (``permission`` required) and audit it."""
    actor = authorize(session, actor, permission)
    if obj.status not in sources:
        raise DomainError.of("voice.errors.bad_step", action=action, status=obj.status)
    before = obj.status
    obj.status = target
    session.add(obj)
    record(
        session,
        actor=actor.username,
        action=action,
        entity=entity,
        entity_id=str(obj.id),
        detail={"from": before, "to": target, **(detail or {})},
    )
    session.flush()
    return obj


def accepting(status: str, opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> bool:
    """Rule: a survey or consultation accepts answers or comments when its status is ``open`` and now lies in
    [opens_at, closes_at) (stored times are UTC; a naive time read back from SQLite is UTC)."""
    return status == "open" and as_utc(opens_at) <= now < as_utc(closes_at)


def province_valid(kind: str, valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    """Rule: a citizen may name a province unit (63 or 34 list) that is valid on ``day``."""
    return str(kind).startswith("province") and valid_from <= day and (valid_to is None or day <= valid_to)


def check_period(opens_at: dt.datetime, closes_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """An open period: aware UTC times (a naive time is UTC), opening before closing."""
    opens, closes = as_utc(opens_at), as_utc(closes_at)
    if opens >= closes:
        raise ValidationError.of("voice.errors.bad_period")
    return opens, closes


def public_link(page: str, parameter: str, code: str) -> str:
    """A public link: PUBLIC_BASE_URL (or a relative path) + the public page + ``?parameter=code``."""
    from backend.settings import get_settings

    return f"{get_settings().public_base_url.rstrip('/')}/{page}?{parameter}={code}"


def public_code() -> str:
    """A random identifier for a public link (11 URL-safe characters: not guessable, not sequential)."""
    return secrets.token_urlsafe(8)[:11]


def require_text(values: dict[str, str | None], required: Sequence[str], limits: dict[str, int]) -> dict[str, str]:
    """Staff-typed texts trimmed; the required ones present and every one within its limit (TITLE_MAX unless
    ``limits`` says otherwise), else one :class:`InputRefused` listing each problem by field."""
    clean = {k: (v or "").strip() for k, v in values.items()}
    issues: list[tuple[str, dict[str, Any]]] = [
        ("voice.errors.required", {"field": k}) for k in required if not clean.get(k)
    ]
    issues += [
        ("voice.errors.too_long", {"field": k, "limit": limits.get(k, TITLE_MAX)})
        for k, v in clean.items()
        if len(v) > limits.get(k, TITLE_MAX)
    ]
    if issues:
        raise InputRefused(issues)
    return clean
