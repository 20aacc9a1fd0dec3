"""Plotly figure builders: pure functions from tidy frames to ``plotly.graph_objects.Figure``.

Every figure carries its context inside the image (title, source line, and a "DEMO" mark for demo data),
so a PNG saved from the modebar is never separated from what it shows. Numbers follow the language:
``separators`` is ``",."`` in Vietnamese (decimal comma) and ``".,"`` in English.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backend.published.trends import Break

GROUP_COLOURS = {"A": "#1b7837", "B": "#7fbf7b", "C": "#f1a340", None: "#9e9e9e"}
NATIONAL_COLOUR = "#444444"
REGION_COLOUR = "#6a51a3"
BEST_COLOUR = "#b2182b"
UNIT_COLOUR = "#2166ac"
SERIES_COLOURS = ["#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#35978f", "#c51b7d", "#4d4d4d"]
FONT = "Arial, 'Segoe UI', 'Noto Sans', sans-serif"


def separators(lang: str) -> str:
    return ",." if lang == "vi" else ".,"


def plotly_config(filename: str) -> dict[str, Any]:
    """Modebar configuration: PNG download with a meaningful file name, no Plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


def wrap(text: str, width: int = 120) -> str:
    """Break a long source line at its separators (plotly does not wrap text)."""
    if len(text) <= width:
        return text
    lines, line = [], ""
    for part in text.replace(" · ", " ·\x00").split("\x00"):
        if line and len(line) + len(part) > width:
            lines.append(line.rstrip())
            line = ""
        line += part
    lines.append(line.rstrip())
    return "<br>".join(lines)


def decorate(fig: go.Figure, *, title: str, source: str, lang: str, demo_label: str | None = None) -> go.Figure:
    """Title, source line (as subtitle) and, for demo data, a visible DEMO mark in the title, so that an
    image saved from the modebar keeps its context. The legend sits between the title and the plot."""
    text = title
    if demo_label:
        text += f' <span style="color:{BEST_COLOUR};font-size:12px">[{demo_label}]</span>'
    fig.update_layout(
        title={
            "text": text,
            "subtitle": {"text": wrap(source), "font": {"size": 11, "color": "#555"}},
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "yref": "container",
            "y": 0.99,
            "yanchor": "top",
            "automargin": True,
            "font": {"size": 16},
        },
        separators=separators(lang),
        font={"family": FONT},
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        plot_bgcolor="white",
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "x": 0,
            "xanchor": "left",
            "bgcolor": "rgba(0,0,0,0)",
        },
        meta={"source": source, "demo": bool(demo_label)},
    )
    return fig


def _fmt(value: Any, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):.{decimals}f}"


def ci_ranking_figure(
    table: pd.DataFrame,
    *,
    names: Sequence[str],
    national: float | None,
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """Dot per unit with its confidence interval as a horizontal bar, best at the top; colour = group.

    ``table`` is ordered (best first) with ``value``, ``ci_low``, ``ci_high``, ``grp``, ``rank_text``;
    ``names`` are the display names in the same order; ``labels`` holds ``score``, ``ci``, ``rank``,
    ``national``, ``group`` and ``group_none`` texts.
    """
    fig = go.Figure()
    y = list(names)
    raw = table["grp"].tolist() if "grp" in table else [None] * len(table)
    groups = pd.Series([g if isinstance(g, str) and g else None for g in raw], dtype=object, index=table.index)
    has_ci = table["ci_low"].notna() & table["ci_high"].notna()
    for group in [*sorted({g for g in groups if g is not None}), None]:
        mask = (groups == group) if group is not None else groups.isna()
        if not mask.any():
            continue
        sub = table[mask.to_numpy()]
        sub_names = [n for n, m in zip(y, mask, strict=False) if m]
        err_plus = (sub["ci_high"] - sub["value"]).where(has_ci[mask.to_numpy()])
        err_minus = (sub["value"] - sub["ci_low"]).where(has_ci[mask.to_numpy()])
        fig.add_trace(
            go.Scatter(
                x=sub["value"],
                y=sub_names,
                mode="markers",
                name=f"{labels['group']} {group}" if group else labels["group_none"],
                marker={"color": GROUP_COLOURS.get(group, GROUP_COLOURS[None]), "size": 8, "line": {"width": 0}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": err_plus.tolist(),
                    "arrayminus": err_minus.tolist(),
                    "color": "#888",
                    "thickness": 1.5,
                    "width": 0,
                },
                customdata=list(
                    zip(sub.get("rank_text", [""] * len(sub)), sub["ci_low"], sub["ci_high"], strict=False)
                ),
                hovertemplate=(
                    "<b>%{y}</b><br>"
                    + labels["score"]
                    + ": %{x:.2f}<br>"
                    + labels["ci"]
                    + ": %{customdata[1]:.2f} – %{customdata[2]:.2f}<br>"
                    + labels["rank"]
                    + ": %{customdata[0]}<extra></extra>"
                ),
            )
        )
    if national is not None:
        fig.add_vline(
            x=national,
            line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1},
            annotation_text=labels["national"],
            annotation_position="top",
        )
    height = max(320, 18 * len(y) + 140)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=y, tickfont={"size": 11})
    fig.update_xaxes(showgrid=True, gridcolor="#eee", title=labels["score"])
    fig.update_layout(height=height)
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


