"""The life of a result set: draft → appraised → agreed → approved → (scheduled) → published; returned with a
reason at any step before publication; withdrawn only while its publication time has not come.

Rules (issue 9 §5-6; DHIS2's data approval is the model, with reasons, locks and scheduled publication):

* every step is taken by a user whose *current* roles allow it (``authorize`` reads them from the store);
  returning a set needs the ``return`` permission and the permission of the step the set waits for;
* each step is a compare-and-set on the set's status and lock version (``UPDATE … WHERE status = :s AND
  lock_version = :v``): of two simultaneous approvals or publications exactly one changes the row; the
  other gets :class:`~backend.errors.ConflictError` with a clear message and changes nothing. A page passes
  the version it showed (``expected_version``), so nobody approves a set that changed under their eyes;
* maker ≠ checker: the approver may not be the person who computed the set, appraised its inputs (any
  preliminary or final appraisal of its units' scores) or passed it on as appraised or agreed;
* a set computed by the system (demo seeding) can never be moved on by a person: compute it as a user;
* a set whose units still have an assessment that is not final cannot be approved (computing uses final
  appraisal scores only once the cycle is closed);
* publication sets ``publish_at`` (a Vietnam-time date and hour, stored in UTC) or now; the public side
  shows a set from that time. A published set is immutable (database triggers): it may only be withdrawn
  before its publication time; afterwards a correction is a new version with an erratum, whose
  ``erratum_changes`` (what changed) is written when it is published;
* every step is audited with its reason and the status and version before and after.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import SYSTEM, Actor
from backend.errors import ConflictError, DomainError, NotFoundError, ValidationError
from backend.i18n import t
from backend.models import Assessment, AssessmentScore, AuditLog, Dataset, ResultRow, ResultSet, User
from backend.services.versions import erratum_changes

# action -> (permission, allowed from-statuses, to-status)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "appraise": ("appraise", ("draft",), "appraised"),
    "agree": ("agree", ("appraised",), "agreed"),
    "approve": ("approve", ("agreed",), "approved"),
    "schedule": ("schedule", ("approved",), "approved"),
    "publish": ("publish", ("approved",), "published"),
    "return": ("return", ("draft", "appraised", "agreed", "approved"), "returned"),
    "withdraw": ("withdraw", ("published",), "withdrawn"),
}
#: who may return a set: the permission of the step the set is waiting for
RETURN_NEEDS = {"draft": "appraise", "appraised": "agree", "agreed": "approve", "approved": "publish"}
REASON_REQUIRED = frozenset({"return", "withdraw"})
_PAST_TOLERANCE = dt.timedelta(minutes=1)  # "publish now" typed a few seconds ago is not in the past


def _load(session: Session, result_set_id: int) -> ResultSet:
    found = session.get(ResultSet, result_set_id)
    if found is None:
        raise NotFoundError.of("errors.result_set_not_found", id=result_set_id)
    session.refresh(found)  # the row as stored now, not as this session last saw it
    return found


def _status(status: str, lang: str) -> str:
    return t(f"workflow.status.{status}", lang)


def _wrong_status(action: str, result_set: ResultSet) -> DomainError:
    return DomainError(
        t(
            "approval.wrong_status",
            "vi",
            action=t(f"auth.action.{action}", "vi"),
            status=_status(result_set.status, "vi"),
        ),
        t(
            "approval.wrong_status",
            "en",
            action=t(f"auth.action.{action}", "en"),
            status=_status(result_set.status, "en"),
        ),
    )


def _set_units(result_set: ResultSet) -> Any:
    """The unit ids of a set's rows (a subquery)."""
    rows = ResultRow.__table__  # type: ignore[attr-defined]
    return select(rows.c.unit_id).where(rows.c.result_set_id == result_set.id, rows.c.unit_id.is_not(None))


def people_involved(session: Session, result_set: ResultSet) -> set[str]:
    """Who computed the set, appraised its inputs (preliminary or final, of its units' scores), or passed
    it on as appraised or agreed: none of them may approve it."""
    names = {result_set.computed_by}
    steps = session.exec(
        orm_select(AuditLog.actor).where(
            AuditLog.entity == "result_set",
            AuditLog.entity_id == str(result_set.id),
            col(AuditLog.action).in_(["appraise", "agree"]),
        )
    ).all()
    names |= set(steps)
    units = _set_units(result_set)
    score = AssessmentScore.__table__  # type: ignore[attr-defined]
    ids: set[int] = set()
    for column in (score.c.appraised_by_id, score.c.preliminary_by_id):
        rows = session.connection().execute(
            select(column)
            .where(
                score.c.dataset_id == result_set.dataset_id,
                score.c.year == result_set.year,
                score.c.unit_id.in_(units),
                column.is_not(None),
            )
            .distinct()
        )
        ids |= {int(r[0]) for r in rows}
    if ids:
        names |= set(session.exec(orm_select(User.username).where(col(User.id).in_(ids))).all())
    return names


def open_assessments(session: Session, result_set: ResultSet) -> int:
    """Assessments of the set's units (same dataset and year) that are not final yet."""
    table = Assessment.__table__  # type: ignore[attr-defined]
    stmt = (
        select(func.count())
        .select_from(table)
        .where(
            table.c.dataset_id == result_set.dataset_id,
            table.c.year == result_set.year,
            table.c.unit_id.in_(_set_units(result_set)),
            table.c.status != "final",
        )
    )
    return int(session.connection().execute(stmt).scalar_one())


