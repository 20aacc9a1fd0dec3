"""Writing the clean rows of an import: survey forms and answers through the one bulk loader (new forms), in place
for the corrected version of a rejected form; self-assessment scores with their evidence; fieldwork plan lines.
Everything runs on the caller's connection, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from backend.ingest.bulk import BulkLoader, plain
from backend.ingest.layout import Layout
from backend.ingest.store import ANSWER, EVIDENCE, FORM, INTERVIEWER, PLAN, SCORE, table
from backend.personal import Vault


def _interviewers(conn: Connection, dataset_id: int, codes: Iterable[str]) -> dict[str, int]:
    known = {
        str(c): int(i)
        for c, i in conn.execute(
            select(INTERVIEWER.c.code, INTERVIEWER.c.id).where(INTERVIEWER.c.dataset_id == dataset_id)
        )
    }
    new = sorted({c for c in codes if c and c not in known})
    if new:
        conn.execute(insert(INTERVIEWER), [{"dataset_id": dataset_id, "code": c, "name": c} for c in new])
        return _interviewers(conn, dataset_id, [])
    return known


def load_forms(
    load: BulkLoader,
    layout: Layout,
    rows: pd.DataFrame,
    answers: np.ndarray,
    *,
    dataset_id: int,
    survey_id: int,
    item_ids: dict[str, int],
    batch_id: int,
    vault: Vault,
) -> tuple[int, int]:
    """Insert the forms (received, not yet counted) and their answers; returns (forms, answers) inserted. Rows
    marked ``_replace`` correct a rejected stored form in place (:func:`replace_forms`)."""
    conn = load.conn
    if "_replace" in rows and rows["_replace"].any():
        fixes = rows["_replace"].to_numpy(dtype=bool)
        replace_forms(
            conn,
            layout,
            rows[fixes],
            answers[fixes],
            survey_id=survey_id,
            item_ids=item_ids,
            batch_id=batch_id,
            vault=vault,
        )
        rows, answers = rows[~fixes].reset_index(drop=True), answers[~fixes]
        n_fixed = int(fixes.sum())
    else:
        n_fixed = 0
    n = len(rows)
    if n == 0:
        return n_fixed, 0
    interviewers = _interviewers(conn, dataset_id, rows["interviewer"].dropna()) if "interviewer" in rows else {}
    phones = rows["respondent_phone"] if "respondent_phone" in rows else pd.Series([None] * n)
    sealed = [vault.encrypt(p) if p else None for p in phones.tolist()]
    columns: dict[str, list[Any]] = {
        "survey_id": [survey_id] * n,
        "form_code": rows["form_code"].tolist(),
        "respondent_group": rows["respondent_group"].tolist(),
        "unit_id": [int(u) for u in rows["unit"].tolist()],
        "interviewer_id": [interviewers.get(c) for c in rows["interviewer"].tolist()]
        if "interviewer" in rows
        else [None] * n,
        "collected_on": rows["collected_on"].tolist(),
        "status": ["pending"] * n,
        "review_state": ["received"] * n,
        "phone_hash": list(rows["phone_hash"]) if "phone_hash" in rows else [None] * n,
        "phone_encrypted": sealed,
        "batch_id": [batch_id] * n,
    }
    for name in ("district_code", "commune_code", "village_code", "started_at", "finished_at", "facts"):
        columns[name] = list(rows[name]) if name in rows else [None] * n
    load.insert_columns(FORM, columns)
    ids = dict(conn.execute(select(FORM.c.form_code, FORM.c.id).where(FORM.c.batch_id == batch_id)).all())
    form_ids = np.array([ids[c] for c in rows["form_code"].tolist()], dtype=np.int64)
    n_answers = 0
    for rows_mask, asked in asked_blocks(layout, rows):
        item_col = np.array([item_ids[layout.items[j].code] for j in asked], dtype=np.int64)
        block = answers[rows_mask][:, np.asarray(asked, dtype=np.int64)]
        n_answers += load.insert_matrix(ANSWER, ("form_id", "item_id", "value"), form_ids[rows_mask], item_col, block)
    return n + n_fixed, n_answers


def asked_blocks(layout: Layout, rows: pd.DataFrame) -> list[tuple[np.ndarray, list[int]]]:
    """(rows, item columns) blocks of the answers to store: each respondent group's forms with the items asked to
    that group (an item not asked to a group gets no answer row, as in the demo); one block for a single group."""
    survey = layout.survey
    assert survey is not None
    if len(survey.groups) == 1:
        return [(np.ones(len(rows), dtype=bool), list(range(len(layout.items))))]
    blocks = []
    groups = rows["respondent_group"].astype(str).to_numpy()
    for group in survey.groups:
        mask = groups == group.code
        if mask.any():
            blocks.append((mask, [j for j, item in enumerate(survey.items) if group.code in item.groups]))
    return blocks


def replace_forms(
    conn: Connection,
    layout: Layout,
    rows: pd.DataFrame,
    answers: np.ndarray,
    *,
    survey_id: int,
    item_ids: dict[str, int],
    batch_id: int,
    vault: Vault,
) -> None:
    """Replace rejected forms by their corrected version (same form code): fields and answers, review state
    ``corrected`` (waiting for review again), one review step recorded per form."""
    from backend.models import FormReview

    review = table(FormReview)
    ids = dict(
        conn.execute(
            select(FORM.c.form_code, FORM.c.id).where(
                FORM.c.survey_id == survey_id, FORM.c.form_code.in_(rows["form_code"].tolist())
            )
        ).all()
    )
    now = dt.datetime.now(dt.UTC)
    item_col = [item_ids[c.code] for c in layout.items]
    for position, record in enumerate(rows.to_dict("records")):
        form_id = int(ids[record["form_code"]])
        fields = {
            name: record.get(name)
            for name in (
                "district_code",
                "commune_code",
                "village_code",
                "started_at",
                "finished_at",
                "facts",
                "phone_hash",
            )
            if name in record
        }
        phone = record.get("respondent_phone")
        conn.execute(
            FORM.update()
            .where(FORM.c.id == form_id)
            .values(
                unit_id=int(record["unit"]),
                collected_on=record["collected_on"],
                review_state="corrected",
                status="pending",
                respondent_group=record["respondent_group"],
                phone_encrypted=vault.encrypt(phone) if phone else None,
                **{k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in fields.items()},
            )
        )
        conn.execute(ANSWER.delete().where(ANSWER.c.form_id == form_id))
        values = [
            {"form_id": form_id, "item_id": i, "value": int(v) if v else None}
            for i, v in zip(item_col, answers[position].tolist(), strict=True)
        ]
        if values:
            conn.execute(insert(ANSWER), values)
        conn.execute(
            insert(review).values(
                form_id=form_id,
                from_state="rejected",
                to_state="corrected",
                comment=f"batch {batch_id}",
                actor="import",
                at=now,
            )
        )


def load_scores(
    conn: Connection, rows: pd.DataFrame, *, dataset_id: int, year: int, criteria: dict[str, int], batch_id: int
) -> int:
    """Insert self-assessment scores (and the evidence cited) of the clean rows."""
    if rows.empty:
        return 0
    for record in rows.to_dict("records"):
        score_id = conn.execute(
            insert(SCORE).values(
                dataset_id=dataset_id,
                year=year,
                unit_id=int(record["unit"]),
                criterion_id=criteria[record["criterion"]],
                self_score=float(record["self_score"]),
                self_comment=_text(record.get("self_comment")),
                appraisal_comment="",
                batch_id=batch_id,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        if _text(record.get("evidence_ref")):
            conn.execute(
                insert(EVIDENCE).values(
                    score_id=score_id,
                    ref_code=record["evidence_ref"],
                    title=_text(record.get("evidence_title")) or record["evidence_ref"],
                    issued_on=plain(record.get("evidence_issued_on")),
                    location="",
                )
            )
    return len(rows)


def load_plan(conn: Connection, rows: pd.DataFrame, *, surveys: dict[str, int], batch_id: int) -> int:
    if rows.empty:
        return 0
    values = [
        {
            "survey_id": surveys[r["survey"]],
            "unit_id": int(r["unit"]),
            "commune_code": _text(r.get("commune_code")),
            "respondent_group": r["respondent_group"],
            "planned_forms": int(r["planned_forms"]),
            "batch_id": batch_id,
        }
        for r in rows.to_dict("records")
    ]
    conn.execute(insert(PLAN), values)
    return len(values)


def _text(value: Any) -> str:
    """A text cell as stored text: missing (None, NaN) → empty."""
    value = plain(value)
    return "" if value is None else str(value)
