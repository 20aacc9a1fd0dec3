"""Charts and the map of a report or a press kit, drawn on the server (matplotlib, no browser, no tile server).

Pure drawing: each function takes a :class:`~backend.publication.bundle.Bundle` and a language and returns the
file's bytes; the numbers are the read model's (values, groups, national and region figures as stored), the
tick labels are formatted by :mod:`backend.published.fmt` (decimal comma in Vietnamese). Output is
reproducible: the same set gives byte-identical files (no creation date, a fixed SVG id salt), so a kit's
SHA-256 index does not change when it is rebuilt.

Groups are told apart by lightness as well as hue (dark, medium, light, grey) and the map hatches units with
no data, so the charts read in greyscale and for colour-blind readers.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from backend.i18n import t
from backend.publication.bundle import Bundle
from backend.published import fmt

matplotlib.rcParams["svg.hashsalt"] = "par-sipas"
matplotlib.rcParams["font.family"] = "DejaVu Sans"  # ships with matplotlib; has every Vietnamese letter

#: group code → fill colour (lightness falls from A to C; "other" and no group are grey)
GROUP_COLOURS = {"A": "#08306b", "B": "#2f7bbf", "C": "#9ecae1"}
OTHER_COLOUR = "#8c8c8c"
NATIONAL_COLOUR = "#b2182b"
NO_DATA = "#f0f0f0"
BAR_COLOUR = "#2f7bbf"


def _save(figure: Figure, kind: str = "png") -> bytes:
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": None} if kind == "png" else {"Date": None, "Creator": None}
    figure.savefig(buffer, format=kind, dpi=150, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def _formatter(lang: str, decimals: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: fmt.number(value, lang, decimals))


def group_colour(group: Any) -> str:
    return GROUP_COLOURS.get(str(group), OTHER_COLOUR) if isinstance(group, str) else OTHER_COLOUR


def ranking_chart(bundle: Bundle, lang: str) -> bytes:
    """Every ranked unit's index value, best first, coloured by group, with the national figure."""
    table = bundle.ranking.table
    ranked = table[table["sort_rank"].notna()]
    names = [bundle.tables.unit_name(u, lang) for u in ranked["unit_id"]]
    height = min(11.0, max(3.0, 0.15 * len(ranked) + 1.2))  # fits an A4 page at 16 cm wide
    figure = Figure(figsize=(8, height))
    axes = figure.add_subplot()
    positions = np.arange(len(ranked))[::-1]
    colours = [group_colour(g) for g in ranked["grp"]]
    axes.barh(positions, ranked["value"].to_numpy(dtype=float), color=colours, height=0.75)
    axes.set_yticks(positions, [f"{int(r)}. {n}" for r, n in zip(ranked["sort_rank"], names, strict=True)], fontsize=6)
    national = bundle.tables.national.get(bundle.info.index_code)
    if national is not None:
        axes.axvline(national, color=NATIONAL_COLOUR, linestyle="--", linewidth=1.2)
        axes.text(
            national,
            positions.max() + 0.9,
            f"{t('common.national', lang)}: {fmt.number(national, lang, bundle.decimals)}",
            color=NATIONAL_COLOUR,
            fontsize=8,
            ha="center",
        )
    values = ranked["value"].to_numpy(dtype=float)
    if len(values):
        low = float(np.nanmin(values))
        axes.set_xlim(max(0.0, np.floor(low / 5) * 5 - 5), float(np.nanmax(values)) + 2)
    axes.xaxis.set_major_formatter(_formatter(lang))
    axes.set_xlabel(t("publication.chart.value_axis", lang, unit=_unit(bundle, lang)))
    axes.set_ylim(-0.8, len(ranked) + 0.4)
    axes.spines[["top", "right"]].set_visible(False)
    return _save(figure)


def _unit(bundle: Bundle, lang: str) -> str:
    return "%" if bundle.info.index_code == "SIPAS" else t("publication.points", lang)


