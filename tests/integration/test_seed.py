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
#: the PAR database's demo entries (migration 0008), counted by the idempotency test
PARDB_TABLES = ("par_document", "public_search")


def _counts(url: str, tables: tuple[str, ...] = TABLES) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}


@pytest.mark.slow
def test_seed_twice_is_idempotent(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)  # restored after the test (the CLI option sets it for the process)
    args = ["--database-url", url, "seed", "--years", "2024-2025", "--scale", "small", "--bootstrap", "0", "--no-users"]
    assert main(args) == 0
    first = _counts(url, TABLES + PARDB_TABLES)
    assert first["unit"] == 125 and first["published_figure"] == 702
    assert first["result_set"] == 6  # SIPAS, PAR provinces, PAR ministries × 2 years
    assert first["answer"] > 100_000
    assert first["par_document"] == first["public_search"] == 2_000  # the PAR database's demo entries, indexed
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
    assert _counts(url, TABLES + PARDB_TABLES) == first
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


def _failing_published_step(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the seed (no demo) on ``url``; it must stop at the published record with a clear message."""
    code = main(["--database-url", url, "seed", "--no-demo", "--no-users"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert "“số liệu đã công bố”" in err and "“published record”" in err  # which step, in both languages
    assert "không ghi gì" in err and "Nothing of this step was written" in err
    counts = _counts(url)
    assert counts["published_figure"] == 0  # nothing of the failed step
    assert counts["unit"] == 125 and counts["framework"] == 5  # the steps before it are kept
    return err


def test_a_failed_step_leaves_nothing_of_itself(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The published record is written (702 rows flushed), then the step fails: none of it stays."""
    from backend.commands import seed
    from backend.ingest.published import load_published

    def load_then_fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        report = load_published(*args, **kwargs)
        assert report.added == 702
        raise OSError("disk full")

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(seed, "load_published", load_then_fail)
    err = _failing_published_step(url, capsys)
    assert "OSError: disk full" in err
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.mark.pg
def test_the_reported_postgresql_failure_is_explained(pg_url: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The failure of issue 7 reproduced on the schema before 0002 (scope_code VARCHAR(32)): the seed names
    the step and PostgreSQL's reason, and the published record is not half loaded."""
    from backend.commands import seed
    from backend.db import migrate

    monkeypatch.setattr(seed, "migrate", lambda: migrate(revision="0001"))
    err = _failing_published_step(pg_url, capsys)
    assert "StringDataRightTruncation" in err
