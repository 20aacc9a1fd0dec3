"""Result sets: writing a computation as a new, immutable result set, and reading its rows back.

* :class:`Computation`: what one index computation produced (rows, digests of its inputs, parameters);
  :meth:`Computation.inputs_hash` = sha256 over the dataset, the framework's content hash, the input
  digests and the parameters (counts left out), so the same inputs give the same hash.
* :func:`write_result_set`: one ``result_set`` row (version = previous max + 1, status ``draft``, framework
  version, inputs hash, who computed it, parameters JSON) and its ``result_row`` rows, inserted as plain
  tuples through the DBAPI ``executemany`` (ARCHITECTURE.md decision 5); an existing result set is never
  touched (decision 3). The action is recorded in the audit log.
* :func:`result_rows`: every row of a result set as a DataFrame (Core read).
* :func:`result_frame` / :func:`summary_for`: the unit rows in the input shape of the standard summary,
  and that summary. (Kept here until the published read model, backend/published, takes the summary over.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from backend import metrics as m
from backend.audit import record
from backend.errors import DomainError, NotFoundError
from backend.frameworks.spec import FrameworkSpec
from backend.frameworks.sync import spec_from_row
from backend.models import Dataset, Framework, ResultRow, ResultSet, Unit
from backend.reference.units import lineage_frame
from backend.scoring.rows import ROW_COLUMNS
from backend.scoring.summary import standard_summary
from backend.services.inputs import inputs_hash

#: parameters that count inputs (already covered by the digests): left out of the inputs hash
_COUNTS = ("forms", "survey_forms", "assessment_scores")
_INT_COLUMNS = ("rank", "rank_low", "rank_high", "n", "unit_id", "result_set_id")
_FLOAT_COLUMNS = ("value", "max_value", "ci_low", "ci_high")


def _t(model: Any) -> Any:
    return model.__table__


@dataclass
class Computation:
    """What one index computation produced, before it is written."""

    index_code: str
    scope: str
    year: int
    spec: FrameworkSpec
    rows: pd.DataFrame
    digests: dict[str, str]
    parameters: dict[str, Any]

    def inputs_hash(self, dataset: Dataset) -> str:
        """sha256 over the dataset name, the framework's content hash, the input digests and the
        parameters (without the input counts)."""
        params = {k: v for k, v in self.parameters.items() if k not in _COUNTS}
        return inputs_hash(
            {
                "dataset": dataset.name,
                "framework": self.spec.content_hash,
                "digests": self.digests,
                "parameters": params,
            }
        )


def _next_version(session: Session, comp: Computation, dataset: Dataset) -> int:
    rs = _t(ResultSet)
    current = (
        session.connection()
        .execute(
            select(func.max(rs.c.version)).where(
                rs.c.dataset_id == dataset.id,
                rs.c.index_code == comp.index_code,
                rs.c.year == comp.year,
                rs.c.unit_scope == comp.scope,
            )
        )
        .scalar()
    )
    return int(current or 0) + 1


def _insert_rows(session: Session, records: list[dict[str, Any]]) -> None:
    """Plain tuples through the DBAPI executemany: ~2.5× faster than Core with dictionaries (decision 5)."""
    if not records:
        return
    conn = session.connection()
    names = list(records[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO result_row ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    conn.exec_driver_sql(sql, [tuple(r.values()) for r in records])  # type: ignore[arg-type]


def write_result_set(session: Session, comp: Computation, dataset: Dataset, actor: str) -> ResultSet:
    """Insert a new result set (next version) and its rows; never touches an existing result set."""
    if comp.spec.framework_id is None:  # pragma: no cover - specs from the store always carry their id
        raise DomainError("Khung phương pháp chưa được lưu.", "The framework is not stored; run load-frameworks.")
    result_set = ResultSet(
        dataset_id=int(dataset.id or 0),
        index_code=comp.index_code,
        year=comp.year,
        unit_scope=comp.scope,
        version=_next_version(session, comp, dataset),
        status="draft",
        framework_id=comp.spec.framework_id,
        framework_version=comp.spec.stored_version,
        inputs_hash=comp.inputs_hash(dataset),
        computed_at=dt.datetime.now(dt.UTC),
        computed_by=actor,
        parameters=json.dumps(comp.parameters, sort_keys=True, ensure_ascii=False, default=str),
    )
    session.add(result_set)
    session.flush()
    records = _records(comp.rows.assign(result_set_id=result_set.id))
    _insert_rows(session, records)
    record(
        session,
        actor=actor,
        action="compute",
        entity="result_set",
        entity_id=str(result_set.id),
        detail={
            "index": comp.index_code,
            "scope": comp.scope,
            "year": comp.year,
            "version": result_set.version,
            "inputs_hash": result_set.inputs_hash,
            "rows": len(records),
        },
    )
    session.flush()
    return result_set


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with None for missing values (ints where the column is an integer)."""
    columns: dict[str, list[Any]] = {}
    for col in rows.columns:
        series = rows[col]
        if col in _INT_COLUMNS:
            arr = series.to_numpy(dtype=float, na_value=np.nan)
            columns[col] = [None if v != v else int(v) for v in arr.tolist()]
        elif col in _FLOAT_COLUMNS:
            arr = series.to_numpy(dtype=float, na_value=np.nan)
            columns[col] = [None if v != v else v for v in arr.tolist()]
        else:
            columns[col] = [
                None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in series.tolist()
            ]
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def result_rows(session: Session, result_set_id: int) -> pd.DataFrame:
    """All rows of a result set as a DataFrame (Core read)."""
    row = _t(ResultRow)
    stmt = select(*[row.c[c] for c in ROW_COLUMNS]).where(row.c.result_set_id == result_set_id)
    frame = pd.DataFrame(session.connection().execute(stmt).all(), columns=ROW_COLUMNS)
    for col in ("unit_id", "rank", "rank_low", "rank_high", "n"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")  # NULL stays <NA>, ids stay integers
    for col in _FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame


def _unit_info(session: Session, unit_ids: list[int]) -> pd.DataFrame:
    unit = _t(Unit)
    stmt = select(unit.c.id, unit.c.code, unit.c.name_vi, unit.c.name_en, unit.c.region_code).where(
        unit.c.id.in_(unit_ids)
    )
    frame = pd.DataFrame(
        session.connection().execute(stmt).all(), columns=["unit", "code", "name_vi", "name_en", "region"]
    )
    return frame.set_index("unit")


def component_columns(rows: pd.DataFrame, index_code: str, service_elements: Sequence[str] = ()) -> pd.DataFrame:
    """``component:<c>`` columns per unit (index unit id) from a result set's unit rows: PAR INDEX area
    indexes (% of the area's maximum); SIPAS policy and services areas and the given service elements (%).
    Components without any value are left out."""
    if index_code == "PAR_INDEX":
        areas = rows[rows["metric"].str.startswith("PAR_INDEX.area.")]
        pct = areas.assign(pct=areas["value"].astype(float) / areas["max_value"].astype(float) * 100.0)
        wide = pct.pivot_table(index="unit_id", columns="metric", values="pct")
        wide.columns = ["component:" + c.removeprefix("PAR_INDEX.area.") for c in wide.columns]
        return wide
    keep = [m.SIPAS_POLICY, m.SIPAS_SERVICES] + [m.sipas_service_element(code) for code in service_elements]
    wide = rows[rows["metric"].isin(keep)].pivot_table(index="unit_id", columns="metric", values="value")
    wide.columns = ["component:" + c.removeprefix("SIPAS.") for c in wide.columns]
    return wide


def _service_elements(session: Session, rs: ResultSet) -> tuple[str, ...]:
    """The SIPAS service elements of the framework the result set was computed with."""
    framework = session.get(Framework, rs.framework_id)
    spec = spec_from_row(framework) if framework is not None else None
    if spec is None or spec.sipas is None:
        return ()
    return tuple(e.code for e in spec.sipas.service_elements if e.in_year(rs.year))


def result_frame(session: Session, result_set_id: int) -> pd.DataFrame:
    """The unit rows of a result set in the input shape of :func:`backend.scoring.summary.standard_summary`:
    index unit id; ``value`` (main figure), ``ranked``, ``rank``, ``grp``, ``region``, ``name_vi``,
    ``name_en``, ``code`` and ``component:<c>`` columns (PAR: area component indexes in %; SIPAS: the
    policy and services areas and the framework's service elements, %)."""
    rs = session.get(ResultSet, result_set_id)
    if rs is None:
        raise NotFoundError(f"Không tìm thấy bộ kết quả {result_set_id}.", f"Result set {result_set_id} not found.")
    rows = result_rows(session, result_set_id)
    rows = rows[rows["scope"] == "unit"]
    main = m.PAR if rs.index_code == "PAR_INDEX" else m.SIPAS
    base = rows[rows["metric"] == main].set_index("unit_id")
    frame = pd.DataFrame(
        {
            "value": base["value"].astype(float),
            "ranked": base["rank"].notna(),
            "rank": base["rank"].astype("Int64"),
            "grp": base["grp"],
        }
    ).join(_unit_info(session, [int(u) for u in base.index]))
    elements = _service_elements(session, rs) if rs.index_code == "SIPAS" else ()
    return frame.join(component_columns(rows, rs.index_code, elements))


def summary_for(
    session: Session,
    result_set_id: int,
    previous_result_set_id: int | None = None,
    *,
    change_rule: str = "not_comparable",
    top_n: int = 5,
) -> dict[str, Any]:
    """The standard summary of a stored result set against a previous year's one (matched through lineage)."""
    current = result_frame(session, result_set_id)
    previous = result_frame(session, previous_result_set_id) if previous_result_set_id is not None else None
    return standard_summary(current, previous, lineage=lineage_frame(session), change_rule=change_rule, top_n=top_n)
