"""The public query path: what the press, the provinces and citizens may see.

Result sets and their rows are read only through the views ``public_result_set`` and ``public_result_row``
(migration 0002), whose WHERE clause is the one visibility rule: a result set is visible when

* its ``status`` is ``published`` (not draft, appraised, agreed, approved or withdrawn), and
* its embargo has passed: ``publish_at`` ≤ now (or, when no ``publish_at`` was set, ``published_at`` ≤ now).
  A set with neither time is not visible.

The store's clock decides "now", so no caller can lift an embargo early. The public app reads through
``backend.db.get_public_engine``, which on PostgreSQL is a member of the ``par_public`` role (SELECT on the
views and the public tables only) and on SQLite a read-only connection with the public authorizer; the
base tables ``result_set`` / ``result_row`` are out of its reach (see ``backend/public_access.py``). Asking
for the rows of a set that is not visible raises :class:`~backend.errors.NotFoundError`, exactly as for a
set that does not exist.

Besides result sets, the module serves the reference tables the public pages need (units, regions,
lineage, evaluation years), the methodology (frameworks and criteria), and the published record (official
figures with their sources, never mixed with demo data). All functions return pandas DataFrames built from
column queries, never ORM objects one row at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import case, select, true
from sqlmodel import Session, col

from backend.errors import NotFoundError
from backend.models import (
    Criterion,
    Dataset,
    EvaluationYear,
    Framework,
    PublishedFigure,
    Region,
    Unit,
)
from backend.models.public import public_result_row, public_result_set
from backend.models.results import RESULT_ROW_FIELDS
from backend.reference.units import lineage_frame as _lineage_frame

SET_COLUMNS = [
    "id",
    "dataset_id",
    "dataset_name",
    "dataset_kind",
    "dataset_parameters",
    "index_code",
    "year",
    "unit_scope",
    "version",
    "framework_id",
    "framework_code",
    "framework_version",
    "framework_status",
    "framework_title_vi",
    "framework_title_en",
    "legal_basis",
    "inputs_hash",
    "computed_at",
    "publish_at",
    "published_at",
    "supersedes_id",
    "erratum",
    "erratum_changes",
]

ROW_COLUMNS = ["result_set_id", *RESULT_ROW_FIELDS]


def _as_of(now: dt.datetime | None) -> Any:
    """Condition on ``public_result_set``: every set the view shows (``now`` None), or only those already
    visible at ``now``. The view's own clock still applies, so a later ``now`` shows nothing more: the
    embargo is the store's, not the caller's. ``now`` must be timezone-aware."""
    if now is None:
        return true()
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (UTC)")
    return public_result_set.c.visible_from <= now.astimezone(dt.UTC)


def _columns(table_columns: Any, names: Sequence[str]) -> list[Any]:
    """The table's columns named in ``names``; a name the table lacks (``unit_id`` on ``unit``,
    ``figure_id`` …) is the table's ``id`` under that label."""
    return [table_columns[n] if n in table_columns else table_columns["id"].label(n) for n in names]


