"""Exact decisions at a declared precision: scores that print the same are equal.

Binary floating point cannot hold most two-decimal numbers: leaf scores that add up to exactly 90.00 may
come out as 89.99999999999997, which a plain ``>= 90`` grades B, and two totals that print the same may rank
apart. The framework file therefore declares (setting ``precision``, provisional where the ministry has not
confirmed it):

* ``compute_decimals``: leaf points are rounded to this many decimals before they are added up;
* ``publish_decimals``: the precision at which results are printed and published (2 in every table);
* ``grades_on`` / ``ranks_on``: ``published`` = groups and ranks are decided on the published value (so units
  that print the same share a rank, and a total printed 90.00 is in group A), or ``computed`` = on the value
  at ``compute_decimals``;
* ``rounding``: ``half_up`` (half away from zero, as printed tables and Decimal's ROUND_HALF_UP do).

Every decision (rank, group, "rose or fell") compares *decision keys*: the value rounded half-up at the
decision precision, as an exact integer count of its last decimal (90.00 at 2 decimals → 9000). Rounding is
noise-tolerant: the scaled value is first rounded to 6 further decimals, which absorbs the ~1e-13 error of
float sums before the half-up step (89.995 stored as 89.99499999999999 still rounds up to 90.00).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from backend.frameworks.spec import Precision

__all__ = ["Precision", "decision_keys", "round_half_up", "round_value", "threshold_key"]

#: extra decimals used to absorb binary noise before the half-up step
_GUARD = 6


def decision_keys(values: Any, decimals: int) -> np.ndarray:
    """Values rounded half-up (away from zero) at ``decimals``, as exact integers of the last decimal
    (float array holding whole numbers; NaN stays NaN). Works on any shape."""
    arr = np.asarray(values, dtype=float)
    scaled = np.round(arr * 10.0**decimals, _GUARD)
    return np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)


def round_half_up(values: Any, decimals: int) -> np.ndarray:
    """Values rounded half-up at ``decimals`` (float array; NaN stays NaN)."""
    return decision_keys(values, decimals) / 10.0**decimals


def round_value(value: float, decimals: int) -> float:
    """One value rounded half-up (the same rule as :func:`round_half_up`); NaN stays NaN."""
    return float(round_half_up(np.array([value]), decimals)[0])


def threshold_key(minimum: float, decimals: int) -> float:
    """A grade threshold as a decision key at ``decimals`` (exact: thresholds are decimal literals)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(minimum))).quantize(quantum, rounding=ROUND_HALF_UP).scaleb(decimals))
