"""Compare: several units side by side (table of every component) and as small multiples, one panel per
component, plus their lines over the years."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from backend.published.sources import series_source
from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.components.widgets import url_multi
from dashboards.context import get_context
from dashboards.views import downloads, file_stem, scope_and_set, set_header, stop_with

ctx = get_context()
t, lang = ctx.t, ctx.lang
info = scope_and_set(ctx)
base = da.tables(ctx.db, info)
title = t("compare.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
set_header(ctx, title, info)
names = dict(zip(base.units["scope_code"], base.units[ctx.name_col()], strict=False))
chosen = url_multi(
    t("compare.units"),
    sorted(names, key=lambda c: fmt.vi_sort_key(str(names[c]))),
    key="units",
    default=list(base.units["scope_code"].head(3)),
    format_func=lambda c: names.get(c, c),
    max_selections=8,
    placeholder=t("common.choose"),
)
if not chosen:
    stop_with(t("compare.pick"))
view = da.compare(ctx.db, info, chosen)
labels = {m.code: m.label(lang) for m in base.metrics}
unit_names = dict(zip(view.units["unit_id"].astype(int), view.units[ctx.name_col()], strict=False))

side = pd.DataFrame({t("common.component"): view.side["metric"].map(labels)})
for unit_id, unit_name in unit_names.items():
    side[unit_name] = view.side[unit_id]
side[t("common.national")] = view.side["national"]
side[t("common.max")] = view.side["max_value"]
st.dataframe(tables.number_table(side, lang, list(side.columns[1:])), hide_index=True, placeholder="–", width="stretch")
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
    metric_labels=labels,
    national=view.national_percent,
    labels={"national_line": t("compare.national_line")},
    title=t("compare.multiples_title", year=ctx.year),
    source=ctx.source(info),
    lang=lang,
    demo_label=ctx.demo_label(info),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "compare", info.unit_scope)), key="compare_multiples")
st.caption(t("compare.pct_note"))

trend = da.trend(ctx.db, ctx.index_code, info.unit_scope, None, chosen, "not_comparable")
fig = figures.trend_figure(
    trend.national,
    trend.series,
    names=unit_names,
    breaks=trend.breaks,
    labels={
        "national": t("common.national"),
        "break_units": t("trends.break_units"),
        "break_method": t("trends.break_method"),
        "year": t("common.year"),
        "score": ctx.index_name(),
    },
    title=t("compare.trend_title", index=ctx.index_name()),
    source=series_source([s.info for s in trend.sets], lang),
    lang=lang,
    demo_label=ctx.demo_label(s.info for s in trend.sets),
)
st.plotly_chart(
    fig, config=figures.plotly_config(file_stem(ctx, "compare_trend", info.unit_scope)), key="compare_trend"
)
st.caption(t("compare.trend_note"))
downloads(ctx, key="compare_dl", page="compare", screen=side, infos=[info], title=title, stem_parts=[info.unit_scope])
