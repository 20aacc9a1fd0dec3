"""The unit profile page shared by the province and ministry pages: the unit's figures as published (the
official record, first, where it has any), then the result set's score, rank out of N, every component against
the national figure, the region and the best unit, strengths and weaknesses, the year-on-year change by
component ("why did my score change"), the history with predecessors, and successors."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.profile import resolve_unit
from dashboards import data_access as da
from dashboards.components.widgets import url_choice
from dashboards.context import AppContext, get_context
from dashboards.parts.profile import draw_official, draw_unit
from dashboards.render_cache import PartKey, finished
from dashboards.views import downloads, scope_and_set, stop_with, version_notes


@finished
def unit_choices(key: PartKey, _ctx: AppContext) -> dict[str, str]:
    """The units of the set, labelled, in the reader's alphabetical order."""
    units = da.tables(_ctx.db, key.info).units
    names = dict(zip(units["scope_code"], units[_ctx.name_col()], strict=False))
    return {c: names[c] for c in sorted(names, key=lambda c: fmt.vi_sort_key(str(names[c])))}


@finished
def resolved(key: PartKey, requested: str | None, _ctx: AppContext) -> tuple[str | None, int | None]:
    """The unit of this set to show for a requested code (itself, or its successor / predecessor)."""
    return resolve_unit(da.tables(_ctx.db, key.info), requested, da.units(_ctx.db), da.lineage(_ctx.db))


def render(scope: str) -> None:
    ctx = get_context()
    t = ctx.t
    info = scope_and_set(ctx, scope)
    previous = ctx.previous(info)
    key = ctx.part_key(info, previous, *ctx.series(scope), record=True)
    names = unit_choices(key, ctx)
    requested = st.session_state.get("unit") or st.query_params.get("unit")
    mapped_code, mapped_from = resolved(key, requested, ctx)
    if mapped_code is not None and mapped_code != st.session_state.get("unit"):
        st.session_state["unit"] = mapped_code
    options = list(names)
    default = next((c for c in options if c.endswith(":01")), options[0] if options else None)
    chosen = url_choice(t(f"profile.choose.{scope}"), options, key="unit", default=default, format_func=names.get)
    if chosen is None:
        stop_with(t("profile.no_units"))
    assert chosen is not None
    if chosen != mapped_code:
        mapped_from = None
    name = names[chosen]
    title = t("profile.title", name=name, index=ctx.index_name(), year=ctx.year)
    st.set_page_config(page_title=f"{name} · {t(f'nav.{scope}')} · {ctx.index_name()} {ctx.year}")
    st.title(title)
    version_notes(ctx, info)
    draw_official(key, chosen, ctx)
    screen = draw_unit(key, chosen, mapped_from, ctx)
    downloads(ctx, key="profile_dl", page="profile", screen=screen, infos=[info], title=title, stem_parts=[chosen])
