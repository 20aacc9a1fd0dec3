"""Database side of the demo generator: bulk inserts, read-backs, deletion of a demo dataset, framework leaves.

All writes use SQLAlchemy Core on the caller's connection (so they run in the caller's transaction, on SQLite and
PostgreSQL alike). Answers, the bulk of the rows, go through the DBAPI ``executemany`` in chunks of plain tuples,
which on SQLite is about 2.5 times faster than Core with dictionaries (ARCHITECTURE.md decision 5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend.demo.assessment import Leaf
from backend.errors import DomainError
from backend.models import (
    Answer,
    AssessmentScore,
    Criterion,
    Dataset,
    Evidence,
    Framework,
    Interviewer,
    ResultRow,
    ResultSet,
    Survey,
    SurveyForm,
    SurveyItem,
)


def table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


DATASET = table(Dataset)
SURVEY = table(Survey)
ITEM = table(SurveyItem)
INTERVIEWER = table(Interviewer)
FORM = table(SurveyForm)
ANSWER = table(Answer)
SCORE = table(AssessmentScore)
EVIDENCE = table(Evidence)
RESULT_SET = table(ResultSet)
RESULT_ROW = table(ResultRow)

#: Rows per executemany call.
CHUNK_ROWS = 100_000
#: Criterion modes a unit self-assesses (the framework contract).
SELF_ASSESSED_MODES = ("appraisal", "appraisal_socioeconomic")


def insert_rows(conn: Connection, target: Table, rows: Sequence[Mapping[str, Any]], chunk: int = 20_000) -> int:
    """Core ``insert`` of dictionaries in chunks (used for the tables with dates and text)."""
    for start in range(0, len(rows), chunk):
        conn.execute(insert(target), list(rows[start : start + chunk]))
    return len(rows)


def insert_one(conn: Connection, target: Table, values: Mapping[str, Any]) -> int:
    result = conn.execute(insert(target).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_answers(conn: Connection, form_ids: np.ndarray, item_ids: np.ndarray, values: np.ndarray) -> int:
    """Answers of ``values[f, i]`` (1..5, 0 = no answer → NULL) by DBAPI executemany in chunks of tuples."""
    n_forms, n_items = values.shape
    if n_forms == 0 or n_items == 0:
        return 0
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {ANSWER.name} (form_id, item_id, value) VALUES ({mark}, {mark}, {mark})"
    items = np.asarray(item_ids, dtype=np.int64)
    per_chunk = max(1, CHUNK_ROWS // n_items)
    for start in range(0, n_forms, per_chunk):
        block = values[start : start + per_chunk]
        forms = np.asarray(form_ids[start : start + per_chunk], dtype=np.int64)
        cells = block.astype(object)
        cells[block == 0] = None
        rows = list(
            zip(
                np.repeat(forms, n_items).tolist(),
                np.tile(items, len(forms)).tolist(),
                cells.ravel().tolist(),
                strict=True,
            )
        )
        conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
    return n_forms * n_items


def id_map(conn: Connection, target: Table, key: str, **where: Any) -> dict[Any, int]:
    """``{key value: id}`` for the rows of ``target`` matching ``where`` (equality on each column)."""
    stmt = select(target.c[key], target.c.id).where(*(target.c[c] == v for c, v in where.items()))
    return {k: int(i) for k, i in conn.execute(stmt).all()}


def find_dataset(conn: Connection, name: str) -> Mapping[str, Any] | None:
    row = conn.execute(select(DATASET).where(DATASET.c.name == name)).mappings().first()
    return dict(row) if row is not None else None


def count_result_sets(conn: Connection, dataset_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(RESULT_SET).where(RESULT_SET.c.dataset_id == dataset_id)
        ).scalar_one()
    )


def delete_dataset_rows(conn: Connection, dataset_id: int, *, delete_results: bool) -> dict[str, int]:
    """Delete every row the demo made for ``dataset_id`` (not the dataset row itself); returns rows deleted."""
    surveys = select(SURVEY.c.id).where(SURVEY.c.dataset_id == dataset_id)
    forms = select(FORM.c.id).where(FORM.c.survey_id.in_(surveys))
    scores = select(SCORE.c.id).where(SCORE.c.dataset_id == dataset_id)
    deleted: dict[str, int] = {}
    if delete_results:
        sets = select(RESULT_SET.c.id).where(RESULT_SET.c.dataset_id == dataset_id)
        conn.execute(update(RESULT_SET).where(RESULT_SET.c.supersedes_id.in_(sets)).values(supersedes_id=None))
        deleted["result_row"] = conn.execute(delete(RESULT_ROW).where(RESULT_ROW.c.result_set_id.in_(sets))).rowcount
        deleted["result_set"] = conn.execute(delete(RESULT_SET).where(RESULT_SET.c.dataset_id == dataset_id)).rowcount
    deleted["answer"] = conn.execute(delete(ANSWER).where(ANSWER.c.form_id.in_(forms))).rowcount
    deleted["survey_form"] = conn.execute(delete(FORM).where(FORM.c.survey_id.in_(surveys))).rowcount
    deleted["survey_item"] = conn.execute(delete(ITEM).where(ITEM.c.survey_id.in_(surveys))).rowcount
    deleted["survey"] = conn.execute(delete(SURVEY).where(SURVEY.c.dataset_id == dataset_id)).rowcount
    deleted["interviewer"] = conn.execute(delete(INTERVIEWER).where(INTERVIEWER.c.dataset_id == dataset_id)).rowcount
    deleted["evidence"] = conn.execute(delete(EVIDENCE).where(EVIDENCE.c.score_id.in_(scores))).rowcount
    deleted["assessment_score"] = conn.execute(delete(SCORE).where(SCORE.c.dataset_id == dataset_id)).rowcount
    return deleted


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[^0-9A-Za-z]+", version) if p)


def find_framework(session: Session, scope: str, year: int) -> Framework | None:
    """The PAR INDEX framework for ``scope`` and ``year``: backend.frameworks.framework_for when it exists, else
    the newest version whose years cover ``year``. None when there is none."""
    try:
        from backend.frameworks import framework_for  # type: ignore[attr-defined]
    except ImportError:
        framework_for = None
    if framework_for is not None:
        try:
            found = framework_for(session, "PAR_INDEX", scope, year)
        except DomainError:
            return None
        return found if isinstance(found, Framework) else None
    frameworks = session.exec(
        orm_select(Framework).where(
            Framework.index_code == "PAR_INDEX",
            Framework.unit_scope == scope,
            Framework.year_from <= year,
            Framework.year_to >= year,
        )
    ).all()
    if not frameworks:
        return None
    return max(frameworks, key=lambda f: (_version_key(f.version), f.id or 0))


def self_assessed_leaves(session: Session, framework: Framework) -> list[Leaf]:
    """Leaf criteria (no child) of ``framework`` that units self-assess, ordered by code."""
    criteria = session.exec(orm_select(Criterion).where(Criterion.framework_id == framework.id)).all()
    parents = {c.parent_id for c in criteria if c.parent_id is not None}
    leaves = [
        Leaf(int(c.id), c.code, c.name_vi, float(c.max_points), str(c.mode))
        for c in criteria
        if c.id not in parents and c.mode in SELF_ASSESSED_MODES and c.max_points is not None and c.id is not None
    ]
    return sorted(leaves, key=lambda leaf: leaf.code)
