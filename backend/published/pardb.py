"""The public read model of the PAR database: browse and search published documents (Vietnamese full-text,
diacritics folded, the same rule on SQLite and PostgreSQL: backend/search.py), their PAR criteria and the
self-assessment evidence their units allow to show, figures per unit and year, the topics. Read through the
public views of migration 0008 only; every row says whether it is demo data (its dataset's kind).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Table, select, text
from sqlmodel import Session

from backend import search
from backend.models import Criterion, Dataset, Topic
from backend.models.public_voice import (
    PAR_DOCUMENT_FIELDS,
    PAR_FIGURE_FIELDS,
    public_par_document,
    public_par_document_criterion,
    public_par_evidence,
    public_par_figure,
)

#: most documents one search returns
MAX_RESULTS = 200
DOCUMENT_COLUMNS = [*PAR_DOCUMENT_FIELDS, "dataset_kind"]
FIGURE_COLUMNS = [*PAR_FIGURE_FIELDS, "dataset_kind"]
_DATASET = Dataset.__table__  # type: ignore[attr-defined]


def frame_of(session: Session, stmt: Any, view: Table, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of ``stmt`` as a frame with the view's column names (then ``extra``), even when empty."""
    rows = session.connection().execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in view.columns] + list(extra))


def topics(session: Session) -> pd.DataFrame:
    """The topics (code, name_vi, name_en) in their order."""
    t = Topic.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(select(t.code, t.name_vi, t.name_en).order_by(t.position)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["code", "name_vi", "name_en"])


@dataclass(frozen=True)
class DocumentQuery:
    """A search of the PAR database: words (any case, with or without diacritics) and filters."""

    text: str = ""
    year: int | None = None
    unit_id: int | None = None
    topic: str | None = None
    kind: str | None = None
    limit: int = 50

    def filters(self) -> tuple[str, dict[str, Any]]:
        """SQL conditions on ``d`` (the document view) and their parameters."""
        parts, params = [], {}
        for name, value in (
            ("year", self.year),
            ("unit_id", self.unit_id),
            ("topic_code", self.topic),
            ("kind", self.kind),
        ):
            if value is not None and value != "":
                parts.append(f"d.{name} = :{name}")
                params[name] = value
        return "".join(f" AND {p}" for p in parts), params


@dataclass(frozen=True)
class DocumentPage:
    documents: pd.DataFrame
    more: bool  # more documents match than were returned


def search_documents(session: Session, query: DocumentQuery) -> DocumentPage:
    """Published documents matching ``query`` (every word, the last as a prefix), newest first."""
    limit = max(1, min(int(query.limit), MAX_RESULTS))
    conditions, params = query.filters()
    words = search.query_words(query.text)
    columns = ", ".join(f"d.{c}" for c in PAR_DOCUMENT_FIELDS)
    base = f"SELECT {columns}, ds.kind AS dataset_kind FROM "
    documents = "public_par_document d JOIN dataset ds ON ds.id = d.dataset_id"
    if words:
        dialect = session.connection().dialect.name
        source, condition = search.match_sql(dialect, "document")
        sql = (
            f"{base}{source} JOIN public_par_document d ON d.id = s.ref_id JOIN dataset ds ON ds.id = d.dataset_id "
            f"WHERE {condition}{conditions} ORDER BY d.issued_on DESC, d.id DESC"
        )
        params["q"] = search.match_param(dialect, words)
    else:
        sql = f"{base}{documents} WHERE 1 = 1{conditions} ORDER BY d.issued_on DESC, d.id DESC"
    params["limit"] = limit + 1
    typed = text(f"{sql} LIMIT :limit").columns(*public_par_document.c, _DATASET.c.kind)
    frame = frame_of(session, typed.bindparams(**params), public_par_document, ("dataset_kind",))
    return DocumentPage(documents=frame.head(limit).reset_index(drop=True), more=len(frame) > limit)


def criteria_of(session: Session, document_ids: list[int]) -> pd.DataFrame:
    """The PAR criteria of documents: document_id, criterion_id, code, name_vi, name_en."""
    link = public_par_document_criterion.c
    c = Criterion.__table__.c  # type: ignore[attr-defined]
    stmt = (
        select(link.document_id, c.id, c.code, c.name_vi, c.name_en)
        .select_from(public_par_document_criterion.join(Criterion.__table__, c.id == link.criterion_id))  # type: ignore[attr-defined]
        .where(link.document_id.in_([int(i) for i in document_ids]))
        .order_by(link.document_id, c.code)
    )
    rows = session.connection().execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["document_id", "criterion_id", "code", "name_vi", "name_en"])


def evidence_of(session: Session, document_ids: list[int]) -> pd.DataFrame:
    """Self-assessment evidence citing the documents, for units and years whose unit shows it."""
    e = public_par_evidence.c
    stmt = (
        select(public_par_evidence)
        .where(e.document_id.in_([int(i) for i in document_ids]))
        .order_by(e.document_id, e.year)
    )
    return frame_of(session, stmt, public_par_evidence)


def figures(
    session: Session, *, unit_id: int | None = None, national: bool = False, year: int | None = None
) -> pd.DataFrame:
    """Published figures of one unit (or the national ones), optionally of one year, with their dataset kind."""
    f = public_par_figure.c
    stmt = select(public_par_figure, _DATASET.c.kind).select_from(
        public_par_figure.join(_DATASET, _DATASET.c.id == f.dataset_id)
    )
    if national:
        stmt = stmt.where(f.unit_id.is_(None))
    elif unit_id is not None:
        stmt = stmt.where(f.unit_id == int(unit_id))
    if year is not None:
        stmt = stmt.where(f.year == int(year))
    return frame_of(session, stmt.order_by(f.topic_code, f.code, f.year), public_par_figure, ("dataset_kind",))


@dataclass(frozen=True)
class Facets:
    years: list[int]
    unit_ids: list[int]
    figure_unit_ids: list[int]
    demo: bool  # some published entries are demo data


def facets(session: Session) -> Facets:
    """What the filters offer: years and units that have published documents, units that have figures."""
    d, f = public_par_document.c, public_par_figure.c
    connection = session.connection()
    years = [int(y) for y in connection.execute(select(d.year).distinct().order_by(d.year.desc())).scalars()]
    units = [int(u) for u in connection.execute(select(d.unit_id).distinct().where(d.unit_id.is_not(None))).scalars()]
    figure_units = [
        int(u) for u in connection.execute(select(f.unit_id).distinct().where(f.unit_id.is_not(None))).scalars()
    ]
    kinds = set(
        connection.execute(select(_DATASET.c.kind).where(_DATASET.c.id.in_(select(d.dataset_id).distinct()))).scalars()
    )
    return Facets(years=years, unit_ids=sorted(units), figure_unit_ids=sorted(figure_units), demo="demo" in kinds)
