"""The benchmarks' checks fail loudly when what they would time is an error page, and pass on real pages."""

from __future__ import annotations

import pytest

from bench.checks import BenchFailure, check_counts, check_page
from tests.app.public_helpers import run_page


def test_a_rendered_page_passes_and_an_error_page_fails(
    public_store, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    for page in ("overview", "map", "rankings"):
        check_page(run_page(page, year="2024"), page)
    from backend.db import get_engine, get_public_engine
    from backend.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'nothing.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_public_engine.cache_clear()
    with pytest.raises(BenchFailure, match="error"):
        check_page(run_page("overview", lang="en"), "overview")


def test_row_counts_are_checked() -> None:
    check_counts({"answer": 10}, {"answer": 10}, "demo")
    with pytest.raises(BenchFailure, match="answer: expected ≥ 11"):
        check_counts({"answer": 10}, {"answer": 11}, "demo")
