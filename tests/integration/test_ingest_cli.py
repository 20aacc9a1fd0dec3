"""The data-in commands speak the language of ``--lang`` (every line from the catalogue), act as the signed-in
user, and report a bad file row by row without writing anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.cli import main
from backend.db import get_engine, session_scope
from tests.conftest import clear_caches
from tests.factories import PASSWORD, make_user


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(tmp_path / "personal.key"))
    monkeypatch.setenv("PAR_PASSWORD", PASSWORD)
    clear_caches()
    for step in (["migrate"], ["load-reference"], ["load-frameworks"], ["personal-key"]):
        assert main(step) == 0
    with session_scope(get_engine(url)) as session:
        make_user(session, "officer", "data_officer")
    yield url
    get_engine(url).dispose()
    clear_caches()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", ("byte)", "là bắt buộc nhưng để trống", "không ghi gì", "báo cáo lỗi:", "chưa có lô nào")),
        ("en", ("bytes)", "is required but empty", "nothing written", "error report:", "no batches")),
    ],
)
def test_data_in_commands_report_in_the_chosen_language(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: tuple[str, ...]
) -> None:
    template = tmp_path / "sipas.csv"
    assert main(["--lang", lang, "template", "--kind", "sipas", "--year", "2024", "--out", str(template)]) == 0
    template.write_text(template.read_text(encoding="utf-8-sig") + "F-1\n", encoding="utf-8")  # a form with no answers
    report = tmp_path / "errors.csv"
    args = ["--lang", lang, "ingest", "--kind", "sipas", "--year", "2024", str(template), "--errors", str(report)]
    assert main([*args, "--as", "officer"]) == 1
    assert main(["--lang", lang, "batches", "--as", "officer"]) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out, (text, out)
    assert report.exists()
    other = "nothing written" if lang == "vi" else "không ghi gì"
    assert other not in out  # one language, not both
