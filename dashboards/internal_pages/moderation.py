"""Moderation (content editors): citizens' free texts — survey answers, comments on consultations, questions —
wait here until approved or rejected; a survey response judged abuse can be excluded from the aggregates.
Texts are shown as plain text. A contact detail is shown only on request, and each request is audited."""

from __future__ import annotations

import streamlit as st

from dashboards import internal_voice as iv
from dashboards.components.voice_forms import citizen_text
from dashboards.internal_pages.common import labels, require_actor, t
from dashboards.internal_pages.voice_ui import run

actor = require_actor()
st.title(t("voice.staff.moderation.title"))
st.caption(t("voice.staff.moderation.caption"))
# labels are made now, in the reader's language (a format function runs again outside the page's run)
states = {s: t(f"voice.staff.moderation.state.{s}") for s in ("pending", "approved", "rejected")}
status = st.segmented_control(
    t("voice.staff.moderation.status"), list(states), default="pending", key="moderation_status", format_func=states.get
)
entries = iv.moderation_queue(actor, status or "pending")
if entries.empty:
    st.info(t("voice.staff.moderation.empty"))
    st.stop()
shown = entries.assign(kind=entries["kind"].map(lambda k: t(f"voice.staff.moderation.kind.{k}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="moderation_table",
    column_config=labels("voice.staff.col", list(entries.columns)),
)
choices = {
    f"{k}:{i}": f"{t('voice.staff.moderation.kind.' + k)} #{i}"
    for k, i in zip(entries["kind"], entries["id"], strict=True)
}
keys = list(choices)
chosen = st.selectbox(t("voice.staff.moderation.choose"), keys, format_func=choices.get, key="moderation_choice")
kind, item_id = str(chosen).split(":")[0], int(str(chosen).split(":")[1])
entry = entries.iloc[keys.index(str(chosen))]
with st.container(border=True):
    st.caption(str(entry["context"]))
    citizen_text(str(entry["text"]))
note = st.text_input(t("voice.staff.moderation.note"), key="moderation_note", max_chars=500)
exclude = kind == "answer" and st.checkbox(t("voice.staff.moderation.exclude"), key="moderation_exclude")
approve, reject, reveal = st.columns(3)
if approve.button(
    t("voice.staff.moderation.approve"), key="moderate_approve", type="primary", icon=":material/check:"
) and run(lambda: iv.moderate(actor, kind, item_id, "approved", False, note)):
    st.rerun()
if reject.button(t("voice.staff.moderation.reject"), key="moderate_reject", icon=":material/block:") and run(
    lambda: iv.moderate(actor, kind, item_id, "rejected", bool(exclude), note)
):
    st.rerun()
if (
    bool(entry["has_contact"])
    and actor.can("voice_view_contacts")
    and reveal.button(t("voice.staff.moderation.reveal"), key="moderate_reveal", icon=":material/contact_mail:")
):
    shown_contact: list[str] = []
    if run(lambda: shown_contact.append(iv.reveal_contact(actor, kind, item_id)), t("voice.staff.moderation.revealed")):
        citizen_text(shown_contact[0])
