"""The unit profile shared by the province and ministry pages: score, rank out of N, every component against
the national average, the region average and the best unit, strengths and weaknesses, history, and the
year-on-year change broken down by component ("why did my score change")."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import figures, fmt, model
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import AppContext, get_context
from dashboards.views import components_for, download_labels, file_stem, rows_for, stop_with, styled, table_for


def _map_unit_across_years(ctx: AppContext, wanted: str | None, options: list[str]) -> tuple[str | None, str]:
    """A unit asked for in another year's list (e.g. a 63-province code in 2025) → its successor or
    predecessor in this year's list, with a note; otherwise None."""
    if not wanted or wanted in options:
        return wanted, ""
    units = ctx.units()
    by_scope = dict(zip(units["scope_code"], units["unit_id"].astype(int), strict=False))
    scope_of = {v: k for k, v in by_scope.items()}
    unit_id = by_scope.get(wanted)
    if unit_id is None:
        return None, ""
    lineage = da.lineage(ctx.db)
    candidates: list[int] = []
    for step in (model.successors_map(lineage), model.predecessors_map(lineage)):
        frontier, seen = [unit_id], {unit_id}
        while frontier and not candidates:
            nxt = []
            for uid in frontier:
                for other in step.get(uid, []):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            candidates = [u for u in nxt if scope_of.get(u) in options]
            frontier = nxt
        if candidates:
            break
    if not candidates:
        return None, ""
    same_code = [u for u in candidates if scope_of[u].split(":")[-1] == wanted.split(":")[-1]]
    chosen = (same_code or sorted(candidates))[0]
    names = ctx.unit_names([unit_id, chosen])
    return scope_of[chosen], ctx.t("profile.mapped", old=names.get(unit_id, wanted), new=names.get(chosen, ""))


