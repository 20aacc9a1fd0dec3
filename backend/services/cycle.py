"""What the self-assessment, appraisal and evidence services share: loading an assessment with its unit and
framework, the assessed criteria with their maxima and guidance, compare-and-set on the assessment's state,
deadlines, and the reason rule.

Rules:

* the criteria a unit scores are the leaves of its framework whose mode is self-assessed
  (``ASSESSED_MODES``: appraisal, appraisal_socioeconomic); survey-fed criteria are never self-scored;
* a score lies between 0 and the criterion's effective maximum (the framework file's official value or its
  working assumption);
* every change of an assessment is a compare-and-set on its status and lock version, like result sets:
  two people changing the same assessment at once cannot both win, and nothing is changed after a step
  has moved it on (a save after submission is refused);
* deadlines are compared in UTC; pages show them in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from backend.auth.permissions import Actor
from backend.errors import ConflictError, DomainError, NotFoundError, ValidationError
from backend.frameworks.spec import ASSESSED_MODES, CriterionSpec, FrameworkSpec
from backend.frameworks.sync import spec_from_row
from backend.models import Assessment, AssessmentScore, Criterion, Framework, Unit

REASON_MAX = 2000
_A = Assessment.__table__  # type: ignore[attr-defined]


_SPECS: dict[tuple[int, str], FrameworkSpec] = {}


def framework_spec(session: Session, framework_id: int) -> FrameworkSpec:
    """The spec of a stored framework, parsed once per process and content (a stored framework never changes:
    a changed file is a new row)."""
    row = session.get(Framework, framework_id)
    if row is None:  # pragma: no cover - assessments point at stored frameworks
        raise NotFoundError.of("cycle.no_framework", id=framework_id)
    key = (framework_id, row.content_hash)
    if key not in _SPECS:
        _SPECS[key] = spec_from_row(row)
    return _SPECS[key]


def assessed_leaves(spec: FrameworkSpec, year: int) -> tuple[CriterionSpec, ...]:
    """The criteria a unit scores itself in ``year`` (see the module rules), in framework order."""
    return tuple(leaf for leaf in spec.leaves(year) if leaf.mode in ASSESSED_MODES)


def unit_code(unit: Unit) -> str:
    """The unit as a grant scope and result-row scope code: ``<unit kind>:<code>``."""
    return f"{unit.kind}:{unit.code}"


@dataclass(frozen=True)
class Loaded:
    """An assessment with its unit, its unit's scope code and its framework spec."""

    assessment: Assessment
    unit: Unit
    code: str
    spec: FrameworkSpec


def load(session: Session, assessment_id: int) -> Loaded:
    found = session.get(Assessment, assessment_id)
    if found is None:
        raise NotFoundError.of("cycle.no_assessment", id=assessment_id)
    session.refresh(found)
    unit = session.get(Unit, found.unit_id)
    assert unit is not None
    return Loaded(found, unit, unit_code(unit), framework_spec(session, found.framework_id))


def scores(session: Session, loaded: Loaded) -> dict[str, AssessmentScore]:
    """The unit's score rows of the year by criterion code (the newest framework version of a code wins)."""
    a = loaded.assessment
    rows = session.exec(
        select(AssessmentScore, Criterion, Framework)
        .join(Criterion, col(Criterion.id) == col(AssessmentScore.criterion_id))
        .join(Framework, col(Framework.id) == col(Criterion.framework_id))
        .where(
            AssessmentScore.dataset_id == a.dataset_id,
            AssessmentScore.year == a.year,
            AssessmentScore.unit_id == a.unit_id,
            Framework.code == loaded.spec.code,
        )
        .order_by(col(Framework.id))
    ).all()
    for score, _, _ in rows:
        session.refresh(score)
    return {criterion.code: score for score, criterion, _ in rows}


def check_status(loaded: Loaded, *allowed: str) -> None:
    if loaded.assessment.status not in allowed:
        raise DomainError.of("cycle.wrong_status", status=loaded.assessment.status, unit=loaded.unit.name_vi)


def before(deadline: dt.datetime, key: str) -> None:
    """Refuse once ``deadline`` has passed (``key``: the catalogue message saying which deadline)."""
    if dt.datetime.now(dt.UTC) > utc(deadline):
        raise DomainError.of(key, deadline=local_text(deadline))


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def local_text(moment: dt.datetime) -> str:
    """A time as Vietnam time text (dd/mm/yyyy HH:MM)."""
    from zoneinfo import ZoneInfo

    from backend.settings import get_settings

    return utc(moment).astimezone(ZoneInfo(get_settings().timezone)).strftime("%d/%m/%Y %H:%M")


def take(session: Session, loaded: Loaded, actor: Actor, version: int | None, **values: object) -> int:
    """Compare-and-set on the assessment: move it to ``values`` (status and times) if it still has the status
    and lock version this caller saw; returns the new lock version, or raises ConflictError."""
    a = loaded.assessment
    seen = a.lock_version if version is None else version
    done = session.connection().execute(
        update(_A)
        .where(_A.c.id == a.id, _A.c.status == a.status, _A.c.lock_version == seen)
        .values(lock_version=seen + 1, **values)
    )
    if done.rowcount != 1:
        raise ConflictError.of("cycle.conflict", unit=loaded.unit.name_vi).audited(
            actor=actor.username,
            action="refused",
            entity="assessment",
            entity_id=str(a.id),
            detail={"why": "conflict", "status": a.status},
        )
    return seen + 1


def reason_text(text: str | None, *, required: bool, criterion: str) -> str:
    """A reason, stripped and bounded; ValidationError when it is required and empty."""
    value = (text or "").strip()
    if required and not value:
        raise ValidationError.of("cycle.reason_required", criterion=criterion)
    if len(value) > REASON_MAX:
        raise ValidationError.of("cycle.text_too_long", criterion=criterion, high=REASON_MAX)
    return value


def check_score(value: float, leaf: CriterionSpec) -> float:
    """A score between 0 and the criterion's effective maximum."""
    top = leaf.max_points
    if top is None or not (0.0 <= float(value) <= float(top) + 1e-9):
        raise ValidationError.of("cycle.score_range", criterion=leaf.code, high=top if top is not None else "—")
    return float(value)
