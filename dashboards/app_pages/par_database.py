"""The PAR database (cơ sở dữ liệu CCHC): documents of the government, ministries and provinces — search with or
without diacritics, filter by year, unit, topic and kind, open a document's PAR criteria and the self-assessment
evidence its unit shows — and figures per unit and year. CSV/XLSX downloads carry their metadata."""

from __future__ import annotations

import streamlit as st

from backend.models.pardb import DOCUMENT_KINDS
from backend.published.pardb import DocumentQuery
from backend.published.voice import pick
from backend.published.voice_tables import criteria_table, documents_table, evidence_table, figures_table, unit_names
from backend.services.exports import ExportMetadata
from dashboards import data_access as da
from dashboards.components.widgets import demo_banner, download_panel, url_choice
from dashboards.context import get_context

ALL = "all"
ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("pardb.title"))
st.caption(t("pardb.caption"))
facets = da.pardb_facets(ctx.db)
if facets.demo:
    demo_banner(t("demo.title"), t("pardb.demo_body"))
units = da.units(ctx.db)
names = unit_names(units, lang)
topics = da.topics(ctx.db)
topic_names = {str(r["code"]): pick(r["name_vi"], r["name_en"], lang) for r in topics.to_dict("records")}
every = lambda v: t("pardb.all")  # noqa: E731

documents_tab, figures_tab = st.tabs([t("pardb.tab.documents"), t("pardb.tab.figures")])
with documents_tab:
    query = st.text_input(t("pardb.search"), key="pardb_q", max_chars=200, placeholder=t("pardb.search_hint"))
    cols = st.columns(4)
    year = url_choice(
        t("pardb.year"),
        [ALL, *map(str, facets.years)],
        key="dyear",
        default=ALL,
        format_func=lambda v: every(v) if v == ALL else v,
        container=cols[0],
    )
    unit_options = [ALL, *sorted(facets.unit_ids, key=lambda u: names.get(u, ""))]
    unit = url_choice(
        t("pardb.unit"),
        [str(u) for u in unit_options],
        key="dunit",
        default=ALL,
        format_func=lambda v: every(v) if v == ALL else names.get(int(v), v),
        container=cols[1],
    )
    topic = url_choice(
        t("pardb.topic"),
        [ALL, *topic_names],
        key="dtopic",
        default=ALL,
        format_func=lambda v: every(v) if v == ALL else topic_names[v],
        container=cols[2],
    )
    kind = url_choice(
        t("pardb.kind_label"),
        [ALL, *DOCUMENT_KINDS],
        key="dkind",
        default=ALL,
        format_func=lambda v: every(v) if v == ALL else t(f"pardb.kind.{v}"),
        container=cols[3],
    )
    chosen = DocumentQuery(
        text=query or "",
        year=None if year in (None, ALL) else int(year),
        unit_id=None if unit in (None, ALL) else int(unit),
        topic=None if topic in (None, ALL) else topic,
        kind=None if kind in (None, ALL) else kind,
    )
    page = da.pardb_search(ctx.db, chosen)
    st.caption(t("pardb.count_more" if page.more else "pardb.count", n=len(page.documents)))
    shown = documents_table(page.documents, units, topics, lang)
    link = t("pardb.col.link")
    selection = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="pardb_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={link: st.column_config.LinkColumn(link, display_text=t("pardb.open"))},
    )
    rows = selection.selection.rows if selection else []
    if rows:
        document = page.documents.iloc[rows[0]]
        st.subheader(str(document["title"]))
        criteria, evidence = da.pardb_links(ctx.db, int(document["id"]))
        left, right = st.columns(2)
        for column, title, frame, empty in (
            (left, "pardb.criteria", criteria_table(criteria, lang), "pardb.no_criteria"),
            (right, "pardb.evidence", evidence_table(evidence, names, lang), "pardb.no_evidence"),
        ):
            column.markdown(f"**{t(title)}**")
            if frame.empty:
                column.caption(t(empty))
            else:
                column.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.caption(t("pardb.select_hint"))
    meta = ExportMetadata(
        title=t("pardb.title"),
        dataset=t("pardb.dataset"),
        dataset_kind="demo" if (page.documents["dataset_kind"] == "demo").any() else "official",
        url=ctx.share_url(),
        notes=[t("pardb.export_note", query=query or "—")],
    )
    download_panel(
        key="pardb_dl",
        labels={
            k: t(f"download.{k}") for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")
        },
        file_stem="par_database_documents",
        screen=shown,
        metadata=meta,
        lang=lang,
    )

with figures_tab:
    options = ["national", *[str(u) for u in sorted(facets.figure_unit_ids, key=lambda u: names.get(u, ""))]]
    figure_unit = url_choice(
        t("pardb.unit"),
        options,
        key="funit",
        default=options[1] if len(options) > 1 else "national",
        format_func=lambda v: t("pardb.national") if v == "national" else names.get(int(v), v),
    )
    figures = da.pardb_figures(ctx.db, None if figure_unit in (None, "national") else int(figure_unit))
    table = figures_table(figures, lang)
    if figures.empty:
        st.info(t("pardb.no_figures"))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key="pardb_figures")
        figure_meta = ExportMetadata(
            title=t("pardb.tab.figures"),
            dataset=t("pardb.dataset"),
            dataset_kind="demo" if (figures["dataset_kind"] == "demo").any() else "official",
            url=ctx.share_url(),
        )
        download_panel(
            key="pardb_fig_dl",
            labels={
                k: t(f"download.{k}")
                for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")
            },
            file_stem="par_database_figures",
            screen=table,
            metadata=figure_meta,
            lang=lang,
        )
