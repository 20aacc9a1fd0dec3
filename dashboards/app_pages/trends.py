"""Trends: national and per-unit lines over all published years, with break markers where the method
changed or units merged; across the 2025 merger either "not comparable" or an aggregate of predecessors
(simple or form-weighted mean), labelled with the rule used."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.sources import series_source
from backend.reference.lineage import RULES
from dashboards import data_access as da
from dashboards.components import figures
from dashboards.components.widgets import url_choice, url_multi
from dashboards.context import get_context
from dashboards.views import choose_scope, downloads, file_stem, stop_with

ctx = get_context()
t = ctx.t
scope = choose_scope(ctx)
infos = ctx.catalogue.series(ctx.index_code, scope)
if not infos:
    stop_with(t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
current = ctx.set_for(scope) or infos[-1]
base = da.tables(ctx.db, current)
st.header(t("trends.title", index=ctx.index_name(), scope=ctx.scope_name(scope)))
st.caption(t("trends.span", first=infos[0].year, last=infos[-1].year, n=len(infos)) + " · " + t("source.publisher"))
metric = base.metric(
    url_choice(
        t("trends.metric"),
        ["index", *[m.short for m in base.components]],
        key="metric",
        default="index",
        format_func=lambda m: base.metric(m).label(ctx.lang),
    )
    or "index"
)
options = da.trend_units(ctx.db, ctx.index_code, scope, ctx.lang)
default = [str(base.units["scope_code"].iloc[0])] if not base.units.empty else []
chosen = url_multi(
    t("trends.units"),
    list(options),
    key="units",
    default=default,
    format_func=lambda c: options.get(c, c),
    max_selections=8,
    placeholder=t("common.choose"),
)
rule = (
    url_choice(
        t("trends.rule"),
        list(RULES),
        key="rule",
        default="not_comparable",
        widget="radio",
        format_func=lambda r: t(f"trends.rule_name.{r}"),
        help=t("trends.rule_help"),
    )
    or "not_comparable"
)
ids = da.unit_ids(ctx.db, chosen)
view = da.trend(ctx.db, ctx.index_code, scope, metric.code, ids, rule)
names = da.unit_names(ctx.db, ids, ctx.lang)
label = metric.label(ctx.lang)
source = series_source([s.info for s in view.sets], ctx.lang)
fig = figures.trend_figure(
    view.national,
    view.series,
    names=names,
    breaks=view.breaks,
    labels={
        "national": t("common.national"),
        "break_units": t("trends.break_units"),
        "break_method": t("trends.break_method"),
        "year": t("common.year"),
        "score": label,
        **{f"rule.{r}": t(f"trends.rule_label.{r}") for r in ("mean", "weighted", "mean_fallback")},
    },
    title=t("trends.figure_title", metric=label, scope=ctx.scope_name(scope)),
    source=source,
    lang=ctx.lang,
    demo_label=ctx.demo_label(s.info for s in view.sets),
)
st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "trends", scope)), key="trend_chart")

notes = [
    t("trends.note_units", year=b.year) if b.kind == "units" else t("trends.note_method", year=b.year, label=b.label)
    for b in view.breaks
]
notes.append(t(f"trends.rule_explain.{rule}"))
for unit, links in view.continued.items():
    key = "trends.note_continues" if {r for _, r in links} <= {"continues", "renamed"} else "trends.note_successor"
    later = da.unit_names(ctx.db, [u for u, _ in links], ctx.lang)
    notes.append(t(key, name=names.get(unit, ""), successors=", ".join(later.values())))
aggregated = view.series[view.series["source"] == "aggregate"]
for unit, group in aggregated.groupby("unit_id"):
    members = da.unit_names(ctx.db, sorted({m for ms in group["members"] for m in ms}), ctx.lang)
    notes.append(
        t(
            "trends.note_aggregate",
            name=names.get(int(unit), ""),
            members=", ".join(members.values()),
            rule=t(f"trends.rule_label.{group['rule_used'].iloc[0]}"),
        )
    )
for note in notes:
    st.caption("• " + note)

wide = view.national.rename(columns={"value": t("common.national"), "year": t("common.year")})
wide = wide[[t("common.year"), t("common.national")]]
for unit, group in view.series.groupby("unit_id", sort=False):
    column = names.get(int(unit), str(unit))
    wide[column] = wide[t("common.year")].map(group.set_index("year")["value"]).astype("float64")
    marks = group.set_index("year")["source"].map(lambda s: "*" if s == "aggregate" else "")
    wide[column + " *"] = wide[t("common.year")].map(marks).fillna("")
values = [c for c in wide.columns if c != t("common.year") and not c.endswith(" *")]
st.dataframe(
    wide.style.format({c: ctx.num for c in values}, na_rep=t("trends.not_comparable_cell")).hide(axis="index"),
    hide_index=True,
    placeholder=fmt.DASH,
    width="stretch",
)
st.caption(t("trends.table_note"))
downloads(
    ctx,
    key="trend_dl",
    page="trends",
    screen=wide,
    infos=infos,
    title=t("trends.figure_title", metric=label, scope=ctx.scope_name(scope)),
    notes=notes,
    stem_parts=[scope, rule],
)
