"""Appraisal: open the yearly self-assessment round; appraise each submitted unit (accept or adjust every criterion,
a reason for each adjustment), send the preliminary appraisal, and close it with the final appraisal after the
unit's explanation (or its deadline)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.errors import DomainError
from backend.services.appraisal import Decision
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, lang, local, require_actor, show_error, t, zone

actor = require_actor()
st.title(t("staff.appraise.title"))

if actor.can("open_round"):
    with st.expander(t("staff.appraise.open_round"), icon=":material/event:"):
        today = dt.datetime.now(zone()).date()
        cols = st.columns(3)
        year = cols[0].number_input(t("staff.appraise.year"), 2012, 2030, today.year - 1, key="round_year")
        scope = cols[1].selectbox(
            t("staff.appraise.scope"),
            ["province", "ministry"],
            key="round_scope",
            format_func={s: t(f"scope.{s}") for s in ("province", "ministry")}.get,
        )
        dataset = cols[2].text_input(t("staff.appraise.dataset"), key="round_dataset")
        submit_day = st.date_input(
            t("staff.appraise.submit_by"), today + dt.timedelta(days=30), key="round_submit", format="DD/MM/YYYY"
        )
        explain_day = st.date_input(
            t("staff.appraise.explain_by"), today + dt.timedelta(days=45), key="round_explain", format="DD/MM/YYYY"
        )
        if st.button(t("staff.appraise.open"), key="round_open", icon=":material/play_arrow:"):
            end = dt.time(17, 0)
            try:
                opened = ia.open_round(
                    actor,
                    int(year),
                    scope,
                    dt.datetime.combine(submit_day, end, tzinfo=zone()),
                    dt.datetime.combine(explain_day, end, tzinfo=zone()),
                    dataset,
                )
            except DomainError as exc:
                show_error(exc)
            else:
                st.success(t("staff.appraise.opened", count=opened))

if not actor.can("appraise_unit"):
    st.stop()
queue = ia.appraisal_queue(actor)
if queue.empty:
    st.info(t("staff.appraise.empty"))
    st.stop()
name = "name_vi" if lang() == "vi" else "name_en"
st.dataframe(
    queue[["id", name, "year", "status", "submitted_at", "explain_deadline"]],
    hide_index=True,
    width="stretch",
    column_config=labels("staff.appraise.col", ["id", "year", "status", "submitted_at", "explain_deadline"]),
)
choice = st.selectbox(
    t("staff.assess.choose"),
    queue["id"].tolist(),
    key="appraise_id",
    format_func=lambda i: "{} {} ({})".format(*queue.loc[queue["id"] == i, [name, "year", "status"]].iloc[0]),
)
try:
    view = ia.assessment_view(actor, int(choice))
except DomainError as exc:
    show_error(exc)
    st.stop()
final = view.status in ("preliminary", "explained")
st.caption(
    t(
        "staff.assess.header",
        status=t(f"staff.assess.status.{view.status}"),
        submit=local(view.submit_deadline),
        explain=local(view.explain_deadline),
    )
)
decisions: list[Decision] = []
for row in view.tree.itertuples():
    st.markdown(f"**{row.code}. {getattr(row, f'name_{lang()}')}** — {t('staff.assess.max', max=row.max_points)}")
    st.write(t("staff.assess.scored", score=row.self_score, evidence=row.evidence, note=row.self_comment or "—"))
    if final:
        st.write(t("staff.assess.prelim", score=row.preliminary_score, reason=row.preliminary_reason or "—"))
        if row.explanation:
            st.write(t("staff.assess.explained", text=row.explanation))
    base = row.preliminary_score if final else row.self_score
    cols = st.columns([1, 3])
    score = cols[0].number_input(
        t("staff.appraise.score"),
        0.0,
        float(row.max_points or 0.0),
        float(base) if base == base and base is not None else 0.0,
        0.25,
        key=f"decide_{row.code}",
    )
    reason = cols[1].text_input(
        t("staff.appraise.reason"),
        value=row.preliminary_reason if final else "",
        key=f"reason_{row.code}",
        max_chars=2000,
    )
    decisions.append(Decision(str(row.code), float(score), reason))
label = "staff.appraise.finalise" if final else "staff.appraise.send_preliminary"
if st.button(t(label), key="appraise_go", type="primary", icon=":material/task_alt:"):
    try:
        ia.appraise(actor, view.id, decisions, final, view.lock_version)
    except DomainError as exc:
        show_error(exc)
    else:
        st.success(t("internal.sets.done"))
        st.rerun()
