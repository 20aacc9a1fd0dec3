"""Policy consultations (content editors): put a draft policy or reform initiative to citizens with its summary,
documents and open period; close it; publish the summary of the comments and the response."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import internal_voice as iv
from dashboards.internal_pages.common import labels, require_actor, t
from dashboards.internal_pages.voice_ui import VN, run

actor = require_actor()
st.title(t("voice.staff.consult.title"))
topics = iv.topics()
topic_names = dict(zip(topics["code"], topics["name_vi"], strict=False))
with st.expander(t("voice.staff.consult.new"), icon=":material/add:"):
    title_vi = st.text_input(t("voice.staff.title_vi"), key="c_title_vi")
    title_en = st.text_input(t("voice.staff.title_en"), key="c_title_en")
    summary_vi = st.text_area(t("voice.staff.consult.summary_vi"), key="c_summary_vi")
    summary_en = st.text_area(t("voice.staff.consult.summary_en"), key="c_summary_en")
    topic = st.selectbox(t("voice.staff.topic"), list(topic_names), format_func=topic_names.get, key="c_topic")
    start, end = st.columns(2)
    opens = start.date_input(t("voice.staff.opens"), value=dt.date.today(), key="c_opens", format="DD/MM/YYYY")
    closes = end.date_input(
        t("voice.staff.closes"), value=dt.date.today() + dt.timedelta(days=30), key="c_closes", format="DD/MM/YYYY"
    )
    if st.button(t("voice.staff.create"), key="create_consultation", type="primary"):
        run(
            lambda: iv.create_consultation(
                actor,
                title_vi=title_vi,
                title_en=title_en,
                summary_vi=summary_vi,
                summary_en=summary_en,
                topic_code=topic,
                opens_at=dt.datetime.combine(opens, dt.time(0, 0), tzinfo=VN),
                closes_at=dt.datetime.combine(closes, dt.time(23, 59), tzinfo=VN),
            )
        )

listed = iv.consultation_list(actor)
if listed.empty:
    st.info(t("voice.staff.consult.none"))
    st.stop()
shown = listed.assign(status=listed["status"].map(lambda s: t(f"voice.staff.status.{s}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="consult_table",
    column_config=labels("voice.staff.col", list(listed.columns)),
)
choice = st.selectbox(
    t("voice.staff.consult.choose"),
    listed["id"].tolist(),
    format_func=lambda i: f"#{i} {listed.loc[listed['id'] == i, 'title'].iloc[0]}",
    key="consultation_id",
)
status = str(listed.loc[listed["id"] == choice, "status"].iloc[0])
if status in ("draft", "open"):
    st.subheader(t("voice.staff.consult.documents"))
    doc_title = st.text_input(t("voice.staff.consult.doc_title"), key="c_doc_title")
    doc_url = st.text_input(t("voice.staff.consult.doc_url"), key="c_doc_url", placeholder="https://")
    doc_id = st.number_input(t("voice.staff.consult.doc_id"), min_value=0, step=1, value=0, key="c_doc_id")
    if st.button(t("voice.staff.consult.add_document"), key="add_consult_document"):
        run(lambda: iv.add_consultation_document(actor, int(choice), doc_title, doc_url, int(doc_id) or None))
step = {"draft": "open", "open": "close"}.get(status)
if (
    step
    and st.button(t(f"voice.staff.consult.{step}"), key=f"consult_{step}", type="primary")
    and run(lambda: iv.consultation_step(actor, int(choice), step))
):
    st.rerun()
if status == "closed":
    st.subheader(t("voice.staff.consult.respond"))
    texts = {
        key: st.text_area(t(f"voice.staff.consult.{key}"), key=f"c_{key}")
        for key in ("comment_summary_vi", "comment_summary_en", "response_vi", "response_en")
    }
    if st.button(t("voice.staff.consult.publish_response"), key="publish_response", type="primary") and run(
        lambda: iv.publish_response(actor, int(choice), **texts)
    ):
        st.rerun()
