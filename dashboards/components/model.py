"""Pure data shaping for the public pages: result rows in, tidy tables out (no Streamlit, no I/O).

Conventions of the input frames (see backend/services/public_query.py):

* ``rows``: result rows of one result set (``scope`` unit/region/national, ``scope_code``, ``unit_id``,
  ``metric``, ``value``, ``max_value``, ``ci_low``/``ci_high``, ``rank``/``rank_low``/``rank_high``, ``grp``,
  ``n``);
* ``units``: the unit table (``unit_id``, ``kind``, ``code``, ``name_vi``, ``name_en``, ``region_code``,
  ``par_ranked`` …);
* ``sets``: result-set catalogue rows (``id``, ``index_code``, ``year``, ``unit_scope``, ``framework_code`` …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Method changes known from the legal lineage (docs: methodology.md §0): evaluation year -> instrument.
KNOWN_METHOD_BREAKS: dict[str, dict[int, str]] = {
    "PAR_INDEX": {2017: "2948/QĐ-BNV", 2020: "1149/QĐ-BNV", 2022: "876/QĐ-BNV"},
    "SIPAS": {2017: "2640/QĐ-BNV", 2022: "SIPAS 2022+ (1001/QĐ-BNV)"},
}
MERGE_RULES = ("not_comparable", "mean", "weighted")
LINEAGE_FORWARD = ("merged_into", "continues", "renamed")


def natural_key(text: str) -> tuple[Any, ...]:
    """``A2`` before ``A10``; used to order component codes."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def component_metrics(metrics: Iterable[str], index_code: str) -> tuple[list[str], list[str]]:
    """(main components, further figures) of an index, in a stable natural order.

    PAR INDEX: areas (``PAR_INDEX.area.*``) are the components; blocks and published columns are further
    figures. SIPAS: the two areas (policy, services) are the components; groups, elements and contents are
    further figures.
    """
    present = sorted({m for m in metrics if m != index_code and m.startswith(index_code + ".")}, key=natural_key)
    if index_code == "PAR_INDEX":
        main = [m for m in present if m.startswith("PAR_INDEX.area.")]
    else:
        main = [m for m in present if m in ("SIPAS.policy", "SIPAS.services")]
    detail = [m for m in present if m not in main]
    return main, detail


def metric_suffix(metric: str) -> str:
    return metric.rsplit(".", 1)[-1]


def metric_labels(
    metrics: Iterable[str], criteria: pd.DataFrame | None, lang: str, fallback: dict[str, str] | None = None
) -> dict[str, str]:
    """Display names of metrics: the framework's criterion name (matched on the code after the last dot),
    else a catalogue name (``fallback``), else the metric code itself."""
    fallback = fallback or {}
    by_code: dict[str, str] = {}
    if criteria is not None and not criteria.empty:
        column = "name_vi" if lang == "vi" else "name_en"
        for code, name in zip(criteria["code"], criteria[column], strict=False):
            by_code.setdefault(str(code), str(name))
    labels = {}
    for metric in metrics:
        parts = metric.split(".", 2)
        candidates = [parts[2]] if len(parts) == 3 else []  # PAR_INDEX.criterion.A1.APP -> A1.APP
        candidates.append(metric_suffix(metric))  # SIPAS.policy.content.C2 -> C2
        code = next((c for c in candidates if c in by_code), None)
        if metric in fallback:
            labels[metric] = fallback[metric]
        elif code is not None:
            labels[metric] = f"{code}. {by_code[code]}" if re.fullmatch(r"[A-Z]+\d+(\.\w+)?", code) else by_code[code]
        else:
            labels[metric] = metric
    return labels


def unit_name_column(lang: str) -> str:
    return "name_vi" if lang == "vi" else "name_en"


# ---- one result set ------------------------------------------------------------------------------------

UNIT_TABLE_BASE = [
    "unit_id",
    "scope_code",
    "kind",
    "code",
    "name_vi",
    "name_en",
    "region_code",
    "par_ranked",
    "value",
    "max_value",
    "ci_low",
    "ci_high",
    "rank",
    "rank_low",
    "rank_high",
    "grp",
    "n",
    "tied",
    "ranked",
]


