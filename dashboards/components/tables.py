"""Table builders: read-model frames in, ``(frame, formats)`` out: the data with localised headers (numbers
stay numbers: downloads, sorting) and a formatter per column that gives each value as the reader sees it
(``84,38``, ``+1,32``, ``=5``, "not ranked"). :func:`shown` applies them: that text is what the screen shows
and what screen readers get (dashboards/views.py ``table``). Pure (no Streamlit, no I/O), no rule: ranks, ties
and changes arrive decided by the read model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from backend.i18n import t
from backend.published import fmt

Formatter = Callable[[Any], str]


def shown(frame: pd.DataFrame, formats: Mapping[str, Formatter], *, keep_missing: bool = False) -> pd.DataFrame:
    """The frame as the reader sees it: every column in ``formats`` turned into its formatted text (a formatter
    gives the text of a missing value too). ``keep_missing``: missing values stay missing (``None``)."""
    out = frame.copy()
    for column, formatter in formats.items():
        if column in out:
            out[column] = pd.Series(
                [None if keep_missing and fmt.is_missing(v) else formatter(v) for v in out[column]],
                index=out.index,
                dtype=object,
            )
    return out


def rank_formatter(ranks: pd.Series, tied: Sequence[bool], unranked: str) -> Formatter:
    """Rank cells as shown: ``=5`` for a shared rank, ``unranked`` for a unit without one (a tie is a property
    of the rank value, so one formatter serves every row)."""
    shared = {int(r) for r, flag in zip(ranks, tied, strict=False) if flag and not fmt.is_missing(r)}
    return lambda v: unranked if fmt.is_missing(v) else (f"={int(v)}" if int(v) in shared else str(int(v)))


def _number(lang: str) -> Formatter:
    return lambda v: fmt.number(v, lang)


def _signed(lang: str) -> Formatter:
    return lambda v: fmt.signed(v, lang)


def _arrow(v: Any) -> str:
    return fmt.rank_change_arrow(v) or fmt.DASH


def unit_list(frame: pd.DataFrame, lang: str, *, with_change: bool) -> tuple[pd.DataFrame, dict[str, Formatter]]:
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
        rank: rank_formatter(data[rank], list(frame["tied"]), fmt.DASH),
        score: _number(lang),
        change: _signed(lang),
        move: _arrow,
    }
    return data, formats


def ranking_table(
    table: pd.DataFrame,
    lang: str,
    *,
    components: Sequence[tuple[str, str]],
    region_names: Mapping[str, str],
    show_change: bool,
    show_rank_change: bool,
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
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
    number = _number(lang)
    formats: dict[str, Formatter] = {
        col_rank: rank_formatter(frame[col_rank], list(table["sort_tied"]), tr("rankings.not_ranked")),
        col_score: number,
        col_change: _signed(lang),
        col_low: number,
        col_high: number,
        col_move: _arrow,
        **{label: number for _, label in components},
    }
    return frame, {c: f for c, f in formats.items() if c in frame.columns}


def number_formats(lang: str, columns: Sequence[str], *, signed: Sequence[str] = ()) -> dict[str, Formatter]:
    """Formatters showing ``columns`` as numbers (``signed`` ones with their sign) in the reader's format."""
    formats: dict[str, Formatter] = {c: _number(lang) for c in columns}
    formats.update({c: _signed(lang) for c in signed})
    return formats


