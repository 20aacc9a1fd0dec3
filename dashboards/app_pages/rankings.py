"""Rankings: provinces or ministries, every component, rank change arrows, confidence intervals, ties and
unranked units shown as such; every column sortable (click its header)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.components import figures, model
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import get_context
from dashboards.views import (
    components_for,
    download_labels,
    file_stem,
    rank_display,
    ranking_frames,
    rows_for,
    scope_and_set,
    table_for,
    whole_year_sheets,
)

ctx = get_context()
t = ctx.t
scope, set_row = scope_and_set(ctx)

rows = rows_for(ctx, set_row)
table = table_for(ctx, set_row)
main, detail = components_for(rows, ctx.index_code)
st.header(t("rankings.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
st.caption(ctx.source_line(set_row))

show_all = st.toggle(t("rankings.show_all"), key="rank_all", help=t("rankings.show_all_help")) if detail else False
components = main + (detail if show_all else [])
labels = ctx.metric_labels(set_row, components)
sort_options = ["value", *[m for m in components if m in table.columns]]
sort_metric = url_choice(
    t("rankings.rank_by"),
    [model.metric_suffix(m) if m != "value" else "index" for m in sort_options],
    key="by",
    default="index",
    format_func=lambda s: (
        ctx.index_name()
        if s == "index"
        else labels.get(next(m for m in sort_options if model.metric_suffix(m) == s), s)
    ),
)
sort_column = (
    "value"
    if sort_metric in (None, "index")
    else next(m for m in sort_options if model.metric_suffix(m) == sort_metric)
)

prev_row, comp = ctx.comparison(scope)
prev_table = table_for(ctx, prev_row) if prev_row is not None else None
prev_year = int(prev_row["year"]) if prev_row is not None else None
changes = model.with_changes(table, prev_table, comp.comparable, ctx.lineage())
frame, styler = ranking_frames(
    ctx, changes, components, labels, show_change=comp.comparable and sort_column == "value", sort_metric=sort_column
)
n_ranked = model.ranked_count(table)
st.markdown(
    t(
        "rankings.counts",
        n=len(table),
        ranked=n_ranked,
        unranked=len(table) - n_ranked,
        ties=int(table["tied"].sum()),
    )
)
if comp.reason == "units_changed":
    st.info(t("common.not_comparable_units", year=ctx.year, prev=prev_year))
elif comp.reason == "partly_units_changed":
    st.info(t("common.partly_comparable", prev=prev_year))
if comp.method_changed:
    st.caption("⚠ " + t("common.method_changed", prev=prev_year))
if sort_column != "value":
    st.caption(t("rankings.computed_rank_note"))

st.dataframe(
    styler,
    hide_index=True,
    placeholder="–",
    width="stretch",
    height=min(36 * (len(frame) + 1) + 4, 1000),
    column_config={t("rankings.col.name"): st.column_config.TextColumn(pinned=True)},
    key="rank_table",
)
st.caption(t("rankings.legend"))

# ---- confidence intervals ----------------------------------------------------------------------------------
if table["ci_low"].notna().any():
    ordered = changes[changes["value"].notna()].sort_values(["ranked", "rank", "code"], ascending=[False, True, True])

    def range_text(low: object, high: object) -> str:
        return f" ({int(low)}–{int(high)})" if pd.notna(low) and pd.notna(high) else ""  # type: ignore[call-overload]

    ordered = ordered.assign(
        rank_text=[
            rank_display(r, tied, t("rankings.not_ranked")) + range_text(lo, hi)
            for r, tied, lo, hi in zip(
                ordered["rank"], ordered["tied"], ordered["rank_low"], ordered["rank_high"], strict=False
            )
        ]
    )
    national = model.national_values(rows).get(ctx.index_code)
    fig = figures.ci_ranking_figure(
        ordered,
        names=[str(n) for n in ordered[ctx.name_col()]],
        national=national,
        labels={
            "score": ctx.index_name(),
            "ci": t("rankings.ci"),
            "rank": t("rankings.col.rank"),
            "national": t("common.national"),
            "group": t("rankings.col.group"),
            "group_none": t("group.none"),
        },
        title=t("rankings.ci_title", index=ctx.index_name(), year=ctx.year),
        source=ctx.source_line(set_row),
        lang=ctx.lang,
        demo_label=ctx.demo_label(set_row),
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "ci", scope)), key="rank_ci")
    st.caption(t("rankings.ci_note"))
else:
    st.caption(t("rankings.no_ci"))

st.divider()
download_panel(
    key="rank_dl",
    labels=download_labels(ctx),
    file_stem=file_stem(ctx, "rankings", scope),
    screen=frame.assign(
        **{
            t("rankings.col.note"): [
                t("rankings.not_ranked") if pd.isna(r) else (t("rankings.tied") if tied else "")
                for r, tied in zip(
                    frame[t("rankings.col.rank")], model.rank_by(changes, sort_column)["sort_tied"], strict=False
                )
            ]
        }
    ),
    metadata=ctx.export_metadata(
        [set_row], t("rankings.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope))
    ),
    lang=ctx.lang,
    whole_year=lambda: whole_year_sheets(ctx),
    whole_metadata=ctx.export_metadata(
        [ctx.set_for(s) for s in ctx.scopes()], t("download.whole_year_title", index=ctx.index_name(), year=ctx.year)
    ),
)
