"""Published results of online citizen surveys: figures per province and question, always labelled "online,
self-selected — not comparable with SIPAS" (they are never part of the SIPAS figures). Only versions approved
and published, and past their publication time, are shown."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.voice import pick
from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import get_context

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("voice.results.title"))
st.warning(t("voice.results.label"), icon=":material/info:")
published = da.voice_results(ctx.db)
if published.empty:
    st.info(t("voice.results.none"))
    st.stop()
labels = {str(r["code"]): pick(r["title_vi"], r["title_en"], lang) for r in published.to_dict("records")}
code = url_choice(t("voice.results.choose"), list(labels), key="rsurvey", format_func=lambda c: labels.get(c, c))
chosen = published[published["code"] == code].iloc[0]
st.subheader(labels[str(code)])
st.caption(
    t(
        "voice.results.meta",
        n=fmt.integer(chosen["responses"], lang),
        version=int(chosen["version"]),
        date=fmt.date_text(chosen["visible_from"], lang),
    )
)
table = da.voice_result_table(ctx.db, int(chosen["id"]), str(code), lang)
value_col = t("voice.results.col.value")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="voice_results_table",
    column_config={value_col: st.column_config.NumberColumn(value_col, format="%.2f")},
)
st.caption(t("voice.results.legend"))
meta = ExportMetadata(
    title=labels[str(code)],
    version=str(int(chosen["version"])),
    publication_date=fmt.date_text(chosen["visible_from"], lang),
    dataset=t("voice.results.dataset"),
    source=t("voice.results.label"),
    url=ctx.share_url(),
    notes=[t("voice.results.label"), t("voice.results.legend")],
)
download_panel(
    key="voice_results_dl",
    labels={k: t(f"download.{k}") for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")},
    file_stem=f"online_survey_{code}_v{int(chosen['version'])}",
    screen=table,
    metadata=meta,
    lang=lang,
)
