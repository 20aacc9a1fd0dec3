"""Read paths of the internal app. Every function takes the acting user and checks the permission table;
a unit officer sees only the rows of the units in their scope."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from backend.auth.permissions import Actor, require
from backend.models import AuditLog, Dataset, ResultRow, ResultSet, Unit


def _can_read_results(actor: Actor) -> None:
    if actor.can("view_drafts") or actor.can("view_own_unit_drafts"):
        return
    require(actor, "view_drafts")


def list_result_sets(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every result set (all statuses) with its dataset kind, newest first."""
    _can_read_results(actor)
    rows = session.exec(
        select(ResultSet, Dataset)
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
            "dataset": ds.name,
            "demo": ds.kind == "demo",
            "computed_at": rs.computed_at,
            "computed_by": rs.computed_by,
            "publish_at": rs.publish_at,
            "framework": rs.framework_version,
            "inputs_hash": rs.inputs_hash[:12],
        }
        for rs, ds in rows
    ]
    return pd.DataFrame.from_records(
        records,
        columns=[
            "id",
            "index",
            "year",
            "scope",
            "version",
            "status",
            "dataset",
            "demo",
            "computed_at",
            "computed_by",
            "publish_at",
            "framework",
            "inputs_hash",
        ],
    )


def result_rows(session: Session, *, actor: Actor, result_set_id: int, metric: str | None = None) -> pd.DataFrame:
    """Rows of one result set; unit officers get only their own units' rows."""
    _can_read_results(actor)
    stmt = (
        select(ResultRow, Unit)
        .join(Unit, col(Unit.id) == col(ResultRow.unit_id), isouter=True)
        .where(ResultRow.result_set_id == result_set_id)
    )
    if metric:
        stmt = stmt.where(ResultRow.metric == metric)
    records = []
    for row, unit in session.exec(stmt).all():
        records.append(
            {
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
                "group": row.grp,
                "n": row.n,
            }
        )
    frame = pd.DataFrame.from_records(
        records,
        columns=[
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
            "group",
            "n",
        ],
    )
    if not actor.can("view_drafts"):
        allowed = {s for s in actor.scopes if s != "*"}
        frame = frame[frame["scope_code"].isin(allowed)]
    return frame.sort_values(["metric", "rank", "scope_code"], na_position="last").reset_index(drop=True)


def audit_entries(session: Session, *, actor: Actor, limit: int = 500) -> pd.DataFrame:
    require(actor, "view_audit")
    entries = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)).all()
    return pd.DataFrame.from_records(
        [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "detail": e.detail,
            }
            for e in entries
        ],
        columns=["id", "at", "actor", "action", "entity", "entity_id", "detail"],
    )
