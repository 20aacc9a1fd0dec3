"""Compare: several units side by side (table of every component) and as small multiples, one panel per
component, plus their lines over the years; each unit keeps one colour and marker in every chart."""

from __future__ import annotations

from dashboards import data_access as da
from dashboards.components.widgets import url_multi
from dashboards.context import get_context
from dashboards.parts.compare import draw, unit_choices
from dashboards.views import downloads, scope_and_set, set_header, stop_with

ctx = get_context()
t = ctx.t
info = scope_and_set(ctx)
title = t("compare.title", index=ctx.index_name(), year=ctx.year, scope=ctx.scope_name(info.unit_scope))
set_header(ctx, title, info)
series = ctx.series(info.unit_scope)
key = ctx.part_key(info, *series)
names = unit_choices(key, ctx)
chosen = url_multi(
    t("compare.units"),
    list(names),
    key="units",
    default=list(da.tables(ctx.db, info).units["scope_code"].head(3)),
    format_func=lambda c: names.get(c, c),
    max_selections=8,
    placeholder=t("common.choose"),
)
if not chosen:
    stop_with(t("compare.pick"))
side = draw(key, tuple(chosen), ctx)
downloads(ctx, key="compare_dl", page="compare", screen=side, infos=[info], title=title, stem_parts=[info.unit_scope])
