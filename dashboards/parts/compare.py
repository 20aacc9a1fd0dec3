"""Finished parts of the compare page (dashboards/app_pages/compare.py): drawn once per key, replayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from backend.published.sources import series_source
from dashboards import data_access as da
from dashboards.components import chart_style, figures, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import chart, file_stem, table


@finished
def unit_choices(key: PartKey, _ctx: AppContext) -> dict[str, str]:
    units = da.tables(_ctx.db, key.info).units
    names = dict(zip(units["scope_code"], units[_ctx.name_col()], strict=False))
    return {c: names[c] for c in sorted(names, key=lambda c: fmt.vi_sort_key(str(names[c])))}


@finished
def draw(key: PartKey, chosen: tuple[str, ...], _ctx: AppContext) -> pd.DataFrame:
    ctx, t, lang, info = _ctx, _ctx.t, _ctx.lang, key.info
    base = da.tables(ctx.db, info)
    view = da.compare(ctx.db, info, chosen)
    labels = {m.code: m.label(lang) for m in base.metrics}
    unit_names = dict(zip(view.units["unit_id"].astype(int), view.units[ctx.name_col()], strict=False))
    styles = chart_style.unit_styles(unit_names)
    side = pd.DataFrame({t("common.component"): view.side["metric"].map(labels)})
    for unit_id, unit_name in unit_names.items():
        side[unit_name] = view.side[unit_id]
    side[t("common.national")] = view.side["national"]
    side[t("common.max")] = view.side["max_value"]
    title = t("compare.table_title", year=ctx.year)
    table(side, tables.number_formats(lang, list(side.columns[1:])), caption=title)
    st.caption(
        " · ".join(
            f"{row[ctx.name_col()]}: {t('profile.rank').lower()} "
            + fmt.rank_text(row["rank"], base.n_ranked, lang, tied=bool(row["tied"]), unranked=t("rankings.not_ranked"))
            for row in view.units.to_dict("records")
        )
    )
    fig = figures.small_multiples_figure(
        view.percent,
        unit_names=unit_names,
        styles=styles,
        metric_labels=labels,
        national=view.national_percent,
        labels={"national_line": t("compare.national_line"), "pct_of_max": t("common.pct_of_max")},
        title=t("compare.multiples_title", year=ctx.year),
        source=ctx.source(info),
        lang=lang,
        demo_label=ctx.demo_label(info),
    )
    chart(ctx, fig, key="compare_multiples", stem=file_stem(ctx, "compare", info.unit_scope))
    st.caption(t("compare.pct_note"))
    trend = da.trend(ctx.db, key.sets[1:], None, chosen, "not_comparable")
    fig = figures.trend_figure(
        trend.national,
        trend.series,
        names=unit_names,
        styles=styles,
        breaks=trend.breaks,
        labels={
            "national": t("common.national"),
            "break_units": t("trends.break_units"),
            "break_method": t("trends.break_method"),
            "year": t("common.year"),
            "score": chart_style.with_unit(ctx.index_name(), t(f"unit.{ctx.index_code}")),
        },
        title=t("compare.trend_title", index=ctx.index_name()),
        source=series_source([s.info for s in trend.sets], lang),
        lang=lang,
        demo_label=ctx.demo_label(s.info for s in trend.sets),
    )
    chart(ctx, fig, key="compare_trend", stem=file_stem(ctx, "compare_trend", info.unit_scope))
    st.caption(t("compare.trend_note"))
    wide, formats = tables.trend_table(trend.national, trend.series, unit_names, lang)
    table(wide, formats, caption=t("compare.trend_title", index=ctx.index_name()), keep_missing=True)
    return side
