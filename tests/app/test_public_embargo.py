"""Embargo: no page of the public app ever receives draft, approved-but-unpublished, withdrawn or embargoed
numbers.

The factory store holds, beside the published sets, five hidden sets whose every figure is a distinctive
value no published figure can take (tests/factories_results.py). Every page is opened in both languages
with the URL parameters that would select the hidden sets (their year, index, scope and version), and two
things are checked:

1. what the app *received*: every frame the public query path handed to the app (spied on) comes from a
   visible set only, and never contains a hidden value;
2. what the app *sent*: no element of the page (text, tables with their display values, charts, the map
   component) contains a hidden value in either number format, and the year selector never offers the
   embargoed year 2026.
"""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from backend.services import public_query
from tests.app.public_helpers import dataframes, page_text, run_page
from tests.factories_results import HIDDEN_VALUES

SCENARIOS = [
    ("overview", {"year": "2024"}),
    ("overview", {"year": "2025"}),
    ("overview", {"year": "2024", "scope": "ministry"}),
    ("overview", {"index": "sipas", "year": "2024"}),
    ("overview", {"index": "sipas", "year": "2026"}),
    ("map", {"year": "2025"}),
    ("map", {"index": "sipas", "year": "2024"}),
    ("rankings", {"year": "2024"}),
    ("rankings", {"year": "2025", "by": "A1"}),
    ("rankings", {"year": "2024", "scope": "ministry"}),
    ("trends", {"year": "2025", "units": "province_34:08~province_63:01", "rule": "weighted"}),
    ("trends", {"scope": "ministry", "year": "2024", "units": "ministry:MOJ"}),
    ("province", {"year": "2025", "unit": "province_34:01"}),
    ("province", {"index": "sipas", "year": "2024", "unit": "province_63:79"}),
    ("ministry", {"year": "2024", "unit": "ministry:MOJ"}),
    ("compare", {"year": "2025", "units": "province_34:01~province_34:79"}),
    ("methodology", {}),
    ("record", {}),
]


def _patterns() -> list[str]:
    out = []
    for value in HIDDEN_VALUES:
        text = f"{value:.2f}"
        out += [text, text.replace(".", ",")]
    return out


@pytest.fixture
def received(public_store, monkeypatch: pytest.MonkeyPatch) -> list[pd.DataFrame]:
    """Every frame the public query path returns to the app during the test (caches emptied first)."""
    st.cache_data.clear()
    frames: list[pd.DataFrame] = []
    for name in ("result_rows_many", "visible_result_sets", "current_result_sets"):
        original = getattr(public_query, name)

        def spy(*args, __original=original, **kwargs):
            frame = __original(*args, **kwargs)
            frames.append(frame)
            return frame

        monkeypatch.setattr(public_query, name, spy)
    return frames


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_page_receives_or_shows_hidden_numbers(public_store, received, lang: str) -> None:
    hidden_ids = set(public_store.hidden_ids)
    patterns = _patterns()
    for page, params in SCENARIOS:
        at = run_page(page, lang=lang, **params)
        assert not at.exception, (page, params, [e.value for e in at.exception])
        text = page_text(at)
        for pattern in patterns:
            assert pattern not in text, (page, params, pattern)
        for frame in dataframes(at):
            numbers = frame.select_dtypes("number")
            assert not numbers.isin(HIDDEN_VALUES).any().any(), (page, params)
        years = at.selectbox(key="year").options if page not in ("methodology", "record") else []
        assert "2026" not in years
    assert received, "the spy saw nothing: the test would prove nothing"
    for frame in received:
        if "result_set_id" in frame:
            assert not set(frame["result_set_id"]) & hidden_ids
            assert not frame["value"].isin(HIDDEN_VALUES).any()
        if "id" in frame:
            assert not set(frame["id"]) & hidden_ids
            assert (frame["status"] == "published").all() if "status" in frame else True


def test_the_hidden_sets_exist_and_would_be_found(public_store) -> None:
    """Guard: the hidden sets are really in the store, and the spy's check would catch them."""
    from sqlmodel import select

    from backend.db import get_engine, session_scope
    from backend.models import ResultRow

    with session_scope(get_engine()) as session:
        values = {
            row.value
            for row in session.exec(select(ResultRow).where(ResultRow.result_set_id.in_(public_store.hidden_ids)))  # type: ignore[attr-defined]
        }
    assert values <= set(HIDDEN_VALUES) | {v - 0.5 for v in HIDDEN_VALUES} | {v + 0.5 for v in HIDDEN_VALUES}
    assert set(HIDDEN_VALUES) <= values
