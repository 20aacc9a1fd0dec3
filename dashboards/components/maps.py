"""Folium choropleth of provinces (63 up to 2024, 34 from 2025), without internet tiles.

:func:`classify` gives every province a colour, either by group (A/B/C as published) or by quantile of the
score, and a distinct no-data style (white with a dashed border, never a colour of the scale);
:func:`~dashboards.components.official_map.classify_official` colours the official record layer.
:func:`province_map` builds the map: the simplified boundaries (with the Hoàng Sa and Trường Sa islets
inside Đà Nẵng and Khánh Hòa), a labelled marker for each archipelago, and a tooltip per province. The GeoJSON
passed in is never modified.

Accessible without a mouse or colour: every province is a button in the tab order with its name and figures
as accessible name; Enter or Space opens its profile (the same message a click sends); focus shows its
tooltip. On a touch screen the first tap on a province shows its figures and a second tap opens the profile,
so figures can be browsed. Fills differ in lightness (chart_style.py); the sea is striped, so no fill can be
taken for it; zoom buttons speak the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd

from dashboards.components.chart_style import GROUP_COLOURS, QUANTILE_COLOURS
from dashboards.components.map_controls import Access, Zoom

GROUP_FILL = {g: c for g, c in GROUP_COLOURS.items() if g is not None}
OTHER_FILL = "#8c6bb1"
QUANTILE_FILL = list(QUANTILE_COLOURS)
#: official layer: published rank in fifths of the list, best darkest; a score printed without a rank
RANK_FILL = list(reversed(QUANTILE_COLOURS))
SCORE_ONLY_FILL = "#9e9ac8"
NO_DATA_FILL = "#ffffff"
NO_DATA_BORDER = "#595959"
BORDER = "#3d3d3d"
SEA = "repeating-linear-gradient(135deg, #d6e4ef 0 4px, #f2f7fb 4px 10px)"
VIEW_BOUNDS = [[8.2, 102.2], [23.4, 115.2]]  # mainland plus Hoàng Sa and Trường Sa
# Leaflet is served by the app itself (dashboards/static, Streamlit static serving), never from a CDN: the
# map must work on an intranet. The path is relative to the component's iframe (<base>/component/<name>/).
LEAFLET_BASE = "../../app/static/vendor/leaflet"
LOCAL_JS = [("leaflet", f"{LEAFLET_BASE}/leaflet.js")]
LOCAL_CSS = [("leaflet_css", f"{LEAFLET_BASE}/leaflet.css")]


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str
    no_data: bool = False


def quantile_edges(values: pd.Series, bins: int = 5) -> list[float]:
    """Quantile class edges of the non-missing values (unique, ascending)."""
    data = values.dropna().astype(float)
    if data.empty:
        return []
    edges = np.unique(np.quantile(data, np.linspace(0, 1, bins + 1)))
    return [float(e) for e in edges]


def classify(
    data: pd.DataFrame,
    mode: str,
    *,
    labels: Mapping[str, str],
    number: Any,
    bins: int = 5,
) -> tuple[dict[str, str], list[LegendItem]]:
    """Colour per province code and the legend. ``data``: ``code``, ``value``, ``grp``.

    ``mode`` ``group``: the published group (A/B/C; a scored unit without a group is "other").
    ``mode`` ``quantile``: quintiles of the score (fewer classes when values repeat).
    Provinces without a value get no colour from the scale: they are drawn as no data.
    """
    colours: dict[str, str] = {}
    legend: list[LegendItem] = []
    has_value = data["value"].notna()
    if mode == "group":
        present = set(data.loc[has_value, "grp"].dropna())
        for group, fill in GROUP_FILL.items():
            if group in present:
                legend.append(LegendItem(fill, labels[f"group_{group}"]))
        if (has_value & data["grp"].isna()).any():
            legend.append(LegendItem(OTHER_FILL, labels["group_other"]))
        for code, value, group in zip(data["code"], data["value"], data["grp"], strict=False):
            if pd.notna(value):
                colours[str(code)] = GROUP_FILL.get(group, OTHER_FILL) if isinstance(group, str) else OTHER_FILL
    else:
        edges = quantile_edges(data["value"], bins)
        if len(edges) >= 2:
            classes = len(edges) - 1
            palette = QUANTILE_FILL[-classes:] if classes < len(QUANTILE_FILL) else QUANTILE_FILL
            for i in range(classes):
                legend.append(LegendItem(palette[i], f"{number(edges[i])} – {number(edges[i + 1])}"))
            for code, value in zip(data["code"], data["value"], strict=False):
                if pd.notna(value):
                    position = int(np.searchsorted(edges, float(value), side="right")) - 1
                    colours[str(code)] = palette[min(max(position, 0), classes - 1)]
        elif len(edges) == 1:
            legend.append(LegendItem(QUANTILE_FILL[2], number(edges[0])))
            for code, value in zip(data["code"], data["value"], strict=False):
                if pd.notna(value):
                    colours[str(code)] = QUANTILE_FILL[2]
    if (~has_value).any() or len(data) == 0:
        legend.append(LegendItem(NO_DATA_FILL, labels["no_data"], no_data=True))
    return colours, legend


def tooltips(
    table: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    lang: str,
    n_ranked: int,
    no_data: str,
    unranked: str,
    not_comparable: str,
    comparable: bool,
    open_hint: str = "",
) -> dict[str, dict[str, str]]:
    """Tooltip texts per province code from the map view's table (``code``, names, ``value``, ``rank``,
    ``tied``, ``change``, ``basis``, ``grp``), plus ``aria``, the province's accessible name (name, figures
    and ``open_hint``); a province on the map without a published figure says so."""
    from backend.published import fmt

    name = "name_vi" if lang == "vi" else "name_en"
    missing_change = not_comparable if not comparable else fmt.DASH
    out: dict[str, dict[str, str]] = {}
    for row in table.to_dict("records"):
        change = row.get("change")
        out[str(row["code"])] = {
            "label": str(row[name]),
            "score": fmt.number(row["value"], lang) if pd.notna(row["value"]) else no_data,
            "rank": fmt.rank_text(row["rank"], n_ranked, lang, tied=bool(row["tied"]), unranked=unranked),
            "change": fmt.signed(change, lang)
            if change is not None and pd.notna(change)
            else (not_comparable if row.get("basis") == "merged" else missing_change),
            "group": str(row["grp"]) if isinstance(row.get("grp"), str) else fmt.DASH,
        }
    fill_missing(out, geojson, lang, no_data)
    for tip in out.values():
        tip["aria"] = ", ".join(v for k, v in tip.items() if k in ("label", "score", "rank") and v) + (
            f". {open_hint}" if open_hint else ""
        )
    return out


def fill_missing(
    out: dict[str, dict[str, str]], geojson: Mapping[str, Any], lang: str, no_data: str, extra: Sequence[str] = ()
) -> None:
    from backend.published import fmt

    for feature in geojson["features"]:
        props = feature["properties"]
        code = str(props["code"])
        if code not in out:
            label = str(props["name_vi" if lang == "vi" else "name_en"])
            out[code] = {"label": label, "score": no_data, "rank": fmt.DASH, "change": fmt.DASH, "group": fmt.DASH}
            out[code].update({k: fmt.DASH for k in extra})


def with_properties(geojson: Mapping[str, Any], properties: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A new FeatureCollection whose features carry extra properties (by ``properties.code``); the input
    (a cached, shared object) is left untouched."""
    features = []
    for feature in geojson["features"]:
        code = str(feature["properties"]["code"])
        props = {**feature["properties"], **properties.get(code, {})}
        features.append({"type": "Feature", "id": code, "properties": props, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def province_map(
    geojson: Mapping[str, Any],
    colours: Mapping[str, str],
    tooltips: Mapping[str, Mapping[str, str]],
    *,
    tooltip_fields: Sequence[str],
    tooltip_aliases: Sequence[str],
    archipelagos: Sequence[Mapping[str, Any]],
    lang: str,
    height: int = 640,
    zoom_titles: tuple[str, str] = ("Zoom in", "Zoom out"),
) -> folium.Map:
    """The choropleth: no tile layer, fitted to the mainland and both archipelagos."""
    fmap = folium.Map(
        location=[16.0, 108.0],
        zoom_start=5,
        tiles=None,
        control_scale=False,
        zoom_control=False,
        scrollWheelZoom=False,
        prefer_canvas=False,
        attribution_control=False,
        height=height,
        zoom_snap=0.25,
        zoom_delta=0.5,
        # no zoom animation: the initial fit is instant, and clicks map to the drawn shapes at once
        zoom_animation=False,
        fade_animation=False,
        marker_zoom_animation=False,
    )
    # only Leaflet itself is needed (no jQuery, Bootstrap or icon fonts from CDNs)
    fmap.default_js = list(LOCAL_JS)
    fmap.default_css = list(LOCAL_CSS)
    fmap.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container{{background:{SEA};}}"
            ".prov:focus,.prov:focus-visible{outline:none;stroke:#000;stroke-width:3px;stroke-dasharray:none;}"
            ".leaflet-tooltip{color:#1f1f1f;}</style>"
        )
    )
    Zoom(*zoom_titles).add_to(fmap)
    data = with_properties(geojson, tooltips)

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        code = str(feature["properties"]["code"])
        fill = colours.get(code)
        if fill is None:
            return {
                "fillColor": NO_DATA_FILL,
                "color": NO_DATA_BORDER,
                "weight": 1,
                "dashArray": "4 3",
                "fillOpacity": 1.0,
                "className": f"prov prov-nodata prov-{code}",
            }
        return {
            "fillColor": fill,
            "color": BORDER,
            "weight": 0.6,
            "fillOpacity": 1.0,
            "className": f"prov prov-{code}",
        }

    layer = folium.GeoJson(
        data,
        name="provinces",
        style_function=style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(tooltip_fields), aliases=list(tooltip_aliases), sticky=True, labels=True
        ),
        zoom_on_click=False,
    ).add_to(fmap)
    Access().add_to(layer)
    for place in archipelagos:
        name = place["name_vi"] if lang == "vi" else place["name_en"]
        # labels east of the Paracels would leave the fitted view: write them to the left of their point.
        # The icon box is 1 px wide, so place the text absolutely against the point (a % shift would not work).
        side = "left:6px" if place["lon"] < 113 else "right:6px"
        folium.CircleMarker(
            location=[place["lat"], place["lon"]],
            radius=2,
            color="#333333",
            fill=True,
            tooltip=name,
        ).add_to(fmap)
        folium.Marker(
            location=[place["lat"], place["lon"]],
            icon=folium.DivIcon(
                html=(
                    f'<div style="position:absolute;{side};top:-14px;font-size:11px;color:#1f1f1f;white-space:nowrap;'
                    f'font-family:Arial,sans-serif;background:rgba(255,255,255,0.8)">{name}</div>'
                ),
                icon_size=(1, 1),
            ),
        ).add_to(fmap)
    fmap.fit_bounds(VIEW_BOUNDS)
    return fmap


