"""Self-assessment: a unit's criteria tree, drafts, progress and submission.

Rules (issue 9 §3; the round itself is opened in backend/services/rounds.py):

* a unit officer sees and edits only its own unit's assessment (the grant's unit scope); others who may
  read assessments see every unit;
* a criterion is *done* when it has a score and either evidence or an explanation of why there is none;
  progress = done / total;
* drafts are saved until the submission deadline; submitting needs every criterion done and locks the
  assessment for the unit (status ``submitted``);
* the preliminary appraisal is shown to the unit only once the appraiser has sent it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, func, select

from backend.audit import record
from backend.auth.access import authorize, authorize_any
from backend.auth.permissions import Actor
from backend.errors import ValidationError
from backend.models import Assessment, AssessmentScore, Criterion, Dataset, Evidence, Unit
from backend.services import cycle

READ = ("self_assess", "view_assessments")
TREE_COLUMNS = [
    "score_id",
    "area",
    "area_name_vi",
    "area_name_en",
    "code",
    "name_vi",
    "name_en",
    "max_points",
    "provisional",
    "guidance_vi",
    "guidance_en",
    "self_score",
    "self_comment",
    "evidence",
    "done",
    "preliminary_score",
    "preliminary_reason",
    "adjusted",
    "explanation",
    "appraisal_score",
    "appraisal_comment",
]


def assessments(session: Session, *, actor: Actor, year: int | None = None) -> pd.DataFrame:
    """The assessments the actor may read (a unit officer: its own units) with their progress."""
    fresh = authorize_any(session, actor, READ)
    units = None if fresh.can("view_assessments") else fresh.units("self_assess") or frozenset()
    stmt = (
        select(Assessment, Unit, Dataset)
        .join(Unit, col(Unit.id) == col(Assessment.unit_id))
        .join(Dataset, col(Dataset.id) == col(Assessment.dataset_id))
        .order_by(col(Assessment.year).desc(), col(Unit.kind), col(Unit.code))
    )
    if year is not None:
        stmt = stmt.where(Assessment.year == year)
    rows = []
    for a, unit, ds in session.exec(stmt).all():
        code = cycle.unit_code(unit)
        if units is not None and code not in units:
            continue
        done, total = _progress(session, a)
        rows.append(
            {
                "id": a.id,
                "year": a.year,
                "unit": code,
                "name_vi": unit.name_vi,
                "name_en": unit.name_en,
                "dataset": ds.name,
                "demo": ds.kind == "demo",
                "status": a.status,
                "done": done,
                "total": total,
                "submit_deadline": a.submit_deadline,
                "explain_deadline": a.explain_deadline,
                "lock_version": a.lock_version,
            }
        )
    columns = [
        "id",
        "year",
        "unit",
        "name_vi",
        "name_en",
        "dataset",
        "demo",
        "status",
        "done",
        "total",
        "submit_deadline",
        "explain_deadline",
        "lock_version",
    ]
    return pd.DataFrame(rows, columns=columns)


def _progress(session: Session, a: Assessment) -> tuple[int, int]:
    """(criteria done, criteria in total) of an assessment (module rules), counted in the store."""
    base = (
        select(AssessmentScore.id)
        .join(Criterion, col(Criterion.id) == col(AssessmentScore.criterion_id))
        .where(
            AssessmentScore.dataset_id == a.dataset_id,
            AssessmentScore.year == a.year,
            AssessmentScore.unit_id == a.unit_id,
            col(Criterion.mode).in_(("appraisal", "appraisal_socioeconomic")),
        )
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    with_evidence = select(Evidence.score_id).distinct()
    done_stmt = base.where(
        col(AssessmentScore.self_score).is_not(None),
        (func.length(func.trim(AssessmentScore.self_comment)) > 0) | col(AssessmentScore.id).in_(with_evidence),
    )
    done = session.exec(select(func.count()).select_from(done_stmt.subquery())).one()
    return int(done), int(total)


@dataclass(frozen=True)
class AssessmentView:
    """One unit's assessment as its tree: criteria with maxima, guidance, scores, evidence and appraisal."""

    id: int
    year: int
    unit: str
    name_vi: str
    name_en: str
    status: str
    lock_version: int
    submit_deadline: dt.datetime
    explain_deadline: dt.datetime
    tree: pd.DataFrame  # TREE_COLUMNS, one row per self-assessed criterion, in framework order
    evidence: (
        pd.DataFrame
    )  # id, score_id, code, title, ref_code, original_name, file_kind, size_bytes, stage, uploaded_at

    @property
    def done(self) -> int:
        return int(self.tree["done"].sum())

    @property
    def total(self) -> int:
        return len(self.tree)


