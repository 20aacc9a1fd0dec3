"""The ministry's standard summary of a published year (what the BNV summary report repeats every year):
national average and its change, units above the average, how many rose and fell with the largest moves,
group counts, top and bottom units, region averages and their change, and how each component moved.

Pure: unit tables (from :func:`dashboards.components.model.unit_table`) and result rows in, a
:class:`Summary` out. When the scoring engine's ``backend.scoring.summary`` is available the data layer may
use it instead; this module is the public app's own implementation of the same statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboards.components.model import national_values, region_values, with_changes

GROUP_ORDER = ("A", "B", "C")


@dataclass
class Summary:
    n_units: int
    n_ranked: int
    national: float | None
    national_prev: float | None
    national_change: float | None
    comparable: bool
    above_average: int
    rose: int = 0
    fell: int = 0
    unchanged: int = 0
    not_comparable: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    top: pd.DataFrame = field(default_factory=pd.DataFrame)
    bottom: pd.DataFrame = field(default_factory=pd.DataFrame)
    risers: pd.DataFrame = field(default_factory=pd.DataFrame)
    fallers: pd.DataFrame = field(default_factory=pd.DataFrame)
    regions: pd.DataFrame = field(default_factory=pd.DataFrame)
    components: pd.DataFrame = field(default_factory=pd.DataFrame)


def standard_summary(
    current: pd.DataFrame,
    current_rows: pd.DataFrame,
    index_code: str,
    components: Sequence[str],
    previous: pd.DataFrame | None = None,
    previous_rows: pd.DataFrame | None = None,
    *,
    comparable: bool = False,
    top_n: int = 5,
    bottom_n: int = 3,
    movers_n: int = 3,
) -> Summary:
    """The standard statistics of one year, compared with the previous year where units are comparable.

    The national change is given whenever the previous year has a national figure (a national average stays
    a national average across the 63 → 34 change); unit-level moves (rose / fell, risers, fallers) only when
    ``comparable``.
    """
    national = national_values(current_rows).get(index_code)
    national_prev = national_values(previous_rows).get(index_code) if previous_rows is not None else None
    national_change = national - national_prev if national is not None and national_prev is not None else None
    table = with_changes(current, previous, comparable)
    ranked = table[table["ranked"]]
    above = int((table["value"] > national).sum()) if national is not None else 0
    summary = Summary(
        n_units=len(table),
        n_ranked=len(ranked),
        national=national,
        national_prev=national_prev,
        national_change=national_change,
        comparable=comparable and previous is not None,
        above_average=above,
    )
    if "grp" in table and table["grp"].notna().any():
        counts = table["grp"].value_counts()
        summary.groups = {g: int(counts.get(g, 0)) for g in GROUP_ORDER}
        others = int(table["grp"].notna().sum()) - sum(summary.groups.values())
        if others:
            summary.groups["other"] = others
    cols = ["unit_id", "code", "name_vi", "name_en", "value", "rank", "tied", "change", "rank_change"]
    summary.top = ranked.nsmallest(top_n, "rank", keep="all")[cols].reset_index(drop=True)
    summary.bottom = ranked.nlargest(bottom_n, "rank", keep="all")[cols].sort_values("rank").reset_index(drop=True)
    if summary.comparable:
        moved = table.dropna(subset=["change"])
        summary.rose = int((moved["change"] > 0.005).sum())
        summary.fell = int((moved["change"] < -0.005).sum())
        summary.unchanged = len(moved) - summary.rose - summary.fell
        summary.risers = moved[moved["change"] > 0].nlargest(movers_n, "change")[cols].reset_index(drop=True)
        summary.fallers = moved[moved["change"] < 0].nsmallest(movers_n, "change")[cols].reset_index(drop=True)
    summary.regions = _regions(current_rows, previous_rows, index_code)
    summary.components = _components(current_rows, previous_rows, components)
    return summary


def _regions(current_rows: pd.DataFrame, previous_rows: pd.DataFrame | None, index_code: str) -> pd.DataFrame:
    cur = region_values(current_rows, index_code)[["region_code", "value", "n"]]
    if previous_rows is not None and not previous_rows.empty:
        prev = region_values(previous_rows, index_code)[["region_code", "value"]].rename(
            columns={"value": "prev_value"}
        )
        cur = cur.merge(prev, on="region_code", how="left")
    else:
        cur["prev_value"] = float("nan")
    cur["change"] = cur["value"] - cur["prev_value"]
    return cur


def _components(
    current_rows: pd.DataFrame, previous_rows: pd.DataFrame | None, components: Sequence[str]
) -> pd.DataFrame:
    """National value of each component, in its own unit and in % of its maximum, and its change."""
    cur = national_values(current_rows)
    prev = national_values(previous_rows) if previous_rows is not None else {}
    maxima = current_rows.dropna(subset=["max_value"]).drop_duplicates("metric").set_index("metric")["max_value"]
    records = []
    for metric in components:
        value, before = cur.get(metric), prev.get(metric)
        max_value = float(maxima[metric]) if metric in maxima.index else None
        records.append(
            {
                "metric": metric,
                "value": value,
                "prev_value": before,
                "change": value - before if value is not None and before is not None else None,
                "max_value": max_value,
                "pct": value / max_value * 100 if value is not None and max_value else value,
            }
        )
    return pd.DataFrame(records, columns=["metric", "value", "prev_value", "change", "max_value", "pct"]).astype(
        {"value": "float64", "prev_value": "float64", "change": "float64", "pct": "float64"}
    )


def _scoring_frame(table: pd.DataFrame, rows: pd.DataFrame, components: Sequence[str]) -> pd.DataFrame:
    """A unit table in the input shape of backend.scoring.summary (index = unit id, components in %)."""
    maxima = rows.dropna(subset=["max_value"]).drop_duplicates("metric").set_index("metric")["max_value"]
    frame = pd.DataFrame(
        {
            "value": table["value"].astype(float).to_numpy(),
            "ranked": table["ranked"].astype(bool).to_numpy(),
            "rank": table["rank"].astype("Float64").to_numpy(dtype=float, na_value=float("nan")),
            "grp": table["grp"].to_numpy(),
            "region": table["region_code"].to_numpy(),
            "name_vi": table["name_vi"].to_numpy(),
            "name_en": table["name_en"].to_numpy(),
        },
        index=table["unit_id"].astype(int).to_numpy(),
    )
    for metric in components:
        if metric in table:
            scale = float(maxima.get(metric, 100.0) or 100.0)
            frame[f"component:{metric}"] = table[metric].astype(float).to_numpy() / scale * 100.0
    return frame


def scoring_summary(
    current: pd.DataFrame,
    current_rows: pd.DataFrame,
    index_code: str,
    components: Sequence[str],
    previous: pd.DataFrame | None = None,
    previous_rows: pd.DataFrame | None = None,
    *,
    comparable: bool = False,
    lineage: pd.DataFrame | None = None,
    top_n: int = 5,
    bottom_n: int = 3,
    movers_n: int = 3,
) -> Summary:
    """The same :class:`Summary`, with the unit-level statistics (above average, rose / fell, risers and
    fallers, group counts, region averages) from the scoring engine's ``backend.scoring.summary``, so the
    public app and the ministry's report count the same way. Across the 2025 reorganisation units are
    matched through the lineage (a unit that continues, or has a single predecessor, is compared; merged
    units are not comparable). Rank changes are only given when the number of units is the same."""
    from backend.scoring.summary import standard_summary as engine_summary

    base = standard_summary(
        current,
        current_rows,
        index_code,
        components,
        previous,
        previous_rows,
        comparable=comparable,
        top_n=top_n,
        bottom_n=bottom_n,
        movers_n=movers_n,
    )
    links = lineage if lineage is not None and not lineage.empty else None
    prev_frame = (
        _scoring_frame(previous, previous_rows, components)
        if previous is not None and previous_rows is not None
        else None
    )
    out = engine_summary(_scoring_frame(current, current_rows, components), prev_frame, lineage=links)
    base.n_ranked = int(out["n_units"])
    if base.national is None:
        base.national = float(out["average"])
    base.above_average = int(out["above_average"]["count"])
    groups = out["groups"]
    if not groups.empty:
        counts = dict(zip(groups["grp"], groups["count"], strict=False))
        base.groups = {g: int(counts.get(g, 0)) for g in GROUP_ORDER}
        other = sum(int(c) for g, c in counts.items() if g not in GROUP_ORDER)
        if other:
            base.groups["other"] = other
    regions = out["regions"].rename(
        columns={"region": "region_code", "average": "value", "previous_average": "prev_value"}
    )
    if not regions.empty:
        base.regions = regions[["region_code", "value", "n", "prev_value", "change"]]
    moves = out["moves"]
    compared = moves[moves["comparable"]]
    if prev_frame is None or compared.empty:
        return base
    same_size = previous is not None and len(previous) == len(current)
    info = current.set_index("unit_id")
    cols = ["unit_id", "code", "name_vi", "name_en", "value", "rank", "tied", "change", "rank_change"]

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        picked = pd.DataFrame(
            {
                "unit_id": frame["unit"].astype(int).to_numpy(),
                "code": info.loc[frame["unit"], "code"].to_numpy(),
                "name_vi": frame["name_vi"].to_numpy(),
                "name_en": frame["name_en"].to_numpy(),
                "value": frame["value"].to_numpy(),
                "rank": info.loc[frame["unit"], "rank"].to_numpy(),
                "tied": info.loc[frame["unit"], "tied"].to_numpy(),
                "change": frame["change"].to_numpy(),
                "rank_change": frame["rank_change"].to_numpy() if same_size else [float("nan")] * len(frame),
            }
        )
        picked["rank_change"] = pd.array(picked["rank_change"].round(), dtype="Int64")
        return picked[cols].reset_index(drop=True)

    base.comparable = True
    base.rose = int(out["rose"]["count"])
    base.fell = int(out["fell"]["count"])
    base.unchanged = int(out["unchanged"])
    base.not_comparable = int(out["not_comparable"])
    change_of = dict(zip(compared["unit"].astype(int), compared["change"], strict=False))
    rank_change_of = dict(zip(compared["unit"].astype(int), compared["rank_change"], strict=False))
    for name in ("top", "bottom"):
        frame = getattr(base, name)
        if not frame.empty:
            frame = frame.copy()
            frame["change"] = frame["unit_id"].map(change_of).astype("float64")
            ranks = frame["unit_id"].map(rank_change_of) if same_size else pd.Series([float("nan")] * len(frame))
            frame["rank_change"] = pd.array(pd.to_numeric(ranks, errors="coerce").round(), dtype="Int64")
            setattr(base, name, frame)
    base.risers = pick(compared[compared["change"] > 0].nlargest(movers_n, "change"))
    base.fallers = pick(compared[compared["change"] < 0].nsmallest(movers_n, "change"))
    return base