def legend_html(items: Sequence[LegendItem], title: str) -> str:
    """A small HTML legend (rendered by the page beside the map): swatch and text per class; no data has a
    dashed border (told apart without colour)."""
    parts = [f'<div class="map-legend" role="list" aria-label="{title}"><b>{title}</b><br>']
    for item in items:
        border = f"2px dashed {NO_DATA_BORDER}" if item.no_data else f"1px solid {BORDER}"
        parts.append(
            '<span role="listitem" style="display:inline-flex;align-items:center;margin:2px 12px 2px 0">'
            f'<span aria-hidden="true" style="display:inline-block;width:18px;height:13px;background:{item.colour};'
            f'border:{border};margin-right:6px"></span>{item.label}</span>'
        )
    parts.append("</div>")
    return "".join(parts)


def choropleth(
    table: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    mode: str,
    has_groups: bool,
    n_ranked: int,
    comparable: bool,
    previous_year: int | None,
    archipelagos: Sequence[Mapping[str, Any]],
    lang: str,
) -> tuple[folium.Map, list[LegendItem]]:
    """The whole map of a map view's table (``code``, names, ``value``, ``rank``, ``tied``, ``change``,
    ``basis``, ``grp``): colours by group or quantile, tooltips, legend, in the reader's language."""
    from backend.i18n import t
    from backend.published import fmt

    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    colours, legend = classify(
        table[["code", "value", "grp"]],
        mode,
        labels={**{f"group_{g}": tr(f"group.{g}") for g in ("A", "B", "C", "other")}, "no_data": tr("map.no_data")},
        number=lambda v: fmt.number(v, lang),
    )
    tips = tooltips(
        table,
        geojson,
        lang=lang,
        n_ranked=n_ranked,
        no_data=tr("map.no_data"),
        unranked=tr("rankings.not_ranked"),
        not_comparable=tr("map.change_not_comparable"),
        comparable=comparable,
        open_hint=tr("map.enter_opens"),
    )
    fields = ["label", "score", "rank", "change"] + (["group"] if has_groups else [])
    aliases = [
        tr("map.tip.province"),
        tr("map.tip.score"),
        tr("map.tip.rank"),
        tr("map.tip.change", prev=previous_year or "–"),
        tr("map.tip.group"),
    ][: len(fields)]
    fmap = province_map(
        geojson,
        colours,
        tips,
        tooltip_fields=fields,
        tooltip_aliases=aliases,
        archipelagos=archipelagos,
        lang=lang,
        zoom_titles=(tr("map.zoom_in"), tr("map.zoom_out")),
    )
    return fmap, legend
