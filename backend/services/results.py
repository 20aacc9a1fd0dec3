"""Result sets: writing a computation as a new, immutable result set, and reading its rows back.

* :class:`Computation`: what one index computation produced (rows, digests of its inputs, parameters);
  :meth:`Computation.inputs_hash` = sha256 over the dataset, the framework's content hash, the input
  digests and the parameters (counts left out), so the same inputs give the same hash.
* :func:`write_result_set`: one ``result_set`` row (version = previous max + 1, status ``draft``, framework
  version, inputs hash, who computed it, parameters JSON) and its ``result_row`` rows, inserted as plain
  tuples through the DBAPI ``executemany`` (ARCHITECTURE.md decision 5); an existing result set is never
  touched (decision 3). The action is recorded in the audit log.
* :func:`result_rows`: every row of a result set as a DataFrame (Core read).
* :func:`stored_tables`: the read model's tables (backend/published) of any stored set, for callers that
  have checked the acting user's permission (the leaders' panel, previews).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from backend.audit import record
from backend.errors import DomainError, NotFoundError
from backend.frameworks.spec import FrameworkSpec
from backend.frameworks.sync import spec_from_row
from backend.models import Dataset, Framework, ResultRow, ResultSet
from backend.published.sets import ResultSetInfo
from backend.published.tables import SetTables, build_set_tables
from backend.scoring.rows import ROW_COLUMNS
from backend.services.inputs import inputs_hash
from backend.services.public_query import regions_frame, units_frame

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
    unit_digests: dict[str, str] = field(default_factory=dict)

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


def write_result_set(
    session: Session,
    comp: Computation,
    dataset: Dataset,
    actor: str,
    *,
    supersedes: ResultSet | None = None,
    erratum: str = "",
) -> ResultSet:
    """Insert a new result set (next version) and its rows; never touches an existing result set.

    The stored parameters add, outside the inputs hash, the digest of each kind of input and of each unit's
    assessment scores (what the approval panel compares between versions). A correction names the published
    set it ``supersedes`` and why (``erratum``)."""
    if comp.spec.framework_id is None:  # pragma: no cover - specs from the store always carry their id
        raise DomainError.of("compute.framework_not_stored")
    stored = {**comp.parameters, "input_digests": comp.digests, "unit_input_digests": comp.unit_digests}
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
        parameters=json.dumps(stored, sort_keys=True, ensure_ascii=False, default=str),
        supersedes_id=supersedes.id if supersedes is not None else None,
        erratum=erratum,
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
            "supersedes": result_set.supersedes_id,
        },
        reason=erratum,
        before=f"result_set:{result_set.supersedes_id}" if result_set.supersedes_id else "",
        after=f"result_set:{result_set.id}",
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


def stored_tables(session: Session, result_set_id: int) -> SetTables:
    """The read model's tables of any stored result set, whatever its status (the leaders' panel, previews
    and tests). No visibility rule applies here: callers check the acting user's permission first."""
    rs = session.get(ResultSet, result_set_id)
    if rs is None:
        raise NotFoundError.of("errors.result_set_not_found", id=result_set_id)
    dataset = session.get(Dataset, rs.dataset_id)
    framework = session.get(Framework, rs.framework_id)
    assert dataset is not None and framework is not None
    info = ResultSetInfo.from_record(
        {
            **rs.model_dump(),
            "dataset_name": dataset.name,
            "dataset_kind": dataset.kind,
            "dataset_parameters": dataset.parameters,
            "framework_code": framework.code,
            "framework_status": framework.status,
            "framework_title_vi": framework.title_vi,
            "framework_title_en": framework.title_en,
            "legal_basis": framework.legal_basis,
        }
    )
    spec = spec_from_row(framework) if framework.source_text.strip() else None
    rows = result_rows(session, result_set_id)
    return build_set_tables(info, rows, units_frame(session), spec, regions_frame(session))
