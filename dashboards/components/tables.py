"""Table builders: read-model frames in, display frames with localised headers out, plus a Styler that shows
numbers in the reader's format while the cells stay numeric (sortable). Pure (no Streamlit, no I/O), no rule:
ranks, ties and changes arrive decided by the read model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from backend.i18n import t
from backend.published import fmt


def _styler(
    frame: pd.DataFrame, formats: Mapping[str, Any], tie_rows: Sequence[int], rank_col: str, unranked: str
) -> Any:
    usable = {c: f for c, f in formats.items() if c in frame.columns}
    styler = frame.style.format(usable, na_rep=fmt.DASH).hide(axis="index")
    if tie_rows and rank_col in frame:
        styler = styler.format(
            lambda v: f"={int(v)}" if pd.notna(v) else unranked, subset=pd.IndexSlice[list(tie_rows), [rank_col]]
        )
    return styler


def unit_list(frame: pd.DataFrame, lang: str, *, with_change: bool) -> tuple[pd.DataFrame, Any]:
    """A short list of units (top, bottom, risers, fallers): rank, name, score, change, rank change."""
    name = "name_vi" if lang == "vi" else "name_en"
    rank, score = t("rankings.col.rank", lang), t("rankings.col.score", lang)
    change, move = t("rankings.col.change", lang), t("rankings.col.rank_change", lang)
    data = pd.DataFrame(
        {rank: frame["rank"].astype("Float64"), t("rankings.col.name", lang): frame[name], score: frame["value"]}
    )
    if with_change:
        data[change] = frame["change"].astype("float64")
        data[move] = frame["rank_change"].astype("Float64")
    formats = {
        rank: lambda v: fmt.DASH if pd.isna(v) else str(int(v)),
        score: lambda v: fmt.number(v, lang),
        change: lambda v: fmt.signed(v, lang),
        move: lambda v: fmt.rank_change_arrow(v) if pd.notna(v) else fmt.DASH,
    }
    ties = [i for i, flag in enumerate(frame["tied"]) if flag]
    return data, _styler(data, formats, ties, rank, fmt.DASH)


def ranking_table(
    table: pd.DataFrame,
    lang: str,
    *,
    components: Sequence[tuple[str, str]],
    region_names: Mapping[str, str],
    show_change: bool,
    show_rank_change: bool,
) -> tuple[pd.DataFrame, Any]:
    """The rankings table: rank (``=5`` for ties, "not ranked"), rank change (arrows), name, region, score,
    change, interval, rank range, group, then one column per component (code, label)."""
    tr = lambda key: t(key, lang)  # noqa: E731
    name = "name_vi" if lang == "vi" else "name_en"
    col_rank, col_move, col_score = tr("rankings.col.rank"), tr("rankings.col.rank_change"), tr("rankings.col.score")
    col_change, col_low, col_high = tr("rankings.col.change"), tr("rankings.col.ci_low"), tr("rankings.col.ci_high")
    data: dict[str, Any] = {col_rank: table["sort_rank"].astype("Float64")}
    if show_rank_change:
        data[col_move] = table["rank_change"].astype("Float64")
    data[tr("rankings.col.name")] = table[name]
    if table["region_code"].notna().any():
        data[tr("rankings.col.region")] = table["region_code"].map(region_names).fillna("")
    data[col_score] = table["value"]
    if show_change:
        data[col_change] = table["change"].astype("float64")
    if table["ci_low"].notna().any():
        data[col_low], data[col_high] = table["ci_low"], table["ci_high"]
    if table["rank_low"].notna().any():
        data[tr("rankings.col.rank_range")] = [
            f"{int(lo)}–{int(hi)}" if pd.notna(lo) and pd.notna(hi) else ""
            for lo, hi in zip(table["rank_low"], table["rank_high"], strict=False)
        ]
    if table["grp"].notna().any():
        data[tr("rankings.col.group")] = table["grp"].fillna("")
    for code, label in components:
        if code in table:
            data[label] = table[code]
    frame = pd.DataFrame(data)
    not_ranked = tr("rankings.not_ranked")
    number = lambda v: fmt.number(v, lang)  # noqa: E731
    formats: dict[str, Any] = {
        col_rank: lambda v: not_ranked if pd.isna(v) else str(int(v)),
        col_score: number,
        col_change: lambda v: fmt.signed(v, lang),
        col_low: number,
        col_high: number,
        col_move: lambda v: fmt.rank_change_arrow(v) if pd.notna(v) else fmt.DASH,
        **{label: number for _, label in components},
    }
    ties = [i for i, flag in enumerate(table["sort_tied"]) if flag]
    return frame, _styler(frame, formats, ties, col_rank, not_ranked)


def number_table(frame: pd.DataFrame, lang: str, columns: Sequence[str], *, signed: Sequence[str] = ()) -> Any:
    """A Styler showing ``columns`` as numbers (and ``signed`` ones with their sign) in the reader's format."""
    formats: dict[str, Any] = {c: (lambda v: fmt.number(v, lang)) for c in columns}
    formats.update({c: (lambda v: fmt.signed(v, lang)) for c in signed})
    return _styler(frame, formats, (), "", "")