def _frame(session: Session, stmt: Any, columns: Sequence[str]) -> pd.DataFrame:
    rows = session.connection().execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def visible_result_sets(session: Session, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """All visible result sets (every version), with their dataset and framework, one row each."""
    rs = public_result_set.c
    ds = Dataset.__table__.c  # type: ignore[attr-defined]
    fw = Framework.__table__.c  # type: ignore[attr-defined]
    stmt = (
        select(
            rs.id,
            rs.dataset_id,
            ds.name,
            ds.kind,
            ds.parameters,
            rs.index_code,
            rs.year,
            rs.unit_scope,
            rs.version,
            rs.framework_id,
            fw.code,
            rs.framework_version,
            fw.status,
            fw.title_vi,
            fw.title_en,
            fw.legal_basis,
            rs.inputs_hash,
            rs.computed_at,
            rs.publish_at,
            rs.published_at,
            rs.supersedes_id,
            rs.erratum,
            rs.erratum_changes,
        )
        .select_from(public_result_set)
        .join(Dataset.__table__, ds.id == rs.dataset_id)  # type: ignore[attr-defined]
        .join(Framework.__table__, fw.id == rs.framework_id)  # type: ignore[attr-defined]
        .where(_as_of(now))
        .order_by(rs.index_code, rs.unit_scope, rs.year, rs.version)
    )
    frame = _frame(session, stmt, SET_COLUMNS)
    for column in ("year", "version", "id", "dataset_id", "framework_id"):
        frame[column] = frame[column].astype("int64")
    return frame


def current_result_sets(session: Session, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """The one set shown per (index, year, unit scope): official data before demo data, then the newest
    version, then the latest publication. Older visible versions stay reachable by id (citations)."""
    sets = visible_result_sets(session, now=now)
    return choose_current(sets)


def choose_current(sets: pd.DataFrame) -> pd.DataFrame:
    """Pick one set per (index, year, unit scope) from visible sets (pure; see current_result_sets)."""
    if sets.empty:
        return sets.copy()
    ranked = sets.assign(
        _official=(sets["dataset_kind"] == "official").astype(int),
        _pub=pd.to_datetime(sets["published_at"].fillna(sets["publish_at"]), utc=True),
    ).sort_values(
        ["index_code", "unit_scope", "year", "_official", "version", "_pub", "id"],
        ascending=[True, True, True, False, False, False, False],
    )
    chosen = ranked.drop_duplicates(["index_code", "unit_scope", "year"], keep="first")
    return (
        chosen.drop(columns=["_official", "_pub"])
        .sort_values(["index_code", "unit_scope", "year"])
        .reset_index(drop=True)
    )


def result_rows(session: Session, result_set_id: int, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """All rows of one visible result set. A set that is not visible is reported as not found."""
    frame = result_rows_many(session, [result_set_id], now=now)
    if frame.empty and not _is_visible(session, result_set_id, now):
        raise NotFoundError.of("publication.not_published", id=result_set_id)
    return frame


def _is_visible(session: Session, result_set_id: int, now: dt.datetime | None) -> bool:
    rs = public_result_set.c
    stmt = select(rs.id).where(rs.id == result_set_id, _as_of(now))
    return session.connection().execute(stmt).first() is not None


def result_rows_many(
    session: Session,
    result_set_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
    metrics: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rows of several result sets; ids of sets that are not visible contribute nothing."""
    ids = sorted({int(i) for i in result_set_ids})
    if not ids:
        return pd.DataFrame(columns=ROW_COLUMNS)
    rr = public_result_row.c
    stmt = select(*(rr[c] for c in ROW_COLUMNS)).where(rr.result_set_id.in_(ids))
    if now is not None:
        stmt = stmt.where(rr.result_set_id.in_(select(public_result_set.c.id).where(_as_of(now))))
    if metrics is not None:
        stmt = stmt.where(rr.metric.in_(sorted(set(metrics))))
    frame = _frame(session, stmt.order_by(rr.result_set_id, rr.id), ROW_COLUMNS)
    for column in ("value", "max_value", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("rank", "rank_low", "rank_high", "n", "unit_id"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame["result_set_id"] = frame["result_set_id"].astype("int64")
    return frame


# ---- reference tables (public by nature) --------------------------------------------------------------

UNIT_COLUMNS = [
    "unit_id",
    "kind",
    "code",
    "name_vi",
    "name_en",
    "full_name_vi",
    "unit_type",
    "region_code",
    "region_code_nq306",
    "valid_from",
    "valid_to",
    "par_assessed",
    "par_ranked",
    "flags_basis",
    "note",
]


def units_frame(session: Session) -> pd.DataFrame:
    """Every unit (63 and 34 provinces, ministries) with both names and its region."""
    u = Unit.__table__.c  # type: ignore[attr-defined]
    stmt = select(*_columns(u, UNIT_COLUMNS)).order_by(u.kind, u.code)
    frame = _frame(session, stmt, UNIT_COLUMNS)
    frame["unit_id"] = frame["unit_id"].astype("int64")
    frame["scope_code"] = frame["kind"] + ":" + frame["code"]
    return frame


def regions_frame(session: Session) -> pd.DataFrame:
    r = Region.__table__.c  # type: ignore[attr-defined]
    stmt = select(r.scheme, r.code, r.name_vi, r.name_en, r.sort_order, r.note).order_by(r.scheme, r.sort_order)
    return _frame(session, stmt, ["scheme", "code", "name_vi", "name_en", "sort_order", "note"])


def lineage_frame(session: Session) -> pd.DataFrame:
    """Predecessor → successor links (old/new unit ids, kinds, codes, effective date, relation)."""
    return _lineage_frame(session)


def evaluation_years(session: Session) -> pd.DataFrame:
    e = EvaluationYear.__table__.c  # type: ignore[attr-defined]
    stmt = select(e.year, e.reference_date, e.province_kind, e.note).order_by(e.year)
    return _frame(session, stmt, ["year", "reference_date", "province_kind", "note"])


# ---- methodology --------------------------------------------------------------------------------------

FRAMEWORK_COLUMNS = [
    "framework_id",
    "code",
    "version",
    "index_code",
    "unit_scope",
    "year_from",
    "year_to",
    "status",
    "title_vi",
    "title_en",
    "legal_basis",
]


def frameworks_frame(session: Session) -> pd.DataFrame:
    """Every methodology version in the store (methodology is public, whether or not results are)."""
    f = Framework.__table__.c  # type: ignore[attr-defined]
    stmt = select(*_columns(f, FRAMEWORK_COLUMNS)).order_by(f.index_code, f.unit_scope, f.year_from, f.version)
    return _frame(session, stmt, FRAMEWORK_COLUMNS)


CRITERION_COLUMNS = [
    "criterion_id",
    "framework_id",
    "parent_id",
    "code",
    "level",
    "name_vi",
    "name_en",
    "max_points",
    "mode",
    "provisional",
    "sort_order",
]


def criteria_frame(session: Session, framework_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Criteria (areas, criteria, sub-criteria…) of the given frameworks, or of all frameworks."""
    c = Criterion.__table__.c  # type: ignore[attr-defined]
    stmt = select(*_columns(c, CRITERION_COLUMNS))
    if framework_ids is not None:
        stmt = stmt.where(c.framework_id.in_(sorted({int(i) for i in framework_ids})))
    return _frame(session, stmt.order_by(c.framework_id, c.sort_order, c.id), CRITERION_COLUMNS)


PROVISIONAL_COLUMNS = [
    "framework_id",
    "path",
    "value",
    "basis_vi",
    "basis_en",
    "from_working_assumption",
    "assumption_basis_vi",
    "assumption_basis_en",
]


def provisional_items(session: Session) -> pd.DataFrame:
    """Every unverified element of every stored framework: its path in the file, the value used in
    computing (``value`` is text, e.g. ``12.75`` or ``[4, 5]``), why it is unverified and, where a working
    assumption supplies the value, the basis of that assumption. Methodology is public."""
    from backend.frameworks.sync import spec_from_row

    records = []
    for row in session.scalars(select(Framework).order_by(col(Framework.id))).all():
        if not row.source_text.strip():  # a framework stored without its file text has nothing to list
            continue
        for item in spec_from_row(row).provisional_list():
            records.append(
                {**item, "framework_id": row.id, "value": "" if item["value"] is None else str(item["value"])}
            )
    return pd.DataFrame.from_records(records, columns=PROVISIONAL_COLUMNS)


# ---- the published record -----------------------------------------------------------------------------

PUBLISHED_COLUMNS = [
    "figure_id",
    "year",
    "metric",
    "unit_type",
    "unit_name",
    "unit_id",
    "scope_code",
    "score",
    "rank",
    "source",
    "note",
    "is_derived",
    "is_uncertain",
    "source_file",
    "row_number",
]


def published_figures(session: Session, *, year: int | None = None, metric_prefix: str | None = None) -> pd.DataFrame:
    """The official figures we hold, each with its source and its derived / uncertain flags."""
    p = PublishedFigure.__table__.c  # type: ignore[attr-defined]
    stmt = select(*_columns(p, PUBLISHED_COLUMNS))
    if year is not None:
        stmt = stmt.where(p.year == year)
    if metric_prefix:
        stmt = stmt.where(p.metric.like(f"{metric_prefix}%"))
    order = case((p.unit_type == "aggregate", 0), (p.unit_type == "region", 1), else_=2)
    frame = _frame(session, stmt.order_by(p.year.desc(), p.metric, order, p.rank, p.unit_name), PUBLISHED_COLUMNS)
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    frame["rank"] = pd.to_numeric(frame["rank"], errors="coerce").astype("Int64")
    frame["unit_id"] = pd.to_numeric(frame["unit_id"], errors="coerce").astype("Int64")
    frame["is_derived"] = frame["is_derived"].astype(bool)
    frame["is_uncertain"] = frame["is_uncertain"].astype(bool)
    return frame
