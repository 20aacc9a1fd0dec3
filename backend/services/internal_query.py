"""Read paths of the internal app. Every function takes the acting user and authorises it against its current
roles (read from the store):

* people who may read drafts list every result set and read any set's rows;
* a unit officer never lists result sets nor reads their history: it previews its own units' rows, and only
  of sets that are approved or published (between approval and publication, and after);
* the audit log is read by those who may view it, filtered; exporting it is an audited event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import String, cast, or_, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import AuditLog, Dataset, ResultRow, ResultSet, Unit

SET_COLUMNS = [
    "id",
    "index",
    "year",
    "scope",
    "version",
    "status",
    "lock_version",
    "dataset",
    "demo",
    "computed_at",
    "computed_by",
    "publish_at",
    "framework",
    "inputs_hash",
    "supersedes",
]
ROW_COLUMNS = [
    "scope",
    "scope_code",
    "name_vi",
    "name_en",
    "metric",
    "value",
    "max_value",
    "ci_low",
    "ci_high",
    "rank",
    "rank_low",
    "rank_high",
    "group",
    "n",
]
AUDIT_COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "reason", "before", "after", "detail"]
PREVIEW_STATUSES = ("approved", "published")


def list_result_sets(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every result set (all statuses) with its dataset kind, newest first."""
    authorize(session, actor, "view_drafts")
    rows = session.exec(
        orm_select(ResultSet, Dataset)
        .join(Dataset, col(Dataset.id) == col(ResultSet.dataset_id))
        .order_by(col(ResultSet.id).desc())
    ).all()
    records = [
        {
            "id": rs.id,
            "index": rs.index_code,
            "year": rs.year,
            "scope": rs.unit_scope,
            "version": rs.version,
            "status": rs.status,
            "lock_version": rs.lock_version,
            "dataset": ds.name,
            "demo": ds.kind == "demo",
            "computed_at": rs.computed_at,
            "computed_by": rs.computed_by,
            "publish_at": rs.publish_at,
            "framework": rs.framework_version,
            "inputs_hash": rs.inputs_hash[:12],
            "supersedes": rs.supersedes_id,
        }
        for rs, ds in rows
    ]
    return pd.DataFrame.from_records(records, columns=SET_COLUMNS)


def _rows(session: Session, result_set_ids: list[int], metric: str | None) -> pd.DataFrame:
    stmt = (
        orm_select(ResultRow, Unit)
        .join(Unit, col(Unit.id) == col(ResultRow.unit_id), isouter=True)
        .where(col(ResultRow.result_set_id).in_(result_set_ids))
    )
    if metric:
        stmt = stmt.where(ResultRow.metric == metric)
    records = [
        {
            "result_set_id": row.result_set_id,
            "scope": row.scope,
            "scope_code": row.scope_code,
            "name_vi": unit.name_vi if unit else row.scope_code,
            "name_en": unit.name_en if unit else row.scope_code,
            "metric": row.metric,
            "value": row.value,
            "max_value": row.max_value,
            "ci_low": row.ci_low,
            "ci_high": row.ci_high,
            "rank": row.rank,
            "rank_low": row.rank_low,
            "rank_high": row.rank_high,
            "group": row.grp,
            "n": row.n,
        }
        for row, unit in session.exec(stmt).all()
    ]
    return pd.DataFrame.from_records(records, columns=["result_set_id", *ROW_COLUMNS])


def result_rows(session: Session, *, actor: Actor, result_set_id: int, metric: str | None = None) -> pd.DataFrame:
    """Rows of one result set (people who may read drafts)."""
    authorize(session, actor, "view_drafts")
    frame = _rows(session, [result_set_id], metric).drop(columns="result_set_id")
    return frame.sort_values(["metric", "rank", "scope_code"], na_position="last").reset_index(drop=True)


