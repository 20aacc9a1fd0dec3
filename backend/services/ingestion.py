"""Importing a survey, self-assessment or plan file (issue 8, points 1-3): read → validate → load, one transaction.

* **All or nothing** (default): if any row or the header has a problem, nothing is written and every problem is
  reported; otherwise every row lands.
* **Quarantine**: the clean rows land; each bad row is kept (``quarantine_row``) with its errors until a
  corrected file imports it (the quarantined row is then marked resolved). A header problem still stops the
  whole file.
* **Idempotent**: a file whose SHA-256 was already imported (same dataset, kind and year, not rolled back)
  changes nothing and says which batch has it; rows already stored unchanged are skipped and counted as
  duplicates.
* Each import that writes records an :class:`ImportBatch` (file name as given, SHA-256, size, who, when, mode,
  counts) and an audit entry. Imported forms arrive as ``received`` and do not count until accepted
  (backend/services/review.py).

The caller owns the transaction (``session_scope``): a failure anywhere, or a process killed midway, leaves the
store as it was. Only analysts and data officers may import (permission ``ingest``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.frameworks import load_all
from backend.frameworks.sync import framework_for
from backend.ingest import load as iload
from backend.ingest import store as ist
from backend.ingest.bulk import bulk_loading
from backend.ingest.layout import Layout, layout, normal_kind
from backend.ingest.problems import Problem, StoreView
from backend.ingest.readers import RawTable, read_table, safe_name
from backend.ingest.validate import Validated, validate
from backend.models import ImportBatch, QuarantineRow
from backend.personal import vault
from backend.settings import get_settings

Progress = Callable[[float, str], None]
MODES = ("all_or_nothing", "quarantine")


@dataclass
class ImportRequest:
    kind: str
    year: int
    file_name: str
    data: bytes
    mode: str = "all_or_nothing"
    dry_run: bool = False
    dataset: str = "official"
    scope: str = "province"


@dataclass
class ImportSummary:
    """What an import read, found and did; ``problems`` carry line, column, value and both messages."""

    kind: str
    year: int
    file_name: str
    sha256: str
    size: int
    mode: str
    dry_run: bool = False
    rows_read: int = 0
    rows_valid: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_loaded: int = 0
    answers_loaded: int = 0
    batch_id: int | None = None
    already_batch: int | None = None
    encoding: str = ""
    separator: str = ""
    decimal: str = "."
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def loaded(self) -> bool:
        return self.rows_loaded > 0

    def error_frame(self) -> pd.DataFrame:
        """One row per problem: line, column, value (phones masked), rule, message in Vietnamese and English."""
        return pd.DataFrame(
            [
                {
                    "line": p.line,
                    "column": p.column,
                    "value": p.value,
                    "rule": p.code,
                    "message_vi": p.message("vi"),
                    "message_en": p.message("en"),
                }
                for p in self.problems
            ],
            columns=["line", "column", "value", "rule", "message_vi", "message_en"],
        )

    def counts(self) -> dict[str, int]:
        return {
            "read": self.rows_read,
            "valid": self.rows_valid,
            "quarantined": self.rows_quarantined,
            "duplicates": self.rows_duplicate,
            "loaded": self.rows_loaded,
        }


def _layout_for(session: Session, request: ImportRequest) -> tuple[Layout, int | None]:
    """The layout of the request, and for self-assessment the stored framework's id."""
    kind = normal_kind(request.kind)
    if kind != "self_assessment":
        return layout(kind, request.year), None
    spec = framework_for(load_all(get_settings().frameworks_dir), "PAR_INDEX", request.scope, request.year)
    stored = framework_for(session, "PAR_INDEX", request.scope, request.year)
    return layout(kind, request.year, framework=spec, scope=request.scope), int(stored.id)  # type: ignore[arg-type]


def _view(session: Session, request: ImportRequest, lay: Layout, raw: RawTable, framework_id: int | None) -> StoreView:
    """What the file is checked against, read without writing anything."""
    conn = session.connection()
    kinds, on = ist.unit_kinds(session, lay.kind, lay.year, lay.scope or "province")
    resolve = ist.unit_resolver(session, get_settings().reference_dir, kinds, on)
    dataset = conn.execute(select(ist.DATASET.c.id).where(ist.DATASET.c.name == request.dataset)).scalar()
    if lay.survey is not None:
        survey_id = None
        if dataset is not None:
            survey_id = conn.execute(
                select(ist.SURVEY.c.id).where(
                    ist.SURVEY.c.dataset_id == dataset,
                    ist.SURVEY.c.index_code == lay.survey.index_code,
                    ist.SURVEY.c.year == lay.year,
                )
            ).scalar()
        if survey_id is None:
            return StoreView(resolve, lay.survey.fieldwork)
        from backend.ingest.columns import match_header

        position = match_header(raw.columns, lay).positions.get("form_code")
        codes = raw.frame[position].astype(str).str.strip().tolist() if position is not None else []
        return ist.survey_view(conn, int(survey_id), codes, resolve)
    if dataset is None:
        return StoreView(resolve)
    if lay.kind == "self_assessment":
        assert framework_id is not None
        keys = ist.stored_scores(conn, int(dataset), lay.year, ist.criterion_ids(conn, framework_id))
    else:
        keys = ist.stored_plan(conn, int(dataset), lay.year)
    return StoreView(resolve, stored_keys=keys)


