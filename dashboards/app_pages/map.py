"""Map: provinces coloured by group (A/B/C) or by quantile, 63 provinces up to 2024 and 34 from 2025, with
Hoàng Sa and Trường Sa; the tooltip gives score, rank out of N and change; a click opens the profile."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboards import data_access as da
from dashboards.components import fmt, maps, model
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import INDEX_PARAM, get_context
from dashboards.views import components_for, download_labels, file_stem, rows_for, stop_with, table_for

PROFILE_PAGE = "app_pages/province.py"

ctx = get_context()
t = ctx.t
set_row = ctx.set_for("province")
if set_row is None:
    stop_with(ctx, t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name("province")))
assert set_row is not None

rows = rows_for(ctx, set_row)
table = table_for(ctx, set_row)
main, _detail = components_for(rows, ctx.index_code)
labels = ctx.metric_labels(set_row, main)
n_units = len(table)

st.header(t("map.title", index=ctx.index_name(), year=ctx.year, n=n_units))
st.caption(ctx.source_line(set_row))

controls = st.columns([2, 3])
metric = url_choice(
    t("map.metric"),
    ["index", *[model.metric_suffix(m) for m in main]],
    key="metric",
    default="index",
    format_func=lambda m: (
        ctx.index_name()
        if m == "index"
        else labels.get(f"{ctx.index_code}.area.{m}", labels.get(f"{ctx.index_code}.{m}", m))
    ),
    container=controls[0],
)
metric_name = (
    ctx.index_code if metric == "index" else next((m for m in main if model.metric_suffix(m) == metric), ctx.index_code)
)
has_groups = metric_name == ctx.index_code and table["grp"].notna().any()
colour_mode = url_choice(
    t("map.colour_by"),
    ["group", "quantile"] if has_groups else ["quantile"],
    key="colour",
    default="group" if has_groups else "quantile",
    format_func=lambda m: t(f"map.colour.{m}"),
    widget="segmented",
    container=controls[1],
)

prev_row, comp = ctx.comparison("province")
prev_table = table_for(ctx, prev_row) if prev_row is not None else None
changes = model.with_changes(table, prev_table, comp.comparable, ctx.lineage())
value_column = "value" if metric_name == ctx.index_code else metric_name
if metric_name == ctx.index_code:
    shown_rank = changes["rank"]
else:
    shown_rank = model.computed_ranks(changes[value_column].where(changes["ranked"]))
n_ranked = int(shown_rank.notna().sum())
data = pd.DataFrame(
    {
        "code": changes["code"],
        "value": changes[value_column] if value_column in changes else float("nan"),
        "grp": changes["grp"] if metric_name == ctx.index_code else None,
    }
)
colours, legend = maps.classify(
    data,
    colour_mode or "quantile",
    labels={
        "group_A": t("group.A"),
        "group_B": t("group.B"),
        "group_C": t("group.C"),
        "group_other": t("group.other"),
        "no_data": t("map.no_data"),
    },
    number=ctx.num,
)

name_col = ctx.name_col()
prev_year = int(prev_row["year"]) if prev_row is not None else None
change_text_missing = t("map.change_not_comparable") if not comp.comparable else fmt.DASH
tooltips: dict[str, dict[str, str]] = {}
for i, row in changes.iterrows():
    rank = shown_rank.iloc[i]
    tied = bool((shown_rank == rank).sum() > 1) if pd.notna(rank) else False
    tooltips[str(row["code"])] = {
        "label": str(row[name_col]),
        "score": ctx.num(row[value_column]) if pd.notna(row[value_column]) else t("map.no_data"),
        "rank": fmt.rank_text(rank, n_ranked, ctx.lang, tied=tied, unranked=t("rankings.not_ranked")),
        "change": ctx.signed(row["change"])
        if metric_name == ctx.index_code and pd.notna(row["change"])
        else (t("map.change_not_comparable") if row.get("basis") == "merged" else change_text_missing),
        "group": str(row["grp"]) if isinstance(row["grp"], str) else fmt.DASH,
    }

geojson = da.geojson_for_year(ctx.year)
features = {str(f["properties"]["code"]) for f in geojson["features"]}
missing_shapes = sorted(set(table["code"]) - features)
for code in features - set(tooltips):  # a province on the map without a published figure
    props = next(f["properties"] for f in geojson["features"] if str(f["properties"]["code"]) == code)
    tooltips[code] = {
        "label": str(props["name_vi" if ctx.lang == "vi" else "name_en"]),
        "score": t("map.no_data"),
        "rank": fmt.DASH,
        "change": fmt.DASH,
        "group": fmt.DASH,
    }

fields = ["label", "score", "rank", "change"] + (["group"] if has_groups else [])
aliases = [
    t("map.tip.province"),
    t("map.tip.score"),
    t("map.tip.rank"),
    t("map.tip.change", prev=prev_year or "–"),
    t("map.tip.group"),
][: len(fields)]
fmap = maps.province_map(
    geojson,
    colours,
    tooltips,
    tooltip_fields=fields,
    tooltip_aliases=aliases,
    archipelagos=da.archipelagos(),
    lang=ctx.lang,
)
map_col, side = st.columns([3, 1])
with map_col:
    clicked = st_folium(
        fmap,
        key=f"map_{ctx.index_code}_{ctx.year}_{metric}_{colour_mode}_{ctx.lang}",
        height=640,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    st.markdown(maps.legend_html(legend, t("map.legend")), unsafe_allow_html=True)
    st.caption(t("map.caption", n=len(features), year=ctx.year) + " " + t("map.islands"))
    if ctx.is_demo(set_row):
        st.caption("⚠ " + t("demo.mark"))

kind_of_year = str(table["kind"].iloc[0]) if not table.empty else "province_63"
drawing = (clicked or {}).get("last_active_drawing") if isinstance(clicked, dict) else None
if drawing and isinstance(drawing, dict):
    code = str((drawing.get("properties") or {}).get("code", ""))
    if code in set(table["code"]):
        st.switch_page(
            PROFILE_PAGE,
            query_params={
                "lang": ctx.lang,
                "index": INDEX_PARAM[ctx.index_code],
                "year": str(ctx.year),
                "unit": f"{kind_of_year}:{code}",
            },
        )

with side:
    st.markdown(f"**{t('map.open_profile')}**")
    names = dict(zip(table["scope_code"], table[name_col], strict=False))
    ordered = sorted(names, key=lambda sc: fmt.vi_sort_key(str(names[sc])))
    choice = st.selectbox(
        t("map.choose_province"),
        ordered,
        index=None,
        format_func=lambda sc: names[sc],
        placeholder=t("common.choose"),
        key="map_profile_choice",
    )
    if choice:
        st.page_link(
            PROFILE_PAGE,
            label=t("map.go_profile", name=names[choice]),
            icon=":material/arrow_forward:",
            query_params={
                "lang": ctx.lang,
                "index": INDEX_PARAM[ctx.index_code],
                "year": str(ctx.year),
                "unit": choice,
            },
        )
    st.markdown(f"**{t('map.ranking_beside')}**")
    beside = (
        pd.DataFrame({"rank": shown_rank, "name": changes[name_col], "value": changes[value_column]})
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
    if comp.reason == "units_changed":
        st.info(t("common.not_comparable_units", year=ctx.year, prev=prev_year))
    if missing_shapes:
        st.warning(t("map.missing_shapes", codes=", ".join(missing_shapes)))

screen = pd.DataFrame(
    {
        t("rankings.col.code"): changes["code"],
        t("rankings.col.name"): changes[name_col],
        t("map.tip.score"): changes[value_column],
        t("rankings.col.rank"): shown_rank,
        t("rankings.col.change"): changes["change"] if metric_name == ctx.index_code else float("nan"),
        t("rankings.col.group"): changes["grp"] if has_groups else None,
    }
).sort_values(t("rankings.col.code"))
st.divider()
download_panel(
    key="map_dl",
    labels=download_labels(ctx),
    file_stem=file_stem(ctx, "map", metric),
    screen=screen,
    metadata=ctx.export_metadata([set_row], t("map.title", index=ctx.index_name(), year=ctx.year, n=n_units)),
    lang=ctx.lang,
)
