"""Appraisal (thẩm định) and explanation (giải trình): BNV's appraisers against a unit's self-assessment.

Rules (issue 9 §4):

* an appraiser decides every criterion of a submitted assessment: accept the unit's score, or adjust it
  with a mandatory reason; the preliminary appraisal is then sent to the unit (``preliminary``);
* maker ≠ checker: whoever entered or submitted the unit's scores may not appraise them;
* the unit answers each adjusted criterion with an explanation (and new evidence) before the explanation
  deadline and sends it (``explained``);
* the final appraisal closes the cycle (``final``): after the unit's explanation, once its deadline has
  passed without one, or at once when nothing was adjusted (there is nothing to explain). A final score that differs from the unit's own needs a reason (the preliminary one is
  kept when the score stays as preliminarily adjusted). Final scores are written to ``appraisal_score``:
  the scores used in computing;
* a final score may later be corrected by an appraiser, with a reason (the basis of a corrected result set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, ValidationError
from backend.models import Assessment, AssessmentScore, Criterion, Unit, User
from backend.services import cycle


@dataclass(frozen=True)
class Decision:
    """An appraiser's decision on one criterion: ``score`` None keeps the current score (the unit's own, or
    the preliminary one at the final step); ``reason`` says why a score is changed."""

    code: str
    score: float | None = None
    reason: str = ""


def _makers(loaded: cycle.Loaded, rows: dict[str, AssessmentScore]) -> set[int]:
    ids = {s.self_by_id for s in rows.values() if s.self_by_id is not None}
    if loaded.assessment.submitted_by_id is not None:
        ids.add(loaded.assessment.submitted_by_id)
    return ids


def _appraiser(session: Session, actor: Actor, loaded: cycle.Loaded, rows: dict[str, AssessmentScore]) -> Actor:
    fresh = authorize(session, actor, "appraise_unit", unit=loaded.code)
    if fresh.user_id in _makers(loaded, rows):
        raise DomainError.of("cycle.maker_checker").audited(
            actor=fresh.username,
            action="refused",
            entity="assessment",
            entity_id=str(loaded.assessment.id),
            detail={"why": "maker-checker"},
        )
    return fresh


def _decide(
    loaded: cycle.Loaded, rows: dict[str, AssessmentScore], decisions: list[Decision], base: str
) -> list[tuple[AssessmentScore, float, str]]:
    """Every criterion's new score and reason (``base``: the column a decision without a score keeps)."""
    leaves = {leaf.code: leaf for leaf in cycle.assessed_leaves(loaded.spec, loaded.assessment.year)}
    by_code = {d.code: d for d in decisions}
    unknown = sorted(set(by_code) - set(leaves))
    if unknown:
        raise ValidationError.of("cycle.unknown_criterion", criterion=", ".join(unknown))
    out = []
    for code, leaf in leaves.items():
        score = rows[code]
        decision = by_code.get(code, Decision(code))
        kept = getattr(score, base) if getattr(score, base) is not None else score.self_score
        value = kept if decision.score is None else cycle.check_score(decision.score, leaf)
        if value is None:
            raise ValidationError.of("cycle.undecided", criterion=code)
        own = score.self_score if score.self_score is not None else 0.0
        changed = abs(float(value) - float(own)) > 1e-9
        inherited = score.preliminary_reason if base == "preliminary_score" and decision.score is None else ""
        reason = cycle.reason_text(decision.reason or inherited, required=changed, criterion=code)
        out.append((score, float(value), reason))
    return out


