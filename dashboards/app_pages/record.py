"""The published record: the official figures we hold, as printed, each with its source; derived and
uncertain figures stay visibly flagged. Official only: no demo data is ever shown here."""

from __future__ import annotations

import streamlit as st

from backend.services.exports import ExportMetadata
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import get_context
from dashboards.parts.record import choices, draw

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("record.title"))
st.markdown(t("record.intro"))
key = ctx.part_key(record=True)
years, unit_types = choices(key, ctx)
if not years:
    st.info(t("record.empty"))
    st.stop()
cols = st.columns(3)
every = lambda v: t("record.all") if v == "all" else v  # noqa: E731
year = url_choice(
    t("record.year"), ["all", *map(str, years)], key="ryear", default="all", format_func=every, container=cols[0]
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
    ["all", *unit_types],
    key="rtype",
    default="all",
    format_func=lambda u: every(u) if u == "all" else t(f"record.type.{u}"),
    container=cols[2],
)
screen = draw(
    key,
    None if year in (None, "all") else int(year),
    None if index in (None, "all") else index,
    None if unit_type in (None, "all") else unit_type,
    ctx,
)
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
    screen=screen,
    metadata=meta,
    lang=lang,
)
