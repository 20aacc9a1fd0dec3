"""The official record on the main pages (issue 10, point 5): the published figures as a layer of their own,
first where they exist, as printed (never recomputed, never mixed with demo values), with their source and
flags, and no data for units without a published figure."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from backend.db import get_public_engine, session_scope
from backend.published import store
from tests.app.public_helpers import dataframes, page_text, run_page


@pytest.fixture
def record(public_store) -> pd.DataFrame:
    with session_scope(get_public_engine()) as session:
        return store.published_record(session)


def _printed(record: pd.DataFrame, year: int, unit_type: str = "province") -> set[float]:
    rows = record[(record["year"] == year) & (record["metric"] == "PAR_INDEX") & (record["unit_type"] == unit_type)]
    return {round(float(v), 4) for v in rows["score"].dropna()}


def _flat(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}


def test_rankings_open_on_the_official_record_where_it_exists(public_store, record: pd.DataFrame) -> None:
    at = run_page("rankings", year="2024", lang="en")
    assert not at.exception and _flat(at)["layer"] == "official"
    table = dataframes(at)[0]
    assert len(table) == 63  # every province of the year's list, with or without a published figure
    scores = {round(float(v), 4) for v in table["Score"].dropna()}
    assert scores and scores <= _printed(record, 2024)  # only printed figures, never a demo value
    quang_ninh = table[table["Unit"] == "Quang Ninh"].iloc[0]
    assert quang_ninh["Score"] == pytest.approx(91.49) and quang_ninh["Rank"] == 4
    published = table[table["Note"] != "no published figure"]
    assert published["Link"].notna().all() and (published["Source"].str.len() > 0).all()  # the source of each
    missing = table[table["Note"] == "no published figure"]
    assert len(missing) > 30 and missing["Score"].isna().all() and missing["Rank"].isna().all()
    assert table["Flags"].str.contains("uncertain").any()  # Ha Noi 2024: two printed scores
    text = page_text(at)
    assert "The layer shown is the official published record" in text
    assert not [c for c in at.caption if "demo data generated" in c.value]


def test_the_result_set_layer_is_one_click_away(public_store, record: pd.DataFrame) -> None:
    at = run_page("rankings", year="2024", lang="en", layer="results")
    table = dataframes(at)[0]
    assert "95% low" in table.columns and len(table) == 63
    assert not {round(float(v), 4) for v in table["Score"]} <= _printed(record, 2024)  # the demo's own numbers
    assert any("DEMO DATA." in w.value and "synthetic" in w.value for w in at.warning)


def test_no_official_layer_where_the_record_has_nothing(public_store) -> None:
    at = run_page("rankings", year="2025", lang="en")  # nothing published for the 34 provinces yet
    assert "layer" not in _flat(at)
    assert "95% low" in dataframes(at)[0].columns


def test_map_official_layer_tooltips_and_no_data(public_store) -> None:
    at = run_page("map", year="2024", lang="vi")
    assert _flat(at)["layer"] == "official"
    text = page_text(at)
    assert "91,49" in text  # Quảng Ninh as printed, in the Vietnamese format
    assert "Không có số liệu công bố" in text and "prov-nodata" in text
    beside = dataframes(at)[0]
    assert list(beside.columns[:3]) == ["Hạng công bố", "Đơn vị", "Điểm công bố"] and len(beside) == 63
    assert len(at.selectbox(key="map_profile_choice").options) == 63


def test_profile_shows_the_published_figures_first(public_store) -> None:
    at = run_page("province", year="2024", unit="province_63:22", lang="en")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert headers.index("Official figures, as published") < headers.index("Result set")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Published score (%)"] == "91.49" and metrics["Published rank"] == "4"
    history = dataframes(at)[0]
    assert {"2023", "2022"} <= set(history["Year"]) and history["Source"].str.len().min() > 0


def test_trends_show_the_record_as_a_layer_of_its_own(public_store) -> None:
    at = run_page("trends", year="2024", units="province_63:22", lang="en")
    official = dataframes(at)[0]
    assert list(official.columns[:3]) == ["Year", "Published score", "Published rank"]
    assert set(official["Year"]) == {"2021", "2022", "2023", "2024"}  # the span of the published sets
    assert "official, as published" in page_text(at)


def test_headline_numbers_carry_their_unit(public_store) -> None:
    at = run_page("overview", year="2024", lang="en")
    assert at.metric[0].label.endswith("(%)")
    assert re.match(r"^\d{2}\.\d{2}$", at.metric[0].value)