def render(scope: str) -> None:
    ctx = get_context()
    t = ctx.t
    set_row = ctx.set_for(scope)
    if set_row is None:
        stop_with(ctx, t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
    assert set_row is not None
    rows = rows_for(ctx, set_row)
    table = table_for(ctx, set_row)
    names = dict(zip(table["scope_code"], table[ctx.name_col()], strict=False))
    options = sorted(names, key=lambda sc: fmt.vi_sort_key(str(names[sc])))
    requested = st.session_state.get("unit") or st.query_params.get("unit")
    mapped, note = _map_unit_across_years(ctx, requested, options)
    if mapped and mapped != requested:
        st.session_state["unit"] = mapped
    default = next((sc for sc in options if sc.endswith(":01")), options[0] if options else None)
    unit_code = url_choice(
        t(f"profile.choose.{scope}"), options, key="unit", default=default, format_func=lambda sc: names.get(sc, sc)
    )
    if unit_code is None:
        stop_with(ctx, t("profile.no_units"))
    if note:
        st.info(note)
    unit = table[table["scope_code"] == unit_code].iloc[0]
    unit_id = int(unit["unit_id"])
    main, detail = components_for(rows, ctx.index_code)
    labels = ctx.metric_labels(set_row, main + detail)
    n_ranked = model.ranked_count(table)
    region_names = ctx.region_names()

    st.header(t("profile.title", name=unit[ctx.name_col()], index=ctx.index_name(), year=ctx.year))
    subtitle = [ctx.scope_name(scope)]
    if isinstance(unit.get("region_code"), str):
        subtitle.append(t("profile.region", region=region_names.get(unit["region_code"], unit["region_code"])))
    st.caption(" · ".join(subtitle) + " · " + ctx.source_line(set_row))

    prev_row, comp = ctx.comparison(scope)
    prev_table = table_for(ctx, prev_row) if prev_row is not None else None
    prev_rows = rows_for(ctx, prev_row) if prev_row is not None else None
    prev_year = int(prev_row["year"]) if prev_row is not None else None
    changed = model.with_changes(table, prev_table, comp.comparable, ctx.lineage())
    mine = changed[changed["unit_id"] == unit_id].iloc[0]

    cols = st.columns(4)
    ci = (
        t("profile.ci", low=ctx.num(unit["ci_low"]), high=ctx.num(unit["ci_high"]))
        if pd.notna(unit["ci_low"]) and pd.notna(unit["ci_high"])
        else None
    )
    cols[0].metric(
        ctx.index_name(),
        ctx.num(unit["value"]),
        delta=(fmt.metric_delta(mine["change"], ctx.lang) + " " + t("overview.vs_year", year=prev_year))
        if pd.notna(mine["change"])
        else None,
        help=ci,
    )
    rank_text = fmt.rank_text(
        unit["rank"], n_ranked, ctx.lang, tied=bool(unit["tied"]), unranked=t("rankings.not_ranked")
    )
    rank_help = (
        t("profile.rank_range", low=int(unit["rank_low"]), high=int(unit["rank_high"]))
        if pd.notna(unit["rank_low"]) and pd.notna(unit["rank_high"])
        else None
    )
    rank_delta = None
    if pd.notna(mine["rank_change"]):
        rank_delta = f"{fmt.rank_metric_delta(mine['rank_change'])} {t('profile.places')}"
    cols[1].metric(t("profile.rank"), rank_text, delta=rank_delta, help=rank_help)
    if isinstance(unit.get("grp"), str):
        cols[2].metric(t("rankings.col.group"), unit["grp"], help=t("overview.groups_help"))
    national = model.national_values(rows).get(ctx.index_code)
    if national is not None:
        cols[3].metric(
            t("common.national"),
            ctx.num(national),
            delta=fmt.metric_delta(unit["value"] - national, ctx.lang),
            delta_color="off",
        )
    if ci:
        st.caption(ci + (" · " + rank_help if rank_help else ""))
    if not unit["ranked"]:
        st.info(t("profile.unranked"))
    if unit["tied"]:
        st.caption(t("profile.tied", rank=int(unit["rank"])))
    if comp.reason == "units_changed":
        st.info(t("common.not_comparable_units", year=ctx.year, prev=prev_year))
        if mine["basis"] == "lineage":
            st.caption(
                t(
                    "profile.compared_with",
                    name=ctx.unit_names([int(mine["prev_unit_id"])]).get(int(mine["prev_unit_id"]), ""),
                    prev=prev_year,
                )
            )
        elif mine["basis"] == "merged":
            st.caption(t("profile.merged_no_change", prev=prev_year))
    elif comp.comparable and pd.isna(mine["change"]) and prev_year:
        st.info(t("profile.new_unit", prev=prev_year))

    # ---- components -------------------------------------------------------------------------------------
    profile = model.profile_components(rows, table, unit_id, main, ctx.index_code)
    demo = ctx.demo_label(set_row)
    source = ctx.source_line(set_row)
    metric_names = {**labels, ctx.index_code: ctx.index_name()}
    best_names = ctx.unit_names([int(b) for b in profile["best_unit_id"].dropna()])
    if not profile.empty:
        st.subheader(t("profile.components"))
        fig = figures.profile_components_figure(
            profile,
            metric_labels=metric_names,
            labels={
                "unit": str(unit[ctx.name_col()]),
                "national": t("common.national"),
                "region": t("profile.region_avg"),
                "best": t("profile.best"),
                "pct_of_max": t("common.pct_of_max"),
            },
            title=t("profile.components_title", name=unit[ctx.name_col()], year=ctx.year),
            source=source,
            lang=ctx.lang,
            demo_label=demo,
        )
        st.plotly_chart(
            fig, config=figures.plotly_config(file_stem(ctx, "profile", unit_code)), key="profile_components"
        )
        shown = pd.DataFrame(
            {
                t("common.component"): profile["metric"].map(metric_names),
                t("profile.value"): profile["value"],
                t("common.max"): profile["max_value"],
                t("common.pct_of_max"): profile["value_pct"],
                t("common.national"): profile["national"],
                t("profile.region_avg"): profile["region"],
                t("profile.best"): profile["best"],
                t("profile.best_unit"): profile["best_unit_id"].map(
                    lambda b: best_names.get(int(b), "") if pd.notna(b) else ""
                ),
                t("profile.rank_component"): [
                    fmt.rank_text(r, n, ctx.lang, unranked=fmt.DASH)
                    for r, n in zip(profile["rank"], profile["n_ranked"], strict=False)
                ],
            }
        )
        number_cols = [
            t("profile.value"),
            t("common.max"),
            t("common.pct_of_max"),
            t("common.national"),
            t("profile.region_avg"),
            t("profile.best"),
        ]
        st.dataframe(
            styled(shown, {c: ctx.num for c in number_cols}), hide_index=True, placeholder="–", width="stretch"
        )

        strengths, weaknesses = model.strengths_weaknesses(profile, ctx.index_code)
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('profile.strengths')}**")
            if strengths.empty:
                st.caption(t("profile.none"))
            for _, s in strengths.iterrows():
                st.markdown(
                    f"- {metric_names.get(s['metric'], s['metric'])}: {ctx.signed(s['gap_national'])} {t('profile.points_vs_national')}"
                )
        with right:
            st.markdown(f"**{t('profile.weaknesses')}**")
            if weaknesses.empty:
                st.caption(t("profile.none"))
            for _, w in weaknesses.iterrows():
                st.markdown(
                    f"- {metric_names.get(w['metric'], w['metric'])}: {ctx.signed(w['gap_national'])} {t('profile.points_vs_national')}"
                )
        st.caption(t("profile.sw_note"))

    # ---- why did my score change ---------------------------------------------------------------------
    st.subheader(t("profile.why_title", prev=prev_year or "–", year=ctx.year))
    if prev_rows is None or not comp.comparable or pd.isna(mine["change"]):
        st.info(t("profile.why_unavailable"))
        breakdown = pd.DataFrame()
    else:
        prev_scope = str(unit_code)
        if pd.notna(mine["prev_unit_id"]):
            scope_of = dict(zip(ctx.units()["unit_id"], ctx.units()["scope_code"], strict=False))
            prev_scope = str(scope_of.get(int(mine["prev_unit_id"]), unit_code))
        breakdown = model.component_changes(rows, prev_rows, str(unit_code), main, prev_scope)
        additive = model.is_additive(rows, str(unit_code), ctx.index_code, main) and model.is_additive(
            prev_rows, prev_scope, ctx.index_code, main
        )
        fig = figures.change_breakdown_figure(
            breakdown,
            total_change=float(mine["change"]),
            additive=additive,
            metric_labels=metric_names,
            labels={"total": t("profile.total_change"), "change": t("common.change_from", prev=prev_year)},
            title=t("profile.why_figure", name=unit[ctx.name_col()], prev=prev_year, year=ctx.year),
            source=source,
            lang=ctx.lang,
            demo_label=demo,
        )
        st.plotly_chart(fig, config=figures.plotly_config(file_stem(ctx, "change", unit_code)), key="profile_change")
        st.caption(t("profile.additive_note") if additive else t("profile.not_additive_note"))
        if comp.method_changed:
            st.caption("⚠ " + t("common.method_changed", prev=prev_year))

    # ---- history -------------------------------------------------------------------------------------
    st.subheader(t("profile.history"))
    sets = ctx.sets(scope)
    hist_rows = da.history_rows(ctx.db, tuple(int(i) for i in sets["id"]), (ctx.index_code,))
    history = model.history_frame(sets, hist_rows, ctx.index_code)
    lineage = da.lineage(ctx.db)
    own = model.unit_series(history, [unit_id], lineage, "not_comparable")
    preds = model.predecessors_map(lineage).get(unit_id, [])
    records = []
    for rec in own.itertuples(index=False):
        records.append(
            {
                t("common.year"): rec.year,
                t("profile.unit_col"): unit[ctx.name_col()],
                ctx.index_name(): rec.value,
                t("profile.rank"): fmt.rank_text(rec.rank, rec.n_ranked, ctx.lang, unranked=fmt.DASH),
            }
        )
    pred_names = ctx.unit_names(preds)
    for rec in history[history["unit_id"].isin(preds)].sort_values(["year", "unit_id"]).itertuples(index=False):
        records.append(
            {
                t("common.year"): rec.year,
                t("profile.unit_col"): t("profile.predecessor", name=pred_names.get(int(rec.unit_id), "")),
                ctx.index_name(): rec.value,
                t("profile.rank"): fmt.rank_text(rec.rank, rec.n_ranked, ctx.lang, unranked=fmt.DASH),
            }
        )
    hist_table = pd.DataFrame(records)
    if hist_table.empty:
        st.caption(t("profile.no_history"))
    else:
        hist_table = hist_table.sort_values([t("common.year")], ascending=False)
        st.dataframe(styled(hist_table, {ctx.index_name(): ctx.num}), hide_index=True, placeholder="–", width="stretch")
        if preds:
            st.caption(t("profile.predecessors_note", names=", ".join(pred_names.values())))
    later = model.successors_map(lineage).get(unit_id, [])
    if later:
        st.caption(t("profile.successors_note", names=", ".join(ctx.unit_names(later).values())))

    st.divider()
    screen = profile.assign(metric_name=profile["metric"].map(metric_names), unit=unit[ctx.name_col()], year=ctx.year)
    if not breakdown.empty:
        screen = screen.merge(breakdown[["metric", "prev_value", "change"]], on="metric", how="left")
    download_panel(
        key="profile_dl",
        labels=download_labels(ctx),
        file_stem=file_stem(ctx, "profile", unit_code),
        screen=screen.drop(columns=["best_unit_id"], errors="ignore"),
        metadata=ctx.export_metadata(
            [set_row], t("profile.title", name=unit[ctx.name_col()], index=ctx.index_name(), year=ctx.year)
        ),
        lang=ctx.lang,
    )
