"""Questions and answers (content editors): answer the questions a moderator approved, publish the answers
(they become searchable on the public side), or take a published answer back with a reason."""

from __future__ import annotations

import streamlit as st

from dashboards import internal_voice as iv
from dashboards.components.voice_forms import citizen_text
from dashboards.internal_pages.common import labels, require_actor, t
from dashboards.internal_pages.voice_ui import run

actor = require_actor()
st.title(t("voice.staff.qa.title"))
st.caption(t("voice.staff.qa.caption"))
listed = iv.question_list(actor)
if listed.empty:
    st.info(t("voice.staff.qa.none"))
    st.stop()
shown = listed.assign(status=listed["status"].map(lambda s: t(f"voice.staff.status.{s}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="qa_table",
    column_config=labels("voice.staff.col", list(listed.columns)),
)
choice = st.selectbox(
    t("voice.staff.qa.choose"), listed["id"].tolist(), format_func=lambda i: f"#{i}", key="question_id"
)
row = listed.loc[listed["id"] == choice].iloc[0]
with st.container(border=True):
    st.caption(t("voice.staff.qa.question"))
    citizen_text(str(row["text"]))
if row["moderation"] != "approved":
    st.info(t("voice.staff.qa.moderate_first"))
    st.stop()
topics = iv.topics()
names = dict(zip(topics["code"], topics["name_vi"], strict=False))
codes = list(names)
topic = st.selectbox(
    t("voice.staff.topic"),
    codes,
    index=codes.index(row["topic_code"]) if row["topic_code"] in codes else 0,
    format_func=names.get,
    key=f"qa_topic_{choice}",
)
answer_vi = st.text_area(t("voice.staff.qa.answer_vi"), value=str(row["answer_vi"]), key=f"qa_answer_vi_{choice}")
answer_en = st.text_area(t("voice.staff.qa.answer_en"), value=str(row["answer_en"]), key=f"qa_answer_en_{choice}")
save, publish = st.columns(2)
if save.button(t("voice.staff.qa.save"), key="qa_save") and run(
    lambda: iv.answer_question(actor, int(choice), answer_vi, answer_en, topic)
):
    st.rerun()
if (
    row["status"] == "answered"
    and publish.button(t("voice.staff.qa.publish"), key="qa_publish", type="primary")
    and run(lambda: iv.publish_answer(actor, int(choice), True))
):
    st.rerun()
if row["status"] == "published":
    reason = st.text_input(t("voice.staff.reason"), key="qa_unpublish_reason")
    if publish.button(t("voice.staff.qa.unpublish"), key="qa_unpublish") and run(
        lambda: iv.publish_answer(actor, int(choice), False, reason)
    ):
        st.rerun()