def component_summary(
    components: pd.DataFrame, metrics: Sequence[Any], lang: str, previous_year: int | None
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The national value of each component, its maximum, % of maximum and change, as shown."""
    labels = {m.code: m.label(lang) for m in metrics}
    change = t("common.change_from", lang, prev=previous_year or "–")
    frame = pd.DataFrame(
        {
            t("common.component", lang): components["metric"].map(labels),
            t("overview.national_value", lang): components["value"],
            t("common.max", lang): components["max_value"],
            t("common.pct_of_max", lang): components["pct"],
            change: components["change"],
        }
    )
    numbers = [t("overview.national_value", lang), t("common.max", lang), t("common.pct_of_max", lang)]
    return frame, number_formats(lang, numbers, signed=[change])


def region_values(regions: pd.DataFrame, names: Sequence[str], lang: str) -> pd.DataFrame:
    """The values of the region chart as shown (its text alternative)."""
    return pd.DataFrame(
        {
            t("rankings.col.region", lang): list(names),
            t("rankings.col.score", lang): [fmt.number(v, lang) for v in regions["value"]],
            t("rankings.col.change", lang): [
                fmt.signed(v, lang) for v in (regions["change"] if "change" in regions else [None] * len(regions))
            ],
        }
    )


def change_values(changes: pd.DataFrame, labels: Mapping[str, str], lang: str, total: Any = None) -> pd.DataFrame:
    """The values of the "why did the score change" chart as shown: each component's own change."""
    data = changes.dropna(subset=["change"])
    rows = [(labels.get(m, m), fmt.signed(v, lang)) for m, v in zip(data["metric"], data["change"], strict=False)]
    if total is not None:
        rows.append((t("profile.total_change", lang), fmt.signed(total, lang)))
    return pd.DataFrame(rows, columns=[t("common.component", lang), t("rankings.col.change", lang)])


def profile_table(
    profile: pd.DataFrame, lang: str, labels: Mapping[str, str], best_names: Mapping[int, str]
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
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
    return frame, number_formats(lang, numbers)


def history_table(
    history: pd.DataFrame, lang: str, names: Mapping[int, str], index_name: str
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
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
    return frame, {year: str, **number_formats(lang, [index_name])}


def trend_table(
    national: pd.DataFrame, series: pd.DataFrame, names: Mapping[int, str], lang: str
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The numbers behind a trend chart: one row per year, the national figure, then per unit its value and
    a ``*`` column marking years aggregated from predecessors; a missing value is "no figure / not
    comparable" (shown as a dash, explained under the table)."""
    year, nat = t("common.year", lang), t("common.national", lang)
    wide = national.rename(columns={"value": nat, "year": year})[[year, nat]]
    for unit, group in series.groupby("unit_id", sort=False):
        column = names.get(int(unit), str(unit))
        wide[column] = wide[year].map(group.set_index("year")["value"]).astype("float64")
        marks = group.set_index("year")["source"].map(lambda s: "*" if s == "aggregate" else "")
        wide[column + " *"] = wide[year].map(marks).fillna("")
    values = [c for c in wide.columns if c != year and not str(c).endswith(" *")]
    return wide, {year: str, **number_formats(lang, values)}


def map_ranking(table: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The ranking beside the map: rank, name, value of the figure shown, best first."""
    frame = pd.DataFrame({"rank": table["rank"], "name": table[f"name_{lang}"], "value": table["value"]})
    frame = frame.sort_values(["rank", "value"], ascending=[True, False], na_position="last").reset_index(drop=True)
    tied = [bool(x) for x in frame["rank"].duplicated(keep=False) & frame["rank"].notna()]
    return frame, {"rank": rank_formatter(frame["rank"], tied, fmt.DASH), "value": _number(lang)}


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


def html_table(display: pd.DataFrame, caption: str, *, numeric: Sequence[str] = ()) -> str:
    """A static, accessible HTML table of a display frame (strings as shown): caption, column headers with
    ``scope``, the first column as row headers, numbers right-aligned."""
    from html import escape

    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in display.columns)
    rows = []
    for record in display.itertuples(index=False):
        cells = []
        for i, (column, value) in enumerate(zip(display.columns, record, strict=True)):
            text = "" if fmt.is_missing(value) else escape(str(value))
            align = ' style="text-align:right"' if column in numeric else ""
            cells.append(f'<th scope="row">{text}</th>' if i == 0 else f"<td{align}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
