"""The only module of the public app with Streamlit caches. Everything it returns comes through
``backend.services.public_query`` (published, past-embargo result sets only), read with the public engine
(``backend.db.get_public_engine``: the read-only ``par_public`` login on PostgreSQL, the read-only file with
the public authorizer on SQLite); the public app never holds the owner's connection.

Cache keys: the public store URL (so two stores never share entries) and, for result data, the result-set id.
Result sets are immutable, so their rows and derived tables are cached without expiry; a correction is a
new result set with a new id, hence a new key. The catalogue of visible sets is the only time-dependent
query: it is cached for ``CATALOGUE_TTL`` seconds, which can only delay the moment a set appears after its
embargo (never advance it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from backend.db import get_public_engine, session_scope
from backend.services import public_query as q
from backend.settings import get_settings
from dashboards.components import model

CATALOGUE_TTL = 30


def store_key() -> str:
    """The public store URL: part of every cache key (empty when none is configured; the first query then
    explains what to set)."""
    return get_settings().effective_public_database_url


def _session(db: str) -> Any:
    return session_scope(get_public_engine(db or None))


@st.cache_data(ttl=CATALOGUE_TTL, show_spinner=False)
def catalogue(db: str) -> pd.DataFrame:
    """The result set shown per (index, year, scope): visible sets only."""
    with _session(db) as session:
        return q.current_result_sets(session)


@st.cache_data(ttl=CATALOGUE_TTL, show_spinner=False)
def visible_versions(db: str) -> pd.DataFrame:
    """Every visible version (older corrected versions included), for the version note."""
    with _session(db) as session:
        return q.visible_result_sets(session)


@st.cache_data(max_entries=256, show_spinner=False)
def set_rows(db: str, set_id: int) -> pd.DataFrame:
    with _session(db) as session:
        return q.result_rows(session, int(set_id))


@st.cache_data(max_entries=128, show_spinner=False)
def history_rows(db: str, set_ids: tuple[int, ...], metrics: tuple[str, ...]) -> pd.DataFrame:
    """Rows of several sets restricted to some metrics (trends, histories)."""
    with _session(db) as session:
        return q.result_rows_many(session, set_ids, metrics=metrics)


@st.cache_data(show_spinner=False)
def units(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.units_frame(session)


@st.cache_data(show_spinner=False)
def regions(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.regions_frame(session)


@st.cache_data(show_spinner=False)
def lineage(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.lineage_frame(session)


@st.cache_data(show_spinner=False)
def evaluation_years(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.evaluation_years(session)


@st.cache_data(show_spinner=False)
def frameworks(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.frameworks_frame(session)


@st.cache_data(show_spinner=False)
def criteria(db: str, framework_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    with _session(db) as session:
        return q.criteria_frame(session, framework_ids)


@st.cache_data(show_spinner=False)
def provisional_items(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.provisional_items(session)


@st.cache_data(ttl=300, show_spinner=False)
def published_record(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return q.published_figures(session)


@st.cache_data(max_entries=256, show_spinner=False)
def unit_table(db: str, set_id: int, index_code: str) -> pd.DataFrame:
    """Per-unit table of one result set (index with interval, rank, group; one column per component)."""
    return model.unit_table(set_rows(db, set_id), units(db), index_code)


@st.cache_resource(show_spinner=False)
def geojson(province_count: int) -> dict[str, Any]:
    """Simplified boundaries for 63 or 34 provinces, loaded once per process and shared (read-only)."""
    from geo.loader import geojson_for_year

    return geojson_for_year(2024 if province_count == 63 else 2025)


def geojson_for_year(year: int) -> dict[str, Any]:
    from geo.loader import province_count_for_year

    return geojson(province_count_for_year(year))


def archipelagos() -> tuple[dict[str, Any], ...]:
    from geo.loader import ARCHIPELAGOS

    return ARCHIPELAGOS
