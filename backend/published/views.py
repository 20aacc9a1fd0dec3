"""Ready views of one published set for the overview, the map, the rankings and the comparison of units.

Pure: built from :class:`~backend.published.tables.SetTables` (this year and last year), the lineage and the
user's choices. Pages render them; they compute nothing themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.published.changes import Comparison, compare, with_changes
from backend.published.tables import MetricInfo, SetTables, percent_of_max, ranked_table
from backend.reference.lineage import Lineage
from backend.scoring.ranking import tied
from backend.scoring.summary import YearSummary, standard_summary


@dataclass(frozen=True)
class OverviewView:
    tables: SetTables
    comparison: Comparison
    summary: YearSummary


def overview_view(current: SetTables, previous: SetTables | None, lineage: Lineage) -> OverviewView:
    """National figure and change, groups, top and bottom, movers, regions and components of one set."""
    comparison = compare(current, previous, lineage)
    units = with_changes(current, comparison)
    prev_regions = None
    if previous is not None:
        prev_regions = previous.regions[previous.regions["metric"] == previous.info.index_code]
    summary = standard_summary(
        units,
        index_code=current.info.index_code,
        national=current.national,
        previous_national=previous.national if previous is not None else None,
        regions=current.regions[current.regions["metric"] == current.info.index_code],
        previous_regions=prev_regions,
        components=[(m.code, m.max_value) for m in current.components],
        grade_order=current.grade_order,
        decimals=current.precision.publish_decimals,
    )
    return OverviewView(current, comparison, summary)


@dataclass(frozen=True)
class MapView:
    """Per province: the chosen metric's value, its rank among ranked units, the index's change and group."""

    tables: SetTables
    comparison: Comparison
    metric: MetricInfo
    table: pd.DataFrame  # code, scope_code, unit_id, name_vi, name_en, value, rank, tied, change, basis, grp
    n_ranked: int

    @property
    def has_groups(self) -> bool:
        return self.metric.role == "index" and bool(self.table["grp"].notna().any())


def map_view(current: SetTables, previous: SetTables | None, lineage: Lineage, metric: str = "index") -> MapView:
    info = current.metric(metric)
    comparison = compare(current, previous, lineage)
    units = with_changes(current, comparison)
    column = current.column(info)
    rank = current.ranks_of(info)
    table = pd.DataFrame(
        {
            "code": units["code"],
            "scope_code": units["scope_code"],
            "unit_id": units["unit_id"],
            "name_vi": units["name_vi"],
            "name_en": units["name_en"],
            "value": units.get(column, np.nan),
            "rank": rank.to_numpy(),
            "change": units["change"] if info.role == "index" else np.nan,
            "basis": units["basis"],
            "grp": units["grp"] if info.role == "index" else None,
        }
    )
    table["rank"] = table["rank"].astype("Int64")
    table["tied"] = tied(table["rank"])
    return MapView(current, comparison, info, table, int(table["rank"].notna().sum()))


@dataclass(frozen=True)
class RankingView:
    """The ranking on the chosen metric (the published rank for the index, the one ranking otherwise)."""

    tables: SetTables
    comparison: Comparison
    metric: MetricInfo
    table: pd.DataFrame  # the unit table + sort_rank, sort_tied and the change columns

    @property
    def official_rank(self) -> bool:
        return self.metric.role == "index"

    @property
    def show_rank_change(self) -> bool:
        return self.official_rank and bool(self.table["rank_change"].notna().any())

    @property
    def show_change(self) -> bool:
        return self.official_rank and bool(self.table["change"].notna().any())

    @property
    def n_tied(self) -> int:
        return int(self.tables.units["tied"].sum())


def ranking_view(
    current: SetTables, previous: SetTables | None, lineage: Lineage, metric: str = "index"
) -> RankingView:
    info = current.metric(metric)
    comparison = compare(current, previous, lineage)
    base = with_changes(current, comparison).set_index("unit_id")
    ordered = ranked_table(current, info)
    extra = base.reindex(ordered["unit_id"].astype(int))
    for column in ("prev_value", "change", "prev_rank", "rank_change", "basis"):
        ordered[column] = extra[column].to_numpy()
    ordered["rank_change"] = ordered["rank_change"].astype("Int64")
    return RankingView(current, comparison, info, ordered)


@dataclass(frozen=True)
class CompareView:
    """Chosen units side by side on the index and every component."""

    tables: SetTables
    units: pd.DataFrame  # the chosen rows of the unit table, in the chosen order
    side: pd.DataFrame  # metric, label_vi, label_en, max_value, national, then one column per unit id
    percent: pd.DataFrame  # unit_id, metric, pct (value in % of its maximum)
    national_percent: dict[str, float]


def compare_view(current: SetTables, scope_codes: Sequence[str]) -> CompareView:
    chosen = [c for c in scope_codes if c in set(current.units["scope_code"])]
    units = current.units.set_index("scope_code").loc[chosen].reset_index()
    metrics = [current.index, *current.components]
    side = pd.DataFrame(
        {
            "metric": [m.code for m in metrics],
            "label_vi": [m.label_vi for m in metrics],
            "label_en": [m.label_en for m in metrics],
            "max_value": [m.max_value for m in metrics],
            "national": [current.national.get(m.code) for m in metrics],
        }
    )
    records = []
    for _, unit in units.iterrows():
        values = [unit.get(current.column(m)) for m in metrics]
        side[int(unit["unit_id"])] = pd.array(values, dtype="float64")
        for m, value in zip(metrics, values, strict=True):
            records.append(
                {"unit_id": int(unit["unit_id"]), "metric": m.code, "pct": percent_of_max(value, m.max_value)}
            )
    percent = pd.DataFrame(records, columns=["unit_id", "metric", "pct"])
    national_pct = {m.code: percent_of_max(current.national.get(m.code), m.max_value) for m in metrics}
    return CompareView(current, units, side, percent, national_pct)