def preliminary(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    decisions: list[Decision],
    expected_version: int | None = None,
) -> int:
    """Record the preliminary appraisal of a submitted assessment and send it to the unit."""
    loaded = cycle.load(session, assessment_id)
    rows = cycle.scores(session, loaded)
    fresh = _appraiser(session, actor, loaded, rows)
    cycle.check_status(loaded, "submitted")
    decided = _decide(loaded, rows, decisions, "self_score")
    now = dt.datetime.now(dt.UTC)
    version = cycle.take(
        session,
        loaded,
        fresh,
        expected_version,
        status="preliminary",
        preliminary_at=now,
        preliminary_by_id=fresh.user_id,
    )
    for score, value, reason in decided:
        score.preliminary_score, score.preliminary_reason = value, reason
        score.preliminary_at, score.preliminary_by_id = now, fresh.user_id
        session.add(score)
    adjusted = [s for s, v, _ in decided if abs(v - (s.self_score or 0.0)) > 1e-9]
    record(
        session,
        actor=fresh.username,
        action="preliminary_appraisal",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={"unit": loaded.code, "criteria": len(decided), "adjusted": len(adjusted)},
        before="submitted",
        after="preliminary",
    )
    session.flush()
    return version


def explain(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    explanations: dict[str, str],
    send: bool = False,
    expected_version: int | None = None,
) -> int:
    """Save the unit's explanations of adjusted criteria (and with ``send``, send them: ``explained``)."""
    loaded = cycle.load(session, assessment_id)
    fresh = authorize(session, actor, "explain", unit=loaded.code)
    cycle.check_status(loaded, "preliminary")
    cycle.before(loaded.assessment.explain_deadline, "cycle.explain_closed")
    rows = cycle.scores(session, loaded)
    texts = {}
    for code, text in explanations.items():
        score = rows.get(code)
        if (
            score is None
            or score.preliminary_score is None
            or abs(score.preliminary_score - (score.self_score or 0.0)) < 1e-9
        ):
            raise ValidationError.of("cycle.not_adjusted")
        texts[code] = cycle.reason_text(text, required=False, criterion=code)
    now = dt.datetime.now(dt.UTC)
    values: dict[str, object] = (
        {"status": "explained", "explained_at": now, "explained_by_id": fresh.user_id} if send else {}
    )
    version = cycle.take(session, loaded, fresh, expected_version, **values)
    for code, text in texts.items():
        rows[code].explanation, rows[code].explained_at = text, now
        session.add(rows[code])
    record(
        session,
        actor=fresh.username,
        action="send_explanation" if send else "save_explanation",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={"unit": loaded.code, "criteria": sorted(texts)},
        before="preliminary",
        after="explained" if send else "preliminary",
    )
    session.flush()
    return version


def finalise(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    decisions: list[Decision],
    expected_version: int | None = None,
) -> int:
    """The final appraisal: after the unit's explanation, once the explanation deadline has passed, or at once
    when the preliminary appraisal adjusted nothing."""
    loaded = cycle.load(session, assessment_id)
    rows = cycle.scores(session, loaded)
    fresh = _appraiser(session, actor, loaded, rows)
    cycle.check_status(loaded, "preliminary", "explained")
    a = loaded.assessment
    adjusted = any(
        s.preliminary_score is not None and abs(s.preliminary_score - (s.self_score or 0.0)) > 1e-9
        for s in rows.values()
    )
    waiting = a.status == "preliminary" and adjusted and dt.datetime.now(dt.UTC) <= cycle.utc(a.explain_deadline)
    if waiting:
        raise DomainError.of("cycle.wait_explanation", deadline=cycle.local_text(a.explain_deadline))
    decided = _decide(loaded, rows, decisions, "preliminary_score")
    now = dt.datetime.now(dt.UTC)
    version = cycle.take(
        session, loaded, fresh, expected_version, status="final", final_at=now, final_by_id=fresh.user_id
    )
    for score, value, reason in decided:
        score.appraisal_score, score.appraisal_comment = value, reason
        score.appraised_at, score.appraised_by_id = now, fresh.user_id
        session.add(score)
    record(
        session,
        actor=fresh.username,
        action="final_appraisal",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={
            "unit": loaded.code,
            "criteria": len(decided),
            "adjusted": sum(abs(v - (s.self_score or 0.0)) > 1e-9 for s, v, _ in decided),
        },
        before=a.status,
        after="final",
    )
    session.flush()
    return version


