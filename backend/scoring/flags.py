"""Review flags of the approval panel: outliers of a set and big moves against last year. Pure.

Rules (review aids for the leaders, not methodology: they change no figure):

* *outlier*: a unit whose value is far from the others, by the robust z-score
  |x − median| / (1.4826 · MAD) > :data:`OUTLIER_Z` (Iglewicz and Hoaglin's modified z-score, 3.5);
  needs at least :data:`MIN_UNITS` values and a non-zero MAD;
* *big move*: a unit whose change against last year is an outlier among all units' changes by the same
  rule, or whose rank moved by at least :data:`BIG_RANK_MOVE` places (only where ranks are comparable).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTLIER_Z = 3.5
MIN_UNITS = 5
BIG_RANK_MOVE = 10
_MAD_SCALE = 1.4826  # makes the MAD a consistent estimator of the standard deviation for normal data


def robust_z(values: pd.Series) -> pd.Series:
    """The modified z-score of each value (NaN where the value is missing or the MAD is zero)."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    present = x.dropna()
    if len(present) < MIN_UNITS:
        return pd.Series(np.nan, index=x.index)
    median = float(present.median())
    mad = float((present - median).abs().median()) * _MAD_SCALE
    if mad <= 0:
        return pd.Series(np.nan, index=x.index)
    return (x - median) / mad


def review_flags(table: pd.DataFrame) -> pd.DataFrame:
    """Flags of a unit table with ``scope_code``, ``value``, ``change`` and ``rank_change`` (the ranking view's
    table): one row per flag with ``scope_code``, ``flag`` (outlier | big_move | big_rank_move) and ``score``
    (the z-score, or the places moved)."""
    rows: list[tuple[str, str, float]] = []
    codes = table["scope_code"].astype(str).tolist()
    z_value = robust_z(table["value"]).to_numpy(dtype=float)
    changes = table["change"] if "change" in table else pd.Series(np.nan, index=table.index)
    z_change = robust_z(changes).to_numpy(dtype=float)
    moves = (
        pd.to_numeric(table["rank_change"], errors="coerce").to_numpy(dtype=float)
        if "rank_change" in table
        else np.full(len(table), np.nan)
    )
    for code, z, zc, move in zip(codes, z_value, z_change, moves, strict=True):
        if not np.isnan(z) and abs(z) > OUTLIER_Z:
            rows.append((code, "outlier", float(z)))
        if not np.isnan(zc) and abs(zc) > OUTLIER_Z:
            rows.append((code, "big_move", float(zc)))
        if not np.isnan(move) and abs(move) >= BIG_RANK_MOVE:
            rows.append((code, "big_rank_move", float(move)))
    return pd.DataFrame(rows, columns=["scope_code", "flag", "score"])
