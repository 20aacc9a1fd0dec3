"""Trends: national and per-unit lines over all published years, with break markers where the method
changed or units merged; across the 2025 merger either "not comparable" or an aggregate of predecessors
(simple or form-weighted mean), labelled with the rule used."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import figures, fmt, model
from dashboards.components.widgets import download_panel, url_choice, url_multi
from dashboards.context import get_context
from dashboards.views import choose_scope, download_labels, file_stem, stop_with

ctx = get_context()
t = ctx.t
scope = choose_scope(ctx)
sets = ctx.sets(scope)
if sets.empty:
    stop_with(ctx, t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
current = ctx.set_for(scope) if ctx.set_for(scope) is not None else sets.iloc[-1]
assert current is not None

st.header(t("trends.title", index=ctx.index_name(), scope=ctx.scope_name(scope)))
first, last = int(sets["year"].min()), int(sets["year"].max())
st.caption(t("trends.span", first=first, last=last, n=len(sets)) + " · " + t("source.publisher"))

all_metrics = sorted(set(da.set_rows(ctx.db, int(current["id"]))["metric"]))
main, _detail = model.component_metrics(all_metrics, ctx.index_code)
labels = ctx.metric_labels(current, main)
metric_key = url_choice(
    t("trends.metric"),
    ["index", *[model.metric_suffix(m) for m in main]],
    key="metric",
    default="index",
    format_func=lambda m: (
        ctx.index_name() if m == "index" else labels.get(next((x for x in main if x.endswith("." + m)), m), m)
    ),
)
metric = (
    ctx.index_code
    if metric_key in (None, "index")
    else next((x for x in main if x.endswith("." + str(metric_key))), ctx.index_code)
)

set_ids = tuple(int(i) for i in sets["id"])
rows = da.history_rows(ctx.db, set_ids, (metric,))
history = model.history_frame(sets, rows, metric)
national = model.national_series(sets, rows, metric)
units = ctx.units()
lineage = da.lineage(ctx.db)

present = units[units["unit_id"].isin(set(history["unit_id"].dropna().astype(int)))]


def unit_label(row: pd.Series) -> str:
    start = pd.Timestamp(row["valid_from"]).year
    end = pd.Timestamp(row["valid_to"]).year if row["valid_to"] is not None and pd.notna(row["valid_to"]) else ""
    return f"{row[ctx.name_col()]} ({start}–{end})"


label_of = {str(r["scope_code"]): unit_label(r) for _, r in present.iterrows()}
id_of = dict(zip(present["scope_code"], present["unit_id"].astype(int), strict=False))
options = sorted(label_of, key=lambda sc: fmt.vi_sort_key(label_of[sc]))
in_year = history[history["year"] == int(current["year"])].sort_values("rank")
default_units = [str(sc) for sc in in_year["scope_code"].head(1)]
chosen = url_multi(
    t("trends.units"),
    options,
    key="units",
    default=default_units,
    format_func=lambda sc: label_of.get(sc, sc),
    max_selections=8,
    placeholder=t("common.choose"),
)
rule = (
    url_choice(
        t("trends.rule"),
        list(model.MERGE_RULES),
        key="rule",
        default="not_comparable",
        format_func=lambda r: t(f"trends.rule_name.{r}"),
        widget="radio",
        help=t("trends.rule_help"),
    )
    or "not_comparable"
)

selected_ids = [id_of[sc] for sc in chosen if sc in id_of]
series = model.unit_series(history, selected_ids, lineage, rule)
breaks = model.breaks_for(sets, lineage, units, ctx.index_code, scope)
names = ctx.unit_names(selected_ids)
fig = figures.trend_figure(
    national,
    series,
    names=names,
    breaks=breaks,
    labels={
        "national": t("common.national"),
        "break_units": t("trends.break_units"),
        "break_method": t("trends.break_method"),
        "rule.mean": t("trends.rule_label.mean"),
        "rule.weighted": t("trends.rule_label.weighted"),
        "rule.mean_fallback": t("trends.rule_label.mean_fallback"),
        "year": t("common.year"),
        "score": labels.get(metric, ctx.index_name()),
    },
    title=t("trends.figure_title", metric=labels.get(metric, ctx.index_name()), scope=ctx.scope_name(scope)),
    source=t("source.publisher") + f" · {first}–{last}" + (" · " + t("demo.mark") if ctx.is_demo(sets) else ""),
    lang=ctx.lang,
    demo_label=ctx.demo_label(sets),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "trends", scope)), key="trend_chart")

# ---- what the markers and the rule mean -------------------------------------------------------------------
notes = []
for brk in breaks:
    if brk.kind == "units":
        notes.append(t("trends.note_units", year=brk.year))
    else:
        notes.append(t("trends.note_method", year=brk.year, label=brk.label))
notes.append(t(f"trends.rule_explain.{rule}"))
links = lineage[(lineage["old_unit_id"] != lineage["new_unit_id"]) & lineage["relation"].isin(model.LINEAGE_FORWARD)]
for unit_id in selected_ids:
    later = links[links["old_unit_id"] == unit_id]
    if later.empty or series[(series["unit_id"] == unit_id) & (series["year"] >= 2025)].shape[0]:
        continue
    new_names = ctx.unit_names(later["new_unit_id"].astype(int))
    key = "trends.note_continues" if set(later["relation"]) <= {"continues", "renamed"} else "trends.note_successor"
    notes.append(t(key, name=names.get(unit_id, ""), successors=", ".join(new_names.values())))
aggregated = series[series["source"] == "aggregate"]
for unit_id, group in aggregated.groupby("unit_id"):
    members = sorted({m for ms in group["members"] for m in ms})
    notes.append(
        t(
            "trends.note_aggregate",
            name=names.get(int(unit_id), ""),
            members=", ".join(ctx.unit_names(members).values()),
            rule=t(f"trends.rule_label.{group['rule_used'].iloc[0]}"),
        )
    )
for note in notes:
    st.caption("• " + note)

# ---- the numbers behind the chart --------------------------------------------------------------------------
table = series.assign(
    name=series["unit_id"].map(names),
    kind=series["source"].map({"own": t("trends.own"), "aggregate": t("trends.aggregate")}),
)
wide = national.rename(columns={"value": t("common.national")})[["year", t("common.national")]]
for unit_id, group in table.groupby("unit_id", sort=False):
    column = names.get(int(unit_id), str(unit_id))
    values = group.set_index("year")["value"]
    marks = group.set_index("year")["source"]
    wide[column] = wide["year"].map(values).astype("float64")
    wide[column + " *"] = wide["year"].map(marks.map(lambda s: "*" if s == "aggregate" else "")).fillna("")
wide = wide.rename(columns={"year": t("common.year")})
value_columns = [c for c in wide.columns if c != t("common.year") and not c.endswith(" *")]
st.dataframe(
    wide.style.format({c: ctx.num for c in value_columns}, na_rep=t("trends.not_comparable_cell")).hide(axis="index"),
    hide_index=True,
    placeholder="–",
    width="stretch",
)
st.caption(t("trends.table_note"))

download_panel(
    key="trend_dl",
    labels=download_labels(ctx),
    file_stem=file_stem(ctx, "trends", scope, rule),
    screen=wide,
    metadata=ctx.export_metadata(
        [r for _, r in sets.iterrows()],
        t("trends.figure_title", metric=labels.get(metric, ctx.index_name()), scope=ctx.scope_name(scope)),
        notes=notes,
    ),
    lang=ctx.lang,
)
