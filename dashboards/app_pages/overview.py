"""Overview: national figures of the chosen index and year, change from last year, group counts and the
ministry's standard summary (top and bottom, risers and fallers, region averages, component moves)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import figures, fmt
from dashboards.components.summary import scoring_summary
from dashboards.components.widgets import download_panel
from dashboards.context import get_context
from dashboards.views import (
    components_for,
    download_labels,
    file_stem,
    rows_for,
    scope_and_set,
    styled,
    table_for,
    whole_year_sheets,
)

ctx = get_context()
t = ctx.t

scope, set_row = scope_and_set(ctx)

st.header(t("overview.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
st.caption(ctx.source_line(set_row))
if set_row.get("erratum"):
    st.info(t("common.erratum", text=set_row["erratum"]))
if set_row.get("framework_status") == "provisional":
    st.caption("⚠ " + t("common.provisional_method"))

rows = rows_for(ctx, set_row)
table = table_for(ctx, set_row)
main, _detail = components_for(rows, ctx.index_code)
labels = ctx.metric_labels(set_row, main)
prev_row, comp = ctx.comparison(scope)
prev_rows = rows_for(ctx, prev_row) if prev_row is not None else None
prev_table = table_for(ctx, prev_row) if prev_row is not None else None
summary = scoring_summary(
    table, rows, ctx.index_code, main, prev_table, prev_rows, comparable=comp.comparable, lineage=da.lineage(ctx.db)
)
name = ctx.name_col()
prev_year = int(prev_row["year"]) if prev_row is not None else None

# ---- headline figures -------------------------------------------------------------------------------------
cols = st.columns(4)
cols[0].metric(
    t("overview.national", year=ctx.year),
    ctx.num(summary.national),
    delta=(fmt.metric_delta(summary.national_change, ctx.lang) + " " + t("overview.vs_year", year=prev_year))
    if summary.national_change is not None
    else None,
    help=t("overview.national_help"),
)
cols[1].metric(
    t("overview.units"),
    f"{summary.n_units}",
    help=t("overview.units_help", ranked=summary.n_ranked),
)
cols[2].metric(t("overview.above_average"), f"{summary.above_average}/{summary.n_units}")
if summary.groups:
    group_text = " / ".join(str(n) for g, n in summary.groups.items() if g != "other")
    cols[3].metric(t("overview.groups"), group_text, help=t("overview.groups_help"))
else:
    spread = table["value"].agg(["min", "max"])
    cols[3].metric(t("overview.range"), f"{ctx.num(spread['min'])} – {ctx.num(spread['max'])}")

if comp.reason == "units_changed":
    st.info(t("common.not_comparable_units", year=ctx.year, prev=prev_year))
elif comp.reason == "partly_units_changed":
    st.info(t("common.partly_comparable", prev=prev_year))
if comp.method_changed:
    st.caption("⚠ " + t("common.method_changed", prev=prev_year))
if summary.comparable:
    st.markdown(
        t(
            "overview.moves",
            rose=summary.rose,
            fell=summary.fell,
            unchanged=summary.unchanged,
            prev=prev_year,
        )
        + (" " + t("overview.not_comparable_count", n=summary.not_comparable) if summary.not_comparable else "")
    )


def unit_list(frame: pd.DataFrame, title: str, with_change: bool) -> pd.DataFrame:
    data = pd.DataFrame(
        {
            t("rankings.col.rank"): frame["rank"].astype("Float64"),
            t("rankings.col.name"): frame[name],
            t("rankings.col.score"): frame["value"],
        }
    )
    if with_change:
        data[t("rankings.col.change")] = frame["change"]
        data[t("rankings.col.rank_change")] = frame["rank_change"].astype("Float64")
    tied = list(frame["tied"])
    formats = {
        t("rankings.col.rank"): lambda v: fmt.DASH if pd.isna(v) else str(int(v)),
        t("rankings.col.score"): ctx.num,
        t("rankings.col.change"): ctx.signed,
        t("rankings.col.rank_change"): lambda v: fmt.rank_change_arrow(v) if pd.notna(v) else fmt.DASH,
    }
    styler = styled(data, formats)
    tie_rows = [i for i, flag in enumerate(tied) if flag]
    if tie_rows:
        styler = styler.format(lambda v: f"={int(v)}", subset=pd.IndexSlice[tie_rows, [t("rankings.col.rank")]])
    st.markdown(f"**{title}**")
    st.dataframe(styler, hide_index=True, placeholder="–", width="stretch")
    return data


left, right = st.columns(2)
with left:
    top = unit_list(summary.top, t("overview.top", n=len(summary.top)), summary.comparable)
with right:
    bottom = unit_list(summary.bottom, t("overview.bottom", n=len(summary.bottom)), summary.comparable)
risers = fallers = pd.DataFrame()
if summary.comparable:
    left, right = st.columns(2)
    with left:
        risers = unit_list(summary.risers, t("overview.risers"), True)
    with right:
        fallers = unit_list(summary.fallers, t("overview.fallers"), True)

# ---- regions, groups, components ----------------------------------------------------------------------
region_names = ctx.region_names()
demo = ctx.demo_label(set_row)
source = ctx.source_line(set_row)
if not summary.regions.empty:
    regions = summary.regions.sort_values("value", ascending=False)
    fig = figures.region_figure(
        regions,
        names=[region_names.get(c, c) for c in regions["region_code"]],
        national=summary.national,
        labels={"change": t("common.change_from", prev=prev_year or "–"), "national": t("common.national")},
        title=t("overview.regions_title", year=ctx.year),
        source=source,
        lang=ctx.lang,
        demo_label=demo,
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "regions")), key="overview_regions")
if summary.groups:
    fig = figures.group_count_figure(
        summary.groups,
        labels={f"group_{g}": t(f"group.{g}") for g in ("A", "B", "C", "other")},
        title=t("overview.groups_title", year=ctx.year),
        source=source,
        lang=ctx.lang,
        demo_label=demo,
    )
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "groups")), key="overview_groups")

components = summary.components.copy()
if not components.empty:
    st.subheader(t("overview.components_title"))
    shown = pd.DataFrame(
        {
            t("common.component"): components["metric"].map(labels),
            t("overview.national_value"): components["value"],
            t("common.max"): components["max_value"],
            t("common.pct_of_max"): components["pct"],
            t("common.change_from", prev=prev_year or "–"): components["change"],
        }
    )
    st.dataframe(
        styled(
            shown,
            {
                t("overview.national_value"): ctx.num,
                t("common.max"): ctx.num,
                t("common.pct_of_max"): ctx.num,
                t("common.change_from", prev=prev_year or "–"): ctx.signed,
            },
        ),
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
    if summary.national_change is not None and comp.method_changed:
        st.caption(t("common.method_changed", prev=prev_year))

# ---- downloads ------------------------------------------------------------------------------------------
sections = []
for key, frame in (("top", top), ("bottom", bottom), ("risers", risers), ("fallers", fallers)):
    if not frame.empty:
        sections.append(frame.assign(**{t("common.section"): t(f"overview.section.{key}")}))
screen = pd.concat(sections, ignore_index=True) if sections else pd.DataFrame()
st.divider()
download_panel(
    key="overview_dl",
    labels=download_labels(ctx),
    file_stem=file_stem(ctx, "overview", scope),
    screen=screen,
    metadata=ctx.export_metadata(
        [set_row], t("overview.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope))
    ),
    lang=ctx.lang,
    whole_year=lambda: whole_year_sheets(ctx),
    whole_metadata=ctx.export_metadata(
        [ctx.set_for(s) for s in ctx.scopes()], t("download.whole_year_title", index=ctx.index_name(), year=ctx.year)
    ),
)