def with_gaps(frame: pd.DataFrame, break_years: Sequence[int]) -> tuple[list[Any], list[Any]]:
    """x/y lists of a yearly series with a gap (None) across each break year, so the line is not drawn
    through a change of the set of units."""
    data = frame.sort_values("year")
    xs: list[Any] = []
    ys: list[Any] = []
    previous: int | None = None
    for year, value in zip(data["year"], data["value"], strict=False):
        year = int(year)
        if previous is not None and any(previous < b <= year for b in break_years):
            xs.append(None)
            ys.append(None)
        xs.append(year)
        ys.append(value)
        previous = year
    return xs, ys


def short_basis(legal_basis: str) -> str:
    """'Quyết định 876/QĐ-BNV ngày 10/11/2022 phê duyệt …' → '876/QĐ-BNV' (chart labels must stay short)."""
    match = re.search(r"\d+/[A-ZĐ]+-[A-ZĐ]+", legal_basis)
    return match.group(0) if match else legal_basis[:40]


def trend_figure(
    national: pd.DataFrame | None,
    series: pd.DataFrame,
    *,
    names: Mapping[int, str],
    breaks: Sequence[Break],
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """National line plus one line per unit; aggregated predecessor values are dashed and labelled with the
    rule; vertical markers at method and unit breaks. ``series`` comes from ``model.unit_series``."""
    fig = go.Figure()
    unit_breaks = [b.year for b in breaks if b.kind == "units"]
    if national is not None and not national.empty:
        nx, ny = with_gaps(national, unit_breaks)
        fig.add_trace(
            go.Scatter(
                x=nx,
                y=ny,
                mode="lines+markers",
                name=labels["national"],
                line={"color": NATIONAL_COLOUR, "width": 2, "dash": "dot"},
                hovertemplate=labels["national"] + " %{x}: %{y:.2f}<extra></extra>",
            )
        )
    for i, (unit_id, group) in enumerate(series.groupby("unit_id", sort=False)):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        name = names.get(int(unit_id), str(unit_id))
        own = group[group["source"] == "own"].sort_values("year")
        agg = group[group["source"] == "aggregate"].sort_values("year")
        if not own.empty:
            ox, oy = with_gaps(own, [])
            fig.add_trace(
                go.Scatter(
                    x=ox,
                    y=oy,
                    mode="lines+markers",
                    name=name,
                    line={"color": colour, "width": 2.5},
                    legendgroup=str(unit_id),
                    hovertemplate="<b>" + name + "</b> %{x}: %{y:.2f}<extra></extra>",
                )
            )
        if not agg.empty:
            rule = str(agg["rule_used"].iloc[0])
            fig.add_trace(
                go.Scatter(
                    x=agg["year"],
                    y=agg["value"],
                    mode="lines+markers",
                    name=f"{name} – {labels.get('rule.' + rule, rule)}",
                    line={"color": colour, "width": 2, "dash": "dash"},
                    marker={"symbol": "circle-open"},
                    legendgroup=str(unit_id),
                    hovertemplate="<b>"
                    + name
                    + "</b> %{x}: %{y:.2f}<br>"
                    + labels.get("rule." + rule, rule)
                    + "<extra></extra>",
                )
            )
    for brk in breaks:
        text = (
            labels["break_units"]
            if brk.kind == "units"
            else labels["break_method"] + (f": {short_basis(brk.label)}" if brk.label else "")
        )
        fig.add_vline(
            x=brk.year - 0.5,
            line={"color": "#b2182b" if brk.kind == "units" else "#999", "dash": "dash", "width": 1.5},
            annotation_text=text,
            annotation_position="top left" if brk.kind == "units" else "top right",
            annotation_font={"size": 10},
        )
    years = [int(y) for frame in (national, series) if frame is not None and not frame.empty for y in frame["year"]]
    # an explicit range: long break labels must not stretch the axis past the data (it reached 2029)
    marks = [b.year for b in breaks if years and b.year <= max(years)]
    x_range = [min(years + marks) - 0.6, max(years) + 0.6] if years else None
    fig.update_xaxes(dtick=1, tickformat="d", showgrid=False, title=labels.get("year", ""), range=x_range)
    fig.update_yaxes(showgrid=True, gridcolor="#eee", title=labels.get("score", ""))
    fig.update_layout(height=460, hovermode="closest")
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


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
    average and the best unit (markers)."""
    data = profile.iloc[::-1]
    y = [metric_labels.get(m, m) for m in data["metric"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=data["value_pct"],
            y=y,
            orientation="h",
            name=labels["unit"],
            marker={"color": UNIT_COLOUR},
            hovertemplate="%{y}<br>" + labels["unit"] + ": %{x:.2f}%<extra></extra>",
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
                hovertemplate="%{y}<br>" + labels[key] + ": %{x:.2f}%<extra></extra>",
            )
        )
    low = profile[["value_pct", "national_pct", "region_pct", "best_pct"]].min().min()
    start = 0 if pd.isna(low) else max(0, math.floor((low - 5) / 10) * 10)
    fig.update_xaxes(range=[start, 101], title=labels["pct_of_max"], showgrid=True, gridcolor="#eee")
    fig.update_layout(height=max(300, 42 * len(y) + 150), barmode="overlay")
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


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
    index, otherwise a bar per component change (and the note says they do not add up)."""
    data = changes.dropna(subset=["change"])
    x = [metric_labels.get(m, m) for m in data["metric"]]
    if additive and total_change is not None:
        fig = go.Figure(
            go.Waterfall(
                orientation="h",
                y=[*x, labels["total"]],
                x=[*data["change"].tolist(), total_change],
                measure=["relative"] * len(x) + ["total"],
                increasing={"marker": {"color": "#1b7837"}},
                decreasing={"marker": {"color": "#b2182b"}},
                totals={"marker": {"color": NATIONAL_COLOUR}},
                connector={"line": {"color": "#bbb"}},
                hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
            )
        )
    else:
        colours = ["#1b7837" if v >= 0 else "#b2182b" for v in data["change"]]
        fig = go.Figure(
            go.Bar(
                y=x,
                x=data["change"],
                orientation="h",
                marker={"color": colours},
                hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#666", "width": 1})
    fig.update_xaxes(title=labels["change"], showgrid=True, gridcolor="#eee", zeroline=False)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(300, 40 * (len(x) + 1) + 140), showlegend=False)
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


def region_figure(
    regions: pd.DataFrame,
    *,
    names: Sequence[str],
    national: float | None,
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """Region averages as bars with their change from last year in the hover, national average as a line."""
    change = regions["change"] if "change" in regions else pd.Series([None] * len(regions))
    fig = go.Figure(
        go.Bar(
            x=regions["value"],
            y=list(names),
            orientation="h",
            marker={"color": REGION_COLOUR},
            customdata=[[c] for c in change],
            text=[_fmt(v) for v in regions["value"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:.2f}<br>" + labels["change"] + ": %{customdata[0]:+.2f}<extra></extra>",
        )
    )
    if national is not None:
        fig.add_vline(x=national, line={"color": NATIONAL_COLOUR, "dash": "dot"}, annotation_text=labels["national"])
    low = regions["value"].min()
    fig.update_xaxes(range=[max(0, (low if pd.notna(low) else 0) - 10), 100], showgrid=True, gridcolor="#eee")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=120 + 45 * len(regions), showlegend=False)
    fig.update_traces(texttemplate="%{x:.2f}")
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


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
) -> go.Figure:
    """One small panel per metric with a bar per selected unit (same colour per unit in every panel) and
    the national value as a dotted line. ``data``: ``unit_id``, ``metric``, ``pct`` (% of maximum)."""
    metrics = list(dict.fromkeys(data["metric"]))
    rows = max(1, math.ceil(len(metrics) / columns))
    fig = make_subplots(
        rows=rows,
        cols=min(columns, max(1, len(metrics))),
        subplot_titles=[metric_labels.get(m, m) for m in metrics],
        shared_yaxes=True,
        vertical_spacing=0.12 if rows > 1 else 0.2,
    )
    unit_ids = list(dict.fromkeys(data["unit_id"]))
    for k, metric in enumerate(metrics):
        r, c = divmod(k, columns)
        sub = data[data["metric"] == metric].set_index("unit_id")
        for i, unit_id in enumerate(unit_ids):
            value = sub["pct"].get(unit_id)
            fig.add_trace(
                go.Bar(
                    x=[unit_names.get(int(unit_id), str(unit_id))],
                    y=[value],
                    name=unit_names.get(int(unit_id), str(unit_id)),
                    marker={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                    showlegend=k == 0,
                    legendgroup=str(unit_id),
                    hovertemplate="%{x}: %{y:.2f}%<extra>" + metric_labels.get(metric, metric)[:40] + "</extra>",
                ),
                row=r + 1,
                col=c + 1,
            )
        if metric in national:
            fig.add_hline(
                y=national[metric], line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1}, row=r + 1, col=c + 1
            )
    fig.update_xaxes(showticklabels=False)
    low = data["pct"].min()
    fig.update_yaxes(range=[max(0, (low if pd.notna(low) else 0) - 10), 100], showgrid=True, gridcolor="#eee")
    fig.update_annotations(font={"size": 11})
    fig.update_layout(height=260 * rows + 120, bargap=0.15)
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=labels["national_line"],
            line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1},
            showlegend=True,
        )
    )
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)


def group_count_figure(
    groups: Mapping[str, int],
    *,
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    keys = [k for k in ("A", "B", "C", "other") if k in groups]
    fig = go.Figure(
        go.Bar(
            x=[labels.get(f"group_{k}", k) for k in keys],
            y=[groups[k] for k in keys],
            marker={"color": [GROUP_COLOURS.get(k, GROUP_COLOURS[None]) for k in keys]},
            text=[str(groups[k]) for k in keys],
            textposition="outside",
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_layout(height=300, showlegend=False)
    fig.update_yaxes(showgrid=True, gridcolor="#eee")
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label)
