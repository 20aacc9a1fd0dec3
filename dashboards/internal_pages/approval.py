"""The leaders' approval panel: a computed result set's map and ranking with rank intervals, its changes against
the previous version (and which inputs caused them) and against last year, flags, data quality, appraisal
adjustments and history; then the next step (return with a reason, agree, approve, schedule, publish)."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages import panel_parts as parts
from dashboards.internal_pages.common import lang, local, require_actor, show_error, step_form, t

WAITING = ("agreed", "approved", "appraised", "draft")

actor = require_actor()
st.title(t("staff.panel.title"))
try:
    sets = ia.result_sets(actor)
except DomainError as exc:
    show_error(exc)
    st.stop()
if sets.empty:
    st.info(t("internal.sets.none"))
    st.stop()
order = sets.assign(w=sets["status"].map(lambda s: WAITING.index(s) if s in WAITING else 9)).sort_values(["w", "id"])
choice = st.selectbox(
    t("internal.sets.choose"),
    order["id"].tolist(),
    format_func=lambda i: "#{} {} {} {} v{} — {}".format(
        *order.loc[order["id"] == i, ["id", "index", "year", "scope", "version"]].iloc[0],
        t(f"workflow.status.{order.loc[order['id'] == i, 'status'].iloc[0]}"),
    ),
    key="panel_set",
)
try:
    panel = ia.approval_panel(actor, int(choice))
except DomainError as exc:
    show_error(exc)
    st.stop()
rs = panel.result_set
st.caption(
    t(
        "staff.panel.header",
        status=t(f"workflow.status.{rs.status}"),
        version=rs.version,
        by=rs.computed_by,
        at=local(rs.computed_at),
        hash=rs.inputs_hash[:12],
        publish=local(rs.publish_at) or "—",
    )
)
if panel.figures.tables.info.is_demo:
    st.warning(t("internal.sets.demo"))
if rs.supersedes_id:
    st.info(t("staff.panel.correction", id=rs.supersedes_id, text=rs.erratum))
if actor.username in panel.involved and rs.status == "agreed":
    st.warning(t("staff.panel.involved"))
if panel.open_assessments:
    st.warning(t("approval.assessments_open", count=panel.open_assessments))

tabs = st.tabs(
    [
        t(f"staff.panel.tab.{k}")
        for k in ("map", "ranking", "versions", "last_year", "flags", "quality", "adjustments", "history")
    ]
)
shows = (
    parts.show_map,
    parts.show_ranking,
    parts.show_versions,
    parts.show_last_year,
    parts.show_flags,
    parts.show_quality,
    parts.show_adjustments,
    parts.show_history,
)
for tab, show in zip(tabs, shows, strict=True):
    with tab:
        show(panel)

step_form(actor, int(choice), rs.status, rs.lock_version, key="panel_step")

if rs.status in ia.report_statuses() and actor.can("draft_report"):
    st.subheader(t("publication.panel.title"))
    st.caption(t("publication.panel.caption"))
    if st.button(t("publication.panel.draft"), key="draft_report", icon=":material/description:"):
        try:
            name, data = ia.annual_report(actor, int(choice), lang())
        except DomainError as exc:
            show_error(exc)
        else:
            docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            st.download_button(t("publication.panel.download"), data, file_name=name, mime=docx, key="report_docx")
