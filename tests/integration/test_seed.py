"""`python -m backend seed` (what `make run` does) builds a working store and a second run adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from backend.cli import main
from backend.db import get_engine
from backend.settings import get_settings

TABLES = (
    "unit",
    "unit_lineage",
    "framework",
    "criterion",
    "published_figure",
    "dataset",
    "survey_form",
    "answer",
    "assessment_score",
    "result_set",
    "result_row",
    "app_user",
)


def _counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


@pytest.mark.slow
def test_seed_twice_is_idempotent(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)  # restored after the test (the CLI option sets it for the process)
    args = ["--database-url", url, "seed", "--years", "2024-2025", "--scale", "small", "--bootstrap", "0", "--no-users"]
    assert main(args) == 0
    first = _counts(url)
    assert first["unit"] == 125 and first["published_figure"] == 615
    assert first["result_set"] == 6  # SIPAS, PAR provinces, PAR ministries × 2 years
    assert first["answer"] > 100_000
    with get_engine(url).connect() as conn:
        statuses = {r[0] for r in conn.execute(text("SELECT status FROM result_set"))}
        kinds = {
            r[0]
            for r in conn.execute(
                text("SELECT DISTINCT d.kind FROM result_set r JOIN dataset d ON d.id = r.dataset_id")
            )
        }
    assert statuses == {"published"} and kinds == {"demo"}
    assert main(args) == 0
    assert _counts(url) == first
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()
