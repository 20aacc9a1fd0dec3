"""The anonymous write path: citizens' survey answers, comments on consultations and questions.

Every submission goes through :func:`_accept`, in this order (rules in backend/services/submission_rules.py):
consent given → honeypot empty (else answered as accepted and dropped) → contact plausible → form token valid
→ in one transaction of the submission connection (``backend.db.get_submission_engine``: INSERT into the
submission tables, SELECT on what checking needs, nothing else): the target is open → the content is valid →
within the rate limits of the address and the session → not a duplicate → the submission row (its UNIQUE token
refuses a replay) and the content rows are written. On PostgreSQL the check and the write hold an advisory lock
on the address, so two processes cannot both take the last place of a limit.

Addresses, sessions and contents are stored as keyed hashes (backend/personal.py); an optional contact detail
as a salted hash plus an encrypted copy. No staff member is involved, so nothing here is in the audit log: the
``voice_submission`` rows are the record of what was accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError

from backend import personal
from backend.db import get_submission_engine
from backend.i18n import t
from backend.models import ConsultationComment, Question, Topic, VoiceAnswer, VoiceResponse, VoiceSubmission
from backend.services import submission_rules as rules
from backend.services import submission_targets as targets
from backend.services.voice_common import InputRefused
from backend.services.voice_templates import StoredItem, check_answers

SUBMISSIONS: Table = VoiceSubmission.__table__  # type: ignore[attr-defined]
#: writes a submission's content rows, given the id of its submission row
Writer = Callable[[int], None]


@dataclass(frozen=True)
class Outcome:
    """What became of a submission: ``accepted``, ``duplicate`` (already received) or ``limited`` (too many from
    this address or session; try later)."""

    status: str

    def message(self, lang: str) -> str:
        return t(f"voice.submit.outcome.{self.status}", lang)


class FormRefused(InputRefused):
    """A citizen's form is not accepted; one message per problem, in the reader's language."""

    def __init__(self, issues: list[tuple[str, dict[str, Any]]]) -> None:
        super().__init__(issues, heading="voice.submit.refused")


@dataclass(frozen=True)
class _Form:
    kind: str
    target: str
    token: str
    contact: str
    content: Any


def submit_survey(
    *,
    client: rules.Client,
    token: str,
    survey_code: str,
    answers: Mapping[str, Any],
    unit_id: int | None = None,
    contact: str = "",
    honeypot: str = "",
    consent: bool = False,
    now: dt.datetime | None = None,
    engine: Engine | None = None,
) -> Outcome:
    """A citizen's answers to the open survey ``survey_code`` (about ``unit_id`` when the survey is about a
    service; a province survey is about its own province). Free-text answers wait for moderation."""

    def prepare(connection: Connection, moment: dt.datetime) -> tuple[int, Writer]:
        survey = targets.open_survey(connection, survey_code, moment)
        items = targets.items_of(connection, int(survey["id"]))
        clean, problems = check_answers(items, answers)
        if problems:
            raise FormRefused([(key, {"item": code}) for key, code in problems])
        unit = survey["unit_id"] if survey["scope"] == "province" else _named_province(connection, unit_id, moment)
        contact_hash = _contact_hash(form.contact)
        if contact_hash and targets.contact_used(connection, int(survey["id"]), contact_hash):
            raise _Duplicate
        return int(survey["id"]), lambda submission_id: write(connection, submission_id, survey, unit, clean, moment)

    def write(
        connection: Connection,
        submission_id: int,
        survey: Mapping[str, Any],
        unit: int,
        clean: list[tuple[StoredItem, Any]],
        moment: dt.datetime,
    ) -> None:
        contact_hash = _contact_hash(form.contact)
        response_id = _insert(
            connection,
            VoiceResponse.__table__,  # type: ignore[attr-defined]
            survey_id=survey["id"],
            submission_id=submission_id,
            unit_id=unit,
            submitted_at=moment,
            contact_hash=contact_hash,
            contact_encrypted=personal.encrypt(form.contact) if form.contact else None,
            status="counted",
        )
        rows = [
            {
                "response_id": response_id,
                "item_id": item.id,
                "rating": value if item.kind == "rating" else None,
                "choice": value if item.kind == "choice" else None,
                "text": value if item.kind == "text" else None,
                "moderation": "pending" if item.kind == "text" else None,
                "moderated_by": None,
                "moderated_at": None,
            }
            for item, value in clean
        ]
        _insert_many(connection, VoiceAnswer.__table__, rows)  # type: ignore[attr-defined]

    content = {"unit": unit_id, "answers": dict(answers)}
    form = _Form("survey", survey_code, token, contact.strip(), content)
    return _accept(form, client, honeypot, consent, now, engine, prepare)


def submit_comment(
    *,
    client: rules.Client,
    token: str,
    consultation_code: str,
    text_value: str,
    contact: str = "",
    honeypot: str = "",
    consent: bool = False,
    now: dt.datetime | None = None,
    engine: Engine | None = None,
) -> Outcome:
    """A citizen's comment on the open consultation ``consultation_code``; shown once a moderator approves it."""
    comment, fits = rules.clean_text(text_value)
    _check_text(comment, fits, minimum=1)

    def prepare(connection: Connection, moment: dt.datetime) -> tuple[int, Writer]:
        consultation_id = int(targets.open_consultation(connection, consultation_code, moment)["id"])

        def write(submission_id: int) -> None:
            _insert(
                connection,
                ConsultationComment.__table__,  # type: ignore[attr-defined]
                consultation_id=consultation_id,
                submission_id=submission_id,
                text=comment,
                submitted_at=moment,
                moderation="pending",
                **_contact_columns(form.contact),
            )

        return consultation_id, write

    form = _Form("comment", consultation_code, token, contact.strip(), comment)
    return _accept(form, client, honeypot, consent, now, engine, prepare)


