"""Compare: several units side by side (table of every component) and as small multiples, one panel per
component, plus their lines over the years."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import figures, model
from dashboards.components.widgets import download_panel, url_multi
from dashboards.context import get_context
from dashboards.views import (
    components_for,
    download_labels,
    file_stem,
    rows_for,
    scope_and_set,
    sorted_unit_options,
    stop_with,
    styled,
    table_for,
    unit_label_map,
)

ctx = get_context()
t = ctx.t
scope, set_row = scope_and_set(ctx)
rows = rows_for(ctx, set_row)
table = table_for(ctx, set_row)
main, _detail = components_for(rows, ctx.index_code)
labels = {**ctx.metric_labels(set_row, main), ctx.index_code: ctx.index_name()}

st.header(t("compare.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
st.caption(ctx.source_line(set_row))
names = unit_label_map(ctx, table)
options = sorted_unit_options(ctx, table)
top3 = [str(sc) for sc in table.sort_values("rank")["scope_code"].head(3)]
chosen = url_multi(
    t("compare.units"),
    options,
    key="units",
    default=top3,
    format_func=lambda sc: names.get(sc, sc),
    max_selections=8,
    placeholder=t("common.choose"),
)
if not chosen:
    stop_with(ctx, t("compare.pick"))

sel = table[table["scope_code"].isin(chosen)].set_index("scope_code").loc[chosen].reset_index()
national = model.national_values(rows)
maxima = model.max_values(rows)
metrics = [ctx.index_code, *main]
n_ranked = model.ranked_count(table)

# ---- side by side ----------------------------------------------------------------------------------------
side: dict[str, list] = {t("common.component"): [labels.get(m, m) for m in metrics]}
for _, unit in sel.iterrows():
    side[str(unit[ctx.name_col()])] = [unit["value"] if m == ctx.index_code else unit.get(m) for m in metrics]
side[t("common.national")] = [national.get(m) for m in metrics]
side[t("common.max")] = [maxima.get(m) for m in metrics]
side_frame = pd.DataFrame(side)
value_cols = [c for c in side_frame.columns if c != t("common.component")]
st.dataframe(styled(side_frame, {c: ctx.num for c in value_cols}), hide_index=True, placeholder="–", width="stretch")
st.caption(
    " · ".join(
        f"{unit[ctx.name_col()]}: {t('profile.rank').lower()} "
        + (
            f"{'=' if unit['tied'] else ''}{int(unit['rank'])}/{n_ranked}"
            if pd.notna(unit["rank"])
            else t("rankings.not_ranked")
        )
        for _, unit in sel.iterrows()
    )
)

# ---- small multiples ------------------------------------------------------------------------------------
long = []
for _, unit in sel.iterrows():
    for metric in metrics:
        value = unit["value"] if metric == ctx.index_code else unit.get(metric)
        long.append(
            {"unit_id": int(unit["unit_id"]), "metric": metric, "pct": model.percent_of_max(value, maxima.get(metric))}
        )
data = pd.DataFrame(long)
national_pct = {m: model.percent_of_max(v, maxima.get(m)) for m, v in national.items()}
fig = figures.small_multiples_figure(
    data,
    unit_names=ctx.unit_names(sel["unit_id"].astype(int)),
    metric_labels=labels,
    national=national_pct,
    labels={"national_line": t("compare.national_line")},
    title=t("compare.multiples_title", year=ctx.year),
    source=ctx.source_line(set_row),
    lang=ctx.lang,
    demo_label=ctx.demo_label(set_row),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "compare", scope)), key="compare_multiples")
st.caption(t("compare.pct_note"))

# ---- over the years ---------------------------------------------------------------------------------------
sets = ctx.sets(scope)
hist = da.history_rows(ctx.db, tuple(int(i) for i in sets["id"]), (ctx.index_code,))
history = model.history_frame(sets, hist, ctx.index_code)
lineage = da.lineage(ctx.db)
ids = [int(i) for i in sel["unit_id"]]
series = model.unit_series(history, ids, lineage, "not_comparable")
fig = figures.trend_figure(
    model.national_series(sets, hist, ctx.index_code),
    series,
    names=ctx.unit_names(ids),
    breaks=model.breaks_for(sets, lineage, ctx.units(), ctx.index_code, scope),
    labels={
        "national": t("common.national"),
        "break_units": t("trends.break_units"),
        "break_method": t("trends.break_method"),
        "year": t("common.year"),
        "score": ctx.index_name(),
    },
    title=t("compare.trend_title", index=ctx.index_name()),
    source=t("source.publisher"),
    lang=ctx.lang,
    demo_label=ctx.demo_label(sets),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "compare_trend", scope)), key="compare_trend")
st.caption(t("compare.trend_note"))

st.divider()
download_panel(
    key="compare_dl",
    labels=download_labels(ctx),
    file_stem=file_stem(ctx, "compare", scope),
    screen=side_frame,
    metadata=ctx.export_metadata(
        [set_row], t("compare.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope))
    ),
    lang=ctx.lang,
)