def profile_table(
    profile: pd.DataFrame, lang: str, labels: Mapping[str, str], best_names: Mapping[int, str]
) -> tuple[pd.DataFrame, Any]:
    """A unit's components against the national figure, its region and the best unit, with its rank."""
    tr = lambda key: t(key, lang)  # noqa: E731
    value, best = tr("profile.value"), tr("profile.best")
    numbers = [value, tr("common.max"), tr("common.pct_of_max"), tr("common.national"), tr("profile.region_avg"), best]
    frame = pd.DataFrame(
        {
            tr("common.component"): profile["metric"].map(lambda m: labels.get(m, m)),
            value: profile["value"],
            tr("common.max"): profile["max_value"],
            tr("common.pct_of_max"): profile["value_pct"],
            tr("common.national"): profile["national"],
            tr("profile.region_avg"): profile["region"],
            best: profile["best"],
            tr("profile.best_unit"): profile["best_unit_id"].map(
                lambda b: best_names.get(int(b), "") if pd.notna(b) else ""
            ),
            tr("profile.rank_component"): [
                fmt.rank_text(r, n, lang, unranked=fmt.DASH)
                for r, n in zip(profile["rank"], profile["n_ranked"], strict=False)
            ],
        }
    )
    return frame, number_table(frame, lang, numbers)


def history_table(
    history: pd.DataFrame, lang: str, names: Mapping[int, str], index_name: str
) -> tuple[pd.DataFrame, Any]:
    """A unit's figures over the years and those of its predecessors (marked as such), newest first."""
    year, unit = t("common.year", lang), t("profile.unit_col", lang)
    rows = [
        {
            year: int(rec["year"]),
            unit: names.get(int(rec["unit_id"]), "")
            if rec["role"] == "own"
            else t("profile.predecessor", lang, name=names.get(int(rec["unit_id"]), "")),
            index_name: rec["value"],
            t("profile.rank", lang): fmt.rank_text(rec["rank"], rec["n_ranked"], lang, unranked=fmt.DASH),
        }
        for rec in history.to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=[year, unit, index_name, t("profile.rank", lang)])
    return frame, number_table(frame, lang, [index_name])


def trend_table(
    national: pd.DataFrame, series: pd.DataFrame, names: Mapping[int, str], lang: str
) -> tuple[pd.DataFrame, Any]:
    """The numbers behind a trend chart: one row per year, the national figure, then per unit its value and
    a ``*`` column marking years aggregated from predecessors; missing values read "not comparable"."""
    year, nat = t("common.year", lang), t("common.national", lang)
    wide = national.rename(columns={"value": nat, "year": year})[[year, nat]]
    for unit, group in series.groupby("unit_id", sort=False):
        column = names.get(int(unit), str(unit))
        wide[column] = wide[year].map(group.set_index("year")["value"]).astype("float64")
        marks = group.set_index("year")["source"].map(lambda s: "*" if s == "aggregate" else "")
        wide[column + " *"] = wide[year].map(marks).fillna("")
    values = [c for c in wide.columns if c != year and not str(c).endswith(" *")]
    number = lambda v: fmt.number(v, lang)  # noqa: E731
    styler = wide.style.format({c: number for c in values}, na_rep=t("trends.not_comparable_cell", lang))
    return wide, styler.hide(axis="index")


def map_ranking(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranking beside the map: rank, name, value of the figure shown, best first."""
    frame = pd.DataFrame({"rank": table["rank"], "name": table[f"name_{lang}"], "value": table["value"]})
    return frame.sort_values(["rank", "value"], ascending=[True, False], na_position="last").reset_index(drop=True)


def map_screen(table: pd.DataFrame, lang: str, has_groups: bool) -> pd.DataFrame:
    """What the map shows, as a download: code, name, score, rank, change and group per province."""
    tr = lambda key: t(key, lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            tr("rankings.col.code"): table["code"],
            tr("rankings.col.name"): table[f"name_{lang}"],
            tr("map.tip.score"): table["value"],
            tr("rankings.col.rank"): table["rank"],
            tr("rankings.col.change"): table["change"],
            tr("rankings.col.group"): table["grp"] if has_groups else None,
        }
    )
    return frame.sort_values(tr("rankings.col.code"))
