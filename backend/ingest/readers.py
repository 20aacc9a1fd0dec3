"""Reading an uploaded CSV or XLSX file into a table of text cells, safely (issue 8, point 2).

Everything is read from the bytes in memory: an upload's file name is only ever a label (:func:`safe_name`), never
a path. Limits (settings ``INGEST_MAX_BYTES``, ``INGEST_MAX_ROWS``, ``INGEST_MAX_COLUMNS``,
``INGEST_MAX_XLSX_EXPANDED``) are checked before the expensive work, so a malformed or hostile file is refused
quickly with bounded memory:

* **size** first; **CSV**: the encoding (backend/ingest/encodings.py), the separator (``,`` ``;`` tab ``|``,
  chosen as the one that splits the first lines into the same number of fields, most fields first), then at
  most ``max_rows + 1`` rows are parsed;
* **XLSX**: a ZIP whose members (count, declared sizes — which Python's zipfile enforces while inflating — and
  their sum) are bounded before anything is inflated (no zip bomb); the sheet's declared dimension is checked
  before its rows are read (no 17-billion-cell sheet is opened); rows are streamed (openpyxl read-only) and the
  reading stops past the row limit. Formulas and merged cells are reported cell by cell (a formula's value is
  not data: paste values instead).

The result is a :class:`RawTable`: column names as written and every cell as text (numbers without a spurious
``.0``, dates as ISO text), with the line number of each row in the file (header = line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from backend.errors import ValidationError
from backend.ingest.encodings import decode

SEPARATORS = (",", ";", "\t", "|")
MAX_ZIP_MEMBERS = 2_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension[^>]*\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell[^>]*\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_CONTROL = dict.fromkeys(c for c in range(32))


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_expanded: int

    @classmethod
    def from_settings(cls) -> Limits:
        from backend.settings import get_settings

        s = get_settings()
        return cls(s.ingest_max_bytes, s.ingest_max_rows, s.ingest_max_columns, s.ingest_max_xlsx_expanded)


@dataclass
class CellProblem:
    """A problem with one cell found while reading (formula, merged cell)."""

    line: int
    column: str
    code: str
    value: str = ""


@dataclass
class RawTable:
    """Cells as text; ``lines[i]`` is the file line of row ``i``."""

    columns: list[str]
    frame: pd.DataFrame
    lines: list[int]
    format: str
    encoding: str = ""
    separator: str = ""
    problems: list[CellProblem] = field(default_factory=list)


def safe_name(name: str) -> str:
    """An uploaded file's name as a label: the last path component only, no control characters, NFC, at most
    200 characters. It is stored and shown, never opened."""
    last = re.split(r"[\\/]", str(name or ""))[-1].translate(_CONTROL).strip()
    last = unicodedata.normalize("NFC", last)[:200]
    return last or "upload"


def file_format(name: str, data: bytes) -> str:
    """``xlsx`` (a ZIP) or ``csv``, from the content first and the name second."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if safe_name(name).lower().endswith((".xlsx", ".xlsm")):
        raise ValidationError.of("ingest.read.not_xlsx")
    return "csv"


