"""The standard summary the ministry publishes every year (methodology.md §1.5, "standard statistics").

One home for it: the public overview, the leaders' panel and the annual report all print this.

Pure: a unit frame (one row per unit of year Y, with its change against Y-1 already matched through the
lineage) and the stored national and region figures in, a :class:`YearSummary` out. Input columns:

=====================  ===========================================================================
``unit_id``, ``code``  the unit; ``name_vi`` / ``name_en`` its names; ``region_code`` its region
``value``              the index (unrounded); ``ranked`` (bool), ``rank``, ``tied``, ``grp``
``change``             value − last year's (NaN when not comparable); ``rank_change`` (+ = moved up)
``<component code>``   one column per component (its points or %, with its maximum given separately)
=====================  ===========================================================================

Statistics: the national figure (as stored) and its change; the number of ranked units and how many are above
the national figure; how many rose, fell or stayed (decided on the change at the published precision: a
change that prints 0.00 is "unchanged"), the largest risers and fallers; group counts in the framework's
order; top and bottom units (ties at the edge all shown); region figures and their change; each
component's national figure, % of its maximum, change and direction, and its leading unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.scoring.precision import decision_keys

LIST_COLUMNS = ["unit_id", "code", "name_vi", "name_en", "value", "rank", "tied", "change", "rank_change"]


@dataclass(frozen=True)
class YearSummary:
    n_units: int
    n_ranked: int
    national: float | None
    previous_national: float | None
    national_change: float | None
    comparable: bool
    above_average: int
    rose: int
    fell: int
    unchanged: int
    not_comparable: int
    groups: dict[str, int]
    top: pd.DataFrame
    bottom: pd.DataFrame
    risers: pd.DataFrame
    fallers: pd.DataFrame
    regions: pd.DataFrame  # region_code, value, n, prev_value, change
    components: pd.DataFrame  # metric, value, max_value, pct, prev_value, change, direction
    component_leaders: pd.DataFrame  # metric, unit_id, name_vi, name_en, value

    @property
    def components_up(self) -> list[str]:
        return self.components.loc[self.components["direction"] == "up", "metric"].tolist()

    @property
    def components_down(self) -> list[str]:
        return self.components.loc[self.components["direction"] == "down", "metric"].tolist()


def _direction(change: float, decimals: int) -> str:
    if change is None or np.isnan(change):
        return "n/a"
    key = decision_keys([change], decimals)[0]
    return "up" if key > 0 else "down" if key < 0 else "unchanged"


def _groups(units: pd.DataFrame, grade_order: Sequence[str]) -> dict[str, int]:
    present = units["grp"].dropna()
    if present.empty:
        return {}
    counts = present.value_counts()
    order = list(grade_order) or sorted(counts.index)
    out = {g: int(counts.get(g, 0)) for g in order}
    other = int(present.size) - sum(out.values())
    if other:
        out["other"] = other
    return out


def _regions(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    cur = current[["region_code", "value", "n"]].copy()
    if previous is not None and not previous.empty:
        prev = previous[["region_code", "value"]].rename(columns={"value": "prev_value"})
        cur = cur.merge(prev, on="region_code", how="left")
    else:
        cur["prev_value"] = np.nan
    cur["change"] = cur["value"] - cur["prev_value"]
    return cur.reset_index(drop=True)


def _components(
    units: pd.DataFrame,
    components: Sequence[tuple[str, float | None]],
    national: Mapping[str, float],
    previous_national: Mapping[str, float] | None,
    decimals: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    records, leaders = [], []
    ranked = units[units["ranked"]]
    for metric, max_value in components:
        value = national.get(metric)
        before = (previous_national or {}).get(metric)
        change = value - before if value is not None and before is not None else np.nan
        pct = value / max_value * 100 if value is not None and max_value else value
        records.append(
            {
                "metric": metric,
                "value": value,
                "max_value": max_value,
                "pct": pct,
                "prev_value": before,
                "change": change,
                "direction": _direction(change, decimals),
            }
        )
        if metric in ranked and ranked[metric].notna().any():
            best = ranked.iloc[int(np.nanargmax(ranked[metric].to_numpy(dtype=float)))]
            leaders.append(
                {
                    "metric": metric,
                    "unit_id": int(best["unit_id"]),
                    "name_vi": best["name_vi"],
                    "name_en": best["name_en"],
                    "value": float(best[metric]),
                }
            )
    frame = pd.DataFrame(records, columns=["metric", "value", "max_value", "pct", "prev_value", "change", "direction"])
    numeric = {c: "float64" for c in ("value", "max_value", "pct", "prev_value", "change")}
    return frame.astype(numeric), pd.DataFrame(leaders, columns=["metric", "unit_id", "name_vi", "name_en", "value"])


def standard_summary(
    units: pd.DataFrame,
    *,
    index_code: str,
    national: Mapping[str, float],
    previous_national: Mapping[str, float] | None = None,
    regions: pd.DataFrame | None = None,
    previous_regions: pd.DataFrame | None = None,
    components: Sequence[tuple[str, float | None]] = (),
    grade_order: Sequence[str] = (),
    decimals: int = 2,
    top_n: int = 5,
    bottom_n: int = 3,
    movers_n: int = 3,
) -> YearSummary:
    """The yearly statistics (see the module docstring). ``regions``: stored region rows of the index
    (``region_code``, ``value``, ``n``); ``components``: (metric, maximum) pairs; ``decimals``: the published
    precision deciding rose / fell / unchanged."""
    value = national.get(index_code)
    before = (previous_national or {}).get(index_code)
    ranked = units[units["ranked"]]
    changes = units["change"] if "change" in units else pd.Series(np.nan, index=units.index)
    moved = units[changes.notna()]
    keys = decision_keys(moved["change"].to_numpy(dtype=float), decimals) if len(moved) else np.array([])
    columns = [c for c in LIST_COLUMNS if c in units.columns]
    comps, leaders = _components(units, components, national, previous_national, decimals)
    empty = pd.DataFrame(columns=columns)
    return YearSummary(
        n_units=len(units),
        n_ranked=len(ranked),
        national=value,
        previous_national=before,
        national_change=value - before if value is not None and before is not None else None,
        comparable=not moved.empty,
        above_average=int((ranked["value"] > value).sum()) if value is not None else 0,
        rose=int((keys > 0).sum()),
        fell=int((keys < 0).sum()),
        unchanged=int((keys == 0).sum()),
        not_comparable=int(units["change"].isna().sum()) if "change" in units else len(units),
        groups=_groups(units, grade_order),
        top=ranked.nsmallest(top_n, "rank", keep="all")[columns].reset_index(drop=True),
        bottom=ranked.nlargest(bottom_n, "rank", keep="all")[columns].sort_values("rank").reset_index(drop=True),
        risers=moved[moved["change"] > 0].nlargest(movers_n, "change")[columns].reset_index(drop=True)
        if not moved.empty
        else empty,
        fallers=moved[moved["change"] < 0].nsmallest(movers_n, "change")[columns].reset_index(drop=True)
        if not moved.empty
        else empty,
        regions=_regions(regions, previous_regions)
        if regions is not None
        else pd.DataFrame(columns=["region_code", "value", "n", "prev_value", "change"]),
        components=comps,
        component_leaders=leaders,
    )
