"""Finished parts of the trends page (dashboards/app_pages/trends.py): drawn once per key, replayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published.sources import series_source
from backend.published.trends import trend_notes
from dashboards import data_access as da
from dashboards.components import chart_style, figures, official_tables, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import chart, file_stem, table


@finished
def unit_choices(key: PartKey, _ctx: AppContext) -> dict[str, str]:
    """Every unit with a figure in the series, labelled (the options of the unit chooser)."""
    return da.trend_units(_ctx.db, key.sets, _ctx.lang)


@finished
def draw(
    key: PartKey, metric: str, chosen: tuple[str, ...], rule: str, _ctx: AppContext
) -> tuple[pd.DataFrame, list[str]]:
    """Chart, notes, the official figures and the numbers behind the chart; returns the download and notes."""
    ctx, t, lang = _ctx, _ctx.t, _ctx.lang
    view = da.trend(ctx.db, key.sets, metric, chosen, rule)
    base = view.sets[-1]
    ids = da.unit_ids(ctx.db, chosen)
    names = base.unit_names(list(dict.fromkeys([*ids, *view.series["unit_id"].tolist()])), lang)
    styles = chart_style.unit_styles(list(dict.fromkeys([*ids, *view.series["unit_id"].astype(int).tolist()])))
    is_index = metric == ctx.index_code
    official = pd.DataFrame()
    if is_index and ids:
        official = da.unit_record(ctx.db, ctx.index_code, base.info.unit_scope, ids)
        official = official[official["year"].between(view.first_year, view.last_year) & official["has_figure"]]
    label = base.metric(metric).label(lang)
    unit = t(f"unit.{ctx.index_code}") if is_index else t("unit.points")
    title = t("trends.figure_title", metric=label, scope=ctx.scope_name(base.info.unit_scope))
    fig = figures.trend_figure(
        view.national,
        view.series,
        names=names,
        styles=styles,
        breaks=view.breaks,
        title=title,
        lang=lang,
        labels={
            "national": t("common.national"),
            "break_units": t("trends.break_units"),
            "break_method": t("trends.break_method"),
            "year": t("common.year"),
            "score": chart_style.with_unit(label, unit),
            "rank": t("layer.col.rank"),
            "official": t("layer.official_short"),
            **{f"rule.{r}": t(f"trends.rule_label.{r}") for r in ("mean", "weighted", "mean_fallback")},
        },
        source=series_source([s.info for s in view.sets], lang),
        demo_label=ctx.demo_label(s.info for s in view.sets),
        official=official.assign(flags=[official_tables.flags(r, lang) for r in official.to_dict("records")])
        if not official.empty
        else None,
    )
    chart(ctx, fig, key="trend_chart", stem=file_stem(ctx, "trends", base.info.unit_scope))
    notes = trend_notes(view, lang)
    for note in notes:
        st.caption("• " + note)
    if not official.empty:
        st.header(t("layer.official_title_units"))
        st.caption(t("layer.official_source"))
        for unit_id, rows in official.groupby("unit_id", sort=False):
            frame, formats = official_tables.unit_record_table(rows, lang)
            st.markdown(f"**{names.get(int(unit_id), '')}**")
            table(frame, formats, caption=f"{t('layer.official_short')}: {names.get(int(unit_id), '')}")
    st.header(t("trends.table_title"))
    wide, formats = tables.trend_table(view.national, view.series, names, lang)
    table(wide, formats, caption=title, keep_missing=True)
    st.caption(t("trends.table_note"))
    return wide, notes
