"""What `make run` does, on PostgreSQL: the real seed (the same steps, small demo scale), then every page of
the public app in both languages, read through the public login only (member of par_public)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

from backend.cli import main
from backend.commands import seed
from backend.db import get_engine, get_public_engine
from backend.i18n import t
from tests.app.public_helpers import PAGES, RESULT_PAGES, run_page
from tests.conftest import clear_caches, public_login
from tests.pg import PostgresServer

pytestmark = pytest.mark.pg

#: the seed `make run` runs, on two demo years across the 2025 reorganisation (63 → 34 provinces,
#: merged ministries) and with fewer bootstrap replicates to keep the suite fast
SEED = ["seed", "--years", "2024-2025", "--scale", "small", "--seed", "20251", "--bootstrap", "20"]


@pytest.fixture(scope="module")
def seeded(pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL store seeded by the real command; afterwards only the public login is configured: the
    owner's URL points nowhere, so a page that reached for it would fail."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        url = pg_server.create_database()
        monkeypatch.setenv("DATABASE_URL", url)
        credentials = tmp_path_factory.mktemp("seed") / "demo_credentials.txt"
        monkeypatch.setattr(seed, "credentials_path", lambda: credentials)
        clear_caches()
        assert main(SEED) == 0
        assert credentials.exists()
        get_engine(url).dispose()
        public_login(pg_server, url, monkeypatch)
        monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
        clear_caches()
        st.cache_data.clear()
        yield url
        st.cache_data.clear()
        get_public_engine().dispose()
        clear_caches()
        pg_server.drop_database(url)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_public_page_on_postgresql(seeded: str, lang: str) -> None:
    no_results = t("app.no_results", lang)
    for page in PAGES:
        at = run_page(page, lang=lang)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        if page in RESULT_PAGES:
            assert not any(no_results in i.value for i in at.info), page
            assert any("DEMO" in w.value for w in at.warning), (page, "demo data must carry the demo banner")
    at = run_page("overview", lang=lang, year="2024", scope="ministry")
    assert not at.exception and not at.error
    assert at.metric, "the 2024 ministries overview shows its national figure"


def test_the_seed_is_complete_and_published(seeded: str) -> None:
    from sqlalchemy import text

    with get_public_engine().connect() as connection:
        sets = connection.execute(text("SELECT index_code, unit_scope, year FROM public_result_set")).all()
        aggregates = connection.execute(
            text("SELECT scope_code FROM published_figure WHERE unit_type = 'aggregate'")
        ).scalars()
        longest = max(len(code or "") for code in aggregates)
    assert len(sets) == 6  # SIPAS, PAR provinces, PAR ministries × 2 years
    assert longest > 32  # e.g. "Trung bình 17 bộ, cơ quan ngang bộ": the value PostgreSQL used to refuse
