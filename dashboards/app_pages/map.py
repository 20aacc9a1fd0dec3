"""Map: provinces coloured by group (A/B/C) or by quantile, 63 provinces up to 2024 and 34 from 2025, with
Hoàng Sa and Trường Sa; the tooltip gives score, rank out of N and change; a click (or Enter on a focused
province) opens the profile. Where the published record has figures of the year, the "official, as
published" layer comes first: provinces by published rank, figures as printed with their flags and source."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import leaflet, maps, official_map, official_tables, tables
from dashboards.components.widgets import url_choice
from dashboards.context import INDEX_PARAM, AppContext, get_context
from dashboards.render_cache import PartKey, finished
from dashboards.views import choose_layer, comparison_notes, downloads, scope_and_set, table

PROFILE_PAGE = "app_pages/province.py"


@finished
def prepared(key: PartKey, metric: str, colour: str, layer: str, _ctx: AppContext) -> tuple[leaflet.PreparedMap, str]:
    """The map rendered once per set, metric, colouring and layer (the expensive step of the map page), and
    its legend."""
    ctx, info = _ctx, key.info
    geojson = da.geojson_for_year(ctx.year)
    if layer == "official":
        fmap, legend = official_map.official_choropleth(
            da.record_layer_of(ctx.db, info).table, geojson, archipelagos=da.archipelagos(), lang=ctx.lang
        )
    else:
        view = da.map_view(ctx.db, info, key.sets[1] if len(key.sets) > 1 else None, metric)
        fmap, legend = maps.choropleth(
            view.table,
            geojson,
            mode=colour,
            has_groups=view.has_groups,
            n_ranked=view.n_ranked,
            comparable=view.comparison.comparable,
            previous_year=view.comparison.previous_year,
            archipelagos=da.archipelagos(),
            lang=ctx.lang,
        )
    return leaflet.prepare(fmap), maps.legend_html(legend, ctx.t("map.legend"))


ctx = get_context()
t, lang = ctx.t, ctx.lang
info = scope_and_set(ctx, "province")
previous = ctx.previous(info)
base = da.tables(ctx.db, info)
official = da.record_layer_of(ctx.db, info)
title = t("map.title", index=ctx.index_name(), year=ctx.year, n=len(base.units))
st.title(title)
controls = st.columns([3, 3, 2])
metric = (
    url_choice(
        t("map.metric"),
        ["index", *[m.short for m in base.components]],
        key="metric",
        default="index",
        format_func=lambda m: base.metric(m).label(lang),
        container=controls[0],
    )
    or "index"
)
with controls[1]:
    layer = choose_layer(ctx, official.has_figures, index_metric=metric == "index")
ctx.official_only = layer == "official"
st.caption(t("layer.official_source") if layer == "official" else ctx.source(info))
view = da.map_view(ctx.db, info, previous, metric)
modes = ["group", "quantile"] if view.has_groups else ["quantile"]
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
table_ = view.table
labels = dict(zip(table_["scope_code"], table_[ctx.name_col()], strict=False))
choice = st.selectbox(
    t("map.choose_province"),
    sorted(labels, key=lambda c: fmt.vi_sort_key(labels[c])),
    index=None,
    format_func=labels.get,
    placeholder=t("common.choose"),
    key="map_profile_choice",
    help=t("map.keyboard_help"),
)
if choice:
    st.page_link(
        PROFILE_PAGE,
        label=t("map.go_profile", name=labels[choice]),
        icon=":material/arrow_forward:",
        query_params={**link, "unit": choice},
    )
key = ctx.part_key(info, previous, record=layer == "official")
map_col, side = st.columns([3, 1])
with map_col:
    finished_map, legend = prepared(key, metric, colour, layer, ctx)
    clicked = leaflet.show(finished_map, key=f"map_{ctx.index_code}_{ctx.year}_{metric}_{colour}_{layer}_{lang}")
    st.markdown(legend, unsafe_allow_html=True)
    features = {str(f["properties"]["code"]) for f in da.geojson_for_year(ctx.year)["features"]}
    if layer == "official":
        st.caption(t("map.official.note", n=official.n_with_figure, total=len(official.table)))
    st.caption(t("map.caption", n=len(features), year=ctx.year) + " " + t("map.islands"))
    if info.is_demo and layer != "official":
        st.caption("⚠ " + t("demo.mark"))
drawing = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
code = str(((drawing or {}).get("properties") or {}).get("code", ""))
if code in set(table_["code"]):
    st.switch_page(
        PROFILE_PAGE, query_params={**link, "unit": table_.loc[table_["code"] == code, "scope_code"].iloc[0]}
    )
with side:
    if layer == "official":
        st.markdown(f"**{t('map.official.beside')}**")
        frame, formats = official_tables.official_list(official.table, lang)
        table(frame, formats, caption=t("map.official.beside"), sortable=True, key="map_official", height=420)
    else:
        st.markdown(f"**{t('map.ranking_beside')}**")
        frame, formats = tables.map_ranking(table_, lang)
        table(
            frame,
            formats,
            caption=t("map.ranking_beside"),
            sortable=True,
            key="map_ranking",
            height=420,
            column_config={"rank": t("rankings.col.rank"), "name": t("rankings.col.name"), "value": t("map.tip.score")},
        )
    comparison_notes(
        ctx, "units_changed" if view.comparison.reason == "units_changed" else "", False, view.comparison.previous_year
    )
    missing = sorted(set(table_["code"]) - features)
    if missing:
        st.warning(t("map.missing_shapes", codes=", ".join(missing)))
downloads(
    ctx,
    key="map_dl",
    page="map",
    screen=official_tables.official_screen(official.table, lang)
    if layer == "official"
    else tables.map_screen(table_, lang, view.has_groups),
    infos=[info],
    title=title,
    stem_parts=[metric, layer],
)
