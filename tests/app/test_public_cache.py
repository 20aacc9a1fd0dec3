"""Finished page parts (issue 10, point 6): a page's tables and charts are built once per result set and
replayed to the next visitors; a set that is withdrawn or corrected is never served from that cache once the
catalogue has seen it (at most ``CATALOGUE_TTL`` = 5 s later, here: the catalogue's cache emptied)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from backend.db import get_engine, session_scope
from backend.models import ResultRow, ResultSet
from backend.models.results import RESULT_ROW_FIELDS
from dashboards import data_access as da
from tests.app.public_helpers import dataframes, page_text, run_page
from tests.conftest import clear_caches

CORRECTION = 1.11  # added to the national average by the correction: a value the page cannot show otherwise


@pytest.fixture
def own_store(public_store_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private, writable copy of the factory store (the shared one stays untouched)."""
    path = tmp_path / "store.db"
    shutil.copy(public_store_file[0], path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
    clear_caches()
    yield url
    get_engine(url).dispose()
    clear_caches()


def _national(at) -> str:
    return at.metric[0].value


def _current_2024(session) -> ResultSet:
    return session.exec(
        select(ResultSet).where(
            ResultSet.index_code == "PAR_INDEX",
            ResultSet.year == 2024,
            ResultSet.unit_scope == "province",
            ResultSet.status == "published",
        )
    ).first()


def _correct(url: str) -> tuple[int, int]:
    """Publish a corrected 2024 PAR provinces set (national average + 1.11) and withdraw the old one."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with session_scope(get_engine(url)) as session:
        old = _current_2024(session)
        fields = {k: v for k, v in old.model_dump().items() if k != "id"}
        new = ResultSet(
            **{
                **fields,
                "version": old.version + 10,
                "supersedes_id": old.id,
                "erratum": "corrected",
                "publish_at": now,
                "published_at": now,
            }
        )
        session.add(new)
        session.flush()
        rows = session.exec(select(ResultRow).where(ResultRow.result_set_id == old.id)).all()
        for row in rows:
            values = {f: getattr(row, f) for f in RESULT_ROW_FIELDS}
            if row.scope == "national" and row.metric == "PAR_INDEX":
                values["value"] = row.value + CORRECTION
            session.add(ResultRow(result_set_id=new.id, **values))
        old.status = "withdrawn"
        session.add(old)
        return int(old.id or 0), int(new.id or 0)


def test_a_page_is_built_once_per_result_set(public_store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = da.overview

    def spy(db, info, previous):
        calls.append(info.id)
        return original(db, info, previous)

    monkeypatch.setattr(da, "overview", spy)
    first = run_page("overview", year="2023", lang="en", index="sipas")
    second = run_page("overview", year="2023", lang="en", index="sipas")
    assert calls in ([], [calls[0]]) and len(calls) <= 1  # built at most once (maybe by an earlier test)
    # the second visitor got the same page
    assert [m.value for m in first.metric] == [m.value for m in second.metric] and _national(second)
    assert [t.value for t in first.title] == [t.value for t in second.title]
    assert all(a.equals(b) for a, b in zip(dataframes(first), dataframes(second), strict=True))


def test_a_corrected_or_withdrawn_set_is_never_served_from_the_cache(own_store: str) -> None:
    assert da.CATALOGUE_TTL <= 5
    before = run_page("overview", year="2024", lang="en")
    old_value = float(_national(before))
    _correct(own_store)
    stale = run_page("overview", year="2024", lang="en")  # within the catalogue's 5 s: the old set may show
    assert float(_national(stale)) in (old_value, pytest.approx(old_value + CORRECTION))
    da.catalogue.clear()  # the catalogue's 5 s have passed
    after = run_page("overview", year="2024", lang="en")
    assert float(_national(after)) == pytest.approx(old_value + CORRECTION, abs=0.006)
    assert any("corrected" in i.value for i in after.info)
    for page in ("rankings", "map", "province"):  # every finished part moved to the corrected set
        text = page_text(run_page(page, year="2024", lang="en", layer="results"))
        assert "PAR INDEX 2024, Provinces, version 11," in text, page
        assert "PAR INDEX 2024, Provinces, version 1," not in text, page
    with session_scope(get_engine(own_store)) as session:
        current = _current_2024(session)
        current.status = "withdrawn"
        session.add(current)
    da.catalogue.clear()
    gone = run_page("overview", year="2024", lang="en")
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(gone.query_params).items()}
    assert flat["scope"] == "ministry"  # 2024 keeps only its ministries' set
    assert f"{old_value + CORRECTION:.2f}" not in page_text(gone) and f"{old_value:.2f}" not in page_text(gone)
