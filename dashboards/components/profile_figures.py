"""Plotly figure builders of a unit's profile and of the comparison of units: pure functions (see figures.py
for the conventions: context inside the image, values as shown in the hover, units on the axes)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backend.published import fmt
from dashboards.components.chart_style import (
    BEST_COLOUR,
    DOWN_COLOUR,
    GRID_COLOUR,
    NATIONAL_COLOUR,
    REGION_COLOUR,
    SERIES_COLOURS,
    SERIES_SYMBOLS,
    UNIT_COLOUR,
    UP_COLOUR,
    UnitStyle,
    decorate,
    unit_styles,
    wrap,
)

#: characters per line of a component's name on an axis (long names wrap instead of squeezing the bars)
AXIS_LABEL_WIDTH = 26
#: characters per line of a small-multiple panel's title (three panels side by side)
PANEL_TITLE_WIDTH = 30


def profile_components_figure(
    profile: pd.DataFrame,
    *,
    metric_labels: Mapping[str, str],
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """Each component in % of its maximum: the unit (bar) against the national average, the region's
    average and the best unit (markers of different shapes); names wrap so the bars keep their width."""
    data = profile.iloc[::-1]
    y = [wrap(metric_labels.get(m, m), AXIS_LABEL_WIDTH) for m in data["metric"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=data["value_pct"],
            y=y,
            orientation="h",
            name=labels["unit"],
            marker={"color": UNIT_COLOUR},
            customdata=[fmt.number(v, lang) for v in data["value_pct"]],
            hovertemplate="%{y}<br>" + labels["unit"] + ": %{customdata} %<extra></extra>",
        )
    )
    for column, key, colour, symbol in (
        ("national_pct", "national", NATIONAL_COLOUR, "line-ns-open"),
        ("region_pct", "region", REGION_COLOUR, "diamond"),
        ("best_pct", "best", BEST_COLOUR, "star"),
    ):
        fig.add_trace(
            go.Scatter(
                x=data[column],
                y=y,
                mode="markers",
                name=labels[key],
                marker={
                    "color": colour,
                    "size": 11 if symbol != "line-ns-open" else 18,
                    "symbol": symbol,
                    "line": {"width": 2, "color": colour},
                },
                customdata=[fmt.number(v, lang) for v in data[column]],
                hovertemplate="%{y}<br>" + labels[key] + ": %{customdata} %<extra></extra>",
            )
        )
    low = profile[["value_pct", "national_pct", "region_pct", "best_pct"]].min().min()
    start = 0 if pd.isna(low) else max(0, math.floor((low - 5) / 10) * 10)
    fig.update_xaxes(range=[start, 101], title=labels["pct_of_max"], showgrid=True, gridcolor=GRID_COLOUR)
    fig.update_yaxes(tickfont={"size": 11})
    fig.update_layout(barmode="overlay")
    height = max(260, 44 * len(y) + 60)
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=height)


def change_breakdown_figure(
    changes: pd.DataFrame,
    *,
    total_change: float | None,
    additive: bool,
    metric_labels: Mapping[str, str],
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """ "Why did my score change": a waterfall of component contributions when the components add up to the
    index, otherwise a bar per component change (and the note says they do not add up). Every bar's hover
    and label give that component's own change (never the running total of the waterfall)."""
    data = changes.dropna(subset=["change"])
    x = [wrap(metric_labels.get(m, m), AXIS_LABEL_WIDTH) for m in data["metric"]]
    own = [fmt.signed(v, lang) for v in data["change"]]
    if additive and total_change is not None:
        shown = [*own, fmt.signed(total_change, lang)]
        fig = go.Figure(
            go.Waterfall(
                orientation="h",
                y=[*x, labels["total"]],
                x=[*data["change"].tolist(), total_change],
                measure=["relative"] * len(x) + ["total"],
                increasing={"marker": {"color": UP_COLOUR}},
                decreasing={"marker": {"color": DOWN_COLOUR}},
                totals={"marker": {"color": NATIONAL_COLOUR}},
                connector={"line": {"color": "#9e9e9e"}},
                customdata=shown,
                text=shown,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            )
        )
    else:
        colours = [UP_COLOUR if v >= 0 else DOWN_COLOUR for v in data["change"]]
        fig = go.Figure(
            go.Bar(
                y=x,
                x=data["change"],
                orientation="h",
                marker={"color": colours},
                customdata=own,
                text=own,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#595959", "width": 1})
    fig.update_xaxes(title=labels["change"], showgrid=True, gridcolor=GRID_COLOUR, zeroline=False)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    height = max(260, 40 * (len(x) + 1) + 60)
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=height)


def small_multiples_figure(
    data: pd.DataFrame,
    *,
    unit_names: Mapping[int, str],
    metric_labels: Mapping[str, str],
    national: Mapping[str, float],
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
    columns: int = 3,
    styles: Mapping[int, UnitStyle] | None = None,
) -> go.Figure:
    """One small panel per metric with a bar per selected unit (the unit's colour from ``styles``, the same
    in every chart of the page) and the national value as a dotted line. ``data``: ``unit_id``, ``metric``,
    ``pct`` (% of maximum). Panel titles wrap and the rows are spaced for them, so they never overlap."""
    metrics = list(dict.fromkeys(data["metric"]))
    unit_ids = list(dict.fromkeys(int(u) for u in data["unit_id"]))
    styles = styles or unit_styles(unit_ids)
    rows = max(1, math.ceil(len(metrics) / columns))
    titles = [wrap(metric_labels.get(m, m), PANEL_TITLE_WIDTH) for m in metrics]
    title_lines = max((t.count("<br>") + 1 for t in titles), default=1)
    panel = 200
    gap = (18 * title_lines + 30) / (panel * rows + (18 * title_lines + 30) * max(rows - 1, 0) or 1)
    fig = make_subplots(
        rows=rows,
        cols=min(columns, max(1, len(metrics))),
        subplot_titles=titles,
        shared_yaxes=True,
        vertical_spacing=min(0.3, gap) if rows > 1 else 0.2,
    )
    for k, metric in enumerate(metrics):
        r, c = divmod(k, columns)
        sub = data[data["metric"] == metric].set_index("unit_id")
        for unit_id in unit_ids:
            style = styles.get(unit_id) or UnitStyle(SERIES_COLOURS[0], SERIES_SYMBOLS[0], "solid")
            value = sub["pct"].get(unit_id)
            name = unit_names.get(unit_id, str(unit_id))
            fig.add_trace(
                go.Bar(
                    x=[name],
                    y=[value],
                    name=name,
                    marker={"color": style.colour},
                    showlegend=k == 0,
                    legendgroup=str(unit_id),
                    customdata=[fmt.number(value, lang)],
                    hovertemplate="%{x}: %{customdata} %<extra>" + metric_labels.get(metric, metric)[:40] + "</extra>",
                ),
                row=r + 1,
                col=c + 1,
            )
        if metric in national:
            fig.add_hline(
                y=national[metric], line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1.5}, row=r + 1, col=c + 1
            )
    fig.update_xaxes(showticklabels=False)
    low = data["pct"].min()
    fig.update_yaxes(range=[max(0, (low if pd.notna(low) else 0) - 10), 100], showgrid=True, gridcolor=GRID_COLOUR)
    for r in range(rows):
        fig.update_yaxes(title_text=labels.get("pct_of_max", ""), row=r + 1, col=1)
    fig.update_annotations(font={"size": 11})
    fig.update_layout(bargap=0.15)
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=labels["national_line"],
            line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1.5},
            showlegend=True,
        )
    )
    height = panel * rows + (18 * title_lines + 30) * rows
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=height)
