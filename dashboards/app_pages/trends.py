"""Trends: national and per-unit lines over all published years, with break markers where the method
changed or units merged; across the 2025 merger either "not comparable" or an aggregate of predecessors
(simple or form-weighted mean), labelled with the rule used."""

from __future__ import annotations

import streamlit as st

from backend.published.sources import series_source
from backend.published.trends import trend_notes
from backend.reference.lineage import RULES
from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.components.widgets import url_choice, url_multi
from dashboards.context import get_context
from dashboards.views import choose_scope, downloads, file_stem, stop_with

ctx = get_context()
t = ctx.t
scope = choose_scope(ctx)
infos = ctx.catalogue.series(ctx.index_code, scope)
if not infos:
    stop_with(t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
base = da.tables(ctx.db, ctx.set_for(scope) or infos[-1])
title_scope = ctx.scope_name(scope)
st.header(t("trends.title", index=ctx.index_name(), scope=title_scope))
st.caption(t("trends.span", first=infos[0].year, last=infos[-1].year, n=len(infos)) + " · " + t("source.publisher"))
options = ["index", *[m.short for m in base.components]]
metric = base.metric(
    url_choice(
        t("trends.metric"), options, key="metric", default="index", format_func=lambda m: base.metric(m).label(ctx.lang)
    )
    or "index"
)
units = da.trend_units(ctx.db, ctx.index_code, scope, ctx.lang)
default = list(base.units["scope_code"].head(1))
chosen = url_multi(
    t("trends.units"),
    list(units),
    key="units",
    default=default,
    format_func=lambda c: units.get(c, c),
    max_selections=8,
    placeholder=t("common.choose"),
)
rule = (
    url_choice(
        t("trends.rule"),
        list(RULES),
        key="rule",
        default="not_comparable",
        widget="radio",
        format_func=lambda r: t(f"trends.rule_name.{r}"),
        help=t("trends.rule_help"),
    )
    or "not_comparable"
)

view = da.trend(ctx.db, ctx.index_code, scope, metric.code, chosen, rule)
names = base.unit_names(list(view.series["unit_id"].unique()), ctx.lang)
label = metric.label(ctx.lang)
title = t("trends.figure_title", metric=label, scope=title_scope)
fig = figures.trend_figure(
    view.national,
    view.series,
    names=names,
    breaks=view.breaks,
    title=title,
    lang=ctx.lang,
    labels={
        "national": t("common.national"),
        "break_units": t("trends.break_units"),
        "break_method": t("trends.break_method"),
        "year": t("common.year"),
        "score": label,
        **{f"rule.{r}": t(f"trends.rule_label.{r}") for r in ("mean", "weighted", "mean_fallback")},
    },
    source=series_source([s.info for s in view.sets], ctx.lang),
    demo_label=ctx.demo_label(s.info for s in view.sets),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "trends", scope)), key="trend_chart")
notes = trend_notes(view, ctx.lang)
for note in notes:
    st.caption("• " + note)
wide, styler = tables.trend_table(view.national, view.series, names, ctx.lang)
st.dataframe(styler, hide_index=True, width="stretch")
st.caption(t("trends.table_note"))
downloads(
    ctx, key="trend_dl", page="trends", screen=wide, infos=infos, title=title, notes=notes, stem_parts=[scope, rule]
)