def read_table(name: str, data: bytes, limits: Limits | None = None) -> RawTable:
    """The file as a :class:`RawTable`; ValidationError (bilingual, what to do) when it cannot be read or is
    outside the limits."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise ValidationError.of("ingest.limit.bytes", size=len(data), limit=limits.max_bytes)
    if not data.strip():
        raise ValidationError.of("ingest.read.empty")
    table = read_xlsx(data, limits) if file_format(name, data) == "xlsx" else read_csv(data, limits)
    if not table.columns or all(not c for c in table.columns):
        raise ValidationError.of("ingest.read.empty")
    if len(table.frame) == 0:
        raise ValidationError.of("ingest.read.no_rows")
    return table


# --- CSV -----------------------------------------------------------------------------------------------------
def detect_separator(text: str) -> str:
    """The separator that splits the first lines into the same number (> 1) of fields, the most fields winning;
    a comma when none does (a one-column file)."""
    sample = text[:65536].splitlines()[:30]
    best, best_fields = ",", 1
    for sep in SEPARATORS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=sep) if row]
        except csv.Error:
            continue
        if not counts:
            continue
        typical = max(set(counts), key=counts.count)
        consistent = counts.count(typical) >= 0.8 * len(counts)
        if consistent and typical > best_fields:
            best, best_fields = sep, typical
    return best


def read_csv(data: bytes, limits: Limits) -> RawTable:
    text, encoding = decode(data)
    separator = detect_separator(text)
    first = next(csv.reader(io.StringIO(text[:1_000_000]), delimiter=separator), [])
    if len(first) > limits.max_columns:
        raise ValidationError.of("ingest.limit.columns", count=len(first), limit=limits.max_columns)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            nrows=limits.max_rows + 1,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ValidationError.of("ingest.read.empty") from None
    except pd.errors.ParserError as exc:
        raise ValidationError.of("ingest.read.csv_broken", detail=str(exc).strip()[:200]) from None
    if len(frame) > limits.max_rows:
        raise ValidationError.of("ingest.limit.rows", limit=limits.max_rows)
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = pd.Index(range(len(columns)))
    lines = _csv_lines(text, len(frame))
    return RawTable(columns, frame, lines, "csv", encoding, separator)


def _csv_lines(text: str, n: int) -> list[int]:
    """File line of each data row: rows are counted past blank lines (pandas skips them), quoted line breaks
    counted as one row (a close approximation: exact for files without blank lines inside quotes)."""
    lines: list[int] = []
    line = 1
    in_quote = False
    start_of_row = True
    for raw in text.splitlines()[1:]:
        line += 1
        if not in_quote and start_of_row and not raw.strip():
            continue
        if start_of_row:
            lines.append(line)
        in_quote ^= raw.count('"') % 2 == 1
        start_of_row = not in_quote
        if len(lines) >= n and start_of_row:
            break
    while len(lines) < n:
        lines.append(lines[-1] + 1 if lines else 2)
    return lines[:n]


# --- XLSX ----------------------------------------------------------------------------------------------------
def _column_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def _check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError.of("ingest.read.not_xlsx") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ValidationError.of("ingest.limit.expanded", limit=limits.max_expanded)
    expanded = sum(m.file_size for m in members)
    if expanded > limits.max_expanded:
        raise ValidationError.of("ingest.limit.expanded", limit=limits.max_expanded)
    return archive


def _first_sheet(archive: zipfile.ZipFile) -> str:
    names = archive.namelist()
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        raise ValidationError.of("ingest.read.not_xlsx")
    return sheets[0]


def _scan_sheet(archive: zipfile.ZipFile, member: str, limits: Limits) -> list[tuple[int, int, int, int]]:
    """Check the sheet's declared dimension before reading it, and collect its merged ranges
    (first column, first row, last column, last row), streaming the XML in blocks."""
    merged: list[tuple[int, int, int, int]] = []
    tail = b""
    checked = False
    with archive.open(member) as stream:
        while block := stream.read(1 << 20):
            chunk = tail + block
            if not checked:
                found = _DIMENSION.search(chunk)
                if found or b"<sheetData" in chunk:
                    checked = True
                if found and found.group(3):
                    rows = int(found.group(4)) - int(found.group(2)) + 1
                    cols = _column_number(found.group(3)) - _column_number(found.group(1)) + 1
                    if rows > limits.max_rows + 1 or cols > limits.max_columns:
                        raise ValidationError.of(
                            "ingest.limit.dimension", rows=rows, columns=cols, limit_rows=limits.max_rows
                        )
            for m in _MERGE.finditer(chunk):
                merged.append(
                    (_column_number(m.group(1)), int(m.group(2)), _column_number(m.group(3)), int(m.group(4)))
                )
            tail = chunk[-512:]
            if b"<mergeCell" in tail:  # a range cut by the block boundary is matched in the next round
                tail = chunk[chunk.rfind(b"<mergeCell") :]
    return sorted(set(merged))


def _text(value: object) -> str:
    """A cell as text: integers without ``.0``, dates as ISO, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def read_xlsx(data: bytes, limits: Limits, progress: Callable[[int], None] | None = None) -> RawTable:
    from openpyxl import load_workbook

    archive = _check_zip(data, limits)
    member = _first_sheet(archive)
    merged = _scan_sheet(archive, member, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ValidationError.of("ingest.read.xlsx_broken", detail=type(exc).__name__) from None
    sheet = workbook.worksheets[0]
    rows: list[list[str]] = []
    problems: list[CellProblem] = []
    header: list[str] = []
    lines: list[int] = []
    for number, padded in enumerate(sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1), start=1):
        values = list(padded)
        while values and values[-1] is None:  # read-only rows are padded to max_col
            values.pop()
        if len(values) > limits.max_columns:
            raise ValidationError.of("ingest.limit.columns", count=len(values), limit=limits.max_columns)
        cells = [_text(v) for v in values]
        if number == 1:
            header = cells
            continue
        if not any(cells):
            continue
        if len(rows) >= limits.max_rows:
            raise ValidationError.of("ingest.limit.rows", limit=limits.max_rows)
        for position, cell in enumerate(cells):
            if cell.startswith("=") and isinstance(values[position], str) and len(cell) > 1:
                name = header[position] if position < len(header) else str(position + 1)
                problems.append(CellProblem(number, name, "formula", cell))
        rows.append(cells)
        lines.append(number)
    workbook.close()
    while header and not header[-1]:
        header.pop()
    width = len(header)
    frame = pd.DataFrame([(r + [""] * width)[:width] for r in rows], columns=range(width), dtype=object)
    for first_col, first_row, last_col, last_row in merged:
        for line in range(max(first_row, 2), last_row + 1):
            name = header[first_col - 1] if 0 < first_col <= width else str(first_col)
            problems.append(CellProblem(line, name, "merged", f"{first_col}:{last_col}"))
    return RawTable(header, frame, lines, "xlsx", "xlsx", "", problems)
