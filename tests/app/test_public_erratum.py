"""Corrections on the public app: the current version shows its erratum (what changed, when, why) beside a link to
the version it corrects; that older version stays reachable and says which version corrects it; a hidden
version cannot be pinned."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from backend.db import get_engine, session_scope
from backend.models import ResultSet
from tests.app.public_helpers import page_text, run_page
from tests.conftest import clear_caches
from tests.factories_results import FactoryResult

WHY = "Số liệu của Hà Nội được tính lại"


@pytest.fixture
def corrected(
    public_store_file: tuple[Path, FactoryResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[int, int]]:
    """A copy of the factory store with a published correction of PAR INDEX provinces 2023 (version 3)."""
    source, made = public_store_file
    path = tmp_path / "corrected.db"
    shutil.copy(source, path)
    url = f"sqlite:///{path}"
    old_id = made.published_ids[("PAR_INDEX", "province", 2023)]
    with session_scope(get_engine(url)) as session:
        old = session.get(ResultSet, old_id)
        assert old is not None
        published = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        changes = {
            "superseded_id": old_id,
            "superseded_version": 1,
            "changed_units": 1,
            "changed_figures": 2,
            "index_changes": [
                {"unit": "province_63:01", "name_vi": "Hà Nội", "name_en": "Ha Noi", "old": 80.5, "new": 82.25}
            ],
        }
        new = ResultSet(
            **{
                **old.model_dump(exclude={"id"}),
                "version": 3,
                "supersedes_id": old_id,
                "erratum": WHY,
                "erratum_changes": json.dumps(changes),
                "publish_at": published,
                "published_at": published,
                "inputs_hash": "corrected",
            }
        )
        session.add(new)
        session.flush()
        session.connection().execute(
            text(
                "INSERT INTO result_row (result_set_id, scope, scope_code, unit_id, metric, value, max_value, ci_low, "
                "ci_high, rank, rank_low, rank_high, grp, n) SELECT :new, scope, scope_code, unit_id, metric, value, "
                "max_value, ci_low, ci_high, rank, rank_low, rank_high, grp, n FROM result_row WHERE result_set_id = :old"
            ),
            {"new": new.id, "old": old_id},
        )
        new_id = int(new.id or 0)
    get_engine(url).dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
    clear_caches()
    yield old_id, new_id
    clear_caches()


@pytest.mark.parametrize("page", ["overview", "rankings", "map"])
def test_current_version_shows_its_erratum_and_the_old_version(corrected: tuple[int, int], page: str) -> None:
    old_id, _ = corrected
    at = run_page(page, year="2023", lang="en")
    assert not at.exception
    notes = [i.value for i in at.info]
    erratum = next(n for n in notes if WHY in n)
    assert "Ha Noi 80.50 → 82.25" in erratum and "1 units and 2 figures changed" in erratum
    assert f"set={old_id}" in erratum and "See version 1 as first published" in erratum


def test_the_old_version_stays_reachable_and_names_its_correction(corrected: tuple[int, int]) -> None:
    old_id, _ = corrected
    at = run_page("overview", year="2023", set=str(old_id))
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "phiên bản 3 đính chính" in warning and "Xem phiên bản hiện hành" in warning
    assert not any(WHY in i.value for i in at.info)  # the old version has no erratum of its own


def test_a_hidden_version_cannot_be_pinned(
    corrected: tuple[int, int], public_store_file: tuple[Path, FactoryResult]
) -> None:
    _, made = public_store_file
    for hidden in made.hidden_ids:
        at = run_page("overview", year="2025", set=str(hidden))
        assert not at.exception
        assert "42,42" not in page_text(at) and "42.42" not in page_text(at)