def correct_final(session: Session, *, actor: Actor, assessment_id: int, code: str, score: float, reason: str) -> int:
    """Correct one final appraised score (with a reason): the input of a corrected result set."""
    loaded = cycle.load(session, assessment_id)
    rows = cycle.scores(session, loaded)
    fresh = _appraiser(session, actor, loaded, rows)
    cycle.check_status(loaded, "final")
    leaves = {leaf.code: leaf for leaf in cycle.assessed_leaves(loaded.spec, loaded.assessment.year)}
    if code not in leaves or code not in rows:
        raise ValidationError.of("cycle.unknown_criterion", criterion=code)
    value = cycle.check_score(score, leaves[code])
    text = cycle.reason_text(reason, required=True, criterion=code)
    version = cycle.take(session, loaded, fresh, None)
    row = rows[code]
    old = row.appraisal_score
    row.appraisal_score, row.appraisal_comment = value, text
    row.appraised_at, row.appraised_by_id = dt.datetime.now(dt.UTC), fresh.user_id
    session.add(row)
    record(
        session,
        actor=fresh.username,
        action="correct_appraisal",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={"unit": loaded.code, "criterion": code},
        reason=text,
        before=str(old),
        after=str(value),
    )
    session.flush()
    return version


def adjustments(session: Session, dataset_id: int, year: int, unit_ids: list[int]) -> pd.DataFrame:
    """Every criterion of the units whose final score differs from the unit's own, with the reasons, the
    unit's explanation and the appraiser (the approval panel's list; the caller has authorised)."""
    stmt = (
        select(AssessmentScore, Criterion, Unit, User)
        .join(Criterion, col(Criterion.id) == col(AssessmentScore.criterion_id))
        .join(Unit, col(Unit.id) == col(AssessmentScore.unit_id))
        .join(User, col(User.id) == col(AssessmentScore.appraised_by_id), isouter=True)
        .where(
            AssessmentScore.dataset_id == dataset_id,
            AssessmentScore.year == year,
            col(AssessmentScore.unit_id).in_(unit_ids),
            col(AssessmentScore.appraisal_score).is_not(None),
        )
    )
    rows = []
    for score, crit, unit, user in session.exec(stmt).all():
        own = score.self_score if score.self_score is not None else 0.0
        if abs(float(score.appraisal_score or 0.0) - float(own)) <= 1e-9:
            continue
        rows.append(
            {
                "unit": f"{unit.kind}:{unit.code}",
                "name_vi": unit.name_vi,
                "name_en": unit.name_en,
                "criterion": crit.code,
                "self_score": score.self_score,
                "preliminary_score": score.preliminary_score,
                "final_score": score.appraisal_score,
                "change": float(score.appraisal_score or 0.0) - float(own),
                "reason": score.appraisal_comment,
                "explanation": score.explanation,
                "appraiser": user.username if user else "",
            }
        )
    columns = [
        "unit",
        "name_vi",
        "name_en",
        "criterion",
        "self_score",
        "preliminary_score",
        "final_score",
        "change",
        "reason",
        "explanation",
        "appraiser",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(["unit", "criterion"]).reset_index(drop=True)


def queue(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Assessments waiting for an appraiser (submitted; preliminary once the unit explained or its deadline
    passed), oldest submission first."""
    authorize(session, actor, "appraise_unit")
    stmt = (
        select(Assessment, Unit)
        .join(Unit, col(Unit.id) == col(Assessment.unit_id))
        .where(col(Assessment.status).in_(("submitted", "preliminary", "explained")))
        .order_by(col(Assessment.submitted_at))
    )
    rows = [
        {
            "id": a.id,
            "year": a.year,
            "unit": f"{u.kind}:{u.code}",
            "name_vi": u.name_vi,
            "name_en": u.name_en,
            "status": a.status,
            "submitted_at": a.submitted_at,
            "explain_deadline": a.explain_deadline,
        }
        for a, u in session.exec(stmt).all()
    ]
    return pd.DataFrame(
        rows, columns=["id", "year", "unit", "name_vi", "name_en", "status", "submitted_at", "explain_deadline"]
    )
