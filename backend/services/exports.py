"""Downloads that carry their context: CSV and XLSX with a metadata sheet, safe against formula injection.

Formula (CSV) injection, per OWASP: a spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula. Every *text* cell, every column name and every metadata value
that starts with one of those characters (or their full-width forms) is prefixed with a single quote, so
it is shown as text and never evaluated; so is every line of a multi-line text that starts with one
("Hà Nội\r=1+1" becomes "Hà Nội\r'=1+1"), in case a reader splits the cell at its line break. Numbers stay
numbers (a float written by this module can never be a formula), so negative changes keep their numeric type.

CSV files follow RFC 4180: UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), CRLF line
ends, and every field that holds a quote, a comma, a CR or an LF is quoted (so a bare CR inside a cell never
splits its row); a dot is the decimal separator (machine-readable in every locale); the metadata says so.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from backend.i18n import t

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: a line break followed by a character that starts a formula (the break itself is not a formula start)
_FORMULA_AFTER_BREAK = re.compile(r"([\r\n]+)(?=[=+\-@\t\uff1d\uff0b\uff0d\uff20])")
#: RFC 4180 line end: the csv writer then quotes every field that holds a CR or an LF
CSV_LINE_END = "\r\n"
METADATA_SHEET = "metadata"

#: Metadata fields in the order of the metadata sheet; labels from the catalogue (``publication.export.label.<field>``).
_FIELDS = (
    "title",
    "index",
    "year",
    "scope",
    "version",
    "result_set_ids",
    "publication_date",
    "method",
    "legal_basis",
    "method_status",
    "dataset",
    "source",
    "url",
)


def _label(name: str, lang: str) -> str:
    return t(f"publication.export.label.{name}", lang)


def neutralise(value: Any) -> Any:
    """A text cell made safe for spreadsheets (OWASP CSV injection): a quote before a formula start at the
    beginning of the text and after every line break; other values unchanged."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_BREAK.sub("\\1'", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell and every column name is neutralised; numeric columns untouched."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        out[column] = series.map(neutralise)
    return out


@dataclass
class ExportMetadata:
    """What a downloaded file is: enough to understand and cite it without the web page."""

    title: str
    index_code: str = ""
    year: str = ""
    scope: str = ""
    version: str = ""
    result_set_ids: str = ""
    publication_date: str = ""
    method: str = ""
    legal_basis: str = ""
    method_status: str = ""
    dataset: str = ""
    dataset_kind: str = ""
    source: str = ""
    url: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    notes: list[str] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return self.dataset_kind == "demo"

    def citation(self, lang: str = "vi") -> str:
        """How to cite: publisher, index, year, version, publication date, link and access date."""
        accessed = self.generated_at.date().isoformat()
        if self.is_demo:
            return t("publication.export.demo_note", lang)
        parts = [t("publication.export.cite.publisher", lang), f"{self.index_code} {self.year}".strip()]
        if self.version:
            parts.append(t("publication.export.cite.version", lang, version=self.version))
        if self.publication_date:
            parts.append(t("publication.export.cite.published", lang, date=self.publication_date))
        if self.url:
            parts.append(self.url)
        parts.append(t("publication.export.cite.accessed", lang, date=accessed))
        return ". ".join(p for p in parts if p) + "."

    def rows(self, lang: str = "vi") -> list[tuple[str, str]]:
        """The metadata sheet: (label, value) per field that has a value, then citation, time, number format, notes."""
        values: list[tuple[str, str]] = []
        if self.is_demo:
            values.append(("⚠", t("publication.export.demo_note", lang)))
        for key in _FIELDS:
            value = getattr(self, "index_code" if key == "index" else key)
            if value:
                values.append((_label(key, lang), str(value)))
        values.append((_label("citation", lang), self.citation(lang)))
        values.append(
            (_label("generated_at", lang), self.generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
        )
        values.append((_label("decimal", lang), t("publication.export.decimal_note", lang)))
        for note in self.notes:
            values.append((_label("notes", lang), note))
        return values

    def frame(self, lang: str = "vi") -> pd.DataFrame:
        return pd.DataFrame(self.rows(lang), columns=["field", "value"])


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM) RFC 4180 CSV of a neutralised copy of ``frame``, without the index."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator=CSV_LINE_END)
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "data"
    base, k = clean, 2
    while clean.lower() in used:
        suffix = f" ({k})"
        clean = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(clean.lower())
    return clean


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame] | Sequence[tuple[str, pd.DataFrame]], metadata: ExportMetadata, lang: str = "vi"
) -> bytes:
    """An XLSX workbook: a ``metadata`` sheet first, then one sheet per frame; everything neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    items = list(sheets.items()) if isinstance(sheets, Mapping) else list(sheets)
    workbook = Workbook()
    meta_sheet = workbook.active
    assert meta_sheet is not None
    meta_sheet.title = METADATA_SHEET
    used = {METADATA_SHEET}
    bold = Font(bold=True)
    for field_name, value in metadata.rows(lang):
        meta_sheet.append([neutralise(field_name), neutralise(value)])
    for cell in meta_sheet["A"]:
        cell.font = bold
    if metadata.is_demo:
        meta_sheet["A1"].font = Font(bold=True, color="B2182B")
        meta_sheet["B1"].font = Font(bold=True, color="B2182B")
    meta_sheet.column_dimensions["A"].width = 28
    meta_sheet.column_dimensions["B"].width = 110
    for row in meta_sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for name, frame in items:
        sheet = workbook.create_sheet(_sheet_name(name, used))
        safe = safe_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for record in safe.itertuples(index=False):
            sheet.append([_cell(v) for v in record])
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = header_fill
        sheet.freeze_panes = "A2"
        for position, column in enumerate(safe.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
            sheet.column_dimensions[get_column_letter(position)].width = min(60, max(8, width + 2))
        # strings are written as strings, never as formulas
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    for row in meta_sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A value openpyxl can store: missing → empty, numpy scalars → Python, timezone dropped (UTC)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            return value
    if isinstance(value, (tuple, list, set)):
        return neutralise(", ".join(str(v) for v in value))
    return value
