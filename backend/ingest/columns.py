"""Header matching and cell parsing: the generic part of validation (issue 8, point 2).

* :func:`match_header`: file columns → layout columns. A column matches by its code, or by its Vietnamese or
  English label, case and diacritics ignored. The export layout of ODK Central and KoboToolbox imports as is:
  group prefixes (``profile/gender``) are dropped, the one-column-per-choice split of a select_multiple
  (``profile/services_used/land``) and submission metadata (``_uuid``, ``_submission_time``, ``meta/instanceID``
  …) are ignored (group separator ``/`` as KoboToolbox writes it, ``-`` as ODK Central does), ``start``/``end`` are the interview times and ``_uuid`` stands for a missing form code. A
  column that is missing or not known is a file-level problem with the closest match as a suggestion.
* :func:`parse_column`: one column's text cells → typed values and the positions of bad cells, vectorised.
  Numbers accept a decimal comma (Vietnamese locale) when the file uses one (:func:`detect_decimal`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from backend.ingest.layout import Column, Layout
from backend.reference.normalise import ascii_key, basic_key

#: submission metadata of ODK Central / KoboToolbox exports, ignored on import
ODK_METADATA = {
    "key",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "deviceid",
    "edits",
    "formversion",
    "today",
    "instanceid",
    "instancename",
    "deprecatedid",
    "uuid",
}
#: other names of layout columns in those exports
ALIASES = {"start": "started_at", "end": "finished_at"}
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
VIETNAM = dt.timezone(dt.timedelta(hours=7))


@dataclass
class HeaderMatch:
    """Which file column (position) feeds each layout column, and what could not be matched."""

    positions: dict[str, int] = field(default_factory=dict)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (layout code, suggestion)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (file column, suggestion)
    uuid_position: int | None = None


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """A name compared case- and diacritics-blind (cached: a column repeats a few values many times)."""
    return ascii_key(basic_key(text)).replace(" ", "")


def _names(column: Column) -> list[str]:
    return [_key(column.code), _key(column.vi), _key(column.en)]


def match_header(header: Sequence[str], layout: Layout) -> HeaderMatch:
    """Map the file's header onto ``layout`` (see the module docstring)."""
    by_name: dict[str, str] = {}
    for column in layout.columns:
        for name in _names(column):
            by_name.setdefault(name, column.code)
    multi = {c.code: {ch.code for ch in c.choices} for c in layout.columns if c.type == "multi"}
    match = HeaderMatch()
    leftovers: list[tuple[int, str]] = []
    for position, raw in enumerate(header):
        text = str(raw).strip()
        if not text:
            continue
        parts = [p for p in re.split(r"[/-]", text) if p]  # Kobo: group/field, ODK Central: group-field
        last = parts[-1] if parts else text
        if len(parts) >= 2 and parts[-2] in multi and last in multi[parts[-2]]:
            continue  # one column per choice of a select_multiple
        if text.startswith(("_", "meta/", "meta-")) or _key(last) in ODK_METADATA:
            if _key(last) == "uuid" and text.startswith("_"):
                match.uuid_position = position
            continue
        code = by_name.get(_key(last)) or ALIASES.get(last.lower()) or by_name.get(_key(text))
        if code is None or code in match.positions:
            leftovers.append((position, text))
            continue
        match.positions[code] = position
    unmatched = [c for c in layout.columns if c.code not in match.positions]
    spare_names = [t for _, t in leftovers]
    for column in unmatched:
        if column.code == "form_code" and match.uuid_position is not None:
            match.positions["form_code"] = match.uuid_position
            continue
        guess = _closest([*_names(column)], spare_names)
        if column.required or column.role in ("item", "fact"):
            match.missing.append((column.code, guess))
    codes = [c.code for c in unmatched]
    for _, text in leftovers:
        match.unknown.append((text, _closest([_key(text)], codes)))
    return match


def _closest(names: list[str], options: Sequence[str]) -> str:
    keyed = {_key(o): o for o in options}
    for name in names:
        found = difflib.get_close_matches(name, list(keyed), n=1, cutoff=0.6)
        if found:
            return keyed[found[0]]
    return ""


