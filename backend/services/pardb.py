"""The PAR database as staff keep it: documents and figures per unit and year, added and corrected by content
editors. An entry is public (``published``) as soon as it is added; a correction edits it and the audit log
keeps every changed field's value before the correction; withdrawing hides it (with a reason). Published
documents are in the search index of public entries (backend/search.py), which every change keeps current.

Entries typed by staff belong to the official dataset :data:`OFFICIAL_DATASET` (created when first needed);
generated demo entries belong to their demo dataset and stay labelled demo (backend/demo/pardb.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from backend import search
from backend.audit import record
from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.models import Dataset, ParDocument, ParFigure, Topic, Unit
from backend.models.pardb import DOCUMENT_KINDS
from backend.services.voice_common import BODY_MAX, InputRefused, load, require_text

OFFICIAL_DATASET = "par-database"
YEARS = range(2000, 2101)
DOCUMENT_FIELDS = ("kind", "issuer", "number", "issued_on", "unit_id", "year", "topic_code", "title", "summary", "url")
FIGURE_FIELDS = ("unit_id", "year", "topic_code", "code", "name_vi", "name_en", "value", "measure", "document_id")
_URL_PREFIXES = ("https://", "http://")


def official_dataset(session: Session) -> Dataset:
    found = session.exec(select(Dataset).where(Dataset.name == OFFICIAL_DATASET)).first()
    if found is None:
        found = Dataset(name=OFFICIAL_DATASET, kind="official", description="PAR database entries typed by staff")
        session.add(found)
        session.flush()
    return found


def document_fields(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """A document's fields checked, every problem reported: a known kind; issuer, number and title given; a
    date; a year 2000–2100; a unit and a topic that exist; a web address (http/https) or none."""
    texts = require_text(
        {k: values.get(k) for k in ("issuer", "number", "title", "summary", "url")},
        ["issuer", "number", "title"],
        {"summary": BODY_MAX, "url": 2000},
    )
    issues: list[tuple[str, dict[str, Any]]] = []
    kind = values.get("kind")
    if kind not in DOCUMENT_KINDS:
        issues.append(("voice.errors.bad_kind", {"kind": kind}))
    issued_on = values.get("issued_on")
    if not isinstance(issued_on, dt.date):
        issues.append(("voice.errors.bad_date", {}))
    year = values.get("year")
    if not isinstance(year, int) or year not in YEARS:
        issues.append(("voice.errors.bad_year", {"year": year}))
    issues += _reference_issues(session, values.get("unit_id"), values.get("topic_code"))
    if texts["url"] and not texts["url"].startswith(_URL_PREFIXES):
        issues.append(("voice.errors.bad_url", {}))
    if issues:
        raise InputRefused(issues)
    return {
        **texts,
        "kind": kind,
        "issued_on": issued_on,
        "year": year,
        "unit_id": values.get("unit_id"),
        "topic_code": values.get("topic_code"),
    }


def _reference_issues(session: Session, unit_id: Any, topic_code: Any) -> list[tuple[str, dict[str, Any]]]:
    issues: list[tuple[str, dict[str, Any]]] = []
    if unit_id is not None and session.get(Unit, unit_id) is None:
        issues.append(("voice.errors.unknown_unit", {"id": unit_id}))
    if session.get(Topic, topic_code or "") is None:
        issues.append(("voice.errors.unknown_topic", {"topic": topic_code}))
    return issues


def document_search_text(session: Session, document: ParDocument) -> str:
    """The folded text a document is found by: issuer, number, title, summary, its unit's and topic's names."""
    unit = session.get(Unit, document.unit_id) if document.unit_id is not None else None
    topic = session.get(Topic, document.topic_code)
    parts = [document.issuer, document.number, document.title, document.summary]
    parts += [unit.name_vi, unit.name_en] if unit else []
    parts += [topic.name_vi] if topic else []
    return search.search_text(parts)


def _reindex(session: Session, document: ParDocument) -> None:
    if document.status == "published":
        search.put(session.connection(), "document", [(document.id or 0, document_search_text(session, document))])
    else:
        search.remove(session.connection(), "document", [document.id or 0])


def add_document(session: Session, *, actor: Actor, **values: Any) -> ParDocument:
    """A new public document of the official dataset."""
    actor = authorize(session, actor, "pardb_edit")
    fields = document_fields(session, values)
    document = ParDocument(dataset_id=official_dataset(session).id or 0, updated_by=actor.username, **fields)
    session.add(document)
    session.flush()
    _reindex(session, document)
    record(
        session,
        actor=actor.username,
        action="pardb_add",
        entity="par_document",
        entity_id=str(document.id),
        detail={"number": document.number},
    )
    return document


def correct_document(session: Session, *, actor: Actor, document_id: int, **changes: Any) -> ParDocument:
    """Correct a document's fields; the audit entry keeps the old value of every changed field."""
    actor = authorize(session, actor, "pardb_edit")
    document = load(session, ParDocument, document_id, "document")
    current = {k: getattr(document, k) for k in DOCUMENT_FIELDS}
    fields = document_fields(session, {**current, **{k: v for k, v in changes.items() if k in DOCUMENT_FIELDS}})
    changed = {k: (current[k], v) for k, v in fields.items() if current[k] != v}
    if not changed:
        return document
    for key, (_, value) in changed.items():
        setattr(document, key, value)
    document.updated_by, document.updated_at = actor.username, dt.datetime.now(dt.UTC)
    session.add(document)
    session.flush()
    _reindex(session, document)
    record(
        session,
        actor=actor.username,
        action="pardb_correct",
        entity="par_document",
        entity_id=str(document_id),
        detail={k: {"before": old, "after": new} for k, (old, new) in changed.items()},
    )
    return document


