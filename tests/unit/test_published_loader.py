"""The published record loads with sources and flags, keeps conflicts, and loads nothing on a bad row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from backend.errors import ValidationError
from backend.ingest.published import load_published, split_note
from backend.models import PublishedFigure
from backend.settings import REPO_ROOT

PUBLISHED = REPO_ROOT / "data" / "published"
REFERENCE = REPO_ROOT / "data" / "reference"


def test_split_note() -> None:
    assert split_note("[UNCERTAIN: two sources] x") == ("UNCERTAIN: two sources", False, True)
    assert split_note("[rank derived: 2021 rank 17] x")[1:] == (True, False)
    assert split_note("[rank from listed order] x")[1:] == (True, False)
    assert split_note("[max 6.5 points] x") == ("max 6.5 points", False, False)
    assert split_note("plain source https://example.org") == ("", False, False)


def test_load_all_rows_with_flags_and_idempotence(session: Session) -> None:
    report = load_published(session, PUBLISHED, REFERENCE)
    assert report.read == 615 and report.added == 615 and not report.unmatched_units
    again = load_published(session, PUBLISHED, REFERENCE)
    assert again.added == 0 and again.already_present == 615
    total = session.exec(select(func.count()).select_from(PublishedFigure)).one()
    assert total == 615
    # The 2023 ministry table: 17 ranked totals, all resolved to ministries
    rows = session.exec(
        select(PublishedFigure).where(
            PublishedFigure.year == 2023, PublishedFigure.metric == "PAR_INDEX", PublishedFigure.unit_type == "ministry"
        )
    ).all()
    assert len([r for r in rows if r.source_file == "published_results.csv"]) == 17
    assert all(r.unit_id is not None for r in rows)
    uncertain = session.exec(
        select(func.count()).select_from(PublishedFigure).where(PublishedFigure.is_uncertain)
    ).one()
    assert uncertain > 0


def test_conflicting_rows_are_kept(session: Session) -> None:
    load_published(session, PUBLISHED, REFERENCE)
    hanoi_2024 = session.exec(
        select(PublishedFigure).where(
            PublishedFigure.year == 2024, PublishedFigure.metric == "PAR_INDEX", PublishedFigure.unit_name == "Hà Nội"
        )
    ).all()
    assert len(hanoi_2024) >= 1
    cam_2023 = session.exec(
        select(PublishedFigure).where(
            PublishedFigure.year == 2023, PublishedFigure.metric == "PAR_INDEX", PublishedFigure.unit_name == "Cà Mau"
        )
    ).all()
    assert len({r.rank for r in cam_2023}) >= 2, "both published ranks of Cà Mau 2023 are kept"
    assert any(r.is_uncertain for r in cam_2023)


def test_bad_row_loads_nothing(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "published"
    shutil.copytree(PUBLISHED, folder)
    with (folder / "published_full.csv").open("a", encoding="utf-8") as handle:
        handle.write("20x3,PAR_INDEX,province,Hà Nội,abc,1,some source\n")
    with pytest.raises(ValidationError) as info:
        load_published(session, folder, REFERENCE)
    assert "published_full.csv line" in info.value.message("en")
    assert session.exec(select(func.count()).select_from(PublishedFigure)).one() == 0
