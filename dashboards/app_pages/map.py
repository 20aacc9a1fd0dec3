"""Map: provinces coloured by group (A/B/C) or by quantile, 63 provinces up to 2024 and 34 from 2025, with
Hoàng Sa and Trường Sa; the tooltip gives score, rank out of N and change; a click (or Enter on a focused
province) opens the profile. Where the published record has figures of the year, the "official, as
published" layer comes first: provinces by published rank, figures as printed with their flags and source."""

from __future__ import annotations

import streamlit as st

from dashboards import data_access as da
from dashboards.components import leaflet
from dashboards.components.widgets import url_choice
from dashboards.context import INDEX_PARAM, get_context
from dashboards.parts.map import facts, notes, prepared, side_panel
from dashboards.views import choose_layer, downloads, scope_and_set, set_notes

PROFILE_PAGE = "app_pages/province.py"

ctx = get_context()
t, lang = ctx.t, ctx.lang
info = scope_and_set(ctx, "province")
key = ctx.part_key(info, ctx.previous(info))
title = t("map.title", index=ctx.index_name(), year=ctx.year, n=len(da.geojson_for_year(ctx.year)["features"]))
st.title(title)
controls = st.columns([3, 3, 2])
known = facts(key, "index", ctx)
metric = (
    url_choice(
        t("map.metric"),
        list(known.metrics),
        key="metric",
        default="index",
        format_func=known.metrics.get,
        container=controls[0],
    )
    or "index"
)
facts_ = facts(key, metric, ctx)
with controls[1]:
    layer = choose_layer(ctx, facts_.has_official, index_metric=metric == "index")
ctx.official_only = layer == "official"
set_notes(ctx, info, source=t("layer.official_source") if layer == "official" else None)
modes = ["group", "quantile"] if facts_.has_groups else ["quantile"]
colour = modes[0]
if layer == "results":
    colour = (
        url_choice(
            t("map.colour_by"),
            modes,
            key="colour",
            default=modes[0],
            format_func=lambda m: t(f"map.colour.{m}"),
            widget="segmented",
            container=controls[2],
        )
        or modes[0]
    )
link = {"lang": lang, "index": INDEX_PARAM[ctx.index_code], "year": str(ctx.year)}
choice = st.selectbox(
    t("map.choose_province"),
    list(facts_.names),
    index=None,
    format_func=facts_.names.get,
    placeholder=t("common.choose"),
    key="map_profile_choice",
    help=t("map.keyboard_help"),
)
if choice:
    st.page_link(
        PROFILE_PAGE,
        label=t("map.go_profile", name=facts_.names[choice]),
        icon=":material/arrow_forward:",
        query_params={**link, "unit": choice},
    )
part_key = ctx.part_key(info, ctx.previous(info), record=layer == "official")
map_col, side = st.columns([3, 1])
with map_col:
    finished_map, legend = prepared(part_key, metric, colour, layer, ctx)
    clicked = leaflet.show(finished_map, key=f"map_{ctx.index_code}_{ctx.year}_{metric}_{colour}_{layer}_{lang}")
    st.markdown(legend, unsafe_allow_html=True)
    notes(part_key, metric, layer, ctx)
drawing = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
code = str(((drawing or {}).get("properties") or {}).get("code", ""))
if code in facts_.scope_of:
    st.switch_page(PROFILE_PAGE, query_params={**link, "unit": facts_.scope_of[code]})
with side:
    side_panel(part_key, metric, layer, ctx)
downloads(
    ctx,
    key="map_dl",
    page="map",
    screen=facts_.official_screen if layer == "official" else facts_.screen,
    infos=[info],
    title=title,
    stem_parts=[metric, "official" if layer == "official" else ""],
    official=layer == "official",
)