def _check_rules(
    session: Session, actor: Actor, result_set: ResultSet, action: str, reason: str, publish_at: dt.datetime | None
) -> None:
    """The rules of the module docstring other than permission and status."""
    if action in REASON_REQUIRED and not reason.strip():
        raise ValidationError.of("approval.reason_required", action=action)
    if result_set.computed_by == SYSTEM and action != "return":
        raise DomainError.of("approval.system_set")
    if action == "return":
        authorize(session, actor, RETURN_NEEDS[result_set.status])
    if action == "approve":
        if actor.username in people_involved(session, result_set):
            raise DomainError.of("approval.maker_checker").audited(
                actor=actor.username,
                action="refused",
                entity="result_set",
                entity_id=str(result_set.id),
                detail={"action": action, "why": "maker-checker"},
            )
        waiting = open_assessments(session, result_set)
        if waiting:
            raise DomainError.of("approval.assessments_open", count=waiting)
    now = dt.datetime.now(dt.UTC)
    if action == "schedule" and (publish_at is None or publish_at <= now):
        raise ValidationError.of("approval.schedule_future")
    if action == "publish" and publish_at is not None and publish_at < now - _PAST_TOLERANCE:
        raise ValidationError.of("approval.publish_past")


def transition(
    session: Session,
    *,
    actor: Actor,
    result_set_id: int,
    action: str,
    reason: str = "",
    publish_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> ResultSet:
    """Take one step (see the module rules); raises a clear DomainError when it is not allowed and
    ConflictError when another user changed the set first."""
    if action not in TRANSITIONS:
        raise ValidationError.of("approval.unknown_action", action=action)
    permission, sources, target = TRANSITIONS[action]
    fresh = authorize(session, actor, permission)
    result_set = _load(session, result_set_id)
    version = result_set.lock_version if expected_version is None else expected_version
    if result_set.lock_version != version:
        raise _conflict(fresh, result_set, action)
    if result_set.status not in sources:
        raise _wrong_status(action, result_set)
    when = as_utc(publish_at) if publish_at is not None else None
    _check_rules(session, fresh, result_set, action, reason, when)
    now = dt.datetime.now(dt.UTC)
    values: dict[str, object] = {"status": target, "lock_version": version + 1}
    detail: dict[str, object] = {"from": result_set.status, "to": target}
    if action == "schedule":
        values["publish_at"] = when
        detail["publish_at"] = when
    if action == "publish":
        scheduled = as_utc(result_set.publish_at) if result_set.publish_at else None
        chosen = when or (scheduled if scheduled and scheduled > now else now)
        values.update(publish_at=chosen, published_at=now)
        detail["publish_at"] = chosen
        if result_set.supersedes_id is not None:
            old = session.get(ResultSet, result_set.supersedes_id)
            if old is not None:
                values["erratum_changes"] = erratum_changes(session, old, result_set)
    table = ResultSet.__table__  # type: ignore[attr-defined]
    done = session.connection().execute(
        update(table)
        .where(table.c.id == result_set.id, table.c.status == result_set.status, table.c.lock_version == version)
        .values(**values)
    )
    if done.rowcount != 1:
        raise _conflict(fresh, result_set, action)
    record(
        session,
        actor=fresh.username,
        action=action,
        entity="result_set",
        entity_id=str(result_set.id),
        detail=detail,
        reason=reason.strip(),
        before=f"{result_set.status}@v{version}",
        after=f"{target}@v{version + 1}",
    )
    session.flush()
    return _load(session, result_set_id)


def _conflict(actor: Actor, result_set: ResultSet, action: str) -> ConflictError:
    return ConflictError.of("approval.conflict", id=result_set.id).audited(
        actor=actor.username,
        action="refused",
        entity="result_set",
        entity_id=str(result_set.id),
        detail={"action": action, "why": "conflict"},
    )


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored as aware UTC; a naive time is taken to be UTC."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def publish_demo(session: Session, result_set_id: int, *, publish_at: dt.datetime | None = None) -> ResultSet:
    """Publish a result set of a DEMO dataset in one step, as the system (used by `make run` seeding).

    Refuses anything that is not demo data: official results go through the full workflow."""
    result_set = _load(session, result_set_id)
    dataset = session.get(Dataset, result_set.dataset_id)
    if dataset is None or dataset.kind != "demo":
        raise DomainError.of("approval.demo_only")
    authorize(session, Actor.system(), "seed_demo")
    now = dt.datetime.now(dt.UTC)
    previous = result_set.status
    when = as_utc(publish_at) if publish_at else now
    table = ResultSet.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        update(table)
        .where(table.c.id == result_set.id, table.c.status == previous)
        .values(status="published", publish_at=when, published_at=now, lock_version=table.c.lock_version + 1)
    )
    record(
        session,
        actor=SYSTEM,
        action="publish_demo",
        entity="result_set",
        entity_id=str(result_set.id),
        detail={"from": previous, "to": "published", "publish_at": when, "dataset": dataset.name},
        before=previous,
        after="published",
    )
    session.flush()
    return _load(session, result_set_id)


def history(session: Session, *, actor: Actor, result_set_id: int) -> list[dict[str, object]]:
    """The audit entries of one result set, oldest first (people who may read drafts only)."""
    authorize(session, actor, "view_drafts")
    entries = session.exec(
        orm_select(AuditLog)
        .where(AuditLog.entity == "result_set", AuditLog.entity_id == str(result_set_id))
        .order_by(col(AuditLog.id))
    ).all()
    return [
        {"at": e.at, "actor": e.actor, "action": e.action, "reason": e.reason, **json.loads(e.detail)} for e in entries
    ]


def possible_actions(actor: Actor, status: str) -> list[str]:
    """The steps ``actor``'s roles offer on a set in ``status`` (pages show only these; services re-check)."""
    out = []
    for name, (permission, sources, _) in TRANSITIONS.items():
        if status not in sources or not actor.can(permission):
            continue
        if name == "return" and not actor.can(RETURN_NEEDS[status]):
            continue
        out.append(name)
    return out
