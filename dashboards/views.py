"""Page-level helpers shared by several public pages: display tables, unit pickers, export sheets.

They combine the context (language, chosen index and year), the cached data layer and the pure
components; they draw nothing themselves except where the name says so (``show_*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from backend.errors import DomainError
from dashboards import data_access as da
from dashboards.components import fmt, model
from dashboards.context import AppContext


def stop_with(ctx: AppContext, message: str, kind: str = "info") -> None:
    (st.info if kind == "info" else st.warning)(message)
    st.stop()


def choose_scope(ctx: AppContext) -> str:
    """The provinces / ministries switch shown at the top of result pages (kept in the URL as ``scope``)."""
    from dashboards.components.widgets import url_choice

    return (
        url_choice(
            ctx.t("control.scope"),
            ctx.scopes(),
            key="scope",
            default="province",
            format_func=ctx.scope_name,
            widget="segmented",
        )
        or "province"
    )


def scope_and_set(ctx: AppContext) -> tuple[str, pd.Series]:
    """The chosen scope and its published result set for the year; stops the page with a clear note if none."""
    scope = choose_scope(ctx)
    set_row = ctx.set_for(scope)
    if set_row is None:
        stop_with(ctx, ctx.t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
    assert set_row is not None
    return scope, set_row


def show_domain_error(ctx: AppContext, exc: DomainError) -> None:
    st.error(exc.message(ctx.lang))
    st.stop()


def table_for(ctx: AppContext, set_row: pd.Series) -> pd.DataFrame:
    return da.unit_table(ctx.db, int(set_row["id"]), str(set_row["index_code"]))


def rows_for(ctx: AppContext, set_row: pd.Series) -> pd.DataFrame:
    return da.set_rows(ctx.db, int(set_row["id"]))


def components_for(rows: pd.DataFrame, index_code: str) -> tuple[list[str], list[str]]:
    return model.component_metrics(rows["metric"].unique(), index_code)


def sorted_unit_options(ctx: AppContext, table: pd.DataFrame) -> list[str]:
    """Scope codes (``kind:code``) of the units in a table, ordered by name in the reader's alphabet."""
    names = dict(zip(table["scope_code"], table[ctx.name_col()], strict=False))
    return sorted(names, key=lambda code: fmt.vi_sort_key(str(names[code])))


def unit_label_map(ctx: AppContext, table: pd.DataFrame) -> dict[str, str]:
    return {str(sc): str(name) for sc, name in zip(table["scope_code"], table[ctx.name_col()], strict=False)}


def rank_display(rank: Any, tied: bool, ranked_label: str) -> str:
    if rank is None or pd.isna(rank):
        return ranked_label
    return f"={int(rank)}" if tied else str(int(rank))


def styled(frame: pd.DataFrame, formats: Mapping[str, Any]) -> Any:
    """A Styler that shows numbers in the reader's format while the cells stay numeric (sortable)."""
    styler = frame.style
    usable = {c: f for c, f in formats.items() if c in frame.columns}
    if usable:
        styler = styler.format(usable, na_rep=fmt.DASH)
    return styler.hide(axis="index")


