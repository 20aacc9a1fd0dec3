"""Map: provinces coloured by group (A/B/C) or by quantile, 63 provinces up to 2024 and 34 from 2025, with
Hoàng Sa and Trường Sa; the tooltip gives score, rank out of N and change; a click opens the profile."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import maps
from dashboards.components.widgets import url_choice
from dashboards.context import INDEX_PARAM, get_context
from dashboards.views import comparison_notes, downloads, scope_and_set, set_header

PROFILE_PAGE = "app_pages/province.py"

ctx = get_context()
t = ctx.t
info = scope_and_set(ctx, "province")
base = da.tables(ctx.db, info)
title = t("map.title", index=ctx.index_name(), year=ctx.year, n=len(base.units))
set_header(ctx, title, info)
controls = st.columns([2, 3])
options = ["index", *[m.short for m in base.components]]
metric = url_choice(
    t("map.metric"),
    options,
    key="metric",
    default="index",
    format_func=lambda m: base.metric(m).label(ctx.lang),
    container=controls[0],
)
view = da.map_view(ctx.db, info, metric or "index")
modes = ["group", "quantile"] if view.has_groups else ["quantile"]
colour = url_choice(
    t("map.colour_by"),
    modes,
    key="colour",
    default=modes[0],
    format_func=lambda m: t(f"map.colour.{m}"),
    widget="segmented",
    container=controls[1],
)
table = view.table
names = dict(zip(table["code"], table[ctx.name_col()], strict=False))
colours, legend = maps.classify(
    table[["code", "value", "grp"]],
    colour or "quantile",
    labels={**{f"group_{g}": t(f"group.{g}") for g in ("A", "B", "C", "other")}, "no_data": t("map.no_data")},
    number=ctx.num,
)
geojson = da.geojson_for_year(ctx.year)
tips = maps.tooltips(
    table,
    geojson,
    lang=ctx.lang,
    n_ranked=view.n_ranked,
    no_data=t("map.no_data"),
    unranked=t("rankings.not_ranked"),
    not_comparable=t("map.change_not_comparable"),
    comparable=view.comparison.comparable,
)
fields = ["label", "score", "rank", "change"] + (["group"] if view.has_groups else [])
aliases = [
    t("map.tip.province"),
    t("map.tip.score"),
    t("map.tip.rank"),
    t("map.tip.change", prev=view.comparison.previous_year or "–"),
    t("map.tip.group"),
][: len(fields)]
fmap = maps.province_map(
    geojson,
    colours,
    tips,
    tooltip_fields=fields,
    tooltip_aliases=aliases,
    archipelagos=da.archipelagos(),
    lang=ctx.lang,
)
map_col, side = st.columns([3, 1])
with map_col:
    clicked = st_folium(
        fmap,
        key=f"map_{ctx.index_code}_{ctx.year}_{metric}_{colour}_{ctx.lang}",
        height=640,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    st.markdown(maps.legend_html(legend, t("map.legend")), unsafe_allow_html=True)
    features = {str(f["properties"]["code"]) for f in geojson["features"]}
    st.caption(t("map.caption", n=len(features), year=ctx.year) + " " + t("map.islands"))
    if info.is_demo:
        st.caption("⚠ " + t("demo.mark"))
link = {"lang": ctx.lang, "index": INDEX_PARAM[ctx.index_code], "year": str(ctx.year)}
drawing = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
code = str(((drawing or {}).get("properties") or {}).get("code", ""))
if code in names:
    scope_code = table.loc[table["code"] == code, "scope_code"].iloc[0]
    st.switch_page(PROFILE_PAGE, query_params={**link, "unit": scope_code})
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
    beside = (
        pd.DataFrame({"rank": table["rank"], "name": table[ctx.name_col()], "value": table["value"]})
        .sort_values(["rank", "value"], ascending=[True, False], na_position="last")
        .reset_index(drop=True)
    )
    st.dataframe(
        beside,
        hide_index=True,
        height=420,
        key="map_ranking",
        column_config={
            "rank": st.column_config.NumberColumn(t("rankings.col.rank"), format="%d"),
            "name": t("rankings.col.name"),
            "value": st.column_config.NumberColumn(t("map.tip.score"), format="%.2f"),
        },
    )
    comparison_notes(
        ctx,
        view.comparison.reason if view.comparison.reason == "units_changed" else "",
        False,
        view.comparison.previous_year,
    )
    missing = sorted(set(table["code"]) - features)
    if missing:
        st.warning(t("map.missing_shapes", codes=", ".join(missing)))

screen = pd.DataFrame(
    {
        t("rankings.col.code"): table["code"],
        t("rankings.col.name"): table[ctx.name_col()],
        t("map.tip.score"): table["value"],
        t("rankings.col.rank"): table["rank"],
        t("rankings.col.change"): table["change"],
        t("rankings.col.group"): table["grp"] if view.has_groups else None,
    }
).sort_values(t("rankings.col.code"))
downloads(ctx, key="map_dl", page="map", screen=screen, infos=[info], title=title, stem_parts=[metric])
