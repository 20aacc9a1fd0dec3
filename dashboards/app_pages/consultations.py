"""Policy consultation (xin ý kiến): a draft policy or reform initiative with its summary and documents; citizens
comment while it is open (moderated before it is shown); afterwards the summary of the comments and the response.
Citizens' comments are shown as plain text."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.voice import pick
from backend.services.submission_rules import TEXT_MAX
from dashboards import data_access as da
from dashboards import voice_submit as vs
from dashboards.components.voice_forms import citizen_text, consent_gate, contact_and_honeypot, show_outcome
from dashboards.components.widgets import url_choice
from dashboards.context import get_context

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("voice.consult.title"))
st.caption(t("voice.consult.caption"))
listed = da.consultations(ctx.db)
if listed.empty:
    st.info(t("voice.consult.none"))
    st.stop()
labels = {str(r["code"]): pick(r["title_vi"], r["title_en"], lang) for r in listed.to_dict("records")}
code = url_choice(t("voice.consult.choose"), list(labels), key="consultation", format_func=lambda c: labels.get(c, c))
view = da.consultation(ctx.db, code or "")
if view is None:
    st.stop()
row = view.row
st.subheader(view.text("title", lang))
start, end = (fmt.date_text(row[k], lang) for k in ("opens_at", "closes_at"))
st.caption(t("voice.consult.period", start=start, end=end, status=t(f"voice.consult.status.{row['status']}")))
st.markdown(view.text("summary", lang))
if not view.documents.empty:
    st.markdown(f"**{t('voice.consult.documents')}**")
    documents = view.documents.assign(link=view.documents["url"].where(view.documents["url"].astype(bool), None))
    st.dataframe(
        documents[["title", "link"]],
        hide_index=True,
        width="stretch",
        key="consult_documents",
        column_config={
            "title": t("voice.consult.col.document"),
            "link": st.column_config.LinkColumn(t("voice.consult.col.link"), display_text=t("voice.consult.open")),
        },
    )

if row["status"] == "answered":
    with st.container(border=True):
        st.subheader(t("voice.consult.summary_of_comments"))
        st.markdown(view.text("comment_summary", lang))
        st.subheader(t("voice.consult.response"))
        st.markdown(view.text("response", lang))

st.subheader(t("voice.consult.comments", n=len(view.comments)))
for comment in view.comments.to_dict("records"):
    with st.container(border=True):
        st.caption(fmt.date_text(comment["submitted_at"], lang))
        citizen_text(str(comment["text"]))
if view.comments.empty:
    st.caption(t("voice.consult.no_comments"))

accepting = bool(listed.loc[listed["code"] == code, "accepting"].iloc[0])
if not accepting:
    st.info(t("voice.consult.not_open"))
    st.stop()
if not vs.available():
    st.warning(t("voice.form.unavailable"))
    st.stop()
st.subheader(t("voice.consult.your_comment"))
if not consent_gate(t, f"consult_{code}"):
    st.stop()
vs.shown("comment", str(code))
with st.form(f"comment_form_{code}"):
    comment_text = st.text_area(
        t("voice.consult.comment_label"), max_chars=TEXT_MAX, key=f"comment_{code}", help=t("voice.form.text_help")
    )
    contact, honeypot = contact_and_honeypot(t, f"consult_{code}")
    sent = st.form_submit_button(t("voice.form.send"), type="primary", icon=":material/send:")
if sent:
    show_outcome(
        lambda: vs.submit_comment(str(code), text_value=comment_text, contact=contact, honeypot=honeypot, consent=True),
        lang,
    )
    st.caption(t("voice.consult.moderated"))
