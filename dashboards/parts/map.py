"""Finished parts of the map page (dashboards/app_pages/map.py): drawn once per key, replayed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import leaflet, maps, official_map, official_tables, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import comparison_notes, table


@dataclass(frozen=True)
class Facts:
    """What the visitor's widgets need, worked out once per set and metric."""

    metrics: dict[str, str]  # short code -> label
    has_groups: bool
    has_official: bool
    names: dict[str, str]  # scope code -> name, in the reader's order
    scope_of: dict[str, str]  # map code -> scope code
    screen: pd.DataFrame
    official_screen: pd.DataFrame


@finished
def facts(key: PartKey, metric: str, _ctx: AppContext) -> Facts:
    ctx, info = _ctx, key.info
    base = da.tables(ctx.db, info)
    view = da.map_view(ctx.db, info, key.sets[1] if len(key.sets) > 1 else None, metric)
    official = da.record_layer_of(ctx.db, info)
    names = dict(zip(view.table["scope_code"], view.table[ctx.name_col()], strict=False))
    return Facts(
        metrics={m: base.metric(m).label(ctx.lang) for m in ["index", *[c.short for c in base.components]]},
        has_groups=view.has_groups,
        has_official=official.has_figures,
        names={c: names[c] for c in sorted(names, key=lambda c: fmt.vi_sort_key(names[c]))},
        scope_of=dict(zip(view.table["code"].astype(str), view.table["scope_code"], strict=False)),
        screen=tables.map_screen(view.table, ctx.lang, view.has_groups),
        official_screen=official_tables.official_screen(official.table, ctx.lang),
    )


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


@finished
def notes(key: PartKey, metric: str, layer: str, _ctx: AppContext) -> None:
    """Legend notes under the map (drawn once per set, metric and layer)."""
    ctx, t, info = _ctx, _ctx.t, key.info
    features = {str(f["properties"]["code"]) for f in da.geojson_for_year(ctx.year)["features"]}
    if layer == "official":
        official = da.record_layer_of(ctx.db, info)
        st.caption(t("map.official.note", n=official.n_with_figure, total=len(official.table)))
    st.caption(t("map.caption", n=len(features), year=ctx.year) + " " + t("map.islands"))
    if info.is_demo and layer != "official":
        st.caption("⚠ " + t("demo.mark"))


@finished
def side_panel(key: PartKey, metric: str, layer: str, _ctx: AppContext) -> None:
    """The ranking beside the map and its notes."""
    ctx, t, lang, info = _ctx, _ctx.t, _ctx.lang, key.info
    if layer == "official":
        st.markdown(f"**{t('map.official.beside')}**")
        frame, formats = official_tables.official_list(da.record_layer_of(ctx.db, info).table, lang)
        table(frame, formats, caption=t("map.official.beside"), sortable=True, key="map_official", height=420)
        return
    view = da.map_view(ctx.db, info, key.sets[1] if len(key.sets) > 1 else None, metric)
    st.markdown(f"**{t('map.ranking_beside')}**")
    frame, formats = tables.map_ranking(view.table, lang)
    table(
        frame,
        formats,
        caption=t("map.ranking_beside"),
        sortable=True,
        key="map_ranking",
        height=420,
        column_config={"rank": t("rankings.col.rank"), "name": t("rankings.col.name"), "value": t("map.tip.score")},
    )
    comp = view.comparison
    comparison_notes(ctx, "units_changed" if comp.reason == "units_changed" else "", False, comp.previous_year)
    features = {str(f["properties"]["code"]) for f in da.geojson_for_year(ctx.year)["features"]}
    missing = sorted(set(view.table["code"]) - features)
    if missing:
        st.warning(t("map.missing_shapes", codes=", ".join(missing)))
