"""Survey answers as columns: one row per form, one column per item (ARCHITECTURE.md decision 5).

:class:`SurveyAnswers` is the input of the survey scoring functions. ``values[f, k]`` is the answer of
form ``f`` to item ``k`` (1..5 on the usual scale), ``0`` when the form has no answer to the item (NULL
or no answer row). Build it from long tables with :meth:`SurveyAnswers.from_long` (tests, imports) or
directly from arrays read from the store (the compute service).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.errors import ValidationError

FORM_COLUMNS = ("form", "unit", "group", "commune", "village")


@dataclass(frozen=True)
class SurveyAnswers:
    """Forms (``form``, ``unit``, ``group``, ``commune``, ``village``; row ``f`` ↔ ``values[f]``), the item
    codes of the columns, and the answer matrix (int8, 0 = no answer)."""

    forms: pd.DataFrame
    items: tuple[str, ...]
    values: np.ndarray

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.forms), len(self.items)):
            raise ValueError(f"values shape {self.values.shape} != ({len(self.forms)}, {len(self.items)})")
        missing = [c for c in FORM_COLUMNS if c not in self.forms.columns]
        if missing:
            raise ValueError(f"forms lack columns {missing}")

    @classmethod
    def from_long(
        cls, forms: pd.DataFrame, answers: pd.DataFrame, items: Sequence[str], *, scale: tuple[int, int] = (1, 5)
    ) -> SurveyAnswers:
        """From a forms table (``form``, ``unit``; optional ``group``, ``commune``, ``village``) and a long
        answers table (``form``, ``item``, ``value``; value NaN/None = no answer).

        Answers to items not in ``items`` are ignored; a value outside ``scale`` or an answer of an unknown
        form raises ValidationError (bilingual), listing the first offending rows.
        """
        forms = forms.reset_index(drop=True).copy()
        for name in ("group", "commune", "village"):
            if name not in forms.columns:
                forms[name] = None
        forms = forms.loc[:, list(FORM_COLUMNS)]
        pos = pd.Index(forms["form"]).get_indexer(pd.Index(answers["form"]))
        if (pos < 0).any():
            bad = answers.loc[pos < 0, "form"].head(5).tolist()
            raise ValidationError.of("scoring.unknown_forms", forms=bad)
        col = pd.Index(list(items)).get_indexer(pd.Index(answers["item"]))
        value = pd.to_numeric(answers["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = ~np.isnan(value)
        lo, hi = int(scale[0]), int(scale[1])
        out_of_scale = given & ((value < lo) | (value > hi) | (value != np.round(value)))
        if out_of_scale.any():
            bad_rows = answers.loc[out_of_scale].head(5)
            listing = ", ".join(f"{r.form}/{r.item}={r.value}" for r in bad_rows.itertuples())
            raise ValidationError.of("scoring.outside_scale", low=lo, high=hi, answers=listing)
        matrix = np.zeros((len(forms), len(items)), dtype=np.int8)
        keep = given & (col >= 0)
        matrix[pos[keep], col[keep]] = value[keep].astype(np.int8)
        return cls(forms, tuple(items), matrix)

    def subset_units(self, units: Sequence[object]) -> SurveyAnswers:
        """Only the forms about ``units``."""
        mask = self.forms["unit"].isin(list(units)).to_numpy()
        return SurveyAnswers(self.forms.loc[mask].reset_index(drop=True), self.items, self.values[mask])

    def column(self, item: str) -> int:
        return self.items.index(item)


def weighted_answers(values: np.ndarray, weights: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the weight of the answer (``weights[value]``) and whether it is a valid answer.

    A value with no weight (not in ``weights``) counts as not valid, like no answer.
    """
    lookup = np.zeros(256, dtype=float)
    known = np.zeros(256, dtype=bool)
    for value, weight in weights.items():
        lookup[value & 0xFF] = weight
        known[value & 0xFF] = True
    codes = values.astype(np.uint8)
    valid = known[codes] & (values != 0)
    return np.where(valid, lookup[codes], 0.0), valid


def group_sums(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Row sums of ``values`` (rows × k) per group number in ``groups`` (0..n_groups-1): (n_groups, k).

    Sorts once and adds contiguous runs (``np.add.reduceat``), much faster than ``np.add.at``.
    """
    values = np.asarray(values, dtype=float)
    out = np.zeros((n_groups, values.shape[1]))
    if len(groups) == 0:
        return out
    order = np.argsort(groups, kind="stable")
    sorted_groups = np.asarray(groups)[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    out[sorted_groups[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out
