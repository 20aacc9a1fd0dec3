"""Parts of the leaders' approval panel page: the map and the tables of each tab. Rendering only: every
figure and flag comes from backend/services/panel.py through the adapter."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from backend.published import fmt
from backend.services.panel import ApprovalPanel
from dashboards import internal_access as ia
from dashboards.components import maps
from dashboards.internal_pages.common import labels, lang, local, t


def name_col() -> str:
    return "name_vi" if lang() == "vi" else "name_en"


def number(value: Any) -> str:
    return fmt.number(value, lang())


def show_map(panel: ApprovalPanel) -> None:
    view = panel.figures.map
    if panel.result_set.unit_scope != "province":
        st.info(t("staff.panel.no_map"))
        return
    table = view.table
    colours, legend = maps.classify(
        table[["code", "value", "grp"]],
        "group" if view.has_groups else "quantile",
        labels={**{f"group_{g}": t(f"group.{g}") for g in ("A", "B", "C", "other")}, "no_data": t("map.no_data")},
        number=number,
    )
    geojson = ia.geojson(panel.result_set.year)
    tips = maps.tooltips(
        table,
        geojson,
        lang=lang(),
        n_ranked=view.n_ranked,
        no_data=t("map.no_data"),
        unranked=t("rankings.not_ranked"),
        not_comparable=t("map.change_not_comparable"),
        comparable=view.comparison.comparable,
    )
    fields = ["label", "score", "rank", "change"]
    aliases = [
        t("map.tip.province"),
        t("map.tip.score"),
        t("map.tip.rank"),
        t("map.tip.change", prev=view.comparison.previous_year or "–"),
    ]
    fmap = maps.province_map(
        geojson,
        colours,
        tips,
        tooltip_fields=fields,
        tooltip_aliases=aliases,
        archipelagos=ia.archipelagos(),
        lang=lang(),
        height=520,
    )
    st_folium(
        fmap, key=f"panel_map_{panel.result_set.id}_{lang()}", height=520, use_container_width=True, returned_objects=[]
    )
    st.markdown(maps.legend_html(legend, t("map.legend")), unsafe_allow_html=True)


def show_ranking(panel: ApprovalPanel) -> None:
    table = panel.figures.ranking.table
    flagged = set(panel.figures.flags["scope_code"])
    frame = pd.DataFrame(
        {
            "rank": table["rank"],
            "interval": [_interval(lo, hi) for lo, hi in zip(table["rank_low"], table["rank_high"], strict=True)],
            "name": table[name_col()],
            "value": table["value"],
            "ci": [_interval(lo, hi, number) for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)],
            "group": table["grp"],
            "change": table["change"],
            "rank_change": table["rank_change"],
            "flag": [t("staff.panel.flagged") if c in flagged else "" for c in table["scope_code"]],
        }
    )
    config: dict[str, Any] = labels("staff.panel.col", list(frame.columns))
    for key in ("value", "change"):
        config[key] = st.column_config.NumberColumn(t(f"staff.panel.col.{key}"), format="%.2f")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key="panel_ranking")
    st.caption(t("staff.panel.interval_note"))


def _interval(low: Any, high: Any, show: Any = None) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    show = show or (lambda v: str(int(v)))
    return f"{show(low)}–{show(high)}"


def show_versions(panel: ApprovalPanel) -> None:
    diff = panel.figures.versions
    if diff.previous is None:
        st.info(t("staff.panel.first_version"))
        return
    st.markdown(
        t(
            "staff.panel.vs_version",
            version=diff.previous.version,
            id=diff.previous.id,
            units=len(diff.changed_units),
            figures=len(diff.changes),
        )
    )
    inputs = diff.inputs.assign(input=diff.inputs["input"].map(lambda k: t(f"staff.input.{k}")))
    st.dataframe(inputs, hide_index=True, width="stretch", column_config=labels("staff.panel.col", ["input", "detail"]))
    st.dataframe(
        diff.changes,
        hide_index=True,
        width="stretch",
        key="panel_version_changes",
        column_config=labels("staff.panel.col", list(diff.changes.columns)),
    )


def show_last_year(panel: ApprovalPanel) -> None:
    comparison = panel.figures.last_year
    if panel.figures.previous_year is None or comparison.previous is None:
        st.info(t("staff.panel.no_last_year"))
        return
    note = {"units_changed": "common.not_comparable_units", "partly_units_changed": "common.partly_comparable"}
    st.markdown(t("staff.panel.vs_year", year=comparison.previous.year, id=comparison.previous.id))
    if comparison.reason in note:
        st.info(t(note[comparison.reason], year=panel.result_set.year, prev=comparison.previous.year))
    table = panel.figures.ranking.table
    frame = table[[name_col(), "value", "prev_value", "change", "prev_rank", "rank", "rank_change", "basis"]]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key="panel_last_year",
        column_config={name_col(): t("staff.panel.col.name"), **labels("staff.panel.col", list(frame.columns)[1:])},
    )


def show_flags(panel: ApprovalPanel) -> None:
    flags = panel.figures.flags
    if flags.empty:
        st.success(t("staff.panel.no_flags"))
        return
    names = dict(zip(panel.figures.tables.units["scope_code"], panel.figures.tables.units[name_col()], strict=False))
    frame = flags.assign(name=flags["scope_code"].map(names), flag=flags["flag"].map(lambda f: t(f"staff.flag.{f}")))
    st.dataframe(
        frame[["name", "flag", "score"]],
        hide_index=True,
        width="stretch",
        column_config=labels("staff.panel.col", ["name", "flag", "score"]),
    )
    st.caption(t("staff.panel.flags_rule"))


def show_quality(panel: ApprovalPanel) -> None:
    quality = panel.quality
    if quality.empty:
        st.info(t("staff.panel.no_forms"))
    else:
        frame = quality[[name_col(), "survey", "received", "valid", "valid_rate"]]
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            key="panel_quality",
            column_config={
                name_col(): t("staff.panel.col.name"),
                **labels("staff.panel.col", ["survey", "received", "valid"]),
                "valid_rate": st.column_config.NumberColumn(t("staff.panel.col.valid_rate"), format="%.2f%%"),
            },
        )
    st.caption(t("staff.panel.backcheck_missing"))


def show_adjustments(panel: ApprovalPanel) -> None:
    frame = panel.adjustments
    if frame.empty:
        st.info(t("staff.panel.no_adjustments"))
        return
    shown = frame[
        [
            name_col(),
            "criterion",
            "self_score",
            "preliminary_score",
            "final_score",
            "change",
            "reason",
            "explanation",
            "appraiser",
        ]
    ]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="panel_adjustments",
        column_config={name_col(): t("staff.panel.col.name"), **labels("staff.panel.col", list(shown.columns)[1:])},
    )


def show_history(panel: ApprovalPanel) -> None:
    if not panel.history:
        st.caption(t("internal.sets.no_steps"))
        return
    events = pd.DataFrame(panel.history)
    events["at"] = events["at"].map(local)
    keys = [k for k in ("at", "actor", "action", "from", "to", "reason", "publish_at") if k in events]
    st.dataframe(events[keys], hide_index=True, width="stretch", column_config=labels("internal.sets.col", keys))
