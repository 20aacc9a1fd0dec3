"""Row-by-row validation of an imported table against its layout and the store (issue 8, point 2).

Every problem names the file line, the column, the value (a phone number never: it is masked) and a rule code
whose message exists in Vietnamese and English (catalogue ``ingest.rule.<code>``). Rules, by code:

* file level (nothing can be loaded): ``missing_column`` / ``unknown_column`` (with the closest match as the
  suggested mapping);
* ``required`` empty cell of a required column; ``type`` not a number / date / time / phone; ``integer``;
  ``range`` outside the allowed range (birth years: the age range; scores: 0 to the maximum); ``answer_range``
  an answer outside the questionnaire's scale and not its don't-know code; ``choice`` not an allowed value; ``exclusive``
  "none" given with other choices; ``duration`` end before start;
* ``unit`` unknown or ambiguous unit name (through the one name normaliser), with the closest known name;
* ``skip`` an answer to an item the questionnaire skips for this respondent (service items without a service
  used; the other scope's items for a respondent group);
* ``fieldwork`` interview date outside the survey's fieldwork window;
* ``duplicate_form`` form code twice in the file; ``conflict_form`` form code already stored with other content
  (the same content is a duplicate, skipped and counted); ``same_respondent`` the respondent's phone (its keyed
  hash) in another form of the file or of the survey;
* ``formula`` / ``merged`` XLSX cells that are formulas or merged (reported by the reader);
* kind specific: ``criterion``/``score_max`` (self-assessment), ``duplicate_key``/``conflict_key`` (a unit's
  criterion, or a plan line, twice or already stored with another value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.ingest import columns as col
from backend.ingest.layout import Column, Layout
from backend.ingest.problems import Checker, Problem, StoreView
from backend.ingest.readers import RawTable
from backend.ingest.rules import facts_json, keyed_rules, survey_rules
from backend.personal import Vault, mask


@dataclass
class Validated:
    """Typed rows, which of them are clean, duplicates of stored rows, and every problem."""

    rows: pd.DataFrame
    answers: np.ndarray
    bad: np.ndarray
    duplicate: np.ndarray
    problems: list[Problem]
    file_problems: list[Problem]
    lines: list[int]
    decimal: str = "."

    @property
    def n_rows(self) -> int:
        return len(self.lines)

    @property
    def loadable(self) -> np.ndarray:
        return ~self.bad & ~self.duplicate


def _file_problems(raw: RawTable, layout: Layout) -> tuple[col.HeaderMatch, list[Problem]]:
    match = col.match_header(raw.columns, layout)
    problems = [Problem(1, code, "", "missing_column", {"suggestion": guess or "—"}) for code, guess in match.missing]
    problems += [
        Problem(1, text, text, "unknown_column", {"suggestion": guess or "—"}) for text, guess in match.unknown
    ]
    return match, problems


def validate(raw: RawTable, layout: Layout, store: StoreView, vault: Vault) -> Validated:
    """Validate ``raw`` as ``layout`` against ``store`` (see the module docstring)."""
    match, file_problems = _file_problems(raw, layout)
    n = len(raw.frame)
    check = Checker(raw.lines)
    cells = {
        code: raw.frame[pos].astype(str).str.strip().reset_index(drop=True) for code, pos in match.positions.items()
    }
    empty = pd.Series([""] * n, dtype=object)
    numeric = [cells[c.code] for c in layout.columns if c.type in ("number", "integer", "answer") and c.code in cells]
    decimal = col.detect_decimal(numeric)
    rows = pd.DataFrame(index=range(n))
    for column in layout.columns:
        if column.role == "item":
            continue
        rows[column.code] = _parse(column, cells.get(column.code, empty), check, decimal, store, vault)
    answers = _answers(layout, cells, check, decimal, n)
    if "respondent_phone" in rows:
        rows["phone_hash"] = [vault.hash(p) if isinstance(p, str) and p else None for p in rows["respondent_phone"]]
    if layout.facts:
        rows["facts"] = facts_json(rows, layout)
    by_line = {line: i for i, line in enumerate(raw.lines)}
    for problem in raw.problems:
        if problem.line in by_line:
            where = np.zeros(n, dtype=bool)
            where[by_line[problem.line]] = True
            check.flag(where, problem.column, problem.code, pd.Series([problem.value] * n))
        else:
            file_problems.append(Problem(problem.line, problem.column, problem.value, problem.code))
    duplicate = np.zeros(n, dtype=bool)
    if layout.survey is not None:
        duplicate = survey_rules(layout, rows, answers, cells, check, store)
    else:
        duplicate = keyed_rules(layout, rows, check, store)
    return Validated(
        rows, answers, check.bad, duplicate & ~check.bad, check.problems, file_problems, raw.lines, decimal
    )


def _parse(column: Column, cells: pd.Series, check: Checker, decimal: str, store: StoreView, vault: Vault) -> pd.Series:
    """Typed values of one (non-item) column; bad cells flagged on ``check``."""
    filled = (cells != "").to_numpy()
    if column.required:
        check.flag(~filled, column.code, "required")
    kind = column.type
    if kind == "text":
        return cells.where(cells != "", None)
    if kind == "unit":
        resolved = {text: store.resolve_unit(text) for text in cells[filled].unique().tolist()}
        ids = cells.map(lambda x: resolved.get(x, (None, ""))[0])
        unknown = filled & ids.isna().to_numpy()
        hints = cells.map(lambda x: resolved.get(x, (None, ""))[1]).tolist()
        check.flag(unknown, column.code, "unit", cells, suggestion=np.array(hints, dtype=object))
        return ids
    if kind == "date":
        parsed = col.to_date(cells)
        check.flag(filled & parsed.isna().to_numpy(), column.code, "type", cells, expected="date")
        return parsed
    if kind == "datetime":
        parsed = col.to_datetime(cells)
        check.flag(filled & parsed.isna().to_numpy(), column.code, "type", cells, expected="time")
        return parsed
    if kind == "phone":
        numbers = cells.map(lambda text: _phone(text, vault))
        check.flag(filled & numbers.isna().to_numpy(), column.code, "type", cells.map(mask), expected="phone")
        return numbers
    if kind in ("integer", "number"):
        values = col.to_number(cells, decimal)
        bad_type = filled & values.isna().to_numpy()
        check.flag(bad_type, column.code, "type", cells, expected="number")
        if kind == "integer":
            check.flag(filled & ~bad_type & (values % 1 != 0).to_numpy(), column.code, "integer", cells)
        low = -np.inf if column.minimum is None else column.minimum
        high = np.inf if column.maximum is None else column.maximum
        outside = filled & ~bad_type & ((values < low) | (values > high)).to_numpy()
        check.flag(outside, column.code, "range", cells, min=_fmt(low), max=_fmt(high))
        return values
    if kind == "choice":
        codes, bad = col.parse_choice(cells, column)
        allowed = ", ".join(c.code for c in column.choices)
        check.flag(bad, column.code, "choice", cells, allowed=allowed)
        return codes
    if kind == "multi":
        codes, bad, clash = col.parse_multi(cells, column)
        check.flag(bad, column.code, "choice", cells, allowed=", ".join(c.code for c in column.choices))
        check.flag(clash, column.code, "exclusive", cells, choice=column.exclusive or "")
        return codes
    raise ValueError(f"unknown column type {kind}")


def _phone(text: str, vault: Vault) -> str | None:
    """A number as typed, or the encrypted copy a quarantine export carries instead of it."""
    from backend.errors import DomainError
    from backend.personal import normalise_phone

    if text.startswith("v1:"):
        try:
            return vault.decrypt(text)
        except DomainError:
            return None
    return normalise_phone(text)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _answers(layout: Layout, cells: Mapping[str, pd.Series], check: Checker, decimal: str, n: int) -> np.ndarray:
    """The item answers as an int8 matrix (0 = no answer / don't know); out-of-scale cells flagged."""
    items = layout.items
    matrix = np.zeros((n, len(items)), dtype=np.int8)
    if layout.survey is None:
        return matrix
    low, high = layout.survey.scale
    dont_know = layout.survey.dont_know
    for j, item in enumerate(items):
        text = cells.get(item.code)
        if text is None:
            continue
        values = col.to_number(text, decimal).to_numpy()
        filled = (text != "").to_numpy()
        bad_type = filled & np.isnan(values)
        check.flag(bad_type, item.code, "type", text, expected="number")
        ok = filled & ~bad_type
        whole = ok & (np.nan_to_num(values) % 1 == 0)
        in_scale = whole & (((values >= low) & (values <= high)) | (values == dont_know))
        check.flag(ok & ~in_scale, item.code, "answer_range", text, min=low, max=high, dont_know=dont_know)
        keep = in_scale & (values != dont_know)
        matrix[keep, j] = values[keep].astype(np.int8)
    return matrix
