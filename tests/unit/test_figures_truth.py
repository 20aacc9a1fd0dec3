"""Charts that tell the truth (issue 10, point 11) and can be read without hue (point 10): a figure builder
test for each finding."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from backend.published.trends import Break
from dashboards.components import chart_style, figures, maps
from dashboards.components.chart_style import GROUP_COLOURS, QUANTILE_COLOURS, TITLE_WIDTH, unit_styles
from dashboards.components.profile_figures import PANEL_TITLE_WIDTH

CHANGES = pd.DataFrame(
    {"metric": ["A1", "A2", "A3"], "value": [9.0, 5.5, 7.3], "prev_value": [8.0, 8.0, 7.0], "change": [1.0, -2.5, 0.3]}
)
LABELS = {"total": "Tổng thay đổi", "change": "Thay đổi so với 2023 (điểm)"}


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("additive", [True, False])
def test_why_the_score_changed_hover_shows_each_components_own_change(additive: bool) -> None:
    """A8 falls: its bar's hover must say its own fall (−2,50), not the waterfall's running total."""
    fig = figures.change_breakdown_figure(
        CHANGES, total_change=-1.2, additive=additive, metric_labels={}, labels=LABELS, title="T", source="S", lang="vi"
    )
    trace = fig.data[0]
    own = ["+1,00", "−2,50", "+0,30"] + (["−1,20"] if additive else [])
    assert list(trace.customdata) == own and list(trace.text) == own
    assert "%{customdata}" in trace.hovertemplate and "%{x" not in trace.hovertemplate
    if additive:  # the running total would be +1, −1.5, −1.2: never what the hover shows
        assert trace.type == "waterfall" and list(trace.x) == pytest.approx([1.0, -2.5, 0.3, -1.2])


def test_the_same_unit_has_the_same_colour_in_every_chart_of_compare() -> None:
    """Đồng Nai was blue in one chart and red in the other: one style per unit, for the whole page."""
    names = {79: "TP. Hồ Chí Minh", 75: "Đồng Nai", 1: "Hà Nội"}
    styles = unit_styles([1, 79, 75])  # the order the visitor chose
    data = pd.DataFrame(
        {"unit_id": [1, 79, 75, 1, 79, 75], "metric": ["A"] * 3 + ["B"] * 3, "pct": [80.0, 70, 90, 60, 65, 70]}
    )
    multiples = figures.small_multiples_figure(
        data,
        unit_names=names,
        styles=styles,
        metric_labels={},
        national={},
        labels={"national_line": "N"},
        title="T",
        source="S",
        lang="vi",
    )
    bar_colour = {trace.name: trace.marker.color for trace in multiples.data if trace.type == "bar"}
    # the trend's series arrive in another order (Đồng Nai first): colours must not follow that order
    series = pd.DataFrame(
        {
            "unit_id": [75, 75, 1, 1, 79, 79],
            "year": [2023, 2024] * 3,
            "value": [86.0, 87.0, 84.0, 83.0, 79.0, 78.0],
            "source": ["own"] * 6,
            "rule_used": [None] * 6,
        }
    )
    trend = figures.trend_figure(
        None,
        series,
        names=names,
        styles=styles,
        breaks=[],
        labels={"national": "N", "break_units": "u", "break_method": "m"},
        title="T",
        source="S",
        lang="vi",
    )
    line_colour = {trace.name: trace.line.color for trace in trend.data}
    for unit_id, name in names.items():
        assert bar_colour[name] == line_colour[name] == styles[unit_id].colour
    assert len({s.colour for s in styles.values()}) == 3 and len({s.symbol for s in styles.values()}) == 3


def test_axes_carry_their_units() -> None:
    unit = chart_style.with_unit("Chỉ số CCHC (PAR INDEX)", "%")
    assert unit == "Chỉ số CCHC (PAR INDEX) (%)"
    regions = pd.DataFrame({"region_code": ["A", "B"], "value": [88.0, 86.0], "change": [1.0, -0.5]})
    region = figures.region_figure(
        regions,
        names=["A", "B"],
        national=87.0,
        labels={"change": "Δ", "national": "N", "value": unit},
        title="T",
        source="S",
        lang="vi",
    )
    assert region.layout.xaxis.title.text == unit
    groups = figures.group_count_figure(
        {"A": 3, "B": 5},
        labels={"group_A": "A", "group_B": "B", "count": "Số đơn vị"},
        title="T",
        source="S",
        lang="vi",
    )
    assert groups.layout.yaxis.title.text == "Số đơn vị"
    series = pd.DataFrame({"unit_id": [1], "year": [2024], "value": [80.0], "source": ["own"], "rule_used": [None]})
    trend = figures.trend_figure(
        None,
        series,
        names={1: "X"},
        breaks=[],
        labels={"national": "N", "break_units": "u", "break_method": "m", "year": "Năm", "score": unit},
        title="T",
        source="S",
        lang="vi",
    )
    assert trend.layout.yaxis.title.text == unit and trend.layout.xaxis.title.text == "Năm"
    change = figures.change_breakdown_figure(
        CHANGES, total_change=None, additive=False, metric_labels={}, labels=LABELS, title="T", source="S", lang="vi"
    )
    assert change.layout.xaxis.title.text.endswith("(điểm)")


def test_labels_never_overlap() -> None:
    # break labels one year apart go on different rows
    breaks = [
        Break(2022, "method", "Quyết định 876/QĐ-BNV ngày 10/11/2022"),
        Break(2023, "units", ""),
        Break(2025, "units", ""),
    ]
    assert figures.break_label_rows(breaks) == [0, 1, 0]
    series = pd.DataFrame(
        {
            "unit_id": [1] * 4,
            "year": [2021, 2022, 2023, 2025],
            "value": [80.0, 81, 82, 83],
            "source": ["own"] * 4,
            "rule_used": [None] * 4,
        }
    )
    fig = figures.trend_figure(
        None,
        series,
        names={1: "X"},
        breaks=breaks,
        labels={"national": "N", "break_units": "Sáp nhập", "break_method": "Đổi phương pháp"},
        title="Một tiêu đề rất dài " * 6,
        source="Nguồn: " + "rất dài · " * 30,
        lang="vi",
    )
    ys = [a.y for a in fig.layout.annotations]
    assert ys[0] != ys[1] and ys[0] == ys[2]
    # titles and sources wrap instead of running under the toolbar; the legend sits under the plot
    assert all(len(line) <= TITLE_WIDTH for line in fig.layout.title.text.split("<br>"))
    assert max(len(line) for line in fig.layout.title.subtitle.text.split("<br>")) <= chart_style.SOURCE_WIDTH
    legend = fig.layout.legend
    assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"
    assert fig.layout.margin.b >= chart_style.LEGEND_SPACE and fig.layout.modebar.orientation == "v"
    assert fig.layout.margin.t >= 36 + 21 * len(fig.layout.title.text.split("<br>"))
    # small-multiple panel titles wrap to the panel's width
    data = pd.DataFrame({"unit_id": [1, 1], "metric": ["A", "B"], "pct": [80.0, 70.0]})
    long = {"A": "A7. Xây dựng và phát triển chính quyền điện tử, chính quyền số", "B": "B. ngắn"}
    multiples = figures.small_multiples_figure(
        data,
        unit_names={1: "X"},
        metric_labels=long,
        national={},
        labels={"national_line": "N"},
        title="T",
        source="S",
        lang="vi",
    )
    for annotation in multiples.layout.annotations:
        assert all(len(line) <= PANEL_TITLE_WIDTH for line in annotation.text.split("<br>"))
    # a region bar's printed value fits inside the axis
    regions = pd.DataFrame({"region_code": ["A"], "value": [97.5], "change": [0.5]})
    region = figures.region_figure(
        regions, names=["A"], national=None, labels={"change": "Δ", "national": "N"}, title="T", source="S", lang="vi"
    )
    assert region.layout.xaxis.range[1] >= 97.5 + 0.05 * (100 - region.layout.xaxis.range[0])


def test_groups_and_classes_are_told_apart_without_hue() -> None:
    """Groups A/B/C differ in lightness (B and C had the same), each has its own marker shape; the lowest
    quintile is not the sea's colour, and the sea is striped."""
    a, b, c = GROUP_COLOURS["A"], GROUP_COLOURS["B"], GROUP_COLOURS["C"]
    assert _contrast(a, b) >= 2.0 and _contrast(b, c) >= 2.0
    assert len({chart_style.GROUP_SYMBOLS[g] for g in ("A", "B", "C")}) == 3
    steps = [_contrast(x, y) for x, y in itertools.pairwise(QUANTILE_COLOURS)]
    assert all(step >= 1.2 for step in steps)
    assert "repeating-linear-gradient" in maps.SEA  # never a flat fill a class could be taken for
    assert maps.NO_DATA_FILL not in set(maps.GROUP_FILL.values()) | set(maps.QUANTILE_FILL)


