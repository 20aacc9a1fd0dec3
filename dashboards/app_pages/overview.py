"""Overview: the national figure of the chosen index and year and its change, group counts and the ministry's
standard summary (top and bottom, risers and fallers, region figures, how each component moved). Where the
published record has figures of the year, a short "official, as published" note comes first."""

from __future__ import annotations

from dashboards.context import get_context
from dashboards.parts.overview import draw
from dashboards.views import downloads, scope_and_set, set_header

ctx = get_context()
info = scope_and_set(ctx)
previous = ctx.previous(info)
title = ctx.t("overview.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
set_header(ctx, title, info)
screen = draw(ctx.part_key(info, previous, record=True), ctx)
downloads(
    ctx,
    key="overview_dl",
    page="overview",
    screen=screen,
    infos=[info],
    title=title,
    whole_year=True,
    stem_parts=[info.unit_scope],
)
