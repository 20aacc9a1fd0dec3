"""Methodology and sources: the framework of each index and year, what is provisional, the published
versions, data sources and licences, how to cite."""

from __future__ import annotations

import streamlit as st

from dashboards.context import get_context
from dashboards.parts.methodology import draw

ctx = get_context()
st.title(ctx.t("method.title"))
st.markdown(ctx.t("method.intro"))
cited = ctx.set_for("province") or ctx.set_for("ministry")
draw(
    ctx.part_key(*ctx.catalogue.versions),
    ctx.metadata([cited], ctx.index_name()).citation(ctx.lang) if cited is not None else "",
    ctx,
)
