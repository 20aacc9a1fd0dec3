"""The standard summary the ministry publishes every year (methodology.md §1.5, "standard statistics").

Pure: two result frames in (year Y and, optionally, Y-1), one plain dict out. Input frame (one row per
unit, index = unit id):

=================  ===============================================================================
``value``          the main figure (PAR INDEX % or SIPAS %), unrounded
``ranked``         bool: the unit is ranked (averages and counts use ranked units only)
``rank``           its rank (optional; recomputed by competition ranking when absent)
``grp``            its group code (optional)
``region``         region code (optional; GSO six regions for provinces)
``name_vi/en``     names (optional; used in the lists)
``component:<c>``  component indexes in % (optional; e.g. ``component:A3`` for PAR area 3)
=================  ===============================================================================

Output (all values unrounded; DataFrames are plain, indexed 0..n-1):

* ``n_units``, ``average``, ``previous_average``, ``average_change``;
* ``above_average``: ``{"count", "units"}``;
* ``moves``: DataFrame ``unit``, ``name_vi``, ``name_en``, ``value``, ``previous``, ``change``,
  ``comparable``, ``basis``, ``rank``, ``previous_rank``, ``rank_change`` (positive = moved up),
  sorted by change (largest rise first);
* ``rose`` / ``fell``: ``{"count", "largest", "smallest"}`` (each a dict ``unit``, ``name_vi``,
  ``name_en``, ``change`` or None); ``unchanged``, ``not_comparable`` (counts);
* ``groups``: DataFrame ``grp``, ``count``, ``previous_count``;
* ``regions``: DataFrame ``region``, ``average``, ``n``, ``previous_average``, ``change``;
* ``components``: DataFrame ``component``, ``average``, ``previous_average``, ``change``,
  ``direction`` (``up`` | ``down`` | ``unchanged`` | ``n/a``); ``components_up`` / ``components_down``
  (lists of component codes);
* ``component_leaders``: DataFrame ``component``, ``unit``, ``name_vi``, ``name_en``, ``value``;
* ``top`` / ``bottom``: DataFrames ``rank``, ``unit``, ``name_vi``, ``name_en``, ``value`` (best first /
  worst last), ``top_n`` rows each.

Changes across the 2025 reorganisation go through :class:`backend.reference.lineage.Lineage`
(``change_rule``: ``not_comparable`` or the labelled ``mean`` of predecessors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from backend.reference.lineage import Lineage
from backend.scoring.ranking import group_means, rank_series

COMPONENT_PREFIX = "component:"


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "ranked" not in frame.columns:
        frame["ranked"] = True
    frame["ranked"] = frame["ranked"].fillna(False).astype(bool)
    if "rank" not in frame.columns or frame["rank"].isna().all():
        frame["rank"] = rank_series(frame["value"], frame["ranked"])
    for col in ("grp", "region", "name_vi", "name_en"):
        if col not in frame.columns:
            frame[col] = None
    return frame


def _who(frame: pd.DataFrame, unit: Any, change: float) -> dict[str, Any]:
    return {
        "unit": unit,
        "name_vi": frame.at[unit, "name_vi"],
        "name_en": frame.at[unit, "name_en"],
        "change": float(change),
    }


def _extremes(frame: pd.DataFrame, changes: pd.Series) -> dict[str, Any]:
    if changes.empty:
        return {"count": 0, "largest": None, "smallest": None}
    ordered = changes.abs().sort_values(ascending=False, kind="stable")
    return {
        "count": len(changes),
        "largest": _who(frame, ordered.index[0], changes[ordered.index[0]]),
        "smallest": _who(frame, ordered.index[-1], changes[ordered.index[-1]]),
    }


def standard_summary(
    current: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    *,
    lineage: pd.DataFrame | None = None,
    change_rule: str = "not_comparable",
    top_n: int = 5,
) -> dict[str, Any]:
    """The yearly summary statistics (see the module docstring for the input and output shapes)."""
    cur = _prepare(current)
    ranked = cur[cur["ranked"]]
    average = float(ranked["value"].mean()) if len(ranked) else float("nan")
    out: dict[str, Any] = {"n_units": len(ranked), "average": average}
    above = ranked.index[ranked["value"] > average].tolist()
    out["above_average"] = {"count": len(above), "units": above}

    prev = _prepare(previous) if previous is not None else None
    prev_ranked = prev[prev["ranked"]] if prev is not None else None
    previous_average = float(prev_ranked["value"].mean()) if prev_ranked is not None and len(prev_ranked) else None
    out["previous_average"] = previous_average
    out["average_change"] = None if previous_average is None else average - previous_average

    # -- moves ------------------------------------------------------------------------------------
    if prev is not None:
        links = Lineage.from_frame(lineage)
        matched = links.previous_values(ranked["value"], prev["value"], change_rule)
        prev_rank = links.previous_values(ranked["rank"].astype(float), prev["rank"].astype(float), "not_comparable")
        matched["previous_rank"] = prev_rank["previous"]
    else:
        matched = pd.DataFrame(
            {"previous": np.nan, "change": np.nan, "comparable": False, "basis": "no_previous_year"},
            index=ranked.index,
        )
        matched["previous_rank"] = np.nan
    moves = pd.DataFrame(
        {
            "unit": ranked.index,
            "name_vi": ranked["name_vi"].to_numpy(),
            "name_en": ranked["name_en"].to_numpy(),
            "value": ranked["value"].to_numpy(dtype=float),
            "previous": matched["previous"].to_numpy(dtype=float),
            "change": matched["change"].to_numpy(dtype=float),
            "comparable": matched["comparable"].to_numpy(dtype=bool),
            "basis": matched["basis"].to_numpy(),
            "rank": ranked["rank"].to_numpy(dtype=float, na_value=np.nan),
            "previous_rank": matched["previous_rank"].to_numpy(dtype=float),
        }
    )
    moves["rank_change"] = moves["previous_rank"] - moves["rank"]
    moves = moves.sort_values(["change", "value"], ascending=[False, False], na_position="last", kind="stable")
    out["moves"] = moves.reset_index(drop=True)
    changes = pd.Series(moves["change"].to_numpy(), index=moves["unit"].to_numpy())
    valid = changes.dropna()
    out["rose"] = _extremes(cur, valid[valid > 0])
    out["fell"] = _extremes(cur, valid[valid < 0])
    out["unchanged"] = int((valid == 0).sum())
    out["not_comparable"] = int(changes.isna().sum())

    # -- groups -----------------------------------------------------------------------------------
    counts = ranked["grp"].dropna().value_counts()
    prev_counts = prev_ranked["grp"].dropna().value_counts() if prev_ranked is not None else pd.Series(dtype=int)
    codes = sorted(set(counts.index) | set(prev_counts.index))
    out["groups"] = pd.DataFrame(
        {
            "grp": codes,
            "count": [int(counts.get(c, 0)) for c in codes],
            "previous_count": [int(prev_counts.get(c, 0)) if prev is not None else None for c in codes],
        }
    )

    # -- regions ----------------------------------------------------------------------------------
    regions = group_means(ranked["value"], ranked["region"])
    if prev_ranked is not None:
        prev_regions = group_means(prev_ranked["value"], prev_ranked["region"])["average"]
        regions["previous_average"] = prev_regions.reindex(regions.index)
    else:
        regions["previous_average"] = np.nan
    regions["change"] = regions["average"] - regions["previous_average"]
    out["regions"] = regions.rename_axis("region").reset_index()

    # -- components -------------------------------------------------------------------------------
    comp_cols = [c for c in cur.columns if str(c).startswith(COMPONENT_PREFIX)]
    rows = []
    leaders = []
    for col in comp_cols:
        code = str(col)[len(COMPONENT_PREFIX) :]
        avg = float(ranked[col].mean()) if ranked[col].notna().any() else float("nan")
        prev_avg = (
            float(prev_ranked[col].mean())
            if prev_ranked is not None and col in prev_ranked.columns and prev_ranked[col].notna().any()
            else float("nan")
        )
        change = avg - prev_avg
        direction = "n/a" if np.isnan(change) else "up" if change > 0 else "down" if change < 0 else "unchanged"
        rows.append(
            {"component": code, "average": avg, "previous_average": prev_avg, "change": change, "direction": direction}
        )
        if ranked[col].notna().any():
            best = ranked[col].astype(float).idxmax()
            leaders.append(
                {
                    "component": code,
                    "unit": best,
                    "name_vi": cur.at[best, "name_vi"],
                    "name_en": cur.at[best, "name_en"],
                    "value": float(ranked[col].astype(float).max()),
                }
            )
    components = pd.DataFrame(rows, columns=["component", "average", "previous_average", "change", "direction"])
    out["components"] = components
    out["components_up"] = components.loc[components["direction"] == "up", "component"].tolist()
    out["components_down"] = components.loc[components["direction"] == "down", "component"].tolist()
    out["component_leaders"] = pd.DataFrame(leaders, columns=["component", "unit", "name_vi", "name_en", "value"])

    # -- top and bottom ---------------------------------------------------------------------------
    order = ranked.assign(_rank=ranked["rank"].astype(float)).sort_values(["_rank", "value"], ascending=[True, False])
    table = pd.DataFrame(
        {
            "rank": order["rank"].to_numpy(),
            "unit": order.index,
            "name_vi": order["name_vi"].to_numpy(),
            "name_en": order["name_en"].to_numpy(),
            "value": order["value"].to_numpy(dtype=float),
        }
    )
    out["top"] = table.head(top_n).reset_index(drop=True)
    out["bottom"] = table.tail(top_n).reset_index(drop=True)
    return out
