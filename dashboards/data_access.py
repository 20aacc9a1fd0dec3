"""The public app's only cache adapter over the read model (backend/published).

Everything is read with the public engine (``backend.db.get_public_engine``: the read-only ``par_public`` login
on PostgreSQL, the read-only file with the public authorizer on SQLite); the public app never holds the
owner's connection. Pages make one call here per view and render what comes back. Cache keys: the store URL (two stores never
share entries) and, for result data, the result-set id (a set's numbers never change; a correction is a new
set with a new id). The catalogue of visible sets is the only time-dependent query: it is cached for
``CATALOGUE_TTL`` seconds, so a set appears at most that long after its embargo and disappears at most that
long after it is withdrawn. Views take every set they read as arguments (the previous year's set, the series
of a trend), chosen by the page from the same catalogue as the key of its finished parts
(dashboards/render_cache.py), so what a part shows always matches its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from backend.db import get_public_engine, session_scope
from backend.frameworks.spec import FrameworkSpec
from backend.published import about, pardb, profile, record_layer, sources, store, trends, views, voice, voice_tables
from backend.published.sets import Catalogue, ResultSetInfo
from backend.published.tables import SetTables
from backend.reference.lineage import Lineage
from backend.settings import get_settings

CATALOGUE_TTL = 5
#: the published record changes only when `python -m backend load-published` runs
RECORD_TTL = 60


def store_key() -> str:
    """The public store URL: part of every cache key (empty when none is configured; the first query then
    explains what to set)."""
    return get_settings().effective_public_database_url


def _session(db: str) -> Any:
    return session_scope(get_public_engine(db or None))


@st.cache_data(ttl=CATALOGUE_TTL, show_spinner=False)
def catalogue(db: str) -> Catalogue:
    with _session(db) as session:
        return store.catalogue(session)


@st.cache_data(show_spinner=False)
def units(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return store.units(session)


@st.cache_data(show_spinner=False)
def regions(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return store.regions(session)


@st.cache_resource(show_spinner=False)
def lineage(db: str) -> Lineage:
    with _session(db) as session:
        return store.lineage(session)


@st.cache_resource(show_spinner=False)
def spec(db: str, framework_id: int) -> FrameworkSpec | None:
    with _session(db) as session:
        return store.framework_specs(session, [framework_id]).get(int(framework_id))


@st.cache_data(ttl=RECORD_TTL, show_spinner=False)
def published_record(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return store.published_record(session)


@st.cache_data(ttl=RECORD_TTL, show_spinner=False)
def record_version(db: str) -> tuple[int, int]:
    """(rows, highest id) of the published record: part of the key of every finished part that shows it."""
    record = published_record(db)
    return len(record), int(record["figure_id"].max()) if len(record) else 0


@st.cache_data(max_entries=256, show_spinner=False)
def tables(db: str, info: ResultSetInfo) -> SetTables:
    with _session(db) as session:
        return store.set_tables(session, info, units(db), spec(db, info.framework_id), regions(db))


def _pair(db: str, info: ResultSetInfo, previous: ResultSetInfo | None) -> tuple[SetTables, SetTables | None]:
    return tables(db, info), tables(db, previous) if previous is not None else None


# ---- views (one call per page; every set a view reads is an argument) --------------------------------------


def overview(db: str, info: ResultSetInfo, previous: ResultSetInfo | None) -> views.OverviewView:
    return views.overview_view(*_pair(db, info, previous), lineage(db))


def map_view(db: str, info: ResultSetInfo, previous: ResultSetInfo | None, metric: str) -> views.MapView:
    return views.map_view(*_pair(db, info, previous), lineage(db), metric)


def ranking(db: str, info: ResultSetInfo, previous: ResultSetInfo | None, metric: str) -> views.RankingView:
    return views.ranking_view(*_pair(db, info, previous), lineage(db), metric)


def compare(db: str, info: ResultSetInfo, scope_codes: Sequence[str]) -> views.CompareView:
    return views.compare_view(tables(db, info), scope_codes)


def history(db: str, series: Sequence[ResultSetInfo], metric: str | None = None) -> pd.DataFrame:
    return profile.history_frame([tables(db, i) for i in series], metric)


def profile_view(
    db: str,
    info: ResultSetInfo,
    previous: ResultSetInfo | None,
    series: Sequence[ResultSetInfo],
    requested: str | None,
) -> profile.ProfileView | None:
    """The profile of the requested unit (mapped through the lineage from another year's list); None when
    the set has no such unit."""
    current, before = _pair(db, info, previous)
    chosen, mapped_from = profile.resolve_unit(current, requested, units(db), lineage(db))
    if chosen is None:
        return None
    return profile.profile_view(current, before, lineage(db), chosen, history(db, series), mapped_from)


def unit_ids(db: str, scope_codes: Sequence[str]) -> list[int]:
    """Unit ids of scope codes (``province_63:01``), in the given order; unknown codes are dropped."""
    by_code = dict(zip(units(db)["scope_code"], units(db)["unit_id"].astype(int), strict=False))
    return [by_code[c] for c in scope_codes if c in by_code]


def trend_units(db: str, series: Sequence[ResultSetInfo], lang: str) -> dict[str, str]:
    """The units a trend may show (every unit with a published figure in the series), labelled."""
    return trends.unit_options(history(db, series), units(db), lang)


def trend(
    db: str, series: Sequence[ResultSetInfo], metric: str | None, scope_codes: Sequence[str], rule: str
) -> trends.TrendView:
    """Series of the chosen units (scope codes, any year's list) over every published year of the scope."""
    sets = [tables(db, i) for i in series]
    specs = {i.framework_id: spec(db, i.framework_id) for i in series}
    kinds = dict(zip(units(db)["unit_id"].astype(int), units(db)["kind"], strict=False))
    ids = unit_ids(db, scope_codes)
    return trends.trend_view(sets, specs, lineage(db), kinds, metric=metric, unit_ids=ids, rule=rule)


# ---- the published record as a layer (official, as printed) ---------------------------------------------


@st.cache_data(ttl=RECORD_TTL, max_entries=256, show_spinner=False)
def record_layer_of(db: str, info: ResultSetInfo) -> record_layer.RecordLayer:
    """The published figures of the set's index, scope and year over the set's list of units."""
    return record_layer.record_layer(
        published_record(db), info.index_code, info.unit_scope, info.year, tables(db, info).units, units(db)
    )


def unit_record(db: str, index_code: str, unit_scope: str, unit_ids: Sequence[int]) -> pd.DataFrame:
    """The published figures of some units over every year of the record."""
    return record_layer.unit_history(published_record(db), index_code, unit_scope, unit_ids)


@st.cache_data(ttl=CATALOGUE_TTL, show_spinner=False)
def methodology(db: str) -> about.MethodologyView:
    with _session(db) as session:
        frames = store.frameworks(session)
        crit = store.criteria(session, [int(i) for i in frames["framework_id"]])
        provisional = store.provisional_items(session)
    return about.methodology_view(frames, crit, provisional, catalogue(db))


def record(db: str, lang: str, year: int | None, index: str | None, unit_type: str | None) -> about.RecordView:
    reference, regions_ = units(db), regions(db)
    unit_names = dict(zip(reference["unit_id"].astype(int), reference[f"name_{lang}"], strict=False))
    gso = regions_[regions_["scheme"] == "gso6"]
    region_names = dict(zip(gso["code"], gso[f"name_{lang}"], strict=False))
    return about.record_view(
        published_record(db),
        lang,
        year=year,
        index=index,
        unit_type=unit_type,
        unit_names=unit_names,
        region_names=region_names,
    )


def source_line(db: str, info: ResultSetInfo | None, lang: str) -> str:
    unpublished = info is not None and about.never_published(
        info.index_code, info.unit_scope, info.year, published_record(db)
    )
    return sources.source_line(info, lang, unpublished_by_ministry=unpublished)


def year_sheets(db: str, infos: Sequence[ResultSetInfo]) -> list[tuple[str, pd.DataFrame]]:
    """Every published figure of the given sets (the year's sets of an index), as sheets."""
    return sources.year_sheets([tables(db, i) for i in infos], units(db))


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


# ---- citizens' voice and the PAR database (issue 11) ---------------------------------------------------
# Read through the same public engine; cached for VOICE_TTL seconds (what is public changes with staff actions
# and open periods, so these are time-dependent like the catalogue).

VOICE_TTL = 5


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def voice_surveys(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return voice.surveys(session)


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def voice_form(db: str, code: str) -> voice.SurveyForm | None:
    with _session(db) as session:
        return voice.survey_form(session, code)


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def voice_results(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return voice.published_results(session)


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def voice_result_table(db: str, result_id: int, code: str, lang: str) -> pd.DataFrame:
    """The published figures of one version, ready to show (empty once withdrawn)."""
    form = voice_form(db, code)
    with _session(db) as session:
        rows = voice.result_rows(session, result_id)
    return voice_tables.results_table(rows, form, units(db), lang) if form else pd.DataFrame()


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def consultations(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return voice.consultations(session)


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def consultation(db: str, code: str) -> voice.ConsultationView | None:
    with _session(db) as session:
        return voice.consultation(session, code)


@st.cache_data(ttl=300, show_spinner=False)
def topics(db: str) -> pd.DataFrame:
    with _session(db) as session:
        return voice.topics(session)


@st.cache_data(ttl=VOICE_TTL, max_entries=256, show_spinner=False)
def questions(db: str, query: str, topic: str | None) -> pd.DataFrame:
    with _session(db) as session:
        return voice.answered_questions(session, query, topic)


@st.cache_data(ttl=VOICE_TTL, max_entries=256, show_spinner=False)
def pardb_search(db: str, query: pardb.DocumentQuery) -> pardb.DocumentPage:
    with _session(db) as session:
        return pardb.search_documents(session, query)


@st.cache_data(ttl=VOICE_TTL, max_entries=256, show_spinner=False)
def pardb_links(db: str, document_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The PAR criteria of a document and the self-assessment evidence its units show."""
    with _session(db) as session:
        return pardb.criteria_of(session, [document_id]), pardb.evidence_of(session, [document_id])


@st.cache_data(ttl=VOICE_TTL, max_entries=256, show_spinner=False)
def pardb_figures(db: str, unit_id: int | None) -> pd.DataFrame:
    with _session(db) as session:
        return pardb.figures(session, unit_id=unit_id, national=unit_id is None)


@st.cache_data(ttl=VOICE_TTL, show_spinner=False)
def pardb_facets(db: str) -> pardb.Facets:
    with _session(db) as session:
        return pardb.facets(session)
