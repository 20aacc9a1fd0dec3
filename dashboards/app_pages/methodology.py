"""Methodology and sources: the framework of each index and year, what is provisional, the published
versions, data sources and licences, how to cite."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access as da
from dashboards.components import fmt
from dashboards.context import get_context
from dashboards.views import styled

ctx = get_context()
t = ctx.t
st.header(t("method.title"))
st.markdown(t("method.intro"))

tab_method, tab_versions, tab_sources, tab_cite = st.tabs(
    [t("method.tab.frameworks"), t("method.tab.versions"), t("method.tab.sources"), t("method.tab.cite")]
)

with tab_method:
    st.markdown(t(f"method.about.{ctx.index_code}"))
    frameworks = da.frameworks(ctx.db)
    if frameworks.empty:
        st.info(t("method.no_frameworks"))
    else:
        shown = pd.DataFrame(
            {
                t("method.col.index"): frameworks["index_code"].map(lambda c: t(f"index.{c}")),
                t("method.col.scope"): frameworks["unit_scope"].map(lambda s: t(f"scope.{s}")),
                t("method.col.years"): [
                    f"{a}–{b}" for a, b in zip(frameworks["year_from"], frameworks["year_to"], strict=False)
                ],
                t("method.col.legal"): frameworks["legal_basis"],
                t("method.col.title"): frameworks["title_vi" if ctx.lang == "vi" else "title_en"],
                t("method.col.version"): frameworks["version"],
                t("method.col.status"): frameworks["status"].map(lambda s: t(f"framework.status.{s}")),
            }
        )
        st.dataframe(styled(shown, {}), hide_index=True, placeholder="–", width="stretch")
        provisional = frameworks[frameworks["status"] == "provisional"]
        if not provisional.empty:
            st.warning(
                t(
                    "method.provisional_frameworks",
                    items=", ".join(
                        f"{t('index.' + r['index_code'])} ({t('scope.' + r['unit_scope'])}, {r['year_from']}–{r['year_to']})"
                        for _, r in provisional.iterrows()
                    ),
                )
            )
        criteria = da.criteria(ctx.db, tuple(int(i) for i in frameworks["framework_id"]))
        provisional_items = da.provisional_items(ctx.db)
        for _, fw in frameworks.iterrows():
            crit = criteria[(criteria["framework_id"] == fw["framework_id"]) & (criteria["level"] == "area")]
            title = f"{t('index.' + fw['index_code'])} · {t('scope.' + fw['unit_scope'])} · {fw['year_from']}–{fw['year_to']} · {fw['legal_basis']}"
            with st.expander(title):
                if crit.empty:
                    st.caption(t("method.no_criteria"))
                    continue
                table = pd.DataFrame(
                    {
                        t("method.col.code"): crit["code"],
                        t("method.col.area"): crit["name_vi" if ctx.lang == "vi" else "name_en"],
                        t("common.max"): crit["max_points"],
                        t("method.col.provisional"): crit["provisional"].map(
                            lambda p: t("method.flag_yes") if p else ""
                        ),
                    }
                )
                st.dataframe(
                    styled(table, {t("common.max"): ctx.num}), hide_index=True, placeholder="–", width="stretch"
                )
                total = crit["max_points"].sum(min_count=1)
                if pd.notna(total):
                    st.caption(t("method.total_points", total=ctx.num(total)))
                items = provisional_items[provisional_items["framework_id"] == fw["framework_id"]]
                if items.empty:
                    st.caption(t("method.provisional_none"))
                else:
                    st.markdown(t("method.provisional_items", n=len(items)))
                    basis, assumption = (
                        ("basis_vi", "assumption_basis_vi") if ctx.lang == "vi" else ("basis_en", "assumption_basis_en")
                    )
                    st.dataframe(
                        pd.DataFrame(
                            {
                                t("method.col.element"): items["path"],
                                t("method.col.value_used"): items["value"],
                                t("method.col.basis"): items[basis],
                                t("method.col.assumption"): items[assumption],
                            }
                        ),
                        hide_index=True,
                        width="stretch",
                        key=f"provisional_{fw['framework_id']}",
                    )
    st.subheader(t("method.provisional_title"))
    units = ctx.units()
    n_prov = int((units["flags_basis"].str.contains("provisional", na=False)).sum())
    st.markdown(t("method.provisional_body", n=n_prov))

with tab_versions:
    versions = da.visible_versions(ctx.db)
    if versions.empty:
        st.info(t("app.no_results"))
    else:
        current_ids = set(ctx.catalogue["id"])
        shown = pd.DataFrame(
            {
                t("method.col.index"): versions["index_code"].map(lambda c: t(f"index.{c}")),
                t("common.year"): versions["year"],
                t("method.col.scope"): versions["unit_scope"].map(lambda s: t(f"scope.{s}")),
                t("method.col.version"): versions["version"],
                t("method.col.dataset"): versions["dataset_kind"].map(lambda k: t(f"dataset.{k}")),
                t("method.col.published"): [
                    fmt.date_text(pd.Timestamp(p).to_pydatetime() if p is not None and pd.notna(p) else None, ctx.lang)
                    for p in versions["published_at"].where(versions["published_at"].notna(), versions["publish_at"])
                ],
                t("method.col.shown"): versions["id"].map(lambda i: "✓" if i in current_ids else ""),
                t("method.col.erratum"): versions["erratum"],
                t("method.col.id"): versions["id"],
            }
        )
        st.dataframe(styled(shown, {}), hide_index=True, placeholder="–", width="stretch")
    st.caption(t("method.embargo_policy"))

with tab_sources:
    st.markdown(t("method.sources"))

with tab_cite:
    st.markdown(t("method.cite_intro"))
    set_row = ctx.set_for("province") if ctx.set_for("province") is not None else ctx.set_for("ministry")
    if set_row is not None:
        meta = ctx.export_metadata([set_row], ctx.index_name())
        st.code(meta.citation(ctx.lang), language=None)
