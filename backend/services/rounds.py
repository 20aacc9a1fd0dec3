"""The yearly self-assessment round: opening it for every unit of a year, and the demo's history.

Rules (issue 9 §3):

* an appraiser (or administrator) opens the round of a dataset, year and unit scope with two deadlines
  (submission; explanation of adjustments): every unit of the year gets a draft assessment and a score row
  per self-assessed criterion (existing scores are kept as the draft's starting point); units that already
  have an assessment of that year are left as they are;
* the generated demo dataset's years are appraised history: seeding records their assessments as final.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError, ValidationError
from backend.frameworks.sync import spec_for
from backend.models import Assessment, AssessmentScore, Criterion
from backend.services import cycle
from backend.services.inputs import find_dataset, year_units


def open_round(
    session: Session,
    *,
    actor: Actor,
    year: int,
    scope: str,
    submit_deadline: dt.datetime,
    explain_deadline: dt.datetime,
    dataset: str | None = None,
) -> int:
    """Open the self-assessment of ``year`` for every unit of ``scope`` (see the module rules); returns how
    many assessments were opened (units that already have one are left as they are)."""
    who = authorize(session, actor, "open_round")
    submit, explain = cycle.utc(submit_deadline), cycle.utc(explain_deadline)
    if submit <= dt.datetime.now(dt.UTC) or explain <= submit:
        raise ValidationError.of("cycle.deadlines")
    ds = find_dataset(session, dataset, year)
    spec = spec_for(session, "PAR_INDEX", scope, year)
    leaves = cycle.assessed_leaves(spec, year)
    ids: dict[str, int | None] = dict(
        session.exec(
            select(Criterion.code, col(Criterion.id)).where(
                Criterion.framework_id == spec.framework_id, col(Criterion.code).in_([leaf.code for leaf in leaves])
            )
        ).all()
    )
    opened = 0
    for unit_id in year_units(session, scope, year).index:
        exists = session.exec(
            select(Assessment).where(
                Assessment.dataset_id == ds.id, Assessment.year == year, Assessment.unit_id == unit_id
            )
        ).first()
        if exists is not None:
            continue
        assessment = Assessment(
            dataset_id=int(ds.id or 0),
            year=year,
            unit_id=int(unit_id),
            framework_id=int(spec.framework_id or 0),
            submit_deadline=submit,
            explain_deadline=explain,
            opened_by_id=who.user_id,
        )
        session.add(assessment)
        session.flush()
        have = cycle.scores(session, cycle.load(session, int(assessment.id or 0)))
        for leaf in leaves:
            if leaf.code not in have:
                session.add(
                    AssessmentScore(
                        dataset_id=int(ds.id or 0),
                        year=year,
                        unit_id=int(unit_id),
                        criterion_id=int(ids[leaf.code] or 0),
                    )
                )
        opened += 1
    record(
        session,
        actor=who.username,
        action="open_round",
        entity="assessment_round",
        entity_id=f"{ds.id}:{year}:{scope}",
        detail={
            "dataset": ds.name,
            "year": year,
            "scope": scope,
            "opened": opened,
            "submit_deadline": submit,
            "explain_deadline": explain,
        },
    )
    session.flush()
    return opened


def record_demo_history(session: Session, *, actor: Actor, dataset: str, years: list[int]) -> int:
    """Mark the generated self-assessments of a DEMO dataset as final (the demo's years are appraised history:
    its scores already carry their final appraisal); returns how many assessments were recorded. Seeding
    only (the system actor); units that already have an assessment are left as they are."""
    ds = find_dataset(session, dataset, years[0])
    if not ds.is_demo:
        raise DomainError.of("approval.demo_only")
    authorize(session, actor, "seed_demo")
    added = 0
    for year in years:
        for scope in ("province", "ministry"):
            try:
                spec = spec_for(session, "PAR_INDEX", scope, year)
            except NotFoundError:  # no framework for this year and scope: nothing to record
                continue
            have = set(
                session.exec(
                    select(Assessment.unit_id).where(Assessment.dataset_id == ds.id, Assessment.year == year)
                ).all()
            )
            scored = set(
                session.exec(
                    select(AssessmentScore.unit_id)
                    .where(AssessmentScore.dataset_id == ds.id, AssessmentScore.year == year)
                    .distinct()
                ).all()
            )
            end = dt.datetime(year + 1, 1, 31, tzinfo=dt.UTC)
            for unit_id in sorted(set(year_units(session, scope, year).index) & scored - have):
                session.add(
                    Assessment(
                        dataset_id=int(ds.id or 0),
                        year=year,
                        unit_id=int(unit_id),
                        framework_id=int(spec.framework_id or 0),
                        status="final",
                        submit_deadline=end,
                        explain_deadline=end,
                        opened_at=end,
                        final_at=end,
                    )
                )
                added += 1
    if added:
        record(
            session,
            actor=actor.username,
            action="demo_assessments",
            entity="dataset",
            entity_id=str(ds.id),
            detail={"years": years, "final": added},
        )
    session.flush()
    return added
