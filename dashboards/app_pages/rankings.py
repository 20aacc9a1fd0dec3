"""Rankings: provinces or ministries, every component, rank change arrows, confidence intervals, ties and
unranked units shown as such; every column sortable (click its header). Where the published record has figures
of the year, the "official, as published" ranking comes first: ranks and scores as printed, flags, sources."""

from __future__ import annotations

import streamlit as st

from dashboards import data_access as da
from dashboards.components.widgets import url_choice
from dashboards.context import get_context
from dashboards.parts.rankings import draw_official, draw_results
from dashboards.views import choose_layer, downloads, scope_and_set, version_notes

ctx = get_context()
t = ctx.t
info = scope_and_set(ctx)
previous = ctx.previous(info)
base = da.tables(ctx.db, info)
title = t("rankings.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
st.title(title)
version_notes(ctx, info)
official = da.record_layer_of(ctx.db, info)
sort_param = st.query_params.get("by", "index")
layer = choose_layer(ctx, official.has_figures, index_metric=sort_param in ("index", None, ""))
ctx.official_only = layer == "official"
if layer == "official":
    screen = draw_official(ctx.part_key(info, record=True), ctx)
else:
    show_all = (
        st.toggle(t("rankings.show_all"), key="rank_all", help=t("rankings.show_all_help")) if base.detail else False
    )
    metrics = [*base.components, *(base.detail if show_all else ())]
    sort_by = url_choice(
        t("rankings.rank_by"),
        ["index", *[m.short for m in metrics]],
        key="by",
        default="index",
        format_func=lambda s: base.metric(s).label(ctx.lang),
    )
    screen = draw_results(ctx.part_key(info, previous), sort_by or "index", bool(show_all), ctx)
downloads(
    ctx,
    key="rank_dl",
    page="rankings",
    screen=screen,
    infos=[info],
    title=title,
    whole_year=True,
    stem_parts=[info.unit_scope, "official" if layer == "official" else ""],
    official=layer == "official",
)
