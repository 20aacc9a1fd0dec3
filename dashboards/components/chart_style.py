"""The look every chart and map shares: colours told apart without hue, titles and sources that never hide
under the toolbar, text with enough contrast, the modebar in the reader's language.

Colours (WCAG 1.4.1, use of colour): groups A/B/C are one hue at three clearly different lightnesses (L* about
25 / 62 / 89), so they stay apart in grey and for red-green colour-blind readers, and charts add a marker shape
per group; the quantile scale runs from light to dark yellow-brown, never the sea's blue; units in a chart
take the Okabe-Ito palette (safe for colour-blind readers) with a marker and a dash pattern each, assigned once
per page by :func:`unit_styles` so a unit looks the same in every chart of the page. Text colours reach 4.5:1
on white (WCAG 1.4.3), lines and boundaries 3:1 (1.4.11).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

#: group fills (one hue, three lightnesses) and the marker shape of each group in charts
GROUP_COLOURS: dict[str | None, str] = {"A": "#00441b", "B": "#41ab5d", "C": "#c7e9c0", None: "#8c8c8c"}
GROUP_SYMBOLS: dict[str | None, str] = {"A": "circle", "B": "diamond", "C": "square", None: "x"}
#: quantile classes, light to dark (the lightest is yellow, never the sea's blue)
QUANTILE_COLOURS = ["#fee391", "#fec44f", "#fe9929", "#cc4c02", "#662506"]
NATIONAL_COLOUR = "#333333"
REGION_COLOUR = "#5e3c99"
BEST_COLOUR = "#b2182b"
UNIT_COLOUR = "#0072b2"
UP_COLOUR = "#1a7837"
DOWN_COLOUR = "#b2182b"
TEXT_COLOUR = "#1f1f1f"
MUTED_TEXT = "#4d4d4d"  # 8.5:1 on white: captions, sources, axis text
GRID_COLOUR = "#e6e6e6"
#: Okabe & Ito (2008), colour-blind safe; yellow left out (too light on white)
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#7f5a00"]
SERIES_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star"]
SERIES_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]
FONT = "Arial, 'Segoe UI', 'Noto Sans', sans-serif"
#: characters per title / source line (titles wrap instead of running under the toolbar or off a phone)
TITLE_WIDTH = 40
SOURCE_WIDTH = 62
#: pixels under the plot for the axis title and a legend of up to three lines (a phone wraps it)
LEGEND_SPACE = 120


@dataclass(frozen=True)
class UnitStyle:
    colour: str
    symbol: str
    dash: str


def unit_styles(unit_ids: Iterable[int]) -> dict[int, UnitStyle]:
    """One style per unit, in the order given (the page's chosen units): the same unit gets the same colour,
    marker and dash in every chart of the page (issue 10, point 11)."""
    out: dict[int, UnitStyle] = {}
    for i, unit in enumerate(dict.fromkeys(int(u) for u in unit_ids)):
        k = i % len(SERIES_COLOURS)
        out[unit] = UnitStyle(SERIES_COLOURS[k], SERIES_SYMBOLS[k], SERIES_DASHES[k])
    return out


def separators(lang: str) -> str:
    return ",." if lang == "vi" else ".,"


#: Plotly's own texts on a Vietnamese page (modebar buttons; Plotly's locale dictionary)
MODEBAR_VI = {
    "Download plot as a png": "Tải ảnh PNG của biểu đồ",
    "Download plot as a PNG": "Tải ảnh PNG của biểu đồ",
    "Download plot": "Tải ảnh biểu đồ",
    "Zoom": "Phóng to vùng chọn",
    "Pan": "Kéo",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Autoscale": "Tự điều chỉnh tỉ lệ",
    "Reset axes": "Đặt lại trục",
    "Reset view": "Đặt lại khung nhìn",
    "Toggle Spike Lines": "Bật/tắt đường gióng",
    "Show closest data on hover": "Hiện dữ liệu gần nhất khi rê chuột",
    "Compare data on hover": "So sánh dữ liệu khi rê chuột",
    "Double-click to zoom back out": "Nhấp đúp để thu nhỏ lại",
    "Double-click on legend to isolate one trace": "Nhấp đúp vào chú giải để chỉ xem một đường",
    "Click to enter Colorscale title": "Nhấp để nhập tiêu đề thang màu",
    "Click to enter Plot title": "Nhấp để nhập tiêu đề",
    "Taking snapshot - this may take a few seconds": "Đang chụp ảnh – có thể mất vài giây",
    "Snapshot succeeded": "Đã chụp ảnh",
    "Sorry, there was a problem downloading your snapshot!": "Xin lỗi, không tải được ảnh.",
    "Produced with Plotly.js": "Tạo bằng Plotly.js",
}


def plotly_config(filename: str, lang: str = "vi") -> dict[str, Any]:
    """Modebar: PNG download with a meaningful file name, no Plotly logo, no selection tools; its texts in
    the reader's language (Plotly's ``locales``, given inline: nothing is fetched)."""
    config: dict[str, Any] = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        "responsive": True,
    }
    if lang == "vi":
        config["locale"] = "vi"
        config["locales"] = {"vi": {"dictionary": MODEBAR_VI, "format": {"decimal": ",", "thousands": "."}}}
    return config


def wrap(text: str, width: int, separators_: tuple[str, ...] = (" · ", " – ", ", ", " ")) -> str:
    """Break a line for Plotly (which never wraps) at the best separator before ``width`` characters."""
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        cut = -1
        for rank, sep in enumerate(separators_):
            at = rest.rfind(sep, 0, width)
            # a strong separator (" · ") is taken unless a weaker one is much further on
            if at > width // 3 and (cut < 0 or at > cut + width // (4 - min(rank, 2))):
                cut = at + len(sep.rstrip())
        if cut <= 0:
            cut = width
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    lines.append(rest)
    return "<br>".join(line for line in lines if line)


def decorate(
    fig: go.Figure, *, title: str, source: str, lang: str, demo_label: str | None = None, height: int | None = None
) -> go.Figure:
    """Title (wrapped), the DEMO mark on its own line, the source line (wrapped) as subtitle, so that an image
    saved from the modebar keeps its context; dark text; the legend under the plot, where no title or marker
    label can run into it; the modebar upright at the right edge, off the title."""
    text = wrap(title, TITLE_WIDTH)
    if demo_label:
        text += f'<br><span style="color:{BEST_COLOUR};font-size:12px">[{demo_label}]</span>'
    title_lines = text.count("<br>") + 1
    source_text = wrap(source, SOURCE_WIDTH)
    top = 36 + 21 * title_lines + 15 * (source_text.count("<br>") + 1)
    bottom = LEGEND_SPACE if fig.layout.showlegend is not False else 50
    fig.update_layout(
        title={
            "text": text,
            "subtitle": {"text": source_text, "font": {"size": 11, "color": MUTED_TEXT}},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 12, "l": 10},
            "font": {"size": 15, "color": TEXT_COLOUR},
        },
        separators=separators(lang),
        font={"family": FONT, "color": TEXT_COLOUR},
        margin={"l": 10, "r": 40, "t": top, "b": bottom},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "xanchor": "left",
            "bgcolor": "rgba(0,0,0,0)",
            "font": {"color": TEXT_COLOUR},
        },
        modebar={"orientation": "v", "bgcolor": "rgba(255,255,255,0.9)", "color": MUTED_TEXT},
        hoverlabel={"bgcolor": "white", "font": {"color": TEXT_COLOUR}},
        meta={"source": source, "demo": bool(demo_label), "title": title},
    )
    if height is not None:
        fig.update_layout(height=height + top + bottom)
    axes = {"tickfont": {"color": MUTED_TEXT}, "title_font": {"color": TEXT_COLOUR}, "linecolor": "#767676"}
    fig.update_xaxes(automargin=True, **axes)
    fig.update_yaxes(automargin=True, **axes)
    return fig


def with_unit(label: str, unit: str) -> str:
    """An axis or headline label with its unit: ``PAR INDEX (%)``."""
    return f"{label} ({unit})" if unit else label
