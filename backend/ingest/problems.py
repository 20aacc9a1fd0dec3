"""Problems found while validating an import, the collector that flags them row by row, and what the store
already holds that a file is checked against (shared by backend/ingest/validate.py and backend/ingest/rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backend.i18n import t

UnitResolver = Callable[[str], tuple[int | None, str]]  # text → (unit id or None, suggestion)


@dataclass
class Problem:
    line: int
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        params = {k: str(v) for k, v in self.params.items()}
        if "expected" in params:
            params["expected"] = t(f"ingest.expected.{params['expected']}", lang)
        return t(f"ingest.rule.{self.code}", lang, line=self.line, column=self.column, value=self.value, **params)


@dataclass
class StoreView:
    """What the store already holds that a file is checked against (prepared by the import service)."""

    resolve_unit: UnitResolver
    fieldwork: tuple[dt.date, dt.date] | None = None
    form_digests: Mapping[str, str] = field(default_factory=dict)  # stored form code → content digest
    phone_forms: Mapping[str, str] = field(default_factory=dict)  # stored phone hash → form code
    stored_keys: Mapping[tuple[Any, ...], Any] = field(default_factory=dict)  # self-assessment / plan keys → value
    rejected: frozenset[str] = frozenset()  # stored form codes in review state "rejected": a new version corrects them


class Checker:
    """Collects problems for one table: ``flag(mask, column, code, values=…, **params)``."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = np.asarray(lines)
        self.bad = np.zeros(len(lines), dtype=bool)
        self.problems: list[Problem] = []

    def flag(self, where: np.ndarray, column: str, code: str, values: pd.Series | None = None, **params: Any) -> None:
        positions = np.flatnonzero(where)
        if not len(positions):
            return
        self.bad[positions] = True
        for p in positions.tolist():
            value = "" if values is None else str(values.iloc[p])
            extra = {k: (v[p] if isinstance(v, list | np.ndarray) else v) for k, v in params.items()}
            self.problems.append(Problem(int(self.lines[p]), column, value, code, extra))