def view(session: Session, *, actor: Actor, assessment_id: int) -> AssessmentView:
    """The tree of one assessment (its unit's officer, or anyone who may read every assessment)."""
    loaded = cycle.load(session, assessment_id)
    fresh = authorize_any(session, actor, READ, unit=loaded.code)
    a, spec = loaded.assessment, loaded.spec
    rows = cycle.scores(session, loaded)
    evidence = _evidence(session, rows)
    show_appraisal = fresh.can_for("view_assessments", loaded.code) or a.status in ("preliminary", "explained", "final")
    records = []
    for leaf in cycle.assessed_leaves(spec, a.year):
        score = rows.get(leaf.code)
        area = spec.criterion(leaf.area) if leaf.area else leaf
        n_evidence = int((evidence["score_id"] == (score.id if score else -1)).sum())
        self_score = score.self_score if score else None
        prelim = score.preliminary_score if score and show_appraisal else None
        records.append(
            {
                "score_id": score.id if score else None,
                "area": area.code,
                "area_name_vi": area.name_vi,
                "area_name_en": area.name_en,
                "code": leaf.code,
                "name_vi": leaf.name_vi,
                "name_en": leaf.name_en,
                "max_points": leaf.max_points,
                "provisional": leaf.provisional,
                "guidance_vi": _guidance(leaf, "vi"),
                "guidance_en": _guidance(leaf, "en"),
                "self_score": self_score,
                "self_comment": score.self_comment if score else "",
                "evidence": n_evidence,
                "done": self_score is not None and (n_evidence > 0 or bool(score and score.self_comment.strip())),
                "preliminary_score": prelim,
                "preliminary_reason": score.preliminary_reason if score and show_appraisal else "",
                "adjusted": prelim is not None and self_score is not None and abs(prelim - self_score) > 1e-9,
                "explanation": score.explanation if score else "",
                "appraisal_score": score.appraisal_score if score and a.status == "final" else None,
                "appraisal_comment": score.appraisal_comment if score and a.status == "final" else "",
            }
        )
    return AssessmentView(
        int(a.id or 0),
        a.year,
        loaded.code,
        loaded.unit.name_vi,
        loaded.unit.name_en,
        a.status,
        a.lock_version,
        a.submit_deadline,
        a.explain_deadline,
        pd.DataFrame(records, columns=TREE_COLUMNS),
        evidence,
    )


def _guidance(leaf: object, lang: str) -> str:
    """What the framework file says about a criterion: its source and, when unverified, why (the guidance the
    unit scores by)."""
    parts = [getattr(leaf, "source", "") or "", getattr(leaf, f"basis_{lang}", "") or ""]
    return " ".join(p.strip() for p in parts if p and p.strip())


def _evidence(session: Session, rows: dict[str, AssessmentScore]) -> pd.DataFrame:
    by_score = {int(s.id or 0): code for code, s in rows.items()}
    items = session.exec(
        select(Evidence).where(col(Evidence.score_id).in_(list(by_score))).order_by(col(Evidence.id))
    ).all()
    columns = [
        "id",
        "score_id",
        "code",
        "title",
        "ref_code",
        "original_name",
        "file_kind",
        "size_bytes",
        "stage",
        "uploaded_at",
        "location",
    ]
    return pd.DataFrame(
        [
            {
                "id": e.id,
                "score_id": e.score_id,
                "code": by_score[e.score_id],
                "title": e.title,
                "ref_code": e.ref_code,
                "original_name": e.original_name,
                "file_kind": e.file_kind,
                "size_bytes": e.size_bytes,
                "stage": e.stage,
                "uploaded_at": e.uploaded_at,
                "location": e.location,
            }
            for e in items
        ],
        columns=columns,
    )


@dataclass(frozen=True)
class ScoreEntry:
    """One criterion of a draft: the score (None = not scored yet) and the unit's note."""

    code: str
    score: float | None
    comment: str = ""


def save_draft(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    entries: list[ScoreEntry],
    expected_version: int | None = None,
) -> int:
    """Save draft scores and notes (the unit's officer, before the submission deadline); returns the new lock
    version. Scores outside 0..maximum are refused, nothing is saved."""
    loaded = cycle.load(session, assessment_id)
    fresh = authorize(session, actor, "self_assess", unit=loaded.code)
    cycle.check_status(loaded, "draft")
    cycle.before(loaded.assessment.submit_deadline, "cycle.submit_closed")
    leaves = {leaf.code: leaf for leaf in cycle.assessed_leaves(loaded.spec, loaded.assessment.year)}
    rows = cycle.scores(session, loaded)
    checked = []
    for entry in entries:
        if entry.code not in leaves or entry.code not in rows:
            raise ValidationError.of("cycle.unknown_criterion", criterion=entry.code)
        value = None if entry.score is None else cycle.check_score(entry.score, leaves[entry.code])
        checked.append(
            (rows[entry.code], value, cycle.reason_text(entry.comment, required=False, criterion=entry.code))
        )
    version = cycle.take(session, loaded, fresh, expected_version)
    for score, value, comment in checked:
        score.self_score, score.self_comment, score.self_by_id = value, comment, fresh.user_id
        session.add(score)
    record(
        session,
        actor=fresh.username,
        action="save_draft",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={"unit": loaded.code, "criteria": [e.code for e in entries][:50]},
        before=f"draft@v{version - 1}",
        after=f"draft@v{version}",
    )
    session.flush()
    return version


def submit(session: Session, *, actor: Actor, assessment_id: int, expected_version: int | None = None) -> int:
    """Submit the unit's self-assessment before the deadline: every criterion must be done (the problems are
    listed per criterion); the assessment is then locked for the unit."""
    loaded = cycle.load(session, assessment_id)
    fresh = authorize(session, actor, "self_assess", unit=loaded.code)
    cycle.check_status(loaded, "draft")
    cycle.before(loaded.assessment.submit_deadline, "cycle.submit_closed")
    tree = view(session, actor=fresh, assessment_id=assessment_id).tree
    missing = tree[~tree["done"]]
    if len(missing):
        problems = [f"{r.code}: {r.name_vi} / {r.name_en}" for r in missing.itertuples()]
        raise ValidationError.of("cycle.not_done", count=len(missing), problems=problems)
    now = dt.datetime.now(dt.UTC)
    version = cycle.take(
        session, loaded, fresh, expected_version, status="submitted", submitted_at=now, submitted_by_id=fresh.user_id
    )
    record(
        session,
        actor=fresh.username,
        action="submit_assessment",
        entity="assessment",
        entity_id=str(assessment_id),
        detail={"unit": loaded.code, "year": loaded.assessment.year, "criteria": len(tree)},
        before="draft",
        after="submitted",
    )
    session.flush()
    return version
