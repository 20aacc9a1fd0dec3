"""Finished parts of the rankings page (dashboards/app_pages/rankings.py): drawn once per key, replayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import chart_style, figures, official_tables, tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import chart, comparison_notes, file_stem, table


@finished
def draw_official(key: PartKey, _ctx: AppContext) -> pd.DataFrame:
    """The official layer: the published ranking of the year, every unit of the list."""
    ctx, t = _ctx, _ctx.t
    official = da.record_layer_of(ctx.db, key.info)
    st.caption(t("layer.official_source"))
    st.markdown(
        t(
            "layer.counts",
            n=official.n_with_figure,
            total=len(official.table),
            derived=official.n_derived,
            uncertain=official.n_uncertain,
        )
    )
    if official.national is not None:
        st.markdown(t("layer.national", value=ctx.num(official.national)))
        st.caption(t("layer.national_source", source=official.national_source))
    frame, formats = official_tables.official_table(official.table, ctx.lang)
    table(
        frame,
        formats,
        caption=t("layer.official_title", index=ctx.index_name(), year=ctx.year),
        sortable=True,
        key="rank_official",
        height=min(36 * (len(frame) + 1) + 4, 1000),
        column_config={t("record.link"): st.column_config.LinkColumn(display_text=t("record.open"))},
    )
    st.caption(t("record.legend"))
    return frame


@finished
def draw_results(key: PartKey, sort_by: str, show_all: bool, _ctx: AppContext) -> pd.DataFrame:
    """The result set's ranking on the chosen metric, with its interval chart."""
    ctx, t, info = _ctx, _ctx.t, key.info
    st.caption(ctx.source(info))
    view = da.ranking(ctx.db, info, key.sets[1] if len(key.sets) > 1 else None, sort_by)
    base, comp = view.tables, view.comparison
    metrics = [*base.components, *(base.detail if show_all else ())]
    frame, formats = tables.ranking_table(
        view.table,
        ctx.lang,
        components=[(m.code, m.label(ctx.lang)) for m in metrics],
        region_names={c: base.region_name(c, ctx.lang) for c in base.region_names},
        show_change=view.show_change,
        show_rank_change=view.show_rank_change,
    )
    n = len(base.units)
    st.markdown(t("rankings.counts", n=n, ranked=base.n_ranked, unranked=n - base.n_ranked, ties=view.n_tied))
    comparison_notes(ctx, comp.reason, comp.method_changed, comp.previous_year)
    if not view.official_rank:
        st.caption(t("rankings.computed_rank_note"))
    title = t("rankings.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
    table(
        frame,
        formats,
        caption=title,
        sortable=True,
        key="rank_table",
        height=min(36 * (len(frame) + 1) + 4, 1000),
        column_config={t("rankings.col.name"): st.column_config.TextColumn(pinned=True)},
    )
    st.caption(t("rankings.legend"))
    units = base.units
    if units["ci_low"].notna().any():
        ordered = units[units["value"].notna()]
        rank_text = [
            ("=" if tied else "")
            + (str(int(r)) if pd.notna(r) else t("rankings.not_ranked"))
            + (f" ({int(lo)}–{int(hi)})" if pd.notna(lo) and pd.notna(hi) else "")
            for r, tied, lo, hi in zip(
                ordered["rank"], ordered["tied"], ordered["rank_low"], ordered["rank_high"], strict=False
            )
        ]
        fig = figures.ci_ranking_figure(
            ordered.assign(rank_text=rank_text),
            names=[str(x) for x in ordered[ctx.name_col()]],
            national=base.national.get(ctx.index_code),
            labels={
                "score": chart_style.with_unit(ctx.index_name(), t(f"unit.{ctx.index_code}")),
                "ci": t("rankings.ci"),
                "rank": t("rankings.col.rank"),
                "national": t("common.national"),
                "group": t("rankings.col.group"),
                "group_none": t("group.none"),
            },
            title=t("rankings.ci_title", index=ctx.index_name(), year=ctx.year),
            source=ctx.source(info),
            lang=ctx.lang,
            demo_label=ctx.demo_label(info),
        )
        chart(ctx, fig, key="rank_ci", stem=file_stem(ctx, "ci", info.unit_scope))
        st.caption(t("rankings.ci_note"))
    else:
        st.caption(t("rankings.no_ci"))
    notes = [
        t("rankings.not_ranked") if pd.isna(r) else (t("rankings.tied") if tied else "")
        for r, tied in zip(view.table["sort_rank"], view.table["sort_tied"], strict=False)
    ]
    return frame.assign(**{t("rankings.col.note"): notes})