def components_chart(bundle: Bundle, lang: str) -> bytes | None:
    """Each component's national figure in % of its maximum (None when the set has no components)."""
    frame = bundle.overview.summary.components
    if frame.empty:
        return None
    labels = [bundle.tables.metric(m).label(lang) for m in frame["metric"]]
    figure = Figure(figsize=(8, 0.45 * len(frame) + 1.2))
    axes = figure.add_subplot()
    positions = np.arange(len(frame))[::-1]
    pct = frame["pct"].to_numpy(dtype=float)
    axes.barh(positions, pct, color=BAR_COLOUR, height=0.6)
    for y, value in zip(positions, pct, strict=True):
        axes.text(value + 0.8, float(y), fmt.number(value, lang, 1), va="center", fontsize=8)
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=8)
    axes.set_xlim(0, 105)
    axes.xaxis.set_major_formatter(_formatter(lang))
    axes.set_xlabel(t("common.pct_of_max", lang))
    axes.spines[["top", "right"]].set_visible(False)
    return _save(figure)


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def regions_chart(bundle: Bundle, lang: str) -> bytes | None:
    """The regions' averages of the index beside the national figure (None when the set has no regions)."""
    regions = bundle.overview.summary.regions.dropna(subset=["value"])
    if regions.empty:
        return None
    regions = regions.sort_values("value")
    names = [bundle.tables.region_name(c, lang) or str(c) for c in regions["region_code"]]
    figure = Figure(figsize=(8, 0.5 * len(regions) + 1.2))
    axes = figure.add_subplot()
    positions = np.arange(len(regions))
    values = regions["value"].to_numpy(dtype=float)
    axes.barh(positions, values, color=BAR_COLOUR, height=0.6)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + 0.2, float(y), fmt.number(value, lang, bundle.decimals), va="center", fontsize=8)
    axes.set_yticks(positions, [_short(n, 40) for n in names], fontsize=8)
    national = bundle.tables.national.get(bundle.info.index_code)
    if national is not None:
        axes.axvline(national, color=NATIONAL_COLOUR, linestyle="--", linewidth=1.2, label=t("common.national", lang))
        axes.legend(loc="lower right", fontsize=8)
    axes.set_xlim(max(0.0, float(values.min()) - 8), float(values.max()) + 4)
    axes.xaxis.set_major_formatter(_formatter(lang))
    axes.set_xlabel(t("publication.chart.value_axis", lang, unit=_unit(bundle, lang)))
    axes.spines[["top", "right"]].set_visible(False)
    return _save(figure)


def map_figure(bundle: Bundle, lang: str, kind: str = "svg") -> bytes | None:
    """The provinces of the set's year coloured by group (quintiles of the index when the set has no groups),
    with the Hoàng Sa and Trường Sa labels; None for a set of ministries."""
    if bundle.info.unit_scope != "province":
        return None
    from geo.loader import ARCHIPELAGOS, boundaries

    shapes = boundaries(bundle.info.year)
    table = bundle.map.table.set_index("code")
    shapes = shapes.join(table[["value", "grp"]], how="left")
    figure = Figure(figsize=(6, 9))
    axes = figure.add_subplot()
    has_groups = bool(table["grp"].notna().any())
    handles = _draw_groups(axes, shapes, lang) if has_groups else _draw_quintiles(axes, shapes, lang)
    missing = shapes[shapes["value"].isna()]
    if not missing.empty:
        missing.plot(ax=axes, color=NO_DATA, edgecolor="#666666", linewidth=0.3, hatch="///")
    for place in ARCHIPELAGOS:
        axes.plot(place["lon"], place["lat"], marker="o", markersize=2, color="#333333")
        axes.annotate(
            place["name_vi" if lang == "vi" else "name_en"],
            (place["lon"], place["lat"]),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=6.5,
        )
    from matplotlib.patches import Patch

    handles.append(Patch(facecolor=NO_DATA, edgecolor="#666666", hatch="///", label=t("map.no_data", lang)))
    axes.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    axes.set_xlim(102.0, 115.5)
    axes.set_ylim(8.0, 23.6)
    axes.set_axis_off()
    axes.set_aspect("equal")
    return _save(figure, kind)


def _draw_groups(axes: Any, shapes: Any, lang: str) -> list[Any]:
    from matplotlib.patches import Patch

    handles = []
    for group in [*GROUP_COLOURS, "other"]:
        part = (
            shapes[shapes["grp"] == group]
            if group != "other"
            else shapes[shapes["value"].notna() & ~shapes["grp"].isin(list(GROUP_COLOURS))]
        )
        if part.empty:
            continue
        colour = group_colour(group)
        part.plot(ax=axes, color=colour, edgecolor="white", linewidth=0.3)
        handles.append(Patch(facecolor=colour, label=t(f"group.{group}", lang)))
    return handles


def _draw_quintiles(axes: Any, shapes: Any, lang: str) -> list[Any]:
    from matplotlib.patches import Patch

    shades = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
    values = shapes["value"].dropna()
    if values.empty:
        return []
    classes = min(5, len(values))
    if classes < 2:  # one unit: one class
        bins = pd.Series(0, index=values.index)
    else:
        bins = pd.Series(pd.qcut(values.rank(method="first"), classes, labels=False), index=values.index)
    edges = values.groupby(bins).agg(["min", "max"])
    handles = []
    for q, (low, high) in edges.iterrows():
        part = shapes.loc[bins[bins == q].index]
        part.plot(ax=axes, color=shades[int(q)], edgecolor="#555555", linewidth=0.3)
        handles.append(
            Patch(
                facecolor=shades[int(q)],
                edgecolor="#555555",
                label=f"{fmt.number(low, lang, 1)} – {fmt.number(high, lang, 1)}",
            )
        )
    return handles
