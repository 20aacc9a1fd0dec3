"""The finished parts of a unit's profile (dashboards/profile_view.py): drawn once per set and unit, replayed
to every visitor (dashboards/render_cache.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from backend.published import fmt
from backend.published.changes import Comparison
from backend.published.profile import ProfileView
from backend.published.tables import SetTables
from dashboards import data_access as da
from dashboards.components import chart_style, figures, official_tables, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import chart, comparison_notes, file_stem, table


@finished
def draw_official(key: PartKey, chosen: str, _ctx: AppContext) -> None:
    """The unit's figures as the ministry published them: this year first, then every year of the record."""
    ctx, t, lang, info = _ctx, _ctx.t, _ctx.lang, key.info
    unit_id = da.unit_ids(ctx.db, [chosen])
    record = da.unit_record(ctx.db, ctx.index_code, info.unit_scope, unit_id) if unit_id else pd.DataFrame()
    record = record[record["has_figure"]] if not record.empty else record
    st.header(t("layer.official_title_unit"))
    if record.empty:
        st.caption(t("layer.unit_none", index=ctx.index_name()))
        return
    st.caption(t("layer.official_source"))
    this_year = record[record["year"] == ctx.year]
    if this_year.empty:
        st.caption(t("layer.unit_none_year", year=ctx.year))
    else:
        row = this_year.iloc[0].to_dict()
        cols = st.columns(3)
        cols[0].metric(
            t("layer.col.score") + f" ({t(f'unit.{ctx.index_code}')})",
            " / ".join(fmt.number(v, lang) for v in row["scores"]) or fmt.DASH,
        )
        cols[1].metric(t("layer.col.rank"), " / ".join(str(r) for r in row["ranks"]) or fmt.DASH)
        flags = official_tables.flags(row, lang)
        cols[2].metric(t("record.flags"), flags or t("layer.as_printed"))
        link = f" [{t('record.open')}]({row['link']})" if row["link"] else ""
        st.caption(t("record.source") + ": " + str(row["source_title"]) + link)
    frame, formats = official_tables.unit_record_table(record, lang)
    table(frame, formats, caption=t("layer.official_title_unit"))


@finished
def draw_unit(key: PartKey, chosen: str, mapped_from: int | None, _ctx: AppContext) -> pd.DataFrame:
    """The result set's profile of the unit; returns what the download panel offers."""
    ctx, t, lang, info = _ctx, _ctx.t, _ctx.lang, key.info
    # the key holds the set, its previous year and the whole series of the scope (dashboards/profile_view.py)
    series = sorted(
        {s for s in key.sets if (s.index_code, s.unit_scope) == (info.index_code, info.unit_scope)},
        key=lambda s: s.year,
    )
    earlier = [s for s in series if s.year < info.year]
    previous = earlier[-1] if earlier else None
    view = da.profile_view(ctx.db, info, previous, series, chosen)
    assert view is not None
    base = view.tables
    unit, comp, prev_year = view.unit, view.comparison, view.comparison.previous_year
    name = str(unit[ctx.name_col()])
    st.header(t("layer.results_title"))
    if mapped_from is not None:
        st.info(t("profile.mapped", old=base.unit_name(mapped_from, lang), new=name))
    region = base.region_name(unit.get("region_code"), lang)
    subtitle = [ctx.scope_name(info.unit_scope)] + ([t("profile.region", region=region)] if region else [])
    st.caption(" · ".join(subtitle) + " · " + ctx.source(info))
    _headline(ctx, view, base, unit, comp, prev_year)
    labels = {m.code: m.label(lang) for m in base.metrics}
    source, demo = ctx.source(info), ctx.demo_label(info)
    st.header(t("profile.components"))
    fig = figures.profile_components_figure(
        view.components,
        metric_labels=labels,
        title=t("profile.components_title", name=name, year=ctx.year),
        labels={
            "unit": name,
            "national": t("common.national"),
            "region": t("profile.region_avg"),
            "best": t("profile.best"),
            "pct_of_max": t("common.pct_of_max"),
        },
        source=source,
        lang=lang,
        demo_label=demo,
    )
    chart(ctx, fig, key="profile_components", stem=file_stem(ctx, "profile", chosen))
    best = base.unit_names(list(view.components["best_unit_id"].dropna()), lang)
    frame, formats = tables.profile_table(view.components, lang, labels, best)
    table(frame, formats, caption=t("profile.components_title", name=name, year=ctx.year))
    left, right = st.columns(2)
    for column, which, found in ((left, "strengths", view.strengths), (right, "weaknesses", view.weaknesses)):
        with column:
            st.markdown(f"**{t(f'profile.{which}')}**")
            if found.empty:
                st.caption(t("profile.none"))
            for row in found.to_dict("records"):
                gap = ctx.signed(row["gap_national"])
                st.markdown(f"- {labels.get(row['metric'], row['metric'])}: {gap} {t('profile.points_vs_national')}")
    st.caption(t("profile.sw_note"))
    _why(ctx, view, unit, labels, name, prev_year, chosen)
    _history(ctx, view, base)
    screen = view.components.assign(metric_name=view.components["metric"].map(labels), unit=name, year=ctx.year)
    return screen.drop(columns=["best_unit_id"])


