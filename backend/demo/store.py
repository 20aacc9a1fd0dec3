"""Database side of the demo generator: small inserts, read-backs, deletion of a demo dataset, framework leaves.

All writes go through the caller's SQLAlchemy connection (so they run in the caller's transaction, on SQLite and
PostgreSQL alike, by the same code). Small tables use Core ``insert`` with dictionaries. Forms and answers, the bulk
of the rows, go through the one bulk loader of the imports (backend/ingest/bulk.py: executemany on SQLite, COPY on
PostgreSQL).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from backend.demo.assessment import Leaf
from backend.errors import NotFoundError, ValidationError
from backend.frameworks.spec import SELF_ASSESSED_MODES, FrameworkSpec
from backend.frameworks.sync import framework_for, spec_from_row
from backend.models import (
    Answer,
    AssessmentScore,
    BackcheckAnswer,
    BackcheckCase,
    BackcheckSample,
    Criterion,
    Dataset,
    Evidence,
    FieldworkPlan,
    FormReview,
    Framework,
    ImportBatch,
    Interviewer,
    QuarantineRow,
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
PLAN = table(FieldworkPlan)
#: the tables a demo year writes (counted per year in the generator's report)
TABLES = (
    "survey",
    "survey_item",
    "interviewer",
    "survey_form",
    "answer",
    "fieldwork_plan",
    "assessment_score",
    "evidence",
)


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
    samples = select(table(BackcheckSample).c.id).where(table(BackcheckSample).c.survey_id.in_(surveys))
    cases = select(table(BackcheckCase).c.id).where(table(BackcheckCase).c.sample_id.in_(samples))
    batches = select(table(ImportBatch).c.id).where(table(ImportBatch).c.dataset_id == dataset_id)
    conn.execute(delete(table(BackcheckAnswer)).where(table(BackcheckAnswer).c.case_id.in_(cases)))
    conn.execute(delete(table(BackcheckCase)).where(table(BackcheckCase).c.sample_id.in_(samples)))
    conn.execute(delete(table(BackcheckSample)).where(table(BackcheckSample).c.survey_id.in_(surveys)))
    conn.execute(delete(table(FormReview)).where(table(FormReview).c.form_id.in_(forms)))
    deleted["fieldwork_plan"] = conn.execute(delete(PLAN).where(PLAN.c.survey_id.in_(surveys))).rowcount
    deleted["answer"] = conn.execute(delete(ANSWER).where(ANSWER.c.form_id.in_(forms))).rowcount
    deleted["survey_form"] = conn.execute(delete(FORM).where(FORM.c.survey_id.in_(surveys))).rowcount
    deleted["survey_item"] = conn.execute(delete(ITEM).where(ITEM.c.survey_id.in_(surveys))).rowcount
    deleted["survey"] = conn.execute(delete(SURVEY).where(SURVEY.c.dataset_id == dataset_id)).rowcount
    deleted["interviewer"] = conn.execute(delete(INTERVIEWER).where(INTERVIEWER.c.dataset_id == dataset_id)).rowcount
    deleted["evidence"] = conn.execute(delete(EVIDENCE).where(EVIDENCE.c.score_id.in_(scores))).rowcount
    deleted["assessment_score"] = conn.execute(delete(SCORE).where(SCORE.c.dataset_id == dataset_id)).rowcount
    quarantine = table(QuarantineRow)
    conn.execute(delete(quarantine).where(quarantine.c.batch_id.in_(batches)))
    conn.execute(delete(table(ImportBatch)).where(table(ImportBatch).c.dataset_id == dataset_id))
    return deleted


def find_framework(session: Session, scope: str, year: int, index_code: str = "PAR_INDEX") -> Framework | None:
    """The framework of ``index_code`` for ``scope`` and ``year`` (None when there is none).

    Uses :func:`backend.frameworks.framework_for` (newest version of the one framework that applies; an ambiguous
    configuration raises its ValidationError).
    """
    try:
        found = framework_for(session, index_code, scope, year)
    except NotFoundError:
        return None
    return found if isinstance(found, Framework) else None


def framework_spec(session: Session, index_code: str, scope: str, year: int) -> FrameworkSpec | None:
    """The parsed methodology of the framework that applies, or None when there is none or its stored file text
    cannot be read (a framework row made without a file): the demo then falls back to its own default figures."""
    row = find_framework(session, scope, year, index_code)
    if row is None:
        return None
    try:
        return spec_from_row(row)
    except ValidationError:
        return None


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


def demo_checksum(conn: Connection, dataset_id: int, *, years: Sequence[int] | None = None) -> str:
    """SHA-256 over the demo rows of ``dataset_id`` by natural keys (codes, not database ids), so two stores made
    with the same seed and parameters give the same digest, and a different seed gives another one.

    Covers interviewers, forms (every column), answers, assessment scores and evidence; ``years`` restricts it to
    those evaluation years. Rows are combined order-independently (sum of row hashes modulo 2**256), so text
    collation differences between SQLite and PostgreSQL do not matter. Meant for tests and checks on small data
    (it reads every answer).
    """
    import hashlib

    from backend.models import Unit

    unit = table(Unit)
    digest = hashlib.sha256()
    surveys = select(SURVEY.c.id).where(SURVEY.c.dataset_id == dataset_id)
    if years is not None:
        surveys = surveys.where(SURVEY.c.year.in_(list(years)))
    # the encrypted phone copy has a random nonce (the keyed phone hash stands for the number)
    skipped = ("id", "survey_id", "unit_id", "interviewer_id", "batch_id", "phone_encrypted")
    form_cols = [c for c in FORM.c if c.name not in skipped]
    queries = {
        "interviewers": select(INTERVIEWER.c.code, INTERVIEWER.c.name).where(
            INTERVIEWER.c.id.in_(select(FORM.c.interviewer_id).where(FORM.c.survey_id.in_(surveys)))
        ),
        "forms": select(SURVEY.c.index_code, SURVEY.c.year, unit.c.kind, unit.c.code, INTERVIEWER.c.code, *form_cols)
        .join(SURVEY, SURVEY.c.id == FORM.c.survey_id)
        .join(unit, unit.c.id == FORM.c.unit_id)
        .outerjoin(INTERVIEWER, INTERVIEWER.c.id == FORM.c.interviewer_id)
        .where(FORM.c.survey_id.in_(surveys)),
        "answers": select(SURVEY.c.index_code, SURVEY.c.year, FORM.c.form_code, ITEM.c.code, ANSWER.c.value)
        .join(FORM, FORM.c.id == ANSWER.c.form_id)
        .join(ITEM, ITEM.c.id == ANSWER.c.item_id)
        .join(SURVEY, SURVEY.c.id == FORM.c.survey_id)
        .where(FORM.c.survey_id.in_(surveys)),
    }
    criterion = table(Criterion)
    score_cols = [SCORE.c.year, unit.c.kind, unit.c.code, criterion.c.code]
    score_values = [
        SCORE.c.self_score,
        SCORE.c.self_comment,
        SCORE.c.appraisal_score,
        SCORE.c.appraisal_comment,
        SCORE.c.appraised_at,
    ]
    scores = (
        select(
            *score_cols, *score_values, EVIDENCE.c.ref_code, EVIDENCE.c.title, EVIDENCE.c.issued_on, EVIDENCE.c.location
        )
        .join(unit, unit.c.id == SCORE.c.unit_id)
        .join(criterion, criterion.c.id == SCORE.c.criterion_id)
        .outerjoin(EVIDENCE, EVIDENCE.c.score_id == SCORE.c.id)
        .where(SCORE.c.dataset_id == dataset_id)
    )
    if years is not None:
        scores = scores.where(SCORE.c.year.in_(list(years)))
    queries["assessments"] = scores
    for name, stmt in queries.items():
        result = conn.execute(stmt)
        frame = pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()), dtype=object)
        # str() of every value: the same text for the same value whatever the driver returns (date, float, None)
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy(dtype=np.uint64)
        total = int(hashed.sum(dtype=np.uint64))  # wraps modulo 2**64: order-independent
        digest.update(f"{name}:{len(frame)}:{total:016x};".encode())
    return digest.hexdigest()


def nullable_values(column: pd.Series) -> list[Any]:
    """Values of a column with every missing marker (None, NaN, pd.NA) as None: pandas may store a column of
    strings and None as a string dtype whose missing value is NaN, which PostgreSQL would store as the text 'NaN'."""
    return [
        None
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))
        else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
        for v in column.tolist()
    ]


def plan_columns(
    survey_id: int, forms: pd.DataFrame, unit_ids: Sequence[int], by_commune: bool
) -> dict[str, list[Any]]:
    """The fieldwork plan's columns: the sample design's forms per unit (and commune) and respondent group."""
    keys = ["unit", "commune_code", "respondent_group"] if by_commune else ["unit", "respondent_group"]
    planned = forms.groupby(keys, dropna=False).size().reset_index(name="planned_forms")
    return {
        "survey_id": [survey_id] * len(planned),
        "unit_id": [unit_ids[u] for u in planned["unit"].tolist()],
        "commune_code": planned["commune_code"].tolist() if by_commune else [""] * len(planned),
        "respondent_group": planned["respondent_group"].tolist(),
        "planned_forms": [int(v) for v in planned["planned_forms"].tolist()],
    }
