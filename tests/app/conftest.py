"""Fixtures for the public app's AppTest suites: one factory store per test session (read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.db import get_engine
from tests.conftest import clear_caches
from tests.factories_results import FactoryResult, build_store


@pytest.fixture(scope="session")
def public_store_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FactoryResult]:
    """A store with reference data, the published record and the factory's result sets (hidden ones too)."""
    path = tmp_path_factory.mktemp("public_app") / "public.db"
    made = build_store(f"sqlite:///{path}")
    get_engine.cache_clear()
    return path, made


@pytest.fixture
def public_store(
    public_store_file: tuple[Path, FactoryResult], monkeypatch: pytest.MonkeyPatch
) -> Iterator[FactoryResult]:
    """DATABASE_URL (and the settings/engine caches) point at the public store for one test."""
    path, made = public_store_file
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
    clear_caches()
    yield made
    clear_caches()