def ranking_frames(
    ctx: AppContext,
    table: pd.DataFrame,
    components: Sequence[str],
    labels: Mapping[str, str],
    *,
    show_change: bool,
    sort_metric: str = "value",
) -> tuple[pd.DataFrame, Any]:
    """The rankings table as shown (localised headers, numeric cells) and its Styler.

    Columns: rank (``=5`` for ties, "not ranked"), rank change (arrows), name, region, score, interval,
    rank range, group, then one column per component.
    """
    t = ctx.t
    region_names = ctx.region_names()
    ranked_table = model.rank_by(table, sort_metric)
    col_rank = t("rankings.col.rank")
    col_move = t("rankings.col.rank_change")
    col_name = t("rankings.col.name")
    col_region = t("rankings.col.region")
    col_score = t("rankings.col.score")
    col_change = t("rankings.col.change")
    col_low = t("rankings.col.ci_low")
    col_high = t("rankings.col.ci_high")
    col_range = t("rankings.col.rank_range")
    col_group = t("rankings.col.group")
    data: dict[str, Any] = {
        col_rank: ranked_table["sort_rank"].astype("Float64"),
    }
    if show_change and "rank_change" in ranked_table and ranked_table["rank_change"].notna().any():
        data[col_move] = ranked_table["rank_change"].astype("Float64")
    data[col_name] = ranked_table[ctx.name_col()]
    if ranked_table["region_code"].notna().any():
        data[col_region] = ranked_table["region_code"].map(region_names).fillna("")
    data[col_score] = ranked_table["value"]
    if show_change and "change" in ranked_table and ranked_table["change"].notna().any():
        data[col_change] = ranked_table["change"]
    if ranked_table["ci_low"].notna().any():
        data[col_low] = ranked_table["ci_low"]
        data[col_high] = ranked_table["ci_high"]
    if ranked_table["rank_low"].notna().any():
        data[col_range] = [
            f"{int(lo)}–{int(hi)}" if pd.notna(lo) and pd.notna(hi) else ""
            for lo, hi in zip(ranked_table["rank_low"], ranked_table["rank_high"], strict=False)
        ]
    if ranked_table["grp"].notna().any():
        data[col_group] = ranked_table["grp"].fillna("")
    for metric in components:
        if metric in ranked_table:
            data[labels.get(metric, metric)] = ranked_table[metric]
    frame = pd.DataFrame(data)
    not_ranked = t("rankings.not_ranked")
    tied = dict(zip(ranked_table.index, ranked_table["sort_tied"], strict=False))

    def rank_fmt(value: Any) -> str:
        return not_ranked if pd.isna(value) else str(int(value))

    formats: dict[str, Any] = {
        col_rank: rank_fmt,
        col_score: lambda v: ctx.num(v),
        col_change: lambda v: ctx.signed(v),
        col_low: lambda v: ctx.num(v),
        col_high: lambda v: ctx.num(v),
    }
    if col_move in frame:
        formats[col_move] = lambda v: fmt.rank_change_arrow(v) if pd.notna(v) else fmt.DASH
    for metric in components:
        formats[labels.get(metric, metric)] = lambda v: ctx.num(v)
    styler = styled(frame, formats)
    # ties: "=5" in the rank column (display only; the cell stays the number 5)
    tie_rows = [i for i, is_tied in enumerate(tied.values()) if is_tied]
    if tie_rows:
        styler = styler.format(
            lambda v: f"={int(v)}" if pd.notna(v) else not_ranked, subset=pd.IndexSlice[tie_rows, [col_rank]]
        )
    return frame, styler


def whole_year_sheets(ctx: AppContext, year: int | None = None) -> list[tuple[str, pd.DataFrame]]:
    """Every published figure of the chosen index and year (all unit scopes) in a machine-friendly form:
    one wide sheet per scope (names in both languages) and one long sheet with every row."""
    sheets: list[tuple[str, pd.DataFrame]] = []
    long_frames = []
    units = ctx.units()[["unit_id", "kind", "code", "name_vi", "name_en"]]
    for scope in ctx.scopes():
        set_row = ctx.set_for(scope, year)
        if set_row is None:
            continue
        table = table_for(ctx, set_row).drop(columns=["par_ranked"], errors="ignore")
        table.insert(0, "year", int(set_row["year"]))
        table.insert(0, "index", str(set_row["index_code"]))
        table["result_set_id"] = int(set_row["id"])
        table["version"] = int(set_row["version"])
        table["dataset_kind"] = str(set_row["dataset_kind"])
        sheets.append((f"{scope}_{int(set_row['year'])}", table))
        rows = rows_for(ctx, set_row).merge(units, on="unit_id", how="left")
        rows.insert(0, "year", int(set_row["year"]))
        rows.insert(0, "index", str(set_row["index_code"]))
        rows["unit_scope"] = scope
        rows["version"] = int(set_row["version"])
        rows["dataset_kind"] = str(set_row["dataset_kind"])
        long_frames.append(rows)
    if long_frames:
        sheets.append(("all_rows", pd.concat(long_frames, ignore_index=True)))
    return sheets


def download_labels(ctx: AppContext) -> dict[str, str]:
    t = ctx.t
    return {
        "csv_screen": t("download.csv_screen"),
        "xlsx_screen": t("download.xlsx_screen"),
        "csv_year": t("download.csv_year"),
        "xlsx_year": t("download.xlsx_year"),
        "metadata": t("download.metadata"),
        "note": t("download.note"),
    }


def file_stem(ctx: AppContext, page: str, *parts: Any) -> str:
    bits = [ctx.index_code.lower(), str(ctx.year), page, *[str(p) for p in parts if p]]
    return "_".join(b.replace(" ", "-").replace(":", "-") for b in bits)
