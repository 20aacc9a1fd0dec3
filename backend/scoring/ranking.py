"""The one ranking, the groups and the averages (methodology.md §1.4-1.5; framework settings).

* Ranking: highest first, ranked units only, decided on decision keys at the framework's declared precision
  (:mod:`backend.scoring.precision`; ``precision.ranks_on``), so units whose scores print the same share a
  rank. Tie rule (framework setting ``tie_rule``; the official rule was not found [U], so it is marked
  provisional): ``competition`` ("1, 2, 2, 4": one plus the number of units strictly better) or ``dense``
  ("1, 2, 2, 3").
* Groups: the highest framework grade whose minimum the value reaches, compared at the declared precision
  (``precision.grades_on``): a total printed 90.00 is in group A (provinces A ≥ 90, B 80-<90, C 70-<80 [C]).
  Below every minimum → no group.
* Averages: national = arithmetic mean of the ranked units (2023 ministries: mean of the 17 totals = 84.378
  → 84.38 [D]); region = mean of the region's units (method presumed [U]).

Year-on-year matching of units (which unit of last year is "the same") is not here: it lives in
:mod:`backend.reference.lineage`, the one place that matches units across years.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from backend.frameworks.spec import TIE_RULES, Grade
from backend.scoring.precision import decision_keys, threshold_key


def ranks(
    values: np.ndarray,
    ranked: np.ndarray | None = None,
    *,
    decimals: int | None = None,
    tie_rule: str = "competition",
) -> np.ndarray:
    """Ranks along the last axis, highest value first; NaN for unranked units or missing values.

    ``decimals``: decide on values rounded half-up at this precision (None: on the values as given).
    Works on (units,) and on (replicates, units) arrays (bootstrap rank intervals).
    """
    if tie_rule not in TIE_RULES:
        raise ValueError(f"tie_rule must be one of {TIE_RULES}, not {tie_rule!r}")
    values = np.asarray(values, dtype=float)
    keys = values if decimals is None else decision_keys(values, decimals)
    mask = ~np.isnan(keys)
    if ranked is not None:
        mask &= np.asarray(ranked, dtype=bool)
    filled = np.where(mask, keys, -np.inf)
    if tie_rule == "competition":
        above = (filled[..., None, :] > filled[..., :, None]) & mask[..., None, :]
        out = 1.0 + above.sum(axis=-1)
    else:  # dense: one plus the number of distinct better values
        out = np.full(keys.shape, np.nan)
        for idx in np.ndindex(keys.shape[:-1]):
            row, row_mask = filled[idx], mask[idx]
            distinct = np.unique(row[row_mask])[::-1]
            out[idx] = 1.0 + np.searchsorted(-distinct, -row, side="left")
    return np.where(mask, out, np.nan)


def rank_series(
    values: pd.Series,
    ranked: pd.Series | None = None,
    *,
    decimals: int | None = None,
    tie_rule: str = "competition",
) -> pd.Series:
    """:func:`ranks` of a Series (index kept) as nullable integers; <NA> for unranked units or no value."""
    mask = None if ranked is None else ranked.reindex(values.index).fillna(False).to_numpy(dtype=bool)
    out = ranks(values.to_numpy(dtype=float, na_value=np.nan), mask, decimals=decimals, tie_rule=tie_rule)
    return pd.Series(out, index=values.index, name="rank").astype("Int64")


def tied(rank: pd.Series) -> pd.Series:
    """True where a rank is shared with another unit."""
    counts = rank.dropna().value_counts()
    return rank.map(lambda r: bool(pd.notna(r) and counts.get(r, 0) > 1)).astype(bool)


def assign_grades(values: pd.Series, grades: Sequence[Grade], *, decimals: int | None = None) -> pd.Series:
    """The grade code of each value: the highest grade whose minimum it reaches; None below every minimum.

    ``decimals``: compare values rounded half-up at this precision with the thresholds (None: as given).
    """
    ordered = sorted(grades, key=lambda g: g.min, reverse=True)
    raw = values.to_numpy(dtype=float, na_value=np.nan)
    keys = raw if decimals is None else decision_keys(raw, decimals)
    out = pd.Series([None] * len(values), index=values.index, dtype=object, name="grp")
    for grade in reversed(ordered):  # lowest first, so higher grades overwrite
        bound = grade.min if decimals is None else threshold_key(grade.min, decimals)
        out[keys >= bound] = grade.code
    return out


def mean_present(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean along ``axis`` of the values that are not NaN; NaN where there are none (arrays of any shape:
    units, replicates × units)."""
    present = ~np.isnan(values)
    total = np.where(present, values, 0.0).sum(axis=axis)
    count = present.sum(axis=axis)
    return np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)


def mean_of_units(values: pd.Series, include: pd.Series | None = None) -> float:
    """Arithmetic mean of the (included) units' unrounded values, NaN ignored."""
    if include is not None:
        values = values[include.reindex(values.index).fillna(False).astype(bool)]
    return float(values.mean()) if values.notna().any() else float("nan")


def group_means(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Mean and count of ``values`` per group (e.g. region code); units without a group are left out."""
    frame = pd.DataFrame({"value": values, "group": groups.reindex(values.index)}).dropna(subset=["group"])
    out = frame.groupby("group", sort=True)["value"].agg(["mean", "count"])
    return out.rename(columns={"mean": "average", "count": "n"})
