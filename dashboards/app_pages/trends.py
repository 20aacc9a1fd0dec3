"""Trends: national and per-unit lines over all published years, with break markers where the method
changed or units merged; across the 2025 merger either "not comparable" or an aggregate of predecessors
(simple or form-weighted mean), labelled with the rule used. The official record of the chosen units is a
layer of its own: hollow markers on the chart and a table of the figures as printed, shown first."""

from __future__ import annotations

import streamlit as st

from backend.published.sources import series_source
from backend.reference.lineage import RULES
from dashboards import data_access as da
from dashboards.components.widgets import url_choice, url_multi
from dashboards.context import get_context
from dashboards.parts.trends import draw, unit_choices
from dashboards.views import choose_scope, downloads, stop_with

ctx = get_context()
t = ctx.t
scope = choose_scope(ctx)
infos = ctx.series(scope)
if not infos:
    stop_with(t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
base = da.tables(ctx.db, ctx.set_for(scope) or infos[-1])
st.title(t("trends.title", index=ctx.index_name(), scope=ctx.scope_name(scope)))
st.caption(
    t("trends.span", first=infos[0].year, last=infos[-1].year, n=len(infos)) + " · " + series_source(infos, ctx.lang)
)
metric = base.metric(
    url_choice(
        t("trends.metric"),
        ["index", *[m.short for m in base.components]],
        key="metric",
        default="index",
        format_func=lambda m: base.metric(m).label(ctx.lang),
    )
    or "index"
)
key = ctx.part_key(*infos, record=True)
units = unit_choices(key, ctx)
chosen = url_multi(
    t("trends.units"),
    list(units),
    key="units",
    default=list(base.units["scope_code"].head(1)),
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
wide, notes = draw(key, metric.code, tuple(chosen), rule, ctx)
title = t("trends.figure_title", metric=metric.label(ctx.lang), scope=ctx.scope_name(scope))
downloads(
    ctx, key="trend_dl", page="trends", screen=wide, infos=infos, title=title, notes=notes, stem_parts=[scope, rule]
)
