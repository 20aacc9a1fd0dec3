"""Plotly figure builders of the overview, the rankings and the trends: pure functions from tidy frames to
``plotly.graph_objects.Figure`` (the profile and compare charts are in profile_figures.py; the shared look in
chart_style.py).

Every figure carries its context inside the image (title, source line, a "DEMO" mark for demo data), so a PNG
saved from the modebar is never separated from what it shows. Numbers follow the language (``separators``
``",."`` in Vietnamese); hover texts are the values as shown on the page (backend.published.fmt), never raw
floats; axes and headline figures carry their unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from backend.published import fmt
from backend.published.trends import Break
from dashboards.components.chart_style import (  # noqa: F401  (plotly_config, separators, wrap: re-exported)
    BEST_COLOUR,
    GRID_COLOUR,
    GROUP_COLOURS,
    GROUP_SYMBOLS,
    MUTED_TEXT,
    NATIONAL_COLOUR,
    REGION_COLOUR,
    SERIES_COLOURS,
    SERIES_SYMBOLS,
    UnitStyle,
    decorate,
    plotly_config,
    separators,
    unit_styles,
    wrap,
)
from dashboards.components.profile_figures import (  # noqa: F401  (re-exported: one module for the pages)
    change_breakdown_figure,
    profile_components_figure,
    small_multiples_figure,
)

GROUP_PATTERNS = {"A": "", "B": "/", "C": ".", "other": "x"}


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
    """Dot per unit with its confidence interval as a horizontal bar, best at the top; group = colour (three
    lightnesses) and marker shape. ``table`` is ordered (best first) with ``value``, ``ci_low``, ``ci_high``,
    ``grp``, ``rank_text``; ``labels``: ``score`` (with its unit), ``ci``, ``rank``, ``national``, ``group``,
    ``group_none``."""
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
        shown = [
            [
                fmt.number(v, lang),
                f"{fmt.number(lo, lang)} – {fmt.number(hi, lang)}" if pd.notna(lo) else fmt.DASH,
                str(r),
            ]
            for v, lo, hi, r in zip(
                sub["value"], sub["ci_low"], sub["ci_high"], sub.get("rank_text", [""] * len(sub)), strict=False
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=sub["value"],
                y=sub_names,
                mode="markers",
                name=f"{labels['group']} {group}" if group else labels["group_none"],
                marker={
                    "color": GROUP_COLOURS.get(group, GROUP_COLOURS[None]),
                    "symbol": GROUP_SYMBOLS.get(group, GROUP_SYMBOLS[None]),
                    "size": 9,
                    "line": {"width": 1, "color": "#1f1f1f"},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": err_plus.tolist(),
                    "arrayminus": err_minus.tolist(),
                    "color": "#767676",
                    "thickness": 1.5,
                    "width": 0,
                },
                customdata=shown,
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{labels['score']}: %{{customdata[0]}}<br>{labels['ci']}: %{{customdata[1]}}"
                    f"<br>{labels['rank']}: %{{customdata[2]}}<extra></extra>"
                ),
            )
        )
    if national is not None:
        fig.add_vline(
            x=national,
            line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1.5},
            annotation_text=f"{labels['national']}: {fmt.number(national, lang)}",
            annotation_position="bottom right",
            annotation_font={"size": 11, "color": NATIONAL_COLOUR},
        )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=y, tickfont={"size": 11})
    fig.update_xaxes(showgrid=True, gridcolor=GRID_COLOUR, title=labels["score"])
    decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=max(300, 18 * len(y) + 100))
    return fig


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


def break_label_rows(breaks: Sequence[Break]) -> list[int]:
    """Row of each break's label (0 = top): a label goes one row down when the previous one is less than two
    years away, so labels of close marks never overlap."""
    rows: list[int] = []
    last_year: int | None = None
    for brk in breaks:
        row = rows[-1] + 1 if rows and last_year is not None and brk.year - last_year < 2 else 0
        rows.append(row)
        last_year = brk.year
    return rows


def _values(frame: pd.DataFrame, lang: str) -> list[str]:
    return [fmt.number(v, lang) for v in frame["value"]]


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
    styles: Mapping[int, UnitStyle] | None = None,
    official: pd.DataFrame | None = None,
) -> go.Figure:
    """National line plus one line per unit (colour and marker from ``styles``, the page's one assignment);
    aggregated predecessor values are dashed and labelled with the rule; vertical markers at method and unit
    breaks, their labels stacked when close. ``official``: the published record of the units (``unit_id``,
    ``year``, ``score``, ``rank``, ``flags``) drawn as hollow markers of the same unit style, a layer of its
    own named ``labels["official"]`` (never joined to the computed line)."""
    fig = go.Figure()
    styles = styles or unit_styles(series["unit_id"].drop_duplicates().tolist())
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
                marker={"symbol": "line-ew-open", "size": 10},
                customdata=[fmt.number(v, lang) if v is not None else fmt.DASH for v in ny],
                hovertemplate=labels["national"] + " %{x}: %{customdata}<extra></extra>",
            )
        )
    for unit_id, group in series.groupby("unit_id", sort=False):
        style = styles.get(int(unit_id)) or UnitStyle(SERIES_COLOURS[0], SERIES_SYMBOLS[0], "solid")
        name = names.get(int(unit_id), str(unit_id))
        own = group[group["source"] == "own"].sort_values("year")
        agg = group[group["source"] == "aggregate"].sort_values("year")
        marker = {"symbol": style.symbol, "size": 9, "color": style.colour}
        if not own.empty:
            ox, oy = with_gaps(own, [])
            fig.add_trace(
                go.Scatter(
                    x=ox,
                    y=oy,
                    mode="lines+markers",
                    name=name,
                    line={"color": style.colour, "width": 2.5},
                    marker=marker,
                    legendgroup=str(unit_id),
                    customdata=_values(own, lang),
                    hovertemplate="<b>" + name + "</b> %{x}: %{customdata}<extra></extra>",
                )
            )
        if not agg.empty:
            rule = labels.get("rule." + str(agg["rule_used"].iloc[0]), str(agg["rule_used"].iloc[0]))
            fig.add_trace(
                go.Scatter(
                    x=agg["year"],
                    y=agg["value"],
                    mode="lines+markers",
                    name=f"{name} – {rule}",
                    line={"color": style.colour, "width": 2, "dash": "dash"},
                    marker={**marker, "symbol": style.symbol + "-open"},
                    legendgroup=str(unit_id),
                    customdata=_values(agg, lang),
                    hovertemplate="<b>" + name + "</b> %{x}: %{customdata}<br>" + rule + "<extra></extra>",
                )
            )
    if official is not None and not official.empty:
        _official_traces(fig, official, names, styles, labels, lang)
    _break_marks(fig, breaks, labels)
    years = [int(y) for frame in (national, series) if frame is not None and not frame.empty for y in frame["year"]]
    # an explicit range: long break labels must not stretch the axis past the data (it reached 2029)
    marks = [b.year for b in breaks if years and b.year <= max(years)]
    x_range = [min(years + marks) - 0.6, max(years) + 0.6] if years else None
    fig.update_xaxes(dtick=1, tickformat="d", showgrid=False, title=labels.get("year", ""), range=x_range)
    fig.update_yaxes(showgrid=True, gridcolor=GRID_COLOUR, title=labels.get("score", ""))
    fig.update_layout(hovermode="closest")
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=380)


def _official_traces(
    fig: go.Figure,
    official: pd.DataFrame,
    names: Mapping[int, str],
    styles: Mapping[int, UnitStyle],
    labels: Mapping[str, str],
    lang: str,
) -> None:
    """The published figures as printed: hollow markers, no line, one trace per unit, flags in the hover."""
    for unit_id, group in official.dropna(subset=["score"]).groupby("unit_id", sort=False):
        style = styles.get(int(unit_id)) or UnitStyle(SERIES_COLOURS[0], SERIES_SYMBOLS[0], "solid")
        name = names.get(int(unit_id), str(unit_id))
        shown = [
            [fmt.number(s, lang), fmt.rank_text(r, None, lang), str(f or "")]
            for s, r, f in zip(group["score"], group["rank"], group.get("flags", [""] * len(group)), strict=False)
        ]
        fig.add_trace(
            go.Scatter(
                x=group["year"],
                y=group["score"],
                mode="markers",
                name=f"{name} – {labels['official']}",
                marker={
                    "symbol": style.symbol + "-open",
                    "size": 13,
                    "color": style.colour,
                    "line": {"width": 2.5, "color": style.colour},
                },
                legendgroup="official",
                customdata=shown,
                hovertemplate=(
                    f"<b>{name}</b> %{{x}} – {labels['official']}<br>{labels.get('score', '')}: %{{customdata[0]}}"
                    f"<br>{labels.get('rank', '')}: %{{customdata[1]}}<br>%{{customdata[2]}}<extra></extra>"
                ),
            )
        )


def _break_marks(fig: go.Figure, breaks: Sequence[Break], labels: Mapping[str, str]) -> None:
    for brk, row in zip(breaks, break_label_rows(breaks), strict=True):
        text = (
            labels["break_units"]
            if brk.kind == "units"
            else labels["break_method"] + (f": {short_basis(brk.label)}" if brk.label else "")
        )
        colour = BEST_COLOUR if brk.kind == "units" else "#595959"
        fig.add_vline(x=brk.year - 0.5, line={"color": colour, "dash": "dash", "width": 1.5})
        fig.add_annotation(
            x=brk.year - 0.5,
            xref="x",
            y=1 - 0.09 * row,
            yref="paper",
            yanchor="top",
            xanchor="left",
            xshift=3,
            text=text,
            showarrow=False,
            font={"size": 10, "color": colour},
            bgcolor="rgba(255,255,255,0.85)",
        )


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
    """Region averages as bars (value printed beside each bar) with their change from last year in the hover,
    national average as a line; ``labels["value"]`` names the axis with its unit."""
    change = regions["change"] if "change" in regions else pd.Series([None] * len(regions))
    shown = [fmt.number(v, lang) for v in regions["value"]]
    fig = go.Figure(
        go.Bar(
            x=regions["value"],
            y=[wrap(str(n), 28) for n in names],
            orientation="h",
            marker={"color": REGION_COLOUR},
            customdata=[[s, fmt.signed(c, lang)] for s, c in zip(shown, change, strict=False)],
            text=shown,
            textposition="outside",
            textfont={"color": "#1f1f1f"},
            cliponaxis=False,
            hovertemplate="%{y}: %{customdata[0]}<br>" + labels["change"] + ": %{customdata[1]}<extra></extra>",
        )
    )
    if national is not None:
        fig.add_vline(
            x=national,
            line={"color": NATIONAL_COLOUR, "dash": "dot", "width": 1.5},
            annotation_text=f"{labels['national']}: {fmt.number(national, lang)}",
            annotation_position="bottom right",
            annotation_font={"size": 11, "color": NATIONAL_COLOUR},
        )
    low, high = regions["value"].min(), regions["value"].max()
    start = max(0.0, (low if pd.notna(low) else 0.0) - 10)
    # room for the printed value beyond the longest bar (about 6 % of the span)
    end = max(100.0, (high if pd.notna(high) else 0.0) + 0.06 * (100.0 - start))
    fig.update_xaxes(range=[start, end], showgrid=True, gridcolor=GRID_COLOUR, title=labels.get("value", ""))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=80 + 45 * len(regions))


def group_count_figure(
    groups: Mapping[str, int],
    *,
    labels: Mapping[str, str],
    title: str,
    source: str,
    lang: str,
    demo_label: str | None = None,
) -> go.Figure:
    """Units per group: colour by lightness, a fill pattern per group and the count printed on each bar, so
    groups are told apart without hue; ``labels["count"]`` names the axis."""
    keys = [k for k in ("A", "B", "C", "other") if k in groups]
    fig = go.Figure(
        go.Bar(
            x=[labels.get(f"group_{k}", k) for k in keys],
            y=[groups[k] for k in keys],
            marker={
                "color": [GROUP_COLOURS.get(k, GROUP_COLOURS[None]) for k in keys],
                "line": {"color": "#1f1f1f", "width": 1},
                "pattern": {"shape": [GROUP_PATTERNS.get(k, "") for k in keys], "fgcolor": "#1f1f1f", "size": 8},
            },
            text=[str(groups[k]) for k in keys],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    top = max(groups.values(), default=0)
    fig.update_layout(showlegend=False)
    fig.update_yaxes(showgrid=True, gridcolor=GRID_COLOUR, title=labels.get("count", ""), range=[0, top * 1.15 + 1])
    fig.update_xaxes(tickfont={"color": MUTED_TEXT})
    return decorate(fig, title=title, source=source, lang=lang, demo_label=demo_label, height=260)
