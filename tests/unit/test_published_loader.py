"""The published record loads with sources and flags, keeps conflicts, and loads nothing on a bad row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from backend.errors import ValidationError
from backend.ingest.published import load_published, read_published, split_note, strip_notes
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


def test_notes_at_the_end_of_the_source_are_read() -> None:
    """published_more.csv puts its notes at the END of ``source`` (issue 10, point 5)."""
    assert split_note("thanhnien.vn - title https://x.vn/a [rank from listed order: position 2]")[1:] == (True, False)
    assert split_note("x https://x.vn [uncertain: two articles disagree]")[1:] == (False, True)
    assert split_note("x https://x.vn [19 units ranked]") == ("19 units ranked", False, False)
    # several notes, at both ends; a bracket inside the title is not a note
    note, derived, uncertain = split_note("[UNCERTAIN: a] [rank from listed order] site - [Infographics] t [b]")
    assert note == "UNCERTAIN: a · rank from listed order · b" and derived and uncertain
    assert (
        strip_notes("[UNCERTAIN: a] site - [Infographics] t https://x.vn [b]") == "site - [Infographics] t https://x.vn"
    )


def test_published_more_rows_keep_their_flags() -> None:
    rows = [r for r in read_published(PUBLISHED) if r.source_file == "published_more.csv"]
    assert len(rows) == 87
    by = {(r.year, r.metric, r.unit_name, r.rank): r for r in rows}
    listed = by[(2017, "PAR_INDEX", "Bộ Thông tin và Truyền thông", 2)]
    assert listed.is_derived and not listed.is_uncertain and listed.note.startswith("rank from listed order")
    typo = by[(2018, "PAR_INDEX", "Quảng Ninh", 1)]
    assert typo.is_uncertain and typo.score == 81.0
    printed = by[(2021, "PAR_INDEX", "Bộ Thông tin và Truyền thông", 9)]
    assert not printed.is_derived and not printed.is_uncertain and printed.score == 86.75
    assert sum(r.is_derived for r in rows) == 38 and sum(r.is_uncertain for r in rows) == 2


def test_load_all_rows_with_flags_and_idempotence(session: Session) -> None:
    report = load_published(session, PUBLISHED, REFERENCE)
    assert report.read == 702 and report.added == 702 and not report.unmatched_units
    again = load_published(session, PUBLISHED, REFERENCE)
    assert again.added == 0 and again.already_present == 702
    total = session.exec(select(func.count()).select_from(PublishedFigure)).one()
    assert total == 702
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
