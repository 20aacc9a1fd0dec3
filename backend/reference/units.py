"""Queries on units: which units exist, are assessed or ranked in a year; successors through lineage."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import or_
from sqlmodel import Session, col, select

from backend.errors import NotFoundError
from backend.models import EvaluationYear, Unit, UnitLineage


def evaluation_year(session: Session, year: int) -> EvaluationYear:
    found = session.get(EvaluationYear, year)
    if found is None:
        raise NotFoundError.of("reference.year_missing", year=year)
    return found


def units_valid_on(session: Session, kind: str, day: dt.date) -> list[Unit]:
    """Units of ``kind`` in force on ``day``, ordered by code."""
    stmt = (
        select(Unit)
        .where(
            Unit.kind == kind, col(Unit.valid_from) <= day, or_(col(Unit.valid_to).is_(None), col(Unit.valid_to) >= day)
        )
        .order_by(Unit.code)
    )
    return list(session.exec(stmt).all())


def provinces_for_year(session: Session, year: int) -> list[Unit]:
    """The provinces assessed in an evaluation year: 63 up to 2024, 34 from 2025."""
    ey = evaluation_year(session, year)
    return units_valid_on(session, ey.province_kind, ey.reference_date)


def ministries_for_year(session: Session, year: int, *, assessed_only: bool = True) -> list[Unit]:
    """Ministries and ministry-level agencies in force at the end of ``year`` (assessed ones by default)."""
    ey = evaluation_year(session, year)
    units = units_valid_on(session, "ministry", ey.reference_date)
    return [u for u in units if u.par_assessed] if assessed_only else units


def lineage_frame(session: Session) -> pd.DataFrame:
    """All lineage links as columns: old/new unit ids, kinds, codes, effective date, relation."""
    old = Unit.__table__.alias("old")  # type: ignore[attr-defined]
    new = Unit.__table__.alias("new")  # type: ignore[attr-defined]
    link = UnitLineage.__table__  # type: ignore[attr-defined]
    stmt = (
        link.join(old, link.c.old_unit_id == old.c.id)
        .join(new, link.c.new_unit_id == new.c.id)
        .select()
        .with_only_columns(
            link.c.old_unit_id,
            link.c.new_unit_id,
            old.c.kind.label("old_kind"),
            old.c.code.label("old_code"),
            new.c.kind.label("new_kind"),
            new.c.code.label("new_code"),
            link.c.effective,
            link.c.relation,
        )
    )
    rows = session.connection().execute(stmt).mappings().all()
    return pd.DataFrame(
        rows,
        columns=["old_unit_id", "new_unit_id", "old_kind", "old_code", "new_kind", "new_code", "effective", "relation"],
    )
