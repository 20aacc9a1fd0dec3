"""Map: provinces coloured by group (A/B/C) or by quantile, 63 provinces up to 2024 and 34 from 2025, with
Hoàng Sa and Trường Sa; the tooltip gives score, rank out of N and change; a click opens the profile."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import maps, tables
from dashboards.components.widgets import url_choice
from dashboards.context import INDEX_PARAM, get_context
from dashboards.views import comparison_notes, downloads, scope_and_set, set_header

PROFILE_PAGE = "app_pages/province.py"

ctx = get_context()
t, lang = ctx.t, ctx.lang
info = scope_and_set(ctx, "province")
base = da.tables(ctx.db, info)
title = t("map.title", index=ctx.index_name(), year=ctx.year, n=len(base.units))
set_header(ctx, title, info)
controls = st.columns([2, 3])
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
view = da.map_view(ctx.db, info, metric)
modes = ["group", "quantile"] if view.has_groups else ["quantile"]
colour = (
    url_choice(
        t("map.colour_by"),
        modes,
        key="colour",
        default=modes[0],
        format_func=lambda m: t(f"map.colour.{m}"),
        widget="segmented",
        container=controls[1],
    )
    or modes[0]
)
table, comp = view.table, view.comparison
geojson = da.geojson_for_year(ctx.year)
fmap, legend = maps.choropleth(
    table,
    geojson,
    mode=colour,
    has_groups=view.has_groups,
    n_ranked=view.n_ranked,
    comparable=comp.comparable,
    previous_year=comp.previous_year,
    archipelagos=da.archipelagos(),
    lang=lang,
)
features = {str(f["properties"]["code"]) for f in geojson["features"]}
map_col, side = st.columns([3, 1])
with map_col:
    clicked = st_folium(
        fmap,
        key=f"map_{ctx.index_code}_{ctx.year}_{metric}_{colour}_{lang}",
        height=640,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    st.markdown(maps.legend_html(legend, t("map.legend")), unsafe_allow_html=True)
    st.caption(t("map.caption", n=len(features), year=ctx.year) + " " + t("map.islands"))
    if info.is_demo:
        st.caption("⚠ " + t("demo.mark"))
link = {"lang": lang, "index": INDEX_PARAM[ctx.index_code], "year": str(ctx.year)}
drawing = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
code = str(((drawing or {}).get("properties") or {}).get("code", ""))
if code in set(table["code"]):
    st.switch_page(PROFILE_PAGE, query_params={**link, "unit": table.loc[table["code"] == code, "scope_code"].iloc[0]})
with side:
    st.markdown(f"**{t('map.open_profile')}**")
    labels = dict(zip(table["scope_code"], table[ctx.name_col()], strict=False))
    choice = st.selectbox(
        t("map.choose_province"),
        sorted(labels, key=lambda c: fmt.vi_sort_key(labels[c])),
        index=None,
        format_func=labels.get,
        placeholder=t("common.choose"),
        key="map_profile_choice",
    )
    if choice:
        st.page_link(
            PROFILE_PAGE,
            label=t("map.go_profile", name=labels[choice]),
            icon=":material/arrow_forward:",
            query_params={**link, "unit": choice},
        )
    st.markdown(f"**{t('map.ranking_beside')}**")
    st.dataframe(
        tables.map_ranking(table, lang),
        hide_index=True,
        height=420,
        key="map_ranking",
        column_config={
            "rank": st.column_config.NumberColumn(t("rankings.col.rank"), format="%d"),
            "name": t("rankings.col.name"),
            "value": st.column_config.NumberColumn(t("map.tip.score"), format="%.2f"),
        },
    )
    comparison_notes(ctx, "units_changed" if comp.reason == "units_changed" else "", False, comp.previous_year)
    missing = sorted(set(table["code"]) - features)
    if missing:
        st.warning(t("map.missing_shapes", codes=", ".join(missing)))
downloads(
    ctx,
    key="map_dl",
    page="map",
    screen=tables.map_screen(table, lang, view.has_groups),
    infos=[info],
    title=title,
    stem_parts=[metric],
)
