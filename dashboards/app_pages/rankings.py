"""Rankings: provinces or ministries, every component, rank change arrows, confidence intervals, ties and
unranked units shown as such; every column sortable (click its header)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.components.widgets import url_choice
from dashboards.context import get_context
from dashboards.views import comparison_notes, downloads, file_stem, scope_and_set, set_header

ctx = get_context()
t = ctx.t
info = scope_and_set(ctx)
base = da.tables(ctx.db, info)
title = t("rankings.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
set_header(ctx, title, info)
show_all = st.toggle(t("rankings.show_all"), key="rank_all", help=t("rankings.show_all_help")) if base.detail else False
metrics = [*base.components, *(base.detail if show_all else ())]
sort_by = url_choice(
    t("rankings.rank_by"),
    ["index", *[m.short for m in metrics]],
    key="by",
    default="index",
    format_func=lambda s: base.metric(s).label(ctx.lang),
)
view = da.ranking(ctx.db, info, sort_by or "index")
comp = view.comparison
frame, styler = tables.ranking_table(
    view.table,
    ctx.lang,
    components=[(m.code, m.label(ctx.lang)) for m in metrics],
    region_names={c: view.tables.region_name(c, ctx.lang) for c in view.tables.region_names},
    show_change=view.show_change,
    show_rank_change=view.show_rank_change,
)
n_ranked = base.n_ranked
n = len(base.units)
st.markdown(t("rankings.counts", n=n, ranked=n_ranked, unranked=n - n_ranked, ties=view.n_tied))
comparison_notes(ctx, comp.reason, comp.method_changed, comp.previous_year)
if not view.official_rank:
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

units = view.tables.units
if units["ci_low"].notna().any():
    ordered = units[units["value"].notna()]
    rank_text = [
        ("=" if tied else "")
        + (str(int(r)) if pd.notna(r) else t("rankings.not_ranked"))
        + (f" ({int(lo)}–{int(hi)})" if pd.notna(lo) and pd.notna(hi) else "")
        for r, tied, lo, hi in zip(
            ordered["rank"], ordered["tied"], ordered["rank_low"], ordered["rank_high"], strict=False
        )
    ]
    fig = figures.ci_ranking_figure(
        ordered.assign(rank_text=rank_text),
        names=[str(x) for x in ordered[ctx.name_col()]],
        national=base.national.get(ctx.index_code),
        labels={
            "score": ctx.index_name(),
            "ci": t("rankings.ci"),
            "rank": t("rankings.col.rank"),
            "national": t("common.national"),
            "group": t("rankings.col.group"),
            "group_none": t("group.none"),
        },
        title=t("rankings.ci_title", index=ctx.index_name(), year=ctx.year),
        source=ctx.source(info),
        lang=ctx.lang,
        demo_label=ctx.demo_label(info),
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "ci", info.unit_scope)), key="rank_ci")
    st.caption(t("rankings.ci_note"))
else:
    st.caption(t("rankings.no_ci"))

notes = [
    t("rankings.not_ranked") if pd.isna(r) else (t("rankings.tied") if tied else "")
    for r, tied in zip(view.table["sort_rank"], view.table["sort_tied"], strict=False)
]
downloads(
    ctx,
    key="rank_dl",
    page="rankings",
    screen=frame.assign(**{t("rankings.col.note"): notes}),
    infos=[info],
    title=title,
    whole_year=True,
    stem_parts=[info.unit_scope],
)