def unit_preview(session: Session, *, actor: Actor) -> pd.DataFrame:
    """A unit officer's own units in every approved or published set (and the national figure beside them):
    the preview between approval and publication, and the published result after (``public``: the set is
    published and its publication time has come)."""
    fresh = authorize(session, actor, "preview_own_unit")
    units = fresh.units("preview_own_unit") or frozenset()
    sets = session.exec(
        orm_select(ResultSet).where(col(ResultSet.status).in_(PREVIEW_STATUSES)).order_by(col(ResultSet.id).desc())
    ).all()
    frame = _rows(session, [int(s.id or 0) for s in sets], None)
    mine = frame[((frame["scope"] == "unit") & frame["scope_code"].isin(units)) | (frame["scope"] == "national")]
    mine = mine[mine["result_set_id"].isin(set(mine.loc[mine["scope"] == "unit", "result_set_id"]))]
    now = dt.datetime.now(dt.UTC)
    info = pd.DataFrame(
        [
            {
                "result_set_id": s.id,
                "index": s.index_code,
                "year": s.year,
                "version": s.version,
                "status": s.status,
                "publish_at": s.publish_at,
                "public": s.status == "published" and _utc(s.publish_at or s.published_at) <= now,
            }
            for s in sets
        ],
        columns=["result_set_id", "index", "year", "version", "status", "publish_at", "public"],
    )
    return mine.merge(info, on="result_set_id", how="left").reset_index(drop=True)


def _utc(moment: dt.datetime | None) -> dt.datetime:
    """A stored time as aware UTC (no time: the far future, i.e. not public)."""
    if moment is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for; empty fields do not filter."""

    since: dt.date | None = None
    until: dt.date | None = None
    actor: str = ""
    actions: tuple[str, ...] = ()
    entity: str = ""
    entity_id: str = ""
    text: str = ""
    limit: int = 1000


def _audit_query(flt: AuditFilter) -> object:
    stmt = orm_select(AuditLog).order_by(col(AuditLog.id).desc())
    if flt.since:
        stmt = stmt.where(AuditLog.at >= dt.datetime.combine(flt.since, dt.time(), tzinfo=dt.UTC))
    if flt.until:
        stmt = stmt.where(AuditLog.at < dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
    if flt.actor.strip():
        stmt = stmt.where(col(AuditLog.actor).contains(flt.actor.strip()))
    if flt.actions:
        stmt = stmt.where(col(AuditLog.action).in_(flt.actions))
    if flt.entity:
        stmt = stmt.where(AuditLog.entity == flt.entity)
    if flt.entity_id:
        stmt = stmt.where(AuditLog.entity_id == flt.entity_id)
    if flt.text.strip():
        needle = flt.text.strip()
        stmt = stmt.where(
            or_(
                col(AuditLog.detail).contains(needle),
                col(AuditLog.reason).contains(needle),
                cast(AuditLog.id, String) == needle,
            )
        )
    return stmt.limit(max(1, min(flt.limit, 100_000)))


def _audit_frame(entries: list[AuditLog]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "reason": e.reason,
                "before": e.before_ref,
                "after": e.after_ref,
                "detail": e.detail,
            }
            for e in entries
        ],
        columns=AUDIT_COLUMNS,
    )


def audit_entries(session: Session, *, actor: Actor, flt: AuditFilter | None = None) -> pd.DataFrame:
    """The newest audit entries matching ``flt`` (people who may view the audit log)."""
    authorize(session, actor, "view_audit")
    return _audit_frame(list(session.exec(_audit_query(flt or AuditFilter())).all()))  # type: ignore[call-overload]


def export_audit(session: Session, *, actor: Actor, flt: AuditFilter) -> pd.DataFrame:
    """The entries matching ``flt`` for download; the export itself is recorded (who, which filter, how many)."""
    fresh = authorize(session, actor, "export_audit")
    frame = _audit_frame(list(session.exec(_audit_query(flt)).all()))  # type: ignore[call-overload]
    record(
        session,
        actor=fresh.username,
        action="export",
        entity="audit_log",
        detail={"filter": {k: str(v) for k, v in flt.__dict__.items() if v}, "rows": len(frame)},
    )
    return frame


def audit_actions(session: Session, *, actor: Actor) -> list[str]:
    """The distinct actions in the log (for the page's filter)."""
    authorize(session, actor, "view_audit")
    return sorted(str(a) for a in session.connection().execute(select(AuditLog.action).distinct()).scalars())  # type: ignore[call-overload]