def _existing(session: Session, request: ImportRequest, digest: str) -> int | None:
    batch = session.exec(
        select(ImportBatch)
        .join(ist.DATASET, ist.DATASET.c.id == ImportBatch.dataset_id)
        .where(
            ist.DATASET.c.name == request.dataset,
            ImportBatch.kind == normal_kind(request.kind),
            ImportBatch.year == request.year,
            ImportBatch.sha256 == digest,
            ImportBatch.status == "loaded",
        )
    ).first()
    return None if batch is None else batch.id


def import_file(
    session: Session, *, actor: Actor, request: ImportRequest, progress: Progress | None = None
) -> ImportSummary:
    """Import one file (see the module docstring); returns the summary, problems included."""
    actor = authorize(session, actor, "ingest")
    say: Progress = progress or (lambda _f, _s: None)
    started = time.perf_counter()
    if request.mode not in MODES:
        raise DomainError.of("ingest.target.mode", mode=request.mode)
    digest = hashlib.sha256(request.data).hexdigest()
    summary = ImportSummary(
        normal_kind(request.kind),
        request.year,
        safe_name(request.file_name),
        digest,
        len(request.data),
        request.mode,
        request.dry_run,
    )
    summary.already_batch = _existing(session, request, digest)
    if summary.already_batch is not None:
        say(1.0, "done")
        return summary
    say(0.02, "read")
    raw = read_table(request.file_name, request.data)
    summary.encoding, summary.separator, summary.rows_read = raw.encoding, raw.separator, len(raw.frame)
    lay, framework_id = _layout_for(session, request)
    say(0.15, "validate")
    keys = vault()
    checked = validate(raw, lay, _view(session, request, lay, raw, framework_id), keys)
    summary.decimal = checked.decimal
    summary.problems = checked.file_problems + checked.problems
    summary.rows_duplicate = int(checked.duplicate.sum())
    summary.rows_valid = int((~checked.bad).sum()) if not checked.file_problems else 0
    blocked = bool(checked.file_problems) or (request.mode == "all_or_nothing" and bool(checked.bad.any()))
    if request.mode == "quarantine" and not checked.file_problems:
        summary.rows_quarantined = int(checked.bad.sum())
    if request.dry_run or blocked or (not checked.loadable.any() and not summary.rows_quarantined):
        summary.seconds = time.perf_counter() - started
        say(1.0, "done")
        return summary
    say(0.35, "load")
    _load(session, actor, request, summary, lay, checked, raw, framework_id, say)
    summary.seconds = time.perf_counter() - started
    say(1.0, "done")
    return summary