def _headline(
    ctx: AppContext, view: ProfileView, base: SetTables, unit: dict[str, Any], comp: Comparison, prev_year: int | None
) -> None:
    t, lang = ctx.t, ctx.lang
    cols = st.columns(4)
    ci = (
        t("profile.ci", low=ctx.num(unit["ci_low"]), high=ctx.num(unit["ci_high"]))
        if pd.notna(unit["ci_low"])
        else None
    )
    delta = fmt.metric_delta(unit["change"], lang)
    cols[0].metric(
        ctx.index_name(),
        ctx.num(unit["value"]),
        help=ci,
        delta=f"{delta} {t('overview.vs_year', year=prev_year)}" if delta else None,
    )
    rank_help = (
        t("profile.rank_range", low=int(unit["rank_low"]), high=int(unit["rank_high"]))
        if pd.notna(unit["rank_low"])
        else None
    )
    moved = fmt.rank_metric_delta(unit["rank_change"])
    cols[1].metric(
        t("profile.rank"),
        fmt.rank_text(unit["rank"], base.n_ranked, lang, tied=bool(unit["tied"]), unranked=t("rankings.not_ranked")),
        delta=f"{moved} {t('profile.places')}" if moved else None,
        help=rank_help,
    )
    if isinstance(unit.get("grp"), str):
        cols[2].metric(t("rankings.col.group"), unit["grp"], help=t("overview.groups_help"))
    national = base.national.get(ctx.index_code)
    if national is not None:
        cols[3].metric(
            t("common.national"),
            ctx.num(national),
            delta=fmt.metric_delta(unit["value"] - national, lang),
            delta_color="off",
        )
    st.caption(
        t("profile.unit_note", unit=t(f"unit.{ctx.index_code}"))
        + (" · " + ci if ci else "")
        + (" · " + rank_help if rank_help else "")
    )
    if not unit["ranked"]:
        st.info(t("profile.unranked"))
    if unit["tied"]:
        st.caption(t("profile.tied", rank=int(unit["rank"])))
    comparison_notes(ctx, comp.reason if comp.reason == "units_changed" else "", False, prev_year)
    if comp.reason == "units_changed" and unit["basis"] in ("continues", "renamed", "merged_into"):
        st.caption(t("profile.compared_with", name=base.unit_name(unit["prev_unit_id"], lang), prev=prev_year))
    elif comp.reason == "units_changed" and unit["basis"] == "merged":
        st.caption(t("profile.merged_no_change", prev=prev_year))
    elif comp.previous is not None and pd.isna(unit["change"]):
        st.info(t("profile.new_unit", prev=prev_year))


def _why(
    ctx: AppContext,
    view: ProfileView,
    unit: dict[str, Any],
    labels: dict[str, str],
    name: str,
    prev_year: int | None,
    chosen: str,
) -> None:
    t, lang = ctx.t, ctx.lang
    info = view.tables.info
    st.header(t("profile.why_title", prev=prev_year or "–", year=ctx.year))
    if view.breakdown.empty or pd.isna(unit["change"]):
        st.info(t("profile.why_unavailable"))
        return
    unit_label = t("unit.points") if view.additive else t(f"unit.{ctx.index_code}")
    title = t("profile.why_figure", name=name, prev=prev_year, year=ctx.year)
    fig = figures.change_breakdown_figure(
        view.breakdown,
        total_change=float(unit["change"]),
        additive=view.additive,
        metric_labels=labels,
        labels={
            "total": t("profile.total_change"),
            "change": chart_style.with_unit(t("common.change_from", prev=prev_year), unit_label),
        },
        title=title,
        source=ctx.source(info),
        lang=lang,
        demo_label=ctx.demo_label(info),
    )
    values = tables.change_values(view.breakdown, labels, lang, float(unit["change"]) if view.additive else None)
    chart(ctx, fig, key="profile_change", stem=file_stem(ctx, "change", chosen), values=values, caption=title)
    st.caption(t("profile.additive_note") if view.additive else t("profile.not_additive_note"))
    if view.comparison.method_changed:
        st.caption("⚠ " + t("common.method_changed", prev=prev_year))


def _history(ctx: AppContext, view: ProfileView, base: SetTables) -> None:
    t, lang = ctx.t, ctx.lang
    st.header(t("profile.history"))
    hist_names = base.unit_names(view.history["unit_id"].tolist(), lang)
    frame, formats = tables.history_table(view.history, lang, hist_names, ctx.index_name())
    if frame.empty:
        st.caption(t("profile.no_history"))
    else:
        table(frame, formats, caption=t("profile.history"))
    if view.predecessors:
        names = ", ".join(base.unit_names(view.predecessors, lang).values())
        st.caption(t("profile.predecessors_note", names=names))
    if view.successors:
        names = ", ".join(base.unit_names(view.successors, lang).values())
        st.caption(t("profile.successors_note", names=names))
