"""Import batches: the list, rolling one back, and its quarantined rows (issue 8, point 3).

A batch can be rolled back while no approved result set depends on it: a result set of the batch's dataset and
year whose status is approved or published (a withdrawn one no longer counts) blocks the rollback, since its
figures were computed from those rows. Rolling back deletes every row the batch brought (forms with their
answers, reviews and back-check cases; scores with their evidence; plan lines; its quarantined rows) in one
transaction, keeps the batch as history (``rolled_back``, who, when, why) and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError, NotFoundError
from backend.ingest.store import ANSWER, EVIDENCE, FORM, PLAN, SCORE, table
from backend.models import BackcheckAnswer, BackcheckCase, FormReview, ImportBatch, QuarantineRow, ResultSet

BLOCKING_STATUSES = ("approved", "published")


def list_batches(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every batch, newest first, with its counts."""
    actor = authorize(session, actor, "ingest")
    batches = session.exec(orm_select(ImportBatch).order_by(col(ImportBatch.id).desc())).all()
    columns = [
        "id",
        "kind",
        "year",
        "file_name",
        "sha256",
        "size_bytes",
        "mode",
        "imported_by",
        "imported_at",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "rows_duplicate",
        "status",
    ]
    return pd.DataFrame([{c: getattr(b, c) for c in columns} for b in batches], columns=columns)


def blocking_result_sets(session: Session, batch: ImportBatch) -> list[int]:
    """Approved or published result sets computed from the batch's dataset and year."""
    rows = session.exec(
        orm_select(ResultSet.id).where(
            ResultSet.dataset_id == batch.dataset_id,
            ResultSet.year == batch.year,
            col(ResultSet.status).in_(BLOCKING_STATUSES),
        )
    ).all()
    return sorted(int(r) for r in rows if r is not None)


def rollback_batch(session: Session, *, actor: Actor, batch_id: int, reason: str) -> dict[str, int]:
    """Delete what batch ``batch_id`` loaded (see the module docstring); returns rows deleted per table."""
    actor = authorize(session, actor, "rollback_batch")
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError.of("ingest.batch.not_found", id=batch_id)
    if batch.status != "loaded":
        raise DomainError.of("ingest.batch.rolled_back", id=batch_id)
    if not reason.strip():
        raise DomainError.of("ingest.batch.reason")
    blocking = blocking_result_sets(session, batch)
    if blocking:
        raise DomainError.of("ingest.batch.blocked", id=batch_id, sets=", ".join(map(str, blocking)))
    conn = session.connection()
    forms = select(FORM.c.id).where(FORM.c.batch_id == batch_id)
    cases = select(table(BackcheckCase).c.id).where(table(BackcheckCase).c.form_id.in_(forms))
    scores = select(SCORE.c.id).where(SCORE.c.batch_id == batch_id)
    deleted: dict[str, int] = {}
    conn.execute(delete(table(BackcheckAnswer)).where(table(BackcheckAnswer).c.case_id.in_(cases)))
    conn.execute(delete(table(BackcheckCase)).where(table(BackcheckCase).c.form_id.in_(forms)))
    conn.execute(delete(table(FormReview)).where(table(FormReview).c.form_id.in_(forms)))
    deleted["answer"] = conn.execute(delete(ANSWER).where(ANSWER.c.form_id.in_(forms))).rowcount
    deleted["survey_form"] = conn.execute(delete(FORM).where(FORM.c.batch_id == batch_id)).rowcount
    deleted["evidence"] = conn.execute(delete(EVIDENCE).where(EVIDENCE.c.score_id.in_(scores))).rowcount
    deleted["assessment_score"] = conn.execute(delete(SCORE).where(SCORE.c.batch_id == batch_id)).rowcount
    deleted["fieldwork_plan"] = conn.execute(delete(PLAN).where(PLAN.c.batch_id == batch_id)).rowcount
    quarantine = table(QuarantineRow)
    conn.execute(
        quarantine.update()
        .where(quarantine.c.resolved_by_batch_id == batch_id)
        .values(status="open", resolved_by_batch_id=None)
    )
    deleted["quarantine_row"] = conn.execute(delete(quarantine).where(quarantine.c.batch_id == batch_id)).rowcount
    batch.status = "rolled_back"
    batch.rolled_back_by = actor.username
    batch.rolled_back_at = dt.datetime.now(dt.UTC)
    batch.rollback_reason = reason.strip()
    session.add(batch)
    record(
        session,
        actor=actor.username,
        action="rollback_batch",
        entity="import_batch",
        entity_id=str(batch_id),
        detail={"reason": reason.strip(), **deleted},
    )
    session.flush()
    return deleted


def quarantine_frame(session: Session, *, actor: Actor, batch_id: int | None = None) -> pd.DataFrame:
    """Open quarantined rows as they were read (a phone only as its encrypted copy, which an import reads back),
    with their errors in both languages (columns starting with ``_``, which an import ignores): fix the cells and
    import the file again."""
    actor = authorize(session, actor, "ingest")
    stmt = orm_select(QuarantineRow).where(QuarantineRow.status == "open")
    if batch_id is not None:
        stmt = stmt.where(QuarantineRow.batch_id == batch_id)
    rows = session.exec(stmt.order_by(col(QuarantineRow.batch_id), col(QuarantineRow.row_number))).all()
    records: list[dict[str, Any]] = []
    for row in rows:
        errors = json.loads(row.errors)
        records.append(
            {
                **json.loads(row.data),
                "_batch": row.batch_id,
                "_line": row.row_number,
                "_errors_vi": " | ".join(e["message_vi"] for e in errors),
                "_errors_en": " | ".join(e["message_en"] for e in errors),
            }
        )
    return pd.DataFrame(records)