def unit_table(rows: pd.DataFrame, units: pd.DataFrame, index_code: str) -> pd.DataFrame:
    """One line per unit: the index with its interval, rank and group, then one column per other metric.

    ``tied`` marks units sharing their rank; ``ranked`` is False for units that are assessed but not ranked
    (they keep their score and show "not ranked"). Ordered by rank, unranked units last, then by code.
    """
    unit_rows = rows[rows["scope"] == "unit"]
    main = unit_rows[unit_rows["metric"] == index_code]
    base = main[
        [
            "unit_id",
            "scope_code",
            "value",
            "max_value",
            "ci_low",
            "ci_high",
            "rank",
            "rank_low",
            "rank_high",
            "grp",
            "n",
        ]
    ].copy()
    meta = units[["unit_id", "kind", "code", "name_vi", "name_en", "region_code", "par_ranked"]]
    table = base.merge(meta, on="unit_id", how="left")
    others = unit_rows[unit_rows["metric"] != index_code]
    if not others.empty:
        wide = others.pivot_table(index="unit_id", columns="metric", values="value", aggfunc="first")
        wide.columns = [str(c) for c in wide.columns]
        table = table.merge(wide, left_on="unit_id", right_index=True, how="left")
    table["ranked"] = table["rank"].notna()
    counts = table.loc[table["ranked"], "rank"].value_counts()
    table["tied"] = table["rank"].map(lambda r: bool(pd.notna(r) and counts.get(r, 0) > 1)).astype(bool)
    table = table.sort_values(["ranked", "rank", "code"], ascending=[False, True, True], na_position="last")
    ordered = [c for c in UNIT_TABLE_BASE if c in table.columns]
    rest = sorted([c for c in table.columns if c not in ordered], key=natural_key)
    return table[ordered + rest].reset_index(drop=True)


def ranked_count(table: pd.DataFrame) -> int:
    return int(table["ranked"].sum()) if "ranked" in table else 0


def national_values(rows: pd.DataFrame) -> dict[str, float]:
    nat = rows[rows["scope"] == "national"]
    return {str(m): float(v) for m, v in zip(nat["metric"], nat["value"], strict=False) if pd.notna(v)}


