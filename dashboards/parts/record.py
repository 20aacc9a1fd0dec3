"""Finished parts of the record page (dashboards/app_pages/record.py): drawn once per key, replayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from dashboards import data_access as da
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import table


@finished
def choices(key: PartKey, _ctx: AppContext) -> tuple[list[int], list[str]]:
    """The years and unit types of the whole record (the filters' options)."""
    everything = da.record(_ctx.db, _ctx.lang, None, None, None)
    return everything.years, everything.unit_types


@finished
def draw(key: PartKey, year: int | None, index: str | None, unit_type: str | None, _ctx: AppContext) -> pd.DataFrame:
    """The filtered record as a table, with its counts and legend; returns the download."""
    t, lang = _ctx.t, _ctx.lang
    view = da.record(_ctx.db, lang, year, index, unit_type)
    sel = view.figures
    st.markdown(t("record.counts", n=len(sel), derived=view.n_derived, uncertain=view.n_uncertain))
    shown = pd.DataFrame(
        {
            t("common.year"): sel["year"],
            t("record.metric"): sel["metric"],
            t("record.unit_type"): sel["unit_type"].map(lambda u: t(f"record.type.{u}")),
            t("record.unit"): sel["unit_label"],
            t("record.score"): sel["score"],
            t("record.rank"): sel["rank"].astype("Float64"),
            t("record.flags"): sel["flags"],
            t("record.note"): sel["note"],
            t("record.source"): sel["source_title"],
            t("record.link"): sel["link"],
        }
    )
    flagged = t("record.flags")
    table(
        shown,
        {
            t("common.year"): str,
            t("record.score"): lambda v: fmt.number(v, lang),
            t("record.rank"): lambda v: "" if fmt.is_missing(v) else str(int(v)),
        },
        caption=t("record.title"),
        sortable=True,
        key="record_table",
        row_style=lambda row: ["background-color: #fff4e5" if row[flagged] else "" for _ in row],
        height=min(36 * (len(shown) + 1) + 4, 900),
        column_config={t("record.link"): st.column_config.LinkColumn(display_text=t("record.open"))},
    )
    st.caption(t("record.legend"))
    return sel.drop(columns=["figure_id", "source_title", "link"])
