"""The official record layer on the map: provinces coloured by their published rank, tooltips with the
figures as printed (every version of a conflict), their derived / uncertain flags and their source. The layer
itself (what was published, matched to units) comes from backend/published/record_layer.py."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import pandas as pd

from dashboards.components.maps import (
    NO_DATA_FILL,
    RANK_FILL,
    SCORE_ONLY_FILL,
    LegendItem,
    fill_missing,
    province_map,
)


def classify_official(
    layer: pd.DataFrame, *, labels: Mapping[str, str], n_units: int
) -> tuple[dict[str, str], list[LegendItem]]:
    """Colour per province of the official record layer (``code``, ``has_figure``, ``rank``, ``score``): the
    published rank in fifths of the year's list (rank 1 darkest), a printed score without a rank in its own
    fill, no published figure as no data. ``labels``: ``rank`` ("rank {low}–{high}"), ``score_only``,
    ``no_data``."""
    bands = [(math.floor(n_units * k / 5) + 1, math.floor(n_units * (k + 1) / 5)) for k in range(5)]
    colours: dict[str, str] = {}
    used: set[int] = set()
    score_only = False
    for code, has, rank in zip(layer["code"], layer["has_figure"], layer["rank"], strict=False):
        if not has:
            continue
        if pd.isna(rank):
            colours[str(code)] = SCORE_ONLY_FILL
            score_only = True
            continue
        band = next((i for i, (lo, hi) in enumerate(bands) if lo <= int(rank) <= hi), len(bands) - 1)
        colours[str(code)] = RANK_FILL[band]
        used.add(band)
    legend = [
        LegendItem(RANK_FILL[i], labels["rank"].format(low=lo, high=hi))
        for i, (lo, hi) in enumerate(bands)
        if i in used
    ]
    if score_only:
        legend.append(LegendItem(SCORE_ONLY_FILL, labels["score_only"]))
    if len(colours) < len(layer):
        legend.append(LegendItem(NO_DATA_FILL, labels["no_data"], no_data=True))
    return colours, legend


def official_tooltips(
    layer: pd.DataFrame, geojson: Mapping[str, Any], *, lang: str, texts: Mapping[str, str], open_hint: str = ""
) -> dict[str, dict[str, str]]:
    """Tooltip texts per province code of the official record layer: the published score(s) and rank(s) as
    printed (every version of a conflict), the derived / uncertain flags and the source."""
    from backend.published import fmt
    from backend.published.about import flag_text

    name = "name_vi" if lang == "vi" else "name_en"
    out: dict[str, dict[str, str]] = {}
    for row in layer.to_dict("records"):
        if not row["has_figure"]:
            continue
        source = str(row["source_title"] or "")
        out[str(row["code"])] = {
            "label": str(row[name]),
            "score": " / ".join(fmt.number(v, lang) for v in row["scores"]) or fmt.DASH,
            "rank": " / ".join(str(r) for r in row["ranks"]) or fmt.DASH,
            "flags": flag_text(bool(row["derived"]), bool(row["uncertain"]), lang) or fmt.DASH,
            "source": source if len(source) <= 90 else source[:89] + "…",
        }
    fill_missing(out, geojson, lang, texts["no_data"], extra=("flags", "source"))
    for tip in out.values():
        tip["aria"] = ", ".join(v for k, v in tip.items() if k in ("label", "score", "rank", "flags") and v) + (
            f". {open_hint}" if open_hint else ""
        )
    return out


def official_choropleth(
    layer: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    archipelagos: Sequence[Mapping[str, Any]],
    lang: str,
) -> tuple[folium.Map, list[LegendItem]]:
    """The map of the official record layer (backend/published/record_layer.py): published rank classes,
    tooltips with the figures as printed, their flags and source."""
    from backend.i18n import t

    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    colours, legend = classify_official(
        layer,
        labels={
            "rank": tr("map.official.rank_band"),
            "score_only": tr("map.official.score_only"),
            "no_data": tr("map.official.no_data"),
        },
        n_units=len(geojson["features"]),
    )
    tips = official_tooltips(
        layer, geojson, lang=lang, texts={"no_data": tr("map.official.no_data")}, open_hint=tr("map.enter_opens")
    )
    fields = ["label", "score", "rank", "flags", "source"]
    aliases = [
        tr("map.tip.province"),
        tr("map.official.score"),
        tr("map.official.rank"),
        tr("record.flags"),
        tr("record.source"),
    ]
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