def region_values(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    reg = rows[(rows["scope"] == "region") & (rows["metric"] == metric)]
    return reg[["scope_code", "value", "n"]].rename(columns={"scope_code": "region_code"}).reset_index(drop=True)


def max_values(rows: pd.DataFrame) -> dict[str, float]:
    data = rows.dropna(subset=["max_value"]).drop_duplicates("metric")
    return {str(m): float(v) for m, v in zip(data["metric"], data["max_value"], strict=False)}


def computed_ranks(values: pd.Series) -> pd.Series:
    """Competition ranks (1 = best, ties share the smaller rank) of a component; NaN stays unranked."""
    return values.rank(method="min", ascending=False).astype("Int64")


def rank_by(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The table ranked on ``metric``: the published rank for the index, a computed rank for a component
    (among ranked units only), with ties flagged."""
    out = table.copy()
    if metric in ("value",):
        out["sort_rank"] = out["rank"]
    else:
        values = out[metric].where(out["ranked"])
        out["sort_rank"] = computed_ranks(values)
    counts = out["sort_rank"].value_counts()
    out["sort_tied"] = out["sort_rank"].map(lambda r: bool(pd.notna(r) and counts.get(r, 0) > 1)).astype(bool)
    return out.sort_values(["sort_rank", "code"], na_position="last").reset_index(drop=True)


# ---- comparisons between years ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparability:
    comparable: bool
    reason: str  # "" | "units_changed" | "no_previous" | "method_changed"
    method_changed: bool = False


def comparability(current: pd.Series | None, previous: pd.Series | None, units_changed: bool) -> Comparability:
    """Whether figures of ``previous`` set may be set beside ``current`` unit by unit."""
    if current is None or previous is None:
        return Comparability(False, "no_previous")
    method_changed = str(current.get("framework_code")) != str(previous.get("framework_code"))
    if units_changed:
        return Comparability(False, "units_changed", method_changed)
    return Comparability(True, "method_changed" if method_changed else "", method_changed)


def with_changes(
    current: pd.DataFrame, previous: pd.DataFrame | None, comparable: bool, lineage: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Adds ``prev_value``, ``change``, ``prev_rank``, ``rank_change`` (positive = moved up) and ``basis``.

    A unit is matched with itself in the previous year, or, when ``lineage`` is given and the unit is new,
    with its only predecessor present in the previous year (a province that continues unchanged, or a
    renamed unit: basis ``lineage``). A unit formed from several predecessors gets no change (basis
    ``merged``). Rank changes are only given when both years rank the same number of units (63 → 34 ranks
    are not comparable). Not comparable → all NA."""
    out = current.copy()
    if previous is None or not comparable or previous.empty:
        out["prev_value"] = np.nan
        out["change"] = np.nan
        out["prev_rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["rank_change"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["basis"] = ""
        out["prev_unit_id"] = pd.array([pd.NA] * len(out), dtype="Int64")
        return out
    prev_value = dict(zip(previous["unit_id"], previous["value"], strict=False))
    prev_rank = dict(zip(previous["unit_id"], previous["rank"], strict=False))
    preds = predecessors_map(lineage) if lineage is not None else {}
    values, ranks, basis, sources = [], [], [], []
    for unit_id in out["unit_id"]:
        if unit_id in prev_value:
            source, how = unit_id, "same_unit"
        else:
            present = [p for p in preds.get(int(unit_id), []) if p in prev_value]
            source, how = (present[0], "lineage") if len(present) == 1 else (None, "merged" if present else "new")
        values.append(prev_value.get(source, np.nan) if source is not None else np.nan)
        ranks.append(prev_rank.get(source, pd.NA) if source is not None else pd.NA)
        basis.append(how)
        sources.append(source)
    out["prev_value"] = pd.array(values, dtype="float64")
    out["prev_rank"] = pd.array([None if pd.isna(r) else int(r) for r in ranks], dtype="Int64")
    out["basis"] = basis
    out["prev_unit_id"] = pd.array([None if s is None else int(s) for s in sources], dtype="Int64")
    out["change"] = out["value"] - out["prev_value"]
    same_size = int(previous["rank"].notna().sum()) == int(current["rank"].notna().sum())
    if same_size:
        out["rank_change"] = (out["prev_rank"] - out["rank"]).astype("Int64")
    else:
        out["rank_change"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out


def component_changes(
    current_rows: pd.DataFrame,
    previous_rows: pd.DataFrame | None,
    scope_code: str,
    metrics: Sequence[str],
    previous_scope_code: str | None = None,
) -> pd.DataFrame:
    """Value of each metric for one scope (unit code, region or ``VN``) in both years and the change; the
    unit may have had another code the year before (``previous_scope_code``, e.g. across the 2025 list)."""

    def values(rows: pd.DataFrame | None, code: str) -> dict[str, float]:
        if rows is None or rows.empty:
            return {}
        sel = rows[rows["scope_code"] == code]
        return {str(m): float(v) for m, v in zip(sel["metric"], sel["value"], strict=False) if pd.notna(v)}

    cur, prev = values(current_rows, scope_code), values(previous_rows, previous_scope_code or scope_code)
    records = []
    for metric in metrics:
        c, p = cur.get(metric), prev.get(metric)
        records.append(
            {
                "metric": metric,
                "value": c,
                "prev_value": p,
                "change": (c - p) if c is not None and p is not None else None,
            }
        )
    frame = pd.DataFrame(records, columns=["metric", "value", "prev_value", "change"])
    return frame.astype({"value": "float64", "prev_value": "float64", "change": "float64"})


def is_additive(current_rows: pd.DataFrame, scope_code: str, index_code: str, components: Sequence[str]) -> bool:
    """True when the components add up to the index for this scope (PAR INDEX area points with a maximum of
    100), so a year-on-year change can be shown as a waterfall of component contributions."""
    sel = current_rows[current_rows["scope_code"] == scope_code].set_index("metric")["value"]
    if index_code not in sel or not components or any(c not in sel for c in components):
        return False
    total = float(sel[index_code])
    parts = float(sel[list(components)].sum())
    return bool(abs(total - parts) <= max(0.05, 0.001 * abs(total)))


# ---- profiles ----------------------------------------------------------------------------------------------


def percent_of_max(value: Any, max_value: Any) -> float:
    if value is None or pd.isna(value):
        return float("nan")
    if max_value is None or pd.isna(max_value) or float(max_value) in (0.0, 100.0):
        return float(value)
    return float(value) / float(max_value) * 100.0


def profile_components(
    rows: pd.DataFrame, table: pd.DataFrame, unit_id: int, components: Sequence[str], index_code: str
) -> pd.DataFrame:
    """For one unit: each component (and the index) against the national average, its region's average and
    the best unit, in the metric's own unit and in % of its maximum, with its rank among ranked units."""
    unit = table[table["unit_id"] == unit_id]
    if unit.empty:
        return pd.DataFrame()
    unit_row = unit.iloc[0]
    region = unit_row.get("region_code")
    national = national_values(rows)
    maxima = max_values(rows)
    records = []
    for metric in [index_code, *components]:
        column = "value" if metric == index_code else metric
        if column not in table:
            continue
        values = table[column]
        ranked_values = values.where(table["ranked"])
        best_pos = ranked_values.idxmax() if ranked_values.notna().any() else None
        reg = region_values(rows, metric)
        reg_value = reg.loc[reg["region_code"] == region, "value"]
        max_value = maxima.get(metric)
        value = unit_row.get(column)
        rank = computed_ranks(ranked_values).loc[unit.index[0]] if metric != index_code else unit_row.get("rank")
        records.append(
            {
                "metric": metric,
                "value": value,
                "max_value": max_value,
                "national": national.get(metric),
                "region": float(reg_value.iloc[0]) if not reg_value.empty else np.nan,
                "best": float(values.loc[best_pos]) if best_pos is not None else np.nan,
                "best_unit_id": int(table.loc[best_pos, "unit_id"]) if best_pos is not None else None,
                "rank": rank,
                "n_ranked": int(ranked_values.notna().sum()),
            }
        )
    frame = pd.DataFrame(records)
    for column in ("value", "national", "region", "best"):
        frame[column + "_pct"] = [percent_of_max(v, m) for v, m in zip(frame[column], frame["max_value"], strict=False)]
    frame["gap_national"] = frame["value_pct"] - frame["national_pct"]
    return frame


def strengths_weaknesses(profile: pd.DataFrame, index_code: str, k: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Components furthest above (strengths) and below (weaknesses) the national average, in % of maximum."""
    comps = profile[(profile["metric"] != index_code) & profile["gap_national"].notna()]
    strengths = comps[comps["gap_national"] > 0].nlargest(k, "gap_national")
    weaknesses = comps[comps["gap_national"] < 0].nsmallest(k, "gap_national")
    return strengths.reset_index(drop=True), weaknesses.reset_index(drop=True)


# ---- histories and trends ---------------------------------------------------------------------------------


def predecessors_map(lineage: pd.DataFrame) -> dict[int, list[int]]:
    """new unit id -> ids of units that merged into / continue as / were renamed to it (self links dropped)."""
    links = lineage[lineage["relation"].isin(LINEAGE_FORWARD) & (lineage["old_unit_id"] != lineage["new_unit_id"])]
    out: dict[int, list[int]] = {}
    for old, new in zip(links["old_unit_id"], links["new_unit_id"], strict=False):
        out.setdefault(int(new), []).append(int(old))
    return out


def successors_map(lineage: pd.DataFrame) -> dict[int, list[int]]:
    links = lineage[lineage["relation"].isin(LINEAGE_FORWARD) & (lineage["old_unit_id"] != lineage["new_unit_id"])]
    out: dict[int, list[int]] = {}
    for old, new in zip(links["old_unit_id"], links["new_unit_id"], strict=False):
        out.setdefault(int(old), []).append(int(new))
    return out


def unit_series(
    history: pd.DataFrame,
    unit_ids: Sequence[int],
    lineage: pd.DataFrame,
    rule: str = "not_comparable",
) -> pd.DataFrame:
    """Per selected unit, its value per year; across a merger, either nothing (``not_comparable``) or an
    aggregate of its predecessors for the years before it existed: ``mean`` (simple mean) or ``weighted``
    (mean weighted by the number of valid forms ``n``; falls back to the simple mean when ``n`` is missing,
    and says so in ``rule_used``).

    ``history``: unit rows of one metric over years (``year``, ``unit_id``, ``value``, ``n``, ``rank``,
    ``n_ranked``). Returns ``unit_id``, ``year``, ``value``, ``rank``, ``n_ranked``, ``source``
    (``own`` | ``aggregate``), ``rule_used``, ``members`` (predecessor ids aggregated).
    """
    if rule not in MERGE_RULES:
        raise ValueError(f"unknown merge rule {rule!r}")
    preds = predecessors_map(lineage)
    records: list[dict[str, Any]] = []
    for unit_id in unit_ids:
        own = history[history["unit_id"] == unit_id]
        for rec in own.itertuples(index=False):
            records.append(
                {
                    "unit_id": unit_id,
                    "year": int(rec.year),
                    "value": rec.value,
                    "rank": rec.rank,
                    "n_ranked": getattr(rec, "n_ranked", None),
                    "source": "own",
                    "rule_used": "",
                    "members": (),
                }
            )
        if rule == "not_comparable" or unit_id not in preds:
            continue
        own_years = set(own["year"].astype(int))
        members = preds[unit_id]
        before = history[history["unit_id"].isin(members) & ~history["year"].isin(own_years)]
        for year, group in before.groupby("year"):
            group = group.dropna(subset=["value"])
            if group.empty:
                continue
            used = rule
            if rule == "weighted" and group["n"].notna().all() and float(group["n"].sum()) > 0:
                value = float(np.average(group["value"].astype(float), weights=group["n"].astype(float)))
            else:
                used = "mean" if rule == "mean" else "mean_fallback"
                value = float(group["value"].astype(float).mean())
            records.append(
                {
                    "unit_id": unit_id,
                    "year": int(year),  # type: ignore[arg-type]
                    "value": value,
                    "rank": pd.NA,
                    "n_ranked": None,
                    "source": "aggregate",
                    "rule_used": used,
                    "members": tuple(int(m) for m in group["unit_id"]),
                }
            )
    columns = ["unit_id", "year", "value", "rank", "n_ranked", "source", "rule_used", "members"]
    frame = pd.DataFrame(records, columns=columns)
    return frame.sort_values(["unit_id", "year"]).reset_index(drop=True)


@dataclass(frozen=True)
class Break:
    year: int
    kind: str  # "method" | "units"
    label: str


def breaks_for(
    sets: pd.DataFrame, lineage: pd.DataFrame, units: pd.DataFrame, index_code: str, scope: str
) -> list[Break]:
    """Where a trend line must carry a marker: method changes (a different framework between consecutive
    years, or a known legal change) and unit changes (a merger taking effect in that evaluation year)."""
    sel = sets[(sets["index_code"] == index_code) & (sets["unit_scope"] == scope)].sort_values("year")
    years = [int(y) for y in sel["year"]]
    if not years:
        return []
    lo, hi = min(years), max(years)
    found: dict[tuple[int, str], str] = {}
    previous = None
    for _, row in sel.iterrows():
        if previous is not None and row["framework_code"] != previous["framework_code"]:
            found[(int(row["year"]), "method")] = str(row.get("legal_basis") or row["framework_code"])
        previous = row
    for year, label in KNOWN_METHOD_BREAKS.get(index_code, {}).items():
        if lo < year <= hi:
            found.setdefault((year, "method"), label)
    kinds = ("province_63", "province_34") if scope == "province" else ("ministry",)
    kind_of = dict(zip(units["unit_id"], units["kind"], strict=False))
    merged = lineage[
        lineage["relation"].isin(("merged_into", "continues")) & (lineage["old_unit_id"] != lineage["new_unit_id"])
    ]
    for old, effective in zip(merged["old_unit_id"], merged["effective"], strict=False):
        if kind_of.get(int(old)) in kinds:
            year = pd.Timestamp(effective).year
            if lo < year <= hi:
                found.setdefault((year, "units"), "")
    return [Break(year, kind, label) for (year, kind), label in sorted(found.items())]


def history_frame(sets: pd.DataFrame, rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Rows of one metric across the given sets, with the set's year: unit rows plus ``n_ranked``."""
    year_of = dict(zip(sets["id"], sets["year"], strict=False))
    sel = rows[rows["metric"] == metric].copy()
    sel["year"] = sel["result_set_id"].map(year_of).astype("int64")
    unit = sel[sel["scope"] == "unit"].copy()
    n_ranked = unit.groupby("year")["rank"].count()
    unit["n_ranked"] = unit["year"].map(n_ranked)
    return unit


def national_series(sets: pd.DataFrame, rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    year_of = dict(zip(sets["id"], sets["year"], strict=False))
    nat = rows[(rows["scope"] == "national") & (rows["metric"] == metric)].copy()
    nat["year"] = nat["result_set_id"].map(year_of).astype("int64")
    return nat[["year", "value", "n"]].sort_values("year").reset_index(drop=True)