def _load(
    session: Session,
    actor: Actor,
    request: ImportRequest,
    summary: ImportSummary,
    lay: Layout,
    checked: Validated,
    raw: RawTable,
    framework_id: int | None,
    say: Progress,
) -> None:
    conn = session.connection()
    dataset_id = ist.ensure_dataset(conn, request.dataset)
    survey_id: int | None = None
    item_ids: dict[str, int] = {}
    if lay.survey is not None:
        survey_id, item_ids = ist.ensure_survey(conn, dataset_id, lay.survey)
    batch = ImportBatch(
        dataset_id=dataset_id,
        kind=lay.kind,
        year=lay.year,
        survey_id=survey_id,
        file_name=summary.file_name,
        sha256=summary.sha256,
        size_bytes=summary.size,
        mode=request.mode,
        imported_by=actor.username,
        imported_at=dt.datetime.now(dt.UTC),
        rows_read=summary.rows_read,
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    keep = checked.loadable
    rows = checked.rows[keep].reset_index(drop=True)
    if lay.survey is not None:
        expected = int(keep.sum()) * max(1, len(lay.items))
        with bulk_loading(conn, [ist.FORM, ist.ANSWER], expected) as load:
            n_forms, n_answers = iload.load_forms(
                load,
                lay,
                rows,
                checked.answers[keep],
                dataset_id=dataset_id,
                survey_id=int(survey_id),  # type: ignore[arg-type]
                item_ids=item_ids,
                batch_id=batch.id,
                vault=vault(),
            )
        summary.rows_loaded, summary.answers_loaded = n_forms, n_answers
        resolved = rows["form_code"].tolist()
    elif lay.kind == "self_assessment":
        summary.rows_loaded = iload.load_scores(
            conn,
            rows,
            dataset_id=dataset_id,
            year=lay.year,
            criteria=ist.criterion_ids(conn, int(framework_id or 0)),
            batch_id=batch.id,
        )
        resolved = [_key_text(lay, {str(k): v for k, v in r.items()}) for r in rows.to_dict("records")]
    else:
        surveys = {
            code: ist.ensure_survey(conn, dataset_id, _questionnaire(code, lay.year))[0] for code in set(rows["survey"])
        }
        summary.rows_loaded = iload.load_plan(conn, rows, surveys=surveys, batch_id=batch.id)
        resolved = [_key_text(lay, {str(k): v for k, v in r.items()}) for r in rows.to_dict("records")]
    say(0.9, "quarantine")
    if request.mode == "quarantine":
        _quarantine(session, batch.id, lay, checked, raw)
    _resolve_quarantine(session, batch, resolved)
    batch.rows_loaded, batch.rows_duplicate = summary.rows_loaded, summary.rows_duplicate
    batch.rows_quarantined = summary.rows_quarantined
    session.add(batch)
    summary.batch_id = batch.id
    record(
        session,
        actor=actor.username,
        action="import",
        entity="import_batch",
        entity_id=str(batch.id),
        detail={
            "kind": lay.kind,
            "year": lay.year,
            "file": summary.file_name,
            "sha256": summary.sha256,
            **summary.counts(),
        },
    )
    session.flush()


def _questionnaire(index_code: str, year: int) -> Any:
    from backend.frameworks.questionnaire import questionnaire

    return questionnaire(index_code, year)


def _key_text(lay: Layout, row: dict[str, Any]) -> str:
    if lay.kind == "self_assessment":
        return json.dumps([str(row["unit"]), str(row["criterion"])])
    return json.dumps(
        [str(row["unit"]), str(row["survey"]), str(row.get("commune_code") or ""), str(row["respondent_group"])]
    )


def _quarantine(session: Session, batch_id: int, lay: Layout, checked: Validated, raw: RawTable) -> None:
    """Keep every bad row with its errors; a phone number only as its encrypted copy."""
    by_line: dict[int, list[dict[str, str]]] = {}
    for p in checked.problems:
        by_line.setdefault(p.line, []).append(
            {"column": p.column, "rule": p.code, "message_vi": p.message("vi"), "message_en": p.message("en")}
        )
    keys = vault()
    phone_pos = raw.columns.index("respondent_phone") if "respondent_phone" in raw.columns else None
    positions = np.flatnonzero(checked.bad)
    cells_of = raw.frame.iloc[positions].astype(str).to_numpy().tolist()
    records = checked.rows.iloc[positions].to_dict("records")
    for position, cells, values in zip(positions.tolist(), cells_of, records, strict=True):
        if phone_pos is not None and cells[phone_pos] and not cells[phone_pos].startswith("v1:"):
            cells[phone_pos] = keys.encrypt(cells[phone_pos])
        line = checked.lines[position]
        session.add(
            QuarantineRow(
                batch_id=batch_id,
                row_number=line,
                form_code=_row_key(lay, {str(k): v for k, v in values.items()}),
                data=json.dumps(dict(zip(raw.columns, cells, strict=False)), ensure_ascii=False),
                errors=json.dumps(by_line.get(line, []), ensure_ascii=False),
            )
        )


def _row_key(lay: Layout, row: dict[str, Any]) -> str | None:
    if lay.survey is not None:
        return row.get("form_code")
    if any(
        row.get(k) is None
        for k in (("unit", "criterion") if lay.kind == "self_assessment" else ("unit", "survey", "respondent_group"))
    ):
        return None
    return _key_text(lay, row)


def _resolve_quarantine(session: Session, batch: ImportBatch, keys: list[str]) -> None:
    """Open quarantined rows of earlier batches (same dataset, kind, year) that this batch has now loaded."""
    if not keys:
        return
    wanted = set(keys)
    earlier = select(ImportBatch.id).where(
        ImportBatch.dataset_id == batch.dataset_id,
        ImportBatch.kind == batch.kind,
        ImportBatch.year == batch.year,
        ImportBatch.id != batch.id,
    )
    rows = session.exec(
        select(QuarantineRow).where(QuarantineRow.status == "open", QuarantineRow.batch_id.in_(earlier))  # type: ignore[attr-defined]
    ).all()
    for row in rows:
        if row.form_code in wanted:
            row.status = "resolved"
            row.resolved_by_batch_id = batch.id
            session.add(row)
