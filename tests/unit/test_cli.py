"""The command line speaks to people: clear bilingual errors and exit status 2, never a traceback."""

from __future__ import annotations

import pytest

from backend.cli import main
from backend.db import get_engine, session_scope
from backend.settings import get_settings
from tests.factories import PASSWORD, make_user


@pytest.fixture
def empty_store(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield url
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_unmigrated_store_is_explained(empty_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compute", "--index", "par", "--year", "2024"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "python -m backend migrate" in err and "chưa được khởi tạo" in err and "not set up" in err


def test_unknown_year_is_explained(
    store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["compute", "--index", "sipas", "--year", "2031"]) == 2  # nobody signed in
    assert "--as" in capsys.readouterr().err
    with session_scope(get_engine(store_url)) as session:
        make_user(session, "ana", "analyst")
    monkeypatch.setenv("PAR_PASSWORD", PASSWORD)
    assert main(["compute", "--index", "sipas", "--year", "2031", "--as", "ana"]) == 2
    err = capsys.readouterr().err
    assert "2031" in err and "Traceback" not in err


def test_migrate_then_reference(empty_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert main(["load-reference"]) == 0
    assert "units 125" in capsys.readouterr().out
