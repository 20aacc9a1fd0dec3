"""Reading the read model's inputs from the store, through the public query path only.

Every query on result sets goes through :mod:`backend.services.public_query` (published and past their
embargo; anything else is "not found"). The functions here turn its frames into the read model's typed
values; the dashboards' adapter caches them (keyed by result-set id, which never changes content).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlmodel import Session, col, select

from backend.frameworks.spec import FrameworkSpec
from backend.frameworks.sync import spec_from_row
from backend.models import Framework
from backend.published.sets import Catalogue, ResultSetInfo
from backend.published.tables import SetTables, build_set_tables
from backend.reference.lineage import Lineage
from backend.services import public_query as q


def catalogue(session: Session, *, now: dt.datetime | None = None) -> Catalogue:
    """Every visible version, and the current set per index, scope and year."""
    frame = q.visible_result_sets(session, now=now)
    return Catalogue.from_sets(
        ResultSetInfo.from_record({str(k): v for k, v in r.items()}) for r in frame.to_dict("records")
    )


def units(session: Session) -> pd.DataFrame:
    """Every unit (63 and 34 provinces, ministries) with both names, region and ``scope_code``."""
    return q.units_frame(session)


def regions(session: Session) -> pd.DataFrame:
    return q.regions_frame(session)


def lineage(session: Session) -> Lineage:
    return Lineage.from_frame(q.lineage_frame(session))


def framework_specs(session: Session, framework_ids: Iterable[int]) -> dict[int, FrameworkSpec | None]:
    """The validated spec of each stored framework (None when the store holds no file text for it)."""
    ids = sorted({int(i) for i in framework_ids})
    rows = session.scalars(select(Framework).where(col(Framework.id).in_(ids))).all()
    return {int(row.id or 0): spec_from_row(row) if row.source_text.strip() else None for row in rows}


def set_tables(
    session: Session,
    info: ResultSetInfo,
    unit_table: pd.DataFrame,
    spec: FrameworkSpec | None,
    region_table: pd.DataFrame | None = None,
) -> SetTables:
    """The ready tables of one visible set (raises NotFoundError for a set that is not visible)."""
    rows = q.result_rows(session, info.id)
    return build_set_tables(info, rows, unit_table, spec, region_table)


def frameworks(session: Session) -> pd.DataFrame:
    return q.frameworks_frame(session)


def criteria(session: Session, framework_ids: Iterable[int] | None = None) -> pd.DataFrame:
    return q.criteria_frame(session, framework_ids)


def provisional_items(session: Session) -> pd.DataFrame:
    return q.provisional_items(session)


def published_record(session: Session) -> pd.DataFrame:
    return q.published_figures(session)
