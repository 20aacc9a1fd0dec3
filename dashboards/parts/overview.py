"""Finished parts of the overview page (dashboards/app_pages/overview.py): drawn once per key, replayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import chart, comparison_notes, file_stem, table


@finished
def draw(key: PartKey, _ctx: AppContext) -> pd.DataFrame:
    """Everything of the overview but the widgets and the title with its version notes (drawn by the page for
    each visitor); returns what the download panel offers."""
    ctx, info, previous = _ctx, key.info, (key.sets[1] if len(key.sets) > 1 else None)
    t, lang = ctx.t, ctx.lang
    view = da.overview(ctx.db, info, previous)
    s, comp = view.summary, view.comparison
    prev_year = comp.previous_year
    official = da.record_layer_of(ctx.db, info)
    if official.has_figures:
        national = f" {t('overview.official_national', value=ctx.num(official.national))}" if official.national else ""
        st.info(t("overview.official", n=official.n_with_figure, total=len(official.table), year=ctx.year) + national)
    unit = t(f"unit.{ctx.index_code}")
    cols = st.columns(4)
    delta = fmt.metric_delta(s.national_change, lang)
    cols[0].metric(
        t("overview.national", year=ctx.year) + f" ({unit})",
        ctx.num(s.national),
        delta=f"{delta} {t('overview.vs_year', year=prev_year)}" if delta else None,
        help=t("overview.national_help"),
    )
    cols[1].metric(t("overview.units"), f"{s.n_units}", help=t("overview.units_help", ranked=s.n_ranked))
    cols[2].metric(t("overview.above_average"), f"{s.above_average}/{s.n_ranked}")
    if s.groups:
        groups = " / ".join(str(n) for g, n in s.groups.items() if g != "other")
        cols[3].metric(t("overview.groups"), groups, help=t("overview.groups_help"))
    else:
        low, high = view.tables.units["value"].min(), view.tables.units["value"].max()
        cols[3].metric(t("overview.range") + f" ({unit})", f"{ctx.num(low)} – {ctx.num(high)}")
    comparison_notes(ctx, comp.reason, comp.method_changed, prev_year)
    if s.comparable:
        moves = t("overview.moves", rose=s.rose, fell=s.fell, unchanged=s.unchanged, prev=prev_year)
        st.markdown(moves + (" " + t("overview.not_comparable_count", n=s.not_comparable) if s.not_comparable else ""))

    shown: dict[str, pd.DataFrame] = {}
    lists = [("top", s.top, s.comparable), ("bottom", s.bottom, s.comparable)]
    lists += [("risers", s.risers, True), ("fallers", s.fallers, True)] if s.comparable else []
    for i, (name, frame, with_change) in enumerate(lists):
        if i % 2 == 0:
            columns = st.columns(2)
        with columns[i % 2]:
            data, formats = tables.unit_list(frame, lang, with_change=with_change)
            heading = t(f"overview.{name}", n=len(frame))
            st.markdown(f"**{heading}**")
            table(data, formats, caption=heading)
            shown[name] = data

    source, demo = ctx.source(info), ctx.demo_label(info)
    if not s.regions.empty:
        ordered = s.regions.sort_values("value", ascending=False)
        names = [view.tables.region_name(c, lang) or c for c in ordered["region_code"]]
        title = t("overview.regions_title", year=ctx.year)
        fig = figures.region_figure(
            ordered,
            names=names,
            national=s.national,
            labels={
                "change": t("common.change_from", prev=prev_year or "–"),
                "national": t("common.national"),
                "value": f"{ctx.index_name()} ({unit})",
            },
            title=title,
            source=source,
            lang=lang,
            demo_label=demo,
        )
        values = tables.region_values(ordered, names, lang)
        chart(ctx, fig, key="overview_regions", stem=file_stem(ctx, "regions"), values=values, caption=title)
    if s.groups:
        title = t("overview.groups_title", year=ctx.year)
        labels = {f"group_{g}": t(f"group.{g}") for g in (*s.groups, "other")}
        fig = figures.group_count_figure(
            s.groups,
            labels={**labels, "count": t("overview.units")},
            title=title,
            source=source,
            lang=lang,
            demo_label=demo,
        )
        values = pd.DataFrame(
            {
                t("rankings.col.group"): [labels[f"group_{g}"] for g in s.groups],
                t("overview.units"): [str(n) for n in s.groups.values()],
            }
        )
        chart(ctx, fig, key="overview_groups", stem=file_stem(ctx, "groups"), values=values, caption=title)
    if not s.components.empty:
        st.header(t("overview.components_title"))
        frame, formats = tables.component_summary(s.components, view.tables.components, lang, prev_year)
        table(frame, formats, caption=t("overview.components_title"))
    return pd.concat([d.assign(**{t("common.section"): t(f"overview.section.{k}")}) for k, d in shown.items()])
