"""The leaders' approval panel of one computed result set: everything a leader weighs before approving.

Built from the read model's pure views (backend/published) over the set's stored tables:

* the map and the ranking (with the bootstrap's rank intervals ``rank_low``–``rank_high``);
* against last year: the newest published set of the same index and unit scope for an earlier year,
  matched through the lineage (backend/published/changes.py);
* against the previous version of the same set: the figures that changed and the inputs that caused it
  (backend/services/versions.py);
* review flags: outliers and big moves (backend/scoring/flags.py);
* data quality per unit: the valid-form rate of each survey feeding the set (valid / received forms of the
  set's dataset and year). Back-check mismatch rates are not in this store yet (issue 8 adds them);
* the appraisal adjustments with their reasons (backend/services/appraisal.py), assessments not yet final,
  who may not approve (maker ≠ checker) and the set's history.

The figures of a set never change, so the parts built from them are kept in memory per store, set and
last-year set (:data:`_CACHE`, bounded; a newer published set of last year makes a new entry); the rest (status,
lock version, adjustments, quality, history) is read each time.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import NotFoundError
from backend.models import ResultSet, Survey, SurveyForm, Unit
from backend.published.changes import Comparison
from backend.published.store import lineage
from backend.published.tables import SetTables
from backend.published.views import MapView, RankingView, map_view, ranking_view
from backend.scoring.flags import review_flags
from backend.services import appraisal, workflow
from backend.services.results import stored_tables
from backend.services.versions import VersionDiff, version_diff

#: surveys feeding a set: (index, unit scope) → survey index codes
SURVEYS = {
    ("SIPAS", "province"): ("SIPAS",),
    ("PAR_INDEX", "province"): ("PAR_SURVEY", "SIPAS"),
    ("PAR_INDEX", "ministry"): ("PAR_SURVEY",),
}
_CACHE: OrderedDict[tuple[str, int, int | None], Figures] = OrderedDict()
_CACHE_SIZE = 16


@dataclass(frozen=True)
class Figures:
    """The parts of the panel built from the set's (immutable) figures."""

    tables: SetTables
    previous_year: ResultSet | None
    map: MapView
    ranking: RankingView
    versions: VersionDiff
    flags: pd.DataFrame

    @property
    def last_year(self) -> Comparison:
        return self.ranking.comparison


@dataclass(frozen=True)
class ApprovalPanel:
    result_set: ResultSet
    figures: Figures
    quality: pd.DataFrame  # scope_code, name_vi, name_en, survey, received, valid, valid_rate
    adjustments: pd.DataFrame
    open_assessments: int
    involved: frozenset[str]
    history: list[dict[str, Any]]
    actions: list[str]

    @property
    def may_approve(self) -> bool:
        return "approve" in self.actions


def previous_year_set(session: Session, rs: ResultSet) -> ResultSet | None:
    """The newest published set of the same index and unit scope for the latest earlier year (the same
    dataset first: demo against demo, official against official)."""
    candidates = session.exec(
        orm_select(ResultSet)
        .where(
            ResultSet.index_code == rs.index_code,
            ResultSet.unit_scope == rs.unit_scope,
            ResultSet.year < rs.year,
            ResultSet.status == "published",
        )
        .order_by(col(ResultSet.year).desc(), col(ResultSet.version).desc())
    ).all()
    same = [c for c in candidates if c.dataset_id == rs.dataset_id]
    pool = same or list(candidates)
    return pool[0] if pool else None


def figures(session: Session, rs: ResultSet) -> Figures:
    """The figure parts of the panel (see the module docstring), from the cache when already built."""
    before = previous_year_set(session, rs)
    key = (str(session.connection().engine.url), int(rs.id or 0), before.id if before is not None else None)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    tables = stored_tables(session, int(rs.id or 0))
    previous = stored_tables(session, int(before.id or 0)) if before is not None else None
    links = lineage(session)
    ranking = ranking_view(tables, previous, links)
    built = Figures(
        tables,
        before,
        map_view(tables, previous, links),
        ranking,
        version_diff(session, rs),
        review_flags(ranking.table),
    )
    _CACHE[key] = built
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return built


def data_quality(session: Session, rs: ResultSet) -> pd.DataFrame:
    """Per unit and feeding survey: forms received, valid, and the valid-form rate (set's dataset and year)."""
    form = SurveyForm.__table__  # type: ignore[attr-defined]
    survey = Survey.__table__  # type: ignore[attr-defined]
    unit = Unit.__table__  # type: ignore[attr-defined]
    kinds = SURVEYS.get((rs.index_code, rs.unit_scope), ())
    stmt = (
        select(
            unit.c.kind,
            unit.c.code,
            unit.c.name_vi,
            unit.c.name_en,
            survey.c.index_code,
            func.count().label("received"),
            func.sum(case((form.c.status == "valid", 1), else_=0)).label("valid"),
        )
        .select_from(form.join(survey, survey.c.id == form.c.survey_id).join(unit, unit.c.id == form.c.unit_id))
        .where(survey.c.dataset_id == rs.dataset_id, survey.c.year == rs.year, survey.c.index_code.in_(kinds))
        .group_by(unit.c.kind, unit.c.code, unit.c.name_vi, unit.c.name_en, survey.c.index_code)
    )
    rows = session.connection().execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["kind", "code", "name_vi", "name_en", "survey", "received", "valid"])
    frame["scope_code"] = frame["kind"] + ":" + frame["code"]
    frame["valid_rate"] = frame["valid"].astype(float) / frame["received"].astype(float) * 100.0
    columns = ["scope_code", "name_vi", "name_en", "survey", "received", "valid", "valid_rate"]
    return frame[columns].sort_values(["survey", "valid_rate", "scope_code"]).reset_index(drop=True)


def approval_panel(session: Session, *, actor: Actor, result_set_id: int) -> ApprovalPanel:
    """Everything of the module docstring for one set (people who may read drafts)."""
    fresh = authorize(session, actor, "view_drafts")
    rs = session.get(ResultSet, result_set_id)
    if rs is None:
        raise NotFoundError.of("errors.result_set_not_found", id=result_set_id)
    session.refresh(rs)
    parts = figures(session, rs)
    unit_ids = [int(u) for u in parts.tables.units["unit_id"].dropna()]
    return ApprovalPanel(
        result_set=rs,
        figures=parts,
        quality=data_quality(session, rs),
        adjustments=appraisal.adjustments(session, rs.dataset_id, rs.year, unit_ids),
        open_assessments=workflow.open_assessments(session, rs),
        involved=frozenset(workflow.people_involved(session, rs)),
        history=workflow.history(session, actor=fresh, result_set_id=result_set_id),
        actions=workflow.possible_actions(fresh, rs.status),
    )
