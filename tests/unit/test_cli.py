"""The command line speaks to people: clear bilingual errors and exit status 2, never a traceback; what a
command reports is in the language of ``--lang``."""

from __future__ import annotations

import pytest

from backend.cli import main
from backend.db import get_engine, session_scope
from backend.demo.generator import DemoReport
from backend.ingest.published import PublishedLoadReport
from backend.reference.loader import LoadReport
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


def test_reports_in_the_chosen_language(empty_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "vi", "migrate"]) == 0
    assert main(["--lang", "vi", "load-reference"]) == 0
    captured = capsys.readouterr()
    assert "đã nạp dữ liệu tham chiếu: vùng 12, đơn vị 125" in captured.out
    assert "[load-reference] xong trong" in captured.err
    assert main(["--lang", "vi", "compute", "--index", "sipas", "--year", "2031"]) == 2
    err = capsys.readouterr().err  # errors stay in both languages
    assert "Lỗi: Cho biết ai thực hiện: --as" in err and "Error: Say who is acting: --as USERNAME" in err


def test_report_objects_speak_both_languages() -> None:
    reference = LoadReport(regions=12, units=125, lineage=92, years=19)
    assert reference.text("vi") == "vùng 12, đơn vị 125, liên kết phả hệ 92, năm đánh giá 19"
    assert str(reference) == "regions 12, units 125, lineage links 92, evaluation years 19"
    published = PublishedLoadReport(read=3, added=2, already_present=1, unmatched_units=["Atlantis"])
    assert published.text("vi").startswith("đã đọc 3 dòng công bố, thêm 2, đã có 1; tên không khớp")
    assert "Atlantis" in published.text("en") and "already present 1" in str(published)
    demo = DemoReport(1, "demo", [2024, 2025], "small", 7, already_present=True, warnings=["x"])
    assert "đã có sẵn" in demo.text("vi") and demo.text("vi").endswith("\ncảnh báo: x")
    assert "(id 1, years 2024-2025, scale small, seed 7) already present" in str(demo)
