"""Page-level helpers shared by the public pages: the scope and layer switches, stopping with a note, the page
title, tables and charts that screen readers can read, the download panel.

They draw widgets or elements only; numbers and rules come from the read model (dashboards.data_access).
Tables: a screen reader reads a Streamlit table from its data, so :func:`table` hands it the values as shown
(formatted text); a table that must sort by number (rankings) keeps numbers for sorting and carries a
screen-reader twin with the values as shown (the page head script hides the raw one from assistive
technology). Charts: :func:`chart` puts each figure in a labelled figure container (the head script names it
after the chart's title) with, where the page shows no table of its values, a screen-reader table of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from backend.published.errata import erratum_of, erratum_text
from backend.published.sets import ResultSetInfo
from dashboards.components import chart_style
from dashboards.components.tables import html_table, shown
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import AppContext

#: the layers of a result page: the official record as published, the computed result set
LAYERS = ("official", "results")


def stop_with(message: str, kind: str = "info") -> None:
    (st.info if kind == "info" else st.warning)(message)
    st.stop()


def choose_scope(ctx: AppContext) -> str:
    """The provinces / ministries switch at the top of result pages (kept in the URL as ``scope``)."""
    choice = url_choice(
        ctx.t("control.scope"),
        ctx.scopes(),
        key="scope",
        default="province",
        format_func=ctx.scope_name,
        widget="segmented",
    )
    return choice or "province"


def scope_and_set(ctx: AppContext, scope: str | None = None) -> ResultSetInfo:
    """The published set of the chosen (or given) scope for the year; stops the page with a note if none."""
    scope = scope or choose_scope(ctx)
    info = ctx.set_for(scope)
    if info is None:
        stop_with(ctx.t("common.no_set", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(scope)))
    assert info is not None
    return info


def choose_layer(ctx: AppContext, has_official: bool, *, index_metric: bool = True) -> str:
    """The "official, as published" / "result set" switch (``layer`` in the URL). Where the published record
    has figures for the view, the official layer comes first and is the default, so a visitor sees real
    published numbers first; a component (not in the record) shows the result set."""
    if not has_official or not index_metric:
        return "results"
    choice = url_choice(
        ctx.t("layer.label"),
        list(LAYERS),
        key="layer",
        default="official",
        format_func=lambda layer: ctx.t(f"layer.{layer}"),
        widget="segmented",
        help=ctx.t("layer.help"),
    )
    return choice or "official"


def set_header(ctx: AppContext, title: str, info: ResultSetInfo) -> None:
    """The page title (the page's one h1), then :func:`set_notes`."""
    st.title(title)
    set_notes(ctx, info)


def set_notes(ctx: AppContext, info: ResultSetInfo, source: str | None = None) -> None:
    """The source line (``source``, else the set's), then :func:`version_notes`."""
    st.caption(source or ctx.source(info))
    version_notes(ctx, info)


def version_notes(ctx: AppContext, info: ResultSetInfo) -> None:
    """What a reader must know about this version of the set: its erratum or its correction, and a
    provisional-method note. Drawn by the page for each visitor (the links keep the visitor's own view)."""
    erratum_notes(ctx, info)
    if info.is_provisional:
        st.caption("⚠ " + ctx.t("common.provisional_method"))


def erratum_notes(ctx: AppContext, info: ResultSetInfo) -> None:
    """A correction's erratum (what changed, when, why) beside a link to the version it corrects; on an older
    version, a note and a link to the version that corrects it."""
    erratum = erratum_of(info)
    if erratum is not None:
        old = ctx.catalogue.by_id(erratum.old_id) if erratum.old_id is not None else None
        link = ""
        if old is not None:
            link = f" [{ctx.t('erratum.old_link', version=old.version)}]({ctx.link_to(old.id)})"
        st.info(erratum_text(erratum, ctx.lang) + link, icon=":material/edit_note:")
    newer = ctx.catalogue.superseded_by(info)
    if newer is not None:
        st.warning(
            ctx.t("erratum.superseded", version=newer.version)
            + f" [{ctx.t('erratum.current_link')}]({ctx.link_to(None)})",
            icon=":material/history:",
        )


def comparison_notes(ctx: AppContext, reason: str, method_changed: bool, previous_year: int | None) -> None:
    if reason == "units_changed":
        st.info(ctx.t("common.not_comparable_units", year=ctx.year, prev=previous_year))
    elif reason == "partly_units_changed":
        st.info(ctx.t("common.partly_comparable", prev=previous_year))
    if method_changed:
        st.caption("⚠ " + ctx.t("common.method_changed", prev=previous_year))


def downloads(
    ctx: AppContext,
    *,
    key: str,
    page: str,
    screen: pd.DataFrame,
    infos: Iterable[ResultSetInfo | None],
    title: str,
    notes: Iterable[str] = (),
    whole_year: bool = False,
    stem_parts: Iterable[Any] = (),
    official: bool = False,
) -> None:
    """The download panel of a page: what is on screen, and optionally the whole year, with metadata
    (``official``: the screen shows the published record layer, and its metadata says so)."""
    t = ctx.t
    year_sets = ctx.year_sets()
    sheets: Callable[[], list[tuple[str, pd.DataFrame]]] | None = None
    if whole_year:
        from dashboards import data_access as da

        def sheets() -> list[tuple[str, pd.DataFrame]]:
            return da.year_sheets(ctx.db, year_sets)

    st.divider()
    download_panel(
        key=key,
        labels={
            k: t(f"download.{k}") for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")
        },
        file_stem=file_stem(ctx, page, *stem_parts),
        screen=screen,
        metadata=ctx.record_metadata(title) if official else ctx.metadata(infos, title, notes),
        lang=ctx.lang,
        whole_year=sheets,
        whole_metadata=ctx.metadata(year_sets, t("download.whole_year_title", index=ctx.index_name(), year=ctx.year))
        if whole_year
        else None,
    )


def file_stem(ctx: AppContext, page: str, *parts: Any) -> str:
    bits = [ctx.index_code.lower(), str(ctx.year), page, *[str(p) for p in parts if p]]
    return "_".join(b.replace(" ", "-").replace(":", "-") for b in bits)


def table(
    frame: pd.DataFrame,
    formats: dict[str, Any],
    *,
    caption: str,
    sortable: bool = False,
    keep_missing: bool = False,
    key: str | None = None,
    row_style: Callable[[pd.Series], list[str]] | None = None,
    **options: Any,
) -> None:
    """A table whose screen-reader text is the values as shown (``formats``: column → formatter of
    dashboards/components/tables.py). ``sortable``: the grid keeps the numbers (sorting a column sorts by
    number) and shows them formatted; a screen-reader twin carries the values as shown."""
    options = {"hide_index": True, "placeholder": "–", "width": "stretch", **options}
    display = shown(frame, formats, keep_missing=keep_missing)
    if not sortable:
        st.dataframe(display, key=key, **options)
        return
    usable = {c: f for c, f in formats.items() if c in frame.columns}
    styler = frame.style.format(usable).hide(axis="index")
    if row_style is not None:
        styler = styler.apply(row_style, axis=1)
    with st.container(key=f"sortable-{key}"):
        st.dataframe(styler, key=key, **options)
        st.html(f'<div class="sr-only">{html_table(display, caption, numeric=list(usable))}</div>')


def chart(
    ctx: AppContext, fig: Any, *, key: str, stem: str, values: pd.DataFrame | None = None, caption: str = ""
) -> None:
    """A chart in a figure container named after its title, with its values as shown for screen readers when
    the page has no visible table of them (``values``: a display frame of text)."""
    with st.container(key=f"chart-{key}"):
        st.plotly_chart(fig, config=chart_style.plotly_config(stem, ctx.lang), key=key, theme=None)
        if values is not None:
            st.html(f'<div class="sr-only">{html_table(values, caption)}</div>')