def set_document_status(session: Session, *, actor: Actor, document_id: int, status: str, reason: str) -> ParDocument:
    """Withdraw a document (hidden, out of the index) or publish it again; a reason is required."""
    actor = authorize(session, actor, "pardb_edit")
    document = load(session, ParDocument, document_id, "document")
    if status not in ("published", "withdrawn"):
        raise InputRefused([("voice.errors.bad_status", {"status": status})])
    if not reason.strip():
        raise InputRefused([("voice.errors.reason_needed", {})])
    before = document.status
    document.status = status
    document.updated_by, document.updated_at = actor.username, dt.datetime.now(dt.UTC)
    session.add(document)
    session.flush()
    _reindex(session, document)
    detail = {"from": before, "to": status, "reason": reason.strip()[:500]}
    record(
        session,
        actor=actor.username,
        action="pardb_status",
        entity="par_document",
        entity_id=str(document_id),
        detail=detail,
    )
    return document


def figure_fields(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """A figure's fields checked: code and Vietnamese name given, a number, a year 2000–2100, a unit, topic and
    source document that exist."""
    texts = require_text({k: values.get(k) for k in ("code", "name_vi", "name_en", "measure")}, ["code", "name_vi"], {})
    issues = _reference_issues(session, values.get("unit_id"), values.get("topic_code"))
    value, year = values.get("value"), values.get("year")
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float("nan")
    if pd.isna(number):
        issues.append(("voice.errors.bad_number", {}))
    if not isinstance(year, int) or year not in YEARS:
        issues.append(("voice.errors.bad_year", {"year": year}))
    document_id = values.get("document_id")
    if document_id is not None and session.get(ParDocument, document_id) is None:
        issues.append(("voice.errors.unknown_document", {"id": document_id}))
    if issues:
        raise InputRefused(issues)
    return {
        **texts,
        "unit_id": values.get("unit_id"),
        "year": year,
        "topic_code": values.get("topic_code"),
        "value": number,
        "document_id": document_id,
    }


def add_figure(session: Session, *, actor: Actor, **values: Any) -> ParFigure:
    actor = authorize(session, actor, "pardb_edit")
    figure = ParFigure(
        dataset_id=official_dataset(session).id or 0, updated_by=actor.username, **figure_fields(session, values)
    )
    session.add(figure)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="pardb_figure_add",
        entity="par_figure",
        entity_id=str(figure.id),
        detail={"code": figure.code, "year": figure.year},
    )
    return figure


def correct_figure(session: Session, *, actor: Actor, figure_id: int, **changes: Any) -> ParFigure:
    """Correct a figure; the audit entry keeps the old value of every changed field."""
    actor = authorize(session, actor, "pardb_edit")
    figure = load(session, ParFigure, figure_id, "figure")
    current = {k: getattr(figure, k) for k in FIGURE_FIELDS}
    fields = figure_fields(session, {**current, **{k: v for k, v in changes.items() if k in FIGURE_FIELDS}})
    changed = {k: (current[k], v) for k, v in fields.items() if current[k] != v}
    for key, (_, value) in changed.items():
        setattr(figure, key, value)
    if changed:
        figure.updated_by, figure.updated_at = actor.username, dt.datetime.now(dt.UTC)
        session.add(figure)
        detail = {k: {"before": old, "after": new} for k, (old, new) in changed.items()}
        record(
            session,
            actor=actor.username,
            action="pardb_figure_correct",
            entity="par_figure",
            entity_id=str(figure_id),
            detail=detail,
        )
    return figure


def staff_documents(
    session: Session, *, actor: Actor, year: int | None = None, unit_id: int | None = None, limit: int = 500
) -> pd.DataFrame:
    """Documents (published and withdrawn), newest first, for the staff page."""
    actor = authorize(session, actor, "pardb_edit")
    query = select(ParDocument, Dataset.kind).join(Dataset, col(Dataset.id) == col(ParDocument.dataset_id))
    if year is not None:
        query = query.where(ParDocument.year == year)
    if unit_id is not None:
        query = query.where(ParDocument.unit_id == unit_id)
    rows = session.exec(query.order_by(col(ParDocument.id).desc()).limit(limit)).all()
    columns = ["id", *DOCUMENT_FIELDS, "status", "dataset_kind", "updated_by", "updated_at"]
    records = [{**{c: getattr(d, c) for c in columns if hasattr(d, c)}, "dataset_kind": kind} for d, kind in rows]
    return pd.DataFrame.from_records(records, columns=columns)
