"""Downloads: CSV/XLSX carry their metadata and never let a cell act as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from backend.services.exports import (
    FORMULA_PREFIXES,
    METADATA_SHEET,
    ExportMetadata,
    csv_bytes,
    neutralise,
    safe_frame,
    xlsx_bytes,
)

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "＝1+1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_prefixes_formula_starters(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Hà Nội", "84,38", "", " =not first", 12.5, -3.2, None, 7])
def test_neutralise_leaves_safe_values(value: object) -> None:
    assert neutralise(value) == value


def test_safe_frame_keeps_numbers_numeric() -> None:
    frame = pd.DataFrame(
        {"=name": ["=cmd", "Hà Nội"], "change": [-1.5, 2.0], "rank": pd.array([1, None], dtype="Int64")}
    )
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=name", "change", "rank"]
    assert safe["'=name"].tolist() == ["'=cmd", "Hà Nội"]
    assert safe["change"].tolist() == [-1.5, 2.0]
    assert str(safe["rank"].dtype) == "Int64"


def _meta(kind: str = "official") -> ExportMetadata:
    return ExportMetadata(
        title="Xếp hạng =SUM(1)",
        index_code="PAR_INDEX",
        year="2024",
        scope="Tỉnh, thành phố",
        version="2024/Tỉnh: v1",
        result_set_ids="4",
        publication_date="06/04/2025",
        method="PAR INDEX 876",
        legal_basis="876/QĐ-BNV",
        dataset=f"x ({kind})",
        dataset_kind=kind,
        source="Bộ Nội vụ",
        url="http://localhost/rankings?year=2024",
        generated_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    )


def test_csv_is_utf8_bom_and_neutralised() -> None:
    frame = pd.DataFrame({"Đơn vị": ["=1+1", "Hà Nội"], "Điểm": [84.38, -0.5]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Đơn vị", "Điểm"]
    assert rows[1] == ["'=1+1", "84.38"]
    assert rows[2] == ["Hà Nội", "-0.5"]
    for row in rows:
        for cell in row:
            if not cell.lstrip("-").replace(".", "", 1).isdigit():
                assert not cell.startswith(FORMULA_PREFIXES)


def test_xlsx_has_metadata_first_and_no_formulas() -> None:
    frame = pd.DataFrame(
        {
            "name": ["@cmd", "-x", "Hà Nội"],
            "value": [1.5, -2.25, None],
            "when": [pd.Timestamp("2025-04-06", tz="UTC")] * 3,
        }
    )
    workbook = load_workbook(io.BytesIO(xlsx_bytes([("data", frame)], _meta(), "vi")))
    assert workbook.sheetnames == [METADATA_SHEET, "data"]
    meta = {row[0]: row[1] for row in workbook[METADATA_SHEET].iter_rows(values_only=True)}
    assert meta["Chỉ số"] == "PAR_INDEX"
    assert meta["Năm đánh giá"] == "2024"
    assert meta["Ngày công bố"] == "06/04/2025"
    assert meta["Nội dung"] == "Xếp hạng =SUM(1)"  # not at the start: harmless, kept as written
    assert "Bộ Nội vụ" in meta["Cách trích dẫn"] and "PAR_INDEX 2024" in meta["Cách trích dẫn"]
    sheet = workbook["data"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("name", "value", "when")
    assert values[1][0] == "'@cmd" and values[2][0] == "'-x"
    assert values[2][1] == -2.25 and values[3][1] is None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_demo_metadata_says_demo_and_cannot_be_cited() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_bytes([("data", pd.DataFrame({"a": [1]}))], _meta("demo"), "en")))
    first = next(workbook[METADATA_SHEET].iter_rows(values_only=True))
    assert "DEMO" in first[1]
    meta = {row[0]: row[1] for row in workbook[METADATA_SHEET].iter_rows(values_only=True)}
    assert "DEMO" in meta["How to cite"]


def test_sheet_names_are_valid_and_unique() -> None:
    frames = [
        ("a/b:c*?[x]", pd.DataFrame({"a": [1]})),
        ("a/b:c*?[x]", pd.DataFrame({"a": [2]})),
        ("x" * 40, pd.DataFrame()),
    ]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(frames, _meta(), "vi")))
    names = workbook.sheetnames
    assert len(names) == len(set(names)) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_every_field_with_a_quote_separator_cr_or_lf_is_quoted() -> None:
    """A bare CR inside a cell (a unit note "Hà Nội\\r=1+1") must not split its row (issue 10, point 7)."""
    frame = pd.DataFrame(
        {"note": ["Hà Nội\r=1+1", "a\nb", 'say "x"', "a,b", "plain"], "value": [1.5, 2.0, 3.0, 4.0, 5.0]}
    )
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.count("\r\n") == len(frame) + 1  # header + one line per row, nothing else ends a line
    lines = text.split("\r\n")
    assert lines[1] == '"Hà Nội\r\'=1+1",1.5'
    assert lines[2] == '"a\nb",2.0' and lines[3] == '"say ""x""",3.0' and lines[4] == '"a,b",4.0'
    assert lines[5] == "plain,5.0"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == ["Hà Nội\r'=1+1", "a\nb", 'say "x"', "a,b", "plain"]


@pytest.mark.parametrize(
    "text,safe",
    [
        ("Hà Nội\r=1+1", "Hà Nội\r'=1+1"),
        ("a\n\n-2+3", "a\n\n'-2+3"),
        ("x\r\n@SUM(A1)", "x\r\n'@SUM(A1)"),
        ("=1\n+2", "'=1\n'+2"),
        ("a\n＝1", "a\n'＝1"),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_a_formula_after_a_line_break_is_neutralised(text: str, safe: str) -> None:
    assert neutralise(text) == safe
    for line in neutralise(text).replace("\r", "\n").split("\n"):
        assert not line.startswith(FORMULA_PREFIXES)
