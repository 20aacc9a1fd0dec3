"""Page-level helpers shared by the public pages: the scope switch, stopping with a note, the download panel.

They draw widgets or messages only; numbers and rules come from the read model (dashboards.data_access).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from backend.published.errata import erratum_of, erratum_text
from backend.published.sets import ResultSetInfo
from dashboards.components.widgets import download_panel, url_choice
from dashboards.context import AppContext


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


def set_header(ctx: AppContext, title: str, info: ResultSetInfo) -> None:
    """The page title, the source line, an erratum and a provisional-method note where they apply."""
    st.header(title)
    st.caption(ctx.source(info))
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
) -> None:
    """The download panel of a page: what is on screen, and optionally the whole year, with metadata."""
    t = ctx.t
    year_sets = [ctx.set_for(s) for s in ctx.scopes()]
    sheets: Callable[[], list[tuple[str, pd.DataFrame]]] | None = None
    if whole_year:
        from dashboards import data_access as da

        def sheets() -> list[tuple[str, pd.DataFrame]]:
            return da.year_sheets(ctx.db, ctx.index_code, ctx.year)

    st.divider()
    download_panel(
        key=key,
        labels={
            k: t(f"download.{k}") for k in ("csv_screen", "xlsx_screen", "csv_year", "xlsx_year", "metadata", "note")
        },
        file_stem=file_stem(ctx, page, *stem_parts),
        screen=screen,
        metadata=ctx.metadata(infos, title, notes),
        lang=ctx.lang,
        whole_year=sheets,
        whole_metadata=ctx.metadata(year_sets, t("download.whole_year_title", index=ctx.index_name(), year=ctx.year))
        if whole_year
        else None,
    )


def file_stem(ctx: AppContext, page: str, *parts: Any) -> str:
    bits = [ctx.index_code.lower(), str(ctx.year), page, *[str(p) for p in parts if p]]
    return "_".join(b.replace(" ", "-").replace(":", "-") for b in bits)


def styled(frame: pd.DataFrame, formats: dict[str, Any]) -> Any:
    """A Styler that shows numbers in the reader's format while the cells stay numeric (sortable)."""
    from backend.published.fmt import DASH

    usable = {c: f for c, f in formats.items() if c in frame.columns}
    styler = frame.style.format(usable, na_rep=DASH) if usable else frame.style
    return styler.hide(axis="index")