def submit_question(
    *,
    client: rules.Client,
    token: str,
    topic_code: str,
    text_value: str,
    contact: str = "",
    honeypot: str = "",
    consent: bool = False,
    now: dt.datetime | None = None,
    engine: Engine | None = None,
) -> Outcome:
    """A citizen's question on ``topic_code``; staff answer it after a moderator has approved it."""
    question, fits = rules.clean_text(text_value)
    _check_text(question, fits, minimum=rules.QUESTION_MIN)

    def prepare(connection: Connection, moment: dt.datetime) -> tuple[int, Writer]:
        topics = Topic.__table__  # type: ignore[attr-defined]
        if connection.execute(select(topics.c.code).where(topics.c.code == topic_code)).first() is None:
            raise FormRefused([("voice.submit.unknown_topic", {})])

        def write(submission_id: int) -> None:
            _insert(
                connection,
                Question.__table__,  # type: ignore[attr-defined]
                submission_id=submission_id,
                topic_code=topic_code,
                text=question,
                asked_at=moment,
                moderation="pending",
                status="asked",
                answer_vi="",
                answer_en="",
                **_contact_columns(form.contact),
            )

        return 0, write

    form = _Form("question", "questions", token, contact.strip(), question)
    return _accept(form, client, honeypot, consent, now, engine, prepare)


class _Duplicate(Exception):
    """Raised inside a submission's transaction: the content is already there (nothing is written)."""


def _accept(
    form: _Form,
    client: rules.Client,
    honeypot: str,
    consent: bool,
    now: dt.datetime | None,
    engine: Engine | None,
    prepare: Callable[[Connection, dt.datetime], tuple[int, Writer]],
) -> Outcome:
    """The common path of every submission (see the module docstring)."""
    if not consent:
        raise FormRefused([("voice.submit.no_consent", {})])
    if honeypot.strip():
        return Outcome("accepted")  # a robot: answered like anyone, nothing kept
    if form.contact and not rules.contact_ok(form.contact):
        raise FormRefused([("voice.submit.bad_contact", {"limit": rules.CONTACT_MAX})])
    moment = now or dt.datetime.now(dt.UTC)
    limits = rules.Limits.from_settings()
    reason = rules.check_token(form.token, form.kind, form.target, limits, moment)
    if reason:
        raise FormRefused([(reason, {})])
    source = personal.hash_address(client.address)
    session = personal.hash_address("session:" + client.session)
    fingerprint = personal.hash_address(rules.fingerprint_text(form.kind, form.target, form.content))
    engine = engine or get_submission_engine()
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:h))"), {"h": source})
            if _over_limit(connection, source, session, limits, moment):
                return Outcome("limited")
            target_id, write = prepare(connection, moment)
            if _seen(connection, fingerprint, source, session, moment):
                return Outcome("duplicate")
            submission_id = _insert(
                connection,
                SUBMISSIONS,
                at=moment,
                kind=form.kind,
                target_id=target_id,
                source_hash=source,
                session_hash=session,
                token=form.token,
                fingerprint=fingerprint,
            )
            write(submission_id)
    except _Duplicate:
        return Outcome("duplicate")
    except IntegrityError:  # the token was used before: a replay
        return Outcome("duplicate")
    return Outcome("accepted")


