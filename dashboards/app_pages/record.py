"""The published record: the official figures we hold, as printed, each with its source; derived and
uncertain figures stay visibly flagged. Official only: no demo data is ever shown here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backend.published import fmt
from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import get_context
from dashboards.views import table

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("record.title"))
st.markdown(t("record.intro"))
everything = da.record(ctx.db, lang, None, None, None)
if everything.figures.empty:
    st.info(t("record.empty"))
    st.stop()
cols = st.columns(3)
every = lambda v: t("record.all") if v == "all" else v  # noqa: E731
year = url_choice(
    t("record.year"),
    ["all", *map(str, everything.years)],
    key="ryear",
    default="all",
    format_func=every,
    container=cols[0],
)
index = url_choice(
    t("control.index"),
    ["all", "PAR_INDEX", "SIPAS"],
    key="rindex",
    default="all",
    format_func=lambda i: every(i) if i == "all" else t(f"index.{i}"),
    container=cols[1],
)
unit_type = url_choice(
    t("record.unit_type"),
    ["all", *everything.unit_types],
    key="rtype",
    default="all",
    format_func=lambda u: every(u) if u == "all" else t(f"record.type.{u}"),
    container=cols[2],
)
view = da.record(
    ctx.db,
    lang,
    None if year in (None, "all") else int(year),
    None if index in (None, "all") else index,
    None if unit_type in (None, "all") else unit_type,
)
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
meta = ExportMetadata(
    title=t("record.title"),
    index_code="" if index in (None, "all") else index,
    year="" if year in (None, "all") else year,
    dataset=t("record.dataset"),
    dataset_kind="official",
    source=t("record.source_note"),
    url=ctx.share_url(),
    notes=[t("record.legend")],
)
st.divider()
download_panel(
    key="record_dl",
    labels={k: t(f"download.{k}") for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")},
    file_stem=f"published_record_{year or 'all'}_{(index or 'all').lower()}",
    screen=sel.drop(columns=["figure_id", "source_title", "link"]),
    metadata=meta,
    lang=lang,
)
