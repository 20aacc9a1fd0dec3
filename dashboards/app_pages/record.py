"""The published record: the official figures we hold, as printed, each with its source; derived and
uncertain figures stay visibly flagged. Official only: no demo data is ever shown here."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import get_context
from dashboards.views import download_labels, styled

URL = re.compile(r"https?://\S+")

ctx = get_context()
t = ctx.t
st.header(t("record.title"))
st.markdown(t("record.intro"))

record = da.published_record(ctx.db)
if record.empty:
    st.info(t("record.empty"))
    st.stop()

years = [str(y) for y in sorted(record["year"].unique(), reverse=True)]
cols = st.columns(3)
year = url_choice(
    t("record.year"),
    ["all", *years],
    key="ryear",
    default="all",
    format_func=lambda y: t("record.all") if y == "all" else y,
    container=cols[0],
)
index = url_choice(
    t("control.index"),
    ["all", "PAR_INDEX", "SIPAS"],
    key="rindex",
    default="all",
    format_func=lambda i: t("record.all") if i == "all" else t(f"index.{i}"),
    container=cols[1],
)
types = ["all", *sorted(record["unit_type"].unique())]
unit_type = url_choice(
    t("record.unit_type"),
    types,
    key="rtype",
    default="all",
    format_func=lambda u: t("record.all") if u == "all" else t(f"record.type.{u}"),
    container=cols[2],
)
sel = record
if year and year != "all":
    sel = sel[sel["year"] == int(year)]
if index and index != "all":
    sel = sel[(sel["metric"] == index) | sel["metric"].str.startswith(index + ".")]
if unit_type and unit_type != "all":
    sel = sel[sel["unit_type"] == unit_type]

n_derived, n_uncertain = int(sel["is_derived"].sum()), int(sel["is_uncertain"].sum())
st.markdown(t("record.counts", n=len(sel), derived=n_derived, uncertain=n_uncertain))


def flag_text(derived: bool, uncertain: bool) -> str:
    flags = []
    if uncertain:
        flags.append("⚠ " + t("record.flag.uncertain"))
    if derived:
        flags.append("△ " + t("record.flag.derived"))
    return " · ".join(flags)


def source_link(source: str) -> str | None:
    match = URL.search(source or "")
    return match.group(0) if match else None


def source_title(source: str, note: str) -> str:
    text = URL.sub("", source or "").strip()
    if note:
        text = text.replace(f"[{note}]", "").strip()
    return text


shown = pd.DataFrame(
    {
        t("common.year"): sel["year"],
        t("record.metric"): sel["metric"],
        t("record.unit_type"): sel["unit_type"].map(lambda u: t(f"record.type.{u}")),
        t("record.unit"): sel["unit_name"],
        t("record.score"): sel["score"],
        t("record.rank"): sel["rank"].astype("Float64"),
        t("record.flags"): [flag_text(d, u) for d, u in zip(sel["is_derived"], sel["is_uncertain"], strict=False)],
        t("record.note"): sel["note"],
        t("record.source"): [source_title(s, n) for s, n in zip(sel["source"], sel["note"], strict=False)],
        t("record.link"): sel["source"].map(source_link),
    }
)


def highlight(row: pd.Series) -> list[str]:
    flagged = bool(row[t("record.flags")])
    return ["background-color: #fff4e5" if flagged else "" for _ in row]


styler = styled(
    shown,
    {
        t("record.score"): ctx.num,
        t("record.rank"): lambda v: "" if pd.isna(v) else str(int(v)),
    },
).apply(highlight, axis=1)
st.dataframe(
    styler,
    hide_index=True,
    placeholder="–",
    width="stretch",
    height=min(36 * (len(shown) + 1) + 4, 900),
    column_config={t("record.link"): st.column_config.LinkColumn(display_text=t("record.open"))},
    key="record_table",
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
export = sel.drop(columns=["figure_id"]).assign(
    flags=[flag_text(d, u) for d, u in zip(sel["is_derived"], sel["is_uncertain"], strict=False)]
)
st.divider()
download_panel(
    key="record_dl",
    labels=download_labels(ctx),
    file_stem=f"published_record_{year or 'all'}_{(index or 'all').lower()}",
    screen=export,
    metadata=meta,
    lang=ctx.lang,
)