def detect_decimal(cells: Sequence[pd.Series]) -> str:
    """``","`` when number cells use a decimal comma (and none a decimal point), else ``"."``."""
    comma = dot = 0
    for series in cells:
        text = series.astype(str)
        comma += int(text.str.match(_COMMA_DECIMAL).sum())
        dot += int(text.str.match(_DOT_DECIMAL).sum())
    return "," if comma > 0 and dot == 0 else "."


def _by_distinct(cells: pd.Series, convert: Any) -> pd.Series:
    """``convert`` applied to the distinct values only (a column of answers has a handful), mapped back."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    converted = convert(pd.Series(np.asarray(uniques, dtype=object)))
    return pd.Series(np.asarray(converted, dtype=object)[codes], index=cells.index)


def _number(text: pd.Series, decimal: str) -> pd.Series:
    clean = text.astype(str).str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    if decimal == ",":
        clean = clean.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(clean, errors="coerce")


def to_number(cells: pd.Series, decimal: str) -> pd.Series:
    """Numbers from text (``decimal`` comma: ``1.234,5`` → 1234.5; spaces dropped); NaN where not a number."""
    return _by_distinct(cells, lambda u: _number(u, decimal)).astype(float)


def to_date(cells: pd.Series) -> pd.Series:
    """Dates from ISO text (``2024-09-01``, with or without a time) or day-first text (``01/09/2024``)."""
    return _by_distinct(cells, _dates)


def _dates(cells: pd.Series) -> pd.Series:
    text = cells.astype(str).str.strip()
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    parts = text.str.extract(_DAY_FIRST)
    dayfirst = pd.to_datetime(
        parts[2] + "-" + parts[1].str.zfill(2) + "-" + parts[0].str.zfill(2), format="%Y-%m-%d", errors="coerce"
    )
    return iso.fillna(dayfirst).dt.date.where(iso.notna() | dayfirst.notna(), None)


def to_datetime(cells: pd.Series) -> pd.Series:
    """Aware UTC times from ISO text; a time without an offset is Vietnam time (UTC+7)."""
    text = cells.astype(str).str.strip().str.replace("T", " ", regex=False)
    aware = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    out = pd.Series([None] * len(text), index=text.index, dtype=object)
    if aware.any():
        parsed = pd.to_datetime(text[aware], utc=True, errors="coerce", format="mixed")
        out[aware] = parsed.dt.to_pydatetime() if len(parsed) else parsed
    if (~aware).any():
        parsed = pd.to_datetime(text[~aware], errors="coerce", format="mixed")
        local = parsed.dt.tz_localize(VIETNAM, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        out[~aware] = local.dt.to_pydatetime() if len(local) else local
    return out.map(lambda v: None if v is None or pd.isna(v) else v)


def choice_codes(column: Column) -> dict[str, str]:
    """Accepted spellings of each choice (code, labels; case and diacritics ignored) → code."""
    out: dict[str, str] = {}
    for choice in column.choices:
        for text in (choice.code, choice.vi, choice.en):
            out.setdefault(_key(text), choice.code)
    return out


def parse_choice(cells: pd.Series, column: Column) -> tuple[pd.Series, np.ndarray]:
    """Choice codes (None when empty) and the mask of cells that are not a choice."""
    accepted = choice_codes(column)
    keys = cells.astype(str).map(_key)
    codes = keys.map(accepted)
    filled = cells.astype(str).str.strip() != ""
    return codes.where(filled, None), (filled & codes.isna()).to_numpy()


def parse_multi(cells: pd.Series, column: Column) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """select_multiple answers (space, comma or semicolon separated) as space-joined codes in the choices'
    order; masks of unknown choices and of the exclusive choice given with others."""
    accepted = choice_codes(column)
    order = {c.code: i for i, c in enumerate(column.choices)}
    parsed: dict[str, tuple[str | None, bool, bool]] = {}
    for text in cells.astype(str).unique().tolist():
        picked = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
        codes = [accepted.get(_key(p)) for p in picked]
        known = sorted({c for c in codes if c}, key=order.__getitem__)
        clash = bool(column.exclusive) and column.exclusive in known and len(known) > 1
        parsed[text] = (" ".join(known) if known else None, any(c is None for c in codes), clash)
    rows = [parsed[text] for text in cells.astype(str).tolist()]
    values = pd.Series([r[0] for r in rows], index=cells.index, dtype=object)
    return values, np.array([r[1] for r in rows], dtype=bool), np.array([r[2] for r in rows], dtype=bool)
