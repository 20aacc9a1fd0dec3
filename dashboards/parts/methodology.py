"""Finished parts of the methodology page (dashboards/app_pages/methodology.py): drawn once per key, replayed."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from backend.published import fmt
from backend.published.about import MethodologyView, legal_basis_text
from dashboards import data_access as da
from dashboards.components import tables
from dashboards.context import AppContext
from dashboards.render_cache import PartKey, finished
from dashboards.views import table


@finished
def draw(key: PartKey, citation: str, _ctx: AppContext) -> None:
    """Every tab of the page, drawn once per set of visible versions (and the citation's link)."""
    ctx, t, lang = _ctx, _ctx.t, _ctx.lang
    view = da.methodology(ctx.db)
    tabs(ctx, t, lang, view, citation)


def tabs(ctx: AppContext, t: Callable[..., str], lang: str, view: MethodologyView, citation: str) -> None:
    """The four tabs: criteria by year, published versions, sources, how to cite."""
    tab_method, tab_versions, tab_sources, tab_cite = st.tabs(
        [t("method.tab.frameworks"), t("method.tab.versions"), t("method.tab.sources"), t("method.tab.cite")]
    )
    with tab_method:
        st.markdown(t(f"method.about.{ctx.index_code}"))
        frames = view.frameworks
        if frames.empty:
            st.info(t("method.no_frameworks"))
        else:
            shown = pd.DataFrame(
                {
                    t("method.col.index"): frames["index_code"].map(lambda c: t(f"index.{c}")),
                    t("method.col.scope"): frames["unit_scope"].map(lambda s: t(f"scope.{s}")),
                    t("method.col.years"): [
                        f"{a}–{b}" for a, b in zip(frames["year_from"], frames["year_to"], strict=False)
                    ],
                    t("method.col.legal"): frames["legal_basis"].map(lambda b: legal_basis_text(str(b or ""), lang)),
                    t("method.col.title"): frames["title_vi" if lang == "vi" else "title_en"],
                    t("method.col.version"): frames["version"],
                    t("method.col.status"): frames["status"].map(lambda s: t(f"framework.status.{s}")),
                }
            )
            table(shown, {}, caption=t("method.tab.frameworks"))
            provisional = frames[frames["status"] == "provisional"]
            if not provisional.empty:
                items = ", ".join(
                    f"{t('index.' + r['index_code'])} ({t('scope.' + r['unit_scope'])}, {r['year_from']}–{r['year_to']})"
                    for r in provisional.to_dict("records")
                )
                st.warning(t("method.provisional_frameworks", items=items))
            for fw in frames.to_dict("records"):
                areas = view.areas[view.areas["framework_id"] == fw["framework_id"]]
                with st.expander(
                    f"{t('index.' + fw['index_code'])} · {t('scope.' + fw['unit_scope'])} · "
                    f"{fw['year_from']}–{fw['year_to']} · {legal_basis_text(str(fw['legal_basis'] or ''), lang)}"
                ):
                    if areas.empty:
                        st.caption(t("method.no_criteria"))
                        continue
                    areas_table = pd.DataFrame(
                        {
                            t("method.col.code"): areas["code"],
                            t("method.col.area"): areas[f"name_{lang}"],
                            t("common.max"): areas["max_points"],
                            t("method.col.provisional"): areas["provisional"].map(
                                lambda p: t("method.flag_yes") if p else ""
                            ),
                        }
                    )
                    table(areas_table, tables.number_formats(lang, [t("common.max")]), caption=t("method.col.area"))
                    if pd.notna(areas["max_points"].sum(min_count=1)):
                        st.caption(t("method.total_points", total=ctx.num(areas["max_points"].sum())))
                    items = view.provisional[view.provisional["framework_id"] == fw["framework_id"]]
                    if items.empty:
                        st.caption(t("method.provisional_none"))
                        continue
                    st.markdown(t("method.provisional_items", n=len(items)))
                    table(
                        pd.DataFrame(
                            {
                                t("method.col.element"): items["path"],
                                t("method.col.value_used"): items["value"].astype(str),
                                t("method.col.basis"): items[f"basis_{lang}"],
                                t("method.col.assumption"): items[f"assumption_basis_{lang}"],
                            }
                        ),
                        {},
                        caption=t("method.provisional_items", n=len(items)),
                        key=f"provisional_{fw['framework_id']}",
                    )
        st.header(t("method.provisional_title"))
        st.markdown(
            t(
                "method.provisional_body",
                n=int(da.units(ctx.db)["flags_basis"].str.contains("provisional", na=False).sum()),
            )
        )
    with tab_versions:
        versions = view.versions
        if versions.empty:
            st.info(t("app.no_results"))
        else:
            table(
                pd.DataFrame(
                    {
                        t("method.col.index"): versions["index_code"].map(lambda c: t(f"index.{c}")),
                        t("common.year"): versions["year"].astype(str),
                        t("method.col.scope"): versions["unit_scope"].map(lambda s: t(f"scope.{s}")),
                        t("method.col.version"): versions["version"],
                        t("method.col.dataset"): versions["dataset_kind"].map(lambda k: t(f"dataset.{k}")),
                        t("method.col.published"): [fmt.date_text(p, lang) for p in versions["public_since"]],
                        t("method.col.shown"): versions["shown"].map(lambda s: "✓" if s else ""),
                        t("method.col.erratum"): versions["erratum"],
                        t("method.col.id"): versions["id"].astype(str),
                    }
                ),
                {},
                caption=t("method.tab.versions"),
            )
        st.caption(t("method.embargo_policy"))
    with tab_sources:
        st.markdown(t("method.sources"))
    with tab_cite:
        st.markdown(t("method.cite_intro"))
        if citation:
            st.code(citation, language=None)
