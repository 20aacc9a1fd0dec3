"""Overview: the national figure of the chosen index and year and its change, group counts and the ministry's
standard summary (top and bottom, risers and fallers, region figures, how each component moved)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.context import get_context
from dashboards.views import comparison_notes, downloads, file_stem, scope_and_set, set_header

ctx = get_context()
t = ctx.t
info = scope_and_set(ctx)
view = da.overview(ctx.db, info)
s, comp = view.summary, view.comparison
prev_year = comp.previous_year
title = t("overview.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
set_header(ctx, title, info)

cols = st.columns(4)
delta = fmt.metric_delta(s.national_change, ctx.lang)
cols[0].metric(
    t("overview.national", year=ctx.year),
    ctx.num(s.national),
    delta=f"{delta} {t('overview.vs_year', year=prev_year)}" if delta else None,
    help=t("overview.national_help"),
)
cols[1].metric(t("overview.units"), f"{s.n_units}", help=t("overview.units_help", ranked=s.n_ranked))
cols[2].metric(t("overview.above_average"), f"{s.above_average}/{s.n_ranked}")
if s.groups:
    groups = " / ".join(str(n) for g, n in s.groups.items() if g != "other")
    cols[3].metric(t("overview.groups"), groups, help=t("overview.groups_help"))
else:
    low, high = view.tables.units["value"].min(), view.tables.units["value"].max()
    cols[3].metric(t("overview.range"), f"{ctx.num(low)} – {ctx.num(high)}")
comparison_notes(ctx, comp.reason, comp.method_changed, prev_year)
if s.comparable:
    moves = t("overview.moves", rose=s.rose, fell=s.fell, unchanged=s.unchanged, prev=prev_year)
    st.markdown(moves + (" " + t("overview.not_comparable_count", n=s.not_comparable) if s.not_comparable else ""))

shown: dict[str, pd.DataFrame] = {}
lists = [("top", s.top, s.comparable), ("bottom", s.bottom, s.comparable)]
lists += [("risers", s.risers, True), ("fallers", s.fallers, True)] if s.comparable else []
for i, (key, frame, with_change) in enumerate(lists):
    if i % 2 == 0:
        columns = st.columns(2)
    with columns[i % 2]:
        data, styler = tables.unit_list(frame, ctx.lang, with_change=with_change)
        st.markdown(f"**{t(f'overview.{key}', n=len(frame))}**")
        st.dataframe(styler, hide_index=True, placeholder="–", width="stretch")
        shown[key] = data

source, demo = ctx.source(info), ctx.demo_label(info)
if not s.regions.empty:
    ordered = s.regions.sort_values("value", ascending=False)
    fig = figures.region_figure(
        ordered,
        names=[view.tables.region_name(c, ctx.lang) or c for c in ordered["region_code"]],
        national=s.national,
        labels={"change": t("common.change_from", prev=prev_year or "–"), "national": t("common.national")},
        title=t("overview.regions_title", year=ctx.year),
        source=source,
        lang=ctx.lang,
        demo_label=demo,
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "regions")), key="overview_regions")
if s.groups:
    fig = figures.group_count_figure(
        s.groups,
        labels={f"group_{g}": t(f"group.{g}") for g in (*s.groups, "other")},
        title=t("overview.groups_title", year=ctx.year),
        source=source,
        lang=ctx.lang,
        demo_label=demo,
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "groups")), key="overview_groups")
if not s.components.empty:
    st.subheader(t("overview.components_title"))
    labels = {m.code: m.label(ctx.lang) for m in view.tables.components}
    change = t("common.change_from", prev=prev_year or "–")
    frame = pd.DataFrame(
        {
            t("common.component"): s.components["metric"].map(labels),
            t("overview.national_value"): s.components["value"],
            t("common.max"): s.components["max_value"],
            t("common.pct_of_max"): s.components["pct"],
            change: s.components["change"],
        }
    )
    numbers = [t("overview.national_value"), t("common.max"), t("common.pct_of_max")]
    st.dataframe(tables.number_table(frame, ctx.lang, numbers, signed=[change]), hide_index=True, width="stretch")

screen = pd.concat([d.assign(**{t("common.section"): t(f"overview.section.{k}")}) for k, d in shown.items()])
downloads(
    ctx,
    key="overview_dl",
    page="overview",
    screen=screen,
    infos=[info],
    title=title,
    whole_year=True,
    stem_parts=[info.unit_scope],
)
