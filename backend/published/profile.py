"""The profile of one province or ministry in one published set, ready to show.

Score, rank out of N, every component against the national figure, the unit's region and the best unit,
strengths and weaknesses, the year-on-year change broken down by component ("why did my score change"), the
unit's history with its predecessors, and its successors. A unit asked for from another year's list (a
63-province code in 2025) is mapped to its successor or predecessor through the lineage, with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backend.published.changes import Comparison, compare, with_changes
from backend.published.tables import SetTables, percent_of_max
from backend.reference.lineage import Lineage

#: components shown as strengths / weaknesses
TOP_K = 3


@dataclass(frozen=True)
class ProfileView:
    tables: SetTables
    comparison: Comparison
    unit: dict[str, Any]  # the unit's line of the unit table, with its change columns
    mapped_from: int | None  # the unit id asked for, when it was mapped to this one through the lineage
    components: pd.DataFrame
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame
    breakdown: pd.DataFrame  # metric, value, prev_value, change
    additive: bool
    history: pd.DataFrame  # year, unit_id, value, rank, n_ranked, role (own | predecessor)
    predecessors: tuple[int, ...]
    successors: tuple[int, ...]

    @property
    def unit_id(self) -> int:
        return int(self.unit["unit_id"])


def resolve_unit(
    tables: SetTables, requested: str | None, all_units: pd.DataFrame, lineage: Lineage
) -> tuple[str | None, int | None]:
    """The unit of this set to show for a requested scope code (``province_63:15``): itself, else its
    successor or predecessor in this set's list (returned with the requested unit's id), else None."""
    options = dict(zip(tables.units["scope_code"], tables.units["unit_id"].astype(int), strict=False))
    if not requested or requested in options:
        return requested, None
    by_code = dict(zip(all_units["scope_code"], all_units["unit_id"].astype(int), strict=False))
    wanted = by_code.get(requested)
    if wanted is None:
        return None, None
    codes = dict(zip(all_units["unit_id"].astype(int), all_units["code"], strict=False))
    found = lineage.map_unit(wanted, set(options.values()), prefer=codes)
    if found is None:
        return None, None
    scope_of = {v: k for k, v in options.items()}
    return scope_of[found], wanted


def _components(tables: SetTables, position: int) -> pd.DataFrame:
    units = tables.units
    unit = units.iloc[position]
    records = []
    for metric in (tables.index, *tables.components):
        column = tables.column(metric)
        if column not in units:
            continue
        ranked_values = units[column].where(units["ranked"]).to_numpy(dtype=float)
        best = int(np.nanargmax(ranked_values)) if not np.isnan(ranked_values).all() else None
        ranks = tables.ranks_of(metric).to_numpy()
        records.append(
            {
                "metric": metric.code,
                "value": unit.get(column),
                "max_value": metric.max_value,
                "national": tables.national.get(metric.code),
                "region": tables.region_value(unit.get("region_code"), metric.code),
                "best": float(ranked_values[best]) if best is not None else np.nan,
                "best_unit_id": int(units["unit_id"].iloc[best]) if best is not None else None,
                "rank": ranks[position],
                "n_ranked": int((~np.isnan(ranked_values)).sum()),
            }
        )
    frame = pd.DataFrame(records)
    for column in ("value", "national", "region", "best"):
        frame[column + "_pct"] = [percent_of_max(v, m) for v, m in zip(frame[column], frame["max_value"], strict=False)]
    frame["gap_national"] = frame["value_pct"] - frame["national_pct"]
    return frame


def _breakdown(
    tables: SetTables, previous: SetTables | None, unit: pd.Series, prev_unit: Any
) -> tuple[pd.DataFrame, bool]:
    """Each component's value this year and last year (the matched unit) and the change; ``additive`` when
    the components add up to the index in both years (PAR area points), so the change is their sum."""
    columns = ["metric", "value", "prev_value", "change"]
    if previous is None or prev_unit is None or pd.isna(prev_unit):
        return pd.DataFrame(columns=columns), False
    prev_rows = previous.units[previous.units["unit_id"] == int(prev_unit)]
    if prev_rows.empty:
        return pd.DataFrame(columns=columns), False
    before = prev_rows.iloc[0]
    records = []
    for metric in tables.components:
        value, prev_value = unit.get(metric.code), before.get(metric.code)
        change = value - prev_value if value is not None and prev_value is not None else None
        records.append({"metric": metric.code, "value": value, "prev_value": prev_value, "change": change})
    frame = pd.DataFrame(records, columns=columns).astype({c: "float64" for c in columns[1:]})

    def adds_up(line: pd.Series) -> bool:
        parts = [line.get(m.code) for m in tables.components]
        if not parts or any(p is None or pd.isna(p) for p in parts) or pd.isna(line.get("value")):
            return False
        total = float(line["value"])
        return abs(total - float(sum(float(p) for p in parts if p is not None))) <= max(0.05, 0.001 * abs(total))

    return frame, adds_up(unit) and adds_up(before)


def history_frame(series: Sequence[SetTables], metric: str | None = None) -> pd.DataFrame:
    """One metric (default: the index) of every unit over the given sets: ``year``, ``unit_id``,
    ``scope_code``, ``value``, ``rank``, ``n_ranked``, ``n``."""
    frames = []
    for tables in series:
        column = tables.column(metric or tables.info.index_code)
        if column not in tables.units:
            continue
        units = tables.units
        frames.append(
            pd.DataFrame(
                {
                    "year": tables.info.year,
                    "unit_id": units["unit_id"].astype(int),
                    "scope_code": units["scope_code"],
                    "value": units[column].astype(float),
                    "rank": tables.ranks_of(column).to_numpy(),
                    "n_ranked": tables.n_ranked,
                    "n": units["n"],
                }
            )
        )
    columns = ["year", "unit_id", "scope_code", "value", "rank", "n_ranked", "n"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def profile_view(
    tables: SetTables,
    previous: SetTables | None,
    lineage: Lineage,
    scope_code: str,
    history: pd.DataFrame,
    mapped_from: int | None = None,
) -> ProfileView:
    """The profile of the unit ``scope_code`` of ``tables`` (see the module docstring)."""
    comparison = compare(tables, previous, lineage)
    units = with_changes(tables, comparison)
    position = int(np.flatnonzero((units["scope_code"] == scope_code).to_numpy())[0])
    unit = units.iloc[position]
    components = _components(tables, position)
    comps = components[(components["metric"] != tables.info.index_code) & components["gap_national"].notna()]
    breakdown, additive = _breakdown(tables, previous, unit, unit["prev_unit_id"])
    unit_id = int(unit["unit_id"])
    preds = lineage.predecessors(unit_id)
    own = history[history["unit_id"] == unit_id].assign(role="own")
    before = history[history["unit_id"].isin(preds)].assign(role="predecessor")
    hist = pd.concat([own, before], ignore_index=True).sort_values(["year", "role"], ascending=[False, True])
    return ProfileView(
        tables=tables,
        comparison=comparison,
        unit={str(k): v for k, v in unit.items()},
        mapped_from=mapped_from,
        components=components,
        strengths=comps[comps["gap_national"] > 0].nlargest(TOP_K, "gap_national").reset_index(drop=True),
        weaknesses=comps[comps["gap_national"] < 0].nsmallest(TOP_K, "gap_national").reset_index(drop=True),
        breakdown=breakdown,
        additive=additive,
        history=hist.reset_index(drop=True),
        predecessors=preds,
        successors=lineage.successors(unit_id),
    )