def test_text_colours_reach_aa_contrast() -> None:
    for colour in (
        chart_style.TEXT_COLOUR,
        chart_style.MUTED_TEXT,
        chart_style.BEST_COLOUR,
        chart_style.NATIONAL_COLOUR,
    ):
        assert _contrast(colour, "#ffffff") >= 4.5, colour


def test_hover_texts_are_the_values_as_shown() -> None:
    table = pd.DataFrame(
        {"value": [93.83756943833595], "ci_low": [92.1], "ci_high": [95.4], "grp": ["A"], "rank_text": ["1"]}
    )
    labels = {"score": "S (%)", "ci": "CI", "rank": "R", "national": "N", "group": "G", "group_none": "-"}
    fig = figures.ci_ranking_figure(table, names=["X"], national=None, labels=labels, title="T", source="S", lang="vi")
    assert list(fig.data[0].customdata[0]) == ["93,84", "92,10 – 95,40", "1"]
    assert "%{x" not in fig.data[0].hovertemplate


def test_modebar_speaks_vietnamese_on_vietnamese_pages() -> None:
    config = chart_style.plotly_config("x", "vi")
    assert config["locale"] == "vi" and "Download plot as a png" in config["locales"]["vi"]["dictionary"]
    assert "locale" not in chart_style.plotly_config("x", "en")
