"""The unit profile page shared by the province and ministry pages: score, rank out of N, every component
against the national figure, the region and the best unit, strengths and weaknesses, the year-on-year change
by component ("why did my score change"), the history with predecessors, and successors."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.components import figures, tables
from dashboards.components.widgets import url_choice
from dashboards.context import get_context
from dashboards.views import comparison_notes, downloads, file_stem, scope_and_set, stop_with


def render(scope: str) -> None:
    ctx = get_context()
    t, lang = ctx.t, ctx.lang
    info = scope_and_set(ctx, scope)
    base = da.tables(ctx.db, info)
    names = dict(zip(base.units["scope_code"], base.units[ctx.name_col()], strict=False))
    view = da.profile_view(ctx.db, info, st.session_state.get("unit") or st.query_params.get("unit"))
    if view is not None and view.unit["scope_code"] != st.session_state.get("unit"):
        st.session_state["unit"] = view.unit["scope_code"]
    options = sorted(names, key=lambda c: fmt.vi_sort_key(str(names[c])))
    default = next((c for c in options if c.endswith(":01")), options[0] if options else None)
    chosen = url_choice(t(f"profile.choose.{scope}"), options, key="unit", default=default, format_func=names.get)
    if chosen is None:
        stop_with(t("profile.no_units"))
    if view is None or view.unit["scope_code"] != chosen:
        view = da.profile_view(ctx.db, info, chosen)
    assert view is not None
    unit, comp, prev_year = view.unit, view.comparison, view.comparison.previous_year
    name = str(unit[ctx.name_col()])
    if view.mapped_from is not None:
        old = base.unit_name(view.mapped_from, lang)
        st.info(t("profile.mapped", old=old, new=name))
    title = t("profile.title", name=name, index=ctx.index_name(), year=ctx.year)
    st.header(title)
    region = base.region_name(unit.get("region_code"), lang)
    subtitle = [ctx.scope_name(scope)] + ([t("profile.region", region=region)] if region else [])
    st.caption(" · ".join(subtitle) + " · " + ctx.source(info))

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
    if ci:
        st.caption(ci + (" · " + rank_help if rank_help else ""))
    if not unit["ranked"]:
        st.info(t("profile.unranked"))
    if unit["tied"]:
        st.caption(t("profile.tied", rank=int(unit["rank"])))
    comparison_notes(ctx, comp.reason if comp.reason == "units_changed" else "", False, prev_year)
    if comp.reason == "units_changed" and unit["basis"] in ("continues", "renamed", "merged_into"):
        prev_name = base.unit_name(unit["prev_unit_id"], lang)
        st.caption(t("profile.compared_with", name=prev_name, prev=prev_year))
    elif comp.reason == "units_changed" and unit["basis"] == "merged":
        st.caption(t("profile.merged_no_change", prev=prev_year))
    elif comp.previous is not None and pd.isna(unit["change"]):
        st.info(t("profile.new_unit", prev=prev_year))

    labels = {m.code: m.label(lang) for m in base.metrics}
    source, demo = ctx.source(info), ctx.demo_label(info)
    profile_frame = view.components
    st.subheader(t("profile.components"))
    fig = figures.profile_components_figure(
        profile_frame,
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
    st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "profile", chosen)), key="profile_components")
    best = base.unit_names(list(profile_frame["best_unit_id"].dropna()), lang)
    shown = tables.profile_table(profile_frame, lang, labels, best)
    st.dataframe(shown[1], hide_index=True, placeholder="–", width="stretch")
    left, right = st.columns(2)
    for column, key, frame in ((left, "strengths", view.strengths), (right, "weaknesses", view.weaknesses)):
        with column:
            st.markdown(f"**{t(f'profile.{key}')}**")
            if frame.empty:
                st.caption(t("profile.none"))
            for row in frame.to_dict("records"):
                st.markdown(
                    f"- {labels.get(row['metric'], row['metric'])}: {ctx.signed(row['gap_national'])} {t('profile.points_vs_national')}"
                )
    st.caption(t("profile.sw_note"))

    st.subheader(t("profile.why_title", prev=prev_year or "–", year=ctx.year))
    if view.breakdown.empty or pd.isna(unit["change"]):
        st.info(t("profile.why_unavailable"))
    else:
        fig = figures.change_breakdown_figure(
            view.breakdown,
            total_change=float(unit["change"]),
            additive=view.additive,
            metric_labels=labels,
            labels={"total": t("profile.total_change"), "change": t("common.change_from", prev=prev_year)},
            title=t("profile.why_figure", name=name, prev=prev_year, year=ctx.year),
            source=source,
            lang=lang,
            demo_label=demo,
        )
        st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "change", chosen)), key="profile_change")
        st.caption(t("profile.additive_note") if view.additive else t("profile.not_additive_note"))
        if comp.method_changed:
            st.caption("⚠ " + t("common.method_changed", prev=prev_year))

    st.subheader(t("profile.history"))
    hist_names = base.unit_names(view.history["unit_id"].tolist(), lang)
    history = tables.history_table(view.history, lang, hist_names, ctx.index_name())
    if history[0].empty:
        st.caption(t("profile.no_history"))
    else:
        st.dataframe(history[1], hide_index=True, placeholder="–", width="stretch")
    if view.predecessors:
        st.caption(t("profile.predecessors_note", names=", ".join(base.unit_names(view.predecessors, lang).values())))
    if view.successors:
        st.caption(t("profile.successors_note", names=", ".join(base.unit_names(view.successors, lang).values())))
    screen = profile_frame.assign(metric_name=profile_frame["metric"].map(labels), unit=name, year=ctx.year)
    downloads(
        ctx,
        key="profile_dl",
        page="profile",
        screen=screen.drop(columns=["best_unit_id"]),
        infos=[info],
        title=title,
        stem_parts=[chosen],
    )