_S = SUBMISSIONS.c
# statements built once (a submission runs them all; building them anew costs more than running them)
_COUNT_SOURCE = select(func.count(_S.at)).where(_S.source_hash == bindparam("h"), _S.at > bindparam("since"))
_COUNT_SESSION = select(func.count(_S.at)).where(_S.session_hash == bindparam("h"), _S.at > bindparam("since"))
_SEEN = (
    select(_S.at)
    .where(_S.fingerprint == bindparam("f"), or_(_S.source_hash == bindparam("a"), _S.session_hash == bindparam("s")))
    .where(_S.at > bindparam("since"))
    .limit(1)
)
_NEXT_ID = text("SELECT nextval(pg_get_serial_sequence(:t, 'id'))")


def _over_limit(connection: Connection, source: str, session: str, limits: rules.Limits, now: dt.datetime) -> bool:
    """Rule: at most ``per_address`` accepted submissions per address and ``per_session`` per session in the
    window ending now."""
    since = now - limits.window
    by_source = connection.execute(_COUNT_SOURCE, {"h": source, "since": since}).scalar() or 0
    if by_source >= limits.per_address:
        return True
    return (connection.execute(_COUNT_SESSION, {"h": session, "since": since}).scalar() or 0) >= limits.per_session


def _seen(connection: Connection, fingerprint: str, source: str, session: str, now: dt.datetime) -> bool:
    """Rule: the same content from the same address or session within DUPLICATE_WINDOW is a duplicate."""
    values = {"f": fingerprint, "a": source, "s": session, "since": now - rules.DUPLICATE_WINDOW}
    return connection.execute(_SEEN, values).first() is not None


def _insert(connection: Connection, table: Any, **values: Any) -> int:
    """Insert one row and return its id without reading the table back (the submission login may not): on
    PostgreSQL the id is drawn from the table's sequence first, on SQLite it is the new row id."""
    if connection.dialect.name == "postgresql":
        values["id"] = connection.execute(_NEXT_ID, {"t": table.name}).scalar_one()
        connection.execute(insert(table), values)
        return int(values["id"])
    return int(connection.execute(insert(table), values).lastrowid)


def _insert_many(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows whose ids nobody needs back, in one statement."""
    if rows:
        connection.execute(insert(table), rows)


def _check_text(value: str, fits: bool, *, minimum: int) -> None:
    if not fits:
        raise FormRefused([("voice.submit.text_too_long", {"limit": rules.TEXT_MAX})])
    if len(value) < minimum:
        raise FormRefused([("voice.submit.text_too_short", {"minimum": minimum})])


def _contact_hash(contact: str) -> str | None:
    return personal.hash_contact(contact) if contact else None


def _contact_columns(contact: str) -> dict[str, str | None]:
    if not contact:
        return {"contact_hash": None, "contact_encrypted": None}
    return {"contact_hash": personal.hash_contact(contact), "contact_encrypted": personal.encrypt(contact)}


def _named_province(connection: Connection, unit_id: int | None, moment: dt.datetime) -> int:
    try:
        return targets.province(connection, unit_id, moment)
    except targets.ProvinceRefused as exc:
        raise FormRefused([("voice.submit.bad_province", {})]) from exc
