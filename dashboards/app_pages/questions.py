"""Questions and answers (hỏi - đáp) on administrative reform: published answers, searchable (with or without
diacritics) and grouped by topic; and a form to ask a question (moderated, answered by the ministry's staff).
Citizens' questions are shown as plain text."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.voice import pick
from backend.published.voice_tables import questions_by_topic
from backend.services.submission_rules import QUESTION_MIN, TEXT_MAX
from dashboards import data_access as da
from dashboards import voice_submit as vs
from dashboards.components.voice_forms import citizen_text, consent_gate, contact_and_honeypot, show_outcome
from dashboards.components.widgets import url_choice
from dashboards.context import get_context

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("voice.qa.title"))
st.caption(t("voice.qa.caption"))
topics = da.topics(ctx.db)
names = {str(r["code"]): pick(r["name_vi"], r["name_en"], lang) for r in topics.to_dict("records")}
left, right = st.columns([3, 2])
query = left.text_input(t("voice.qa.search"), key="qa_query", max_chars=200, placeholder=t("voice.qa.search_hint"))
topic = url_choice(
    t("voice.qa.topic"),
    ["all", *names],
    key="topic",
    default="all",
    format_func=lambda c: t("voice.qa.all_topics") if c == "all" else names.get(c, c),
    container=right,
)
found = da.questions(ctx.db, query or "", None if topic in (None, "all") else topic)
st.caption(t("voice.qa.count", n=len(found)))
if found.empty:
    st.info(t("voice.qa.none"))
for topic_name, group in questions_by_topic(found, topics, lang):
    st.subheader(topic_name)
    for question in group.to_dict("records"):
        with st.container(border=True):
            st.caption(t("voice.qa.asked", date=fmt.date_text(question["asked_at"], lang)))
            citizen_text(str(question["text"]))
            st.markdown(f"**{t('voice.qa.answer')}**")
            if lang == "en" and not question["answer_en"]:
                st.caption(t("voice.qa.only_vietnamese"))
            st.markdown(pick(question["answer_vi"], question["answer_en"], lang))

st.divider()
st.subheader(t("voice.qa.ask"))
if not vs.available():
    st.warning(t("voice.form.unavailable"))
    st.stop()
if not consent_gate(t, "question"):
    st.stop()
vs.shown("question", "questions")
with st.form("question_form"):
    asked_topic = st.selectbox(t("voice.qa.topic"), list(names), format_func=names.get, key="ask_topic")
    question_text = st.text_area(
        t("voice.qa.question_label", minimum=QUESTION_MIN),
        max_chars=TEXT_MAX,
        key="ask_text",
        help=t("voice.form.text_help"),
    )
    contact, honeypot = contact_and_honeypot(t, "question")
    sent = st.form_submit_button(t("voice.form.send"), type="primary", icon=":material/send:")
if sent:
    show_outcome(
        lambda: vs.submit_question(
            topic_code=str(asked_topic), text_value=question_text, contact=contact, honeypot=honeypot, consent=True
        ),
        lang,
    )
    st.caption(t("voice.qa.moderated"))
