"""Online citizen survey: choose a survey (or open its link ``?survey=CODE``), read the privacy notice and agree,
then answer without an account. Answers go through the anonymous submission path (dashboards/voice_submit.py)."""

from __future__ import annotations

import streamlit as st

from backend.published import fmt
from backend.published.voice import current_provinces, pick
from backend.services.submission_rules import TEXT_MAX
from dashboards import data_access as da
from dashboards import voice_submit as vs
from dashboards.components.voice_forms import consent_gate, contact_and_honeypot, show_outcome
from dashboards.components.widgets import url_choice
from dashboards.context import get_context

ctx = get_context()
t, lang = ctx.t, ctx.lang
st.title(t("voice.survey.title"))
st.caption(t("voice.survey.caption"))
surveys = da.voice_surveys(ctx.db)
if surveys.empty:
    st.info(t("voice.survey.none"))
    st.stop()
titles = {r["code"]: pick(r["title_vi"], r["title_en"], lang) for r in surveys.to_dict("records")}
code = url_choice(t("voice.survey.choose"), list(titles), key="survey", format_func=lambda c: titles.get(c, c))
form = da.voice_form(ctx.db, code or "")
if form is None:
    st.stop()
st.subheader(form.text("title", lang))
if form.scope == "service":
    st.markdown(f"**{t('voice.survey.service')}:** {form.text('service', lang)}")
else:
    province = da.units(ctx.db).set_index("unit_id")["name_vi" if lang == "vi" else "name_en"].get(form.unit_id, "")
    st.markdown(f"**{t('voice.survey.province')}:** {province}")
start, end = (fmt.date_text(form.row[k], lang) for k in ("opens_at", "closes_at"))
st.caption(t("voice.survey.period", start=start, end=end))
st.markdown(form.text("intro", lang))
if not form.is_open():
    st.info(t("voice.survey.not_open"))
    st.stop()
if not vs.available():
    st.warning(t("voice.form.unavailable"))
    st.stop()
if not consent_gate(t, f"survey_{form.code}"):
    st.stop()

scale = {v: t(f"voice.survey.scale.{v}") for v in range(1, 6)}
vs.shown("survey", form.code)
with st.form(f"survey_form_{form.code}", clear_on_submit=False):
    unit_id = None
    if form.scope == "service":
        provinces = current_provinces(da.units(ctx.db), lang)
        unit_id = st.selectbox(
            t("voice.survey.your_province"),
            list(provinces),
            index=None,
            format_func=provinces.get,
            placeholder=t("voice.form.choose"),
        )
    answers: dict[str, object] = {}
    for number, item in enumerate(form.items, start=1):
        label = f"**{number}.** {item.text(lang)}" + (" \\*" if item.required else "")  # bold: not a Markdown list
        key = f"answer_{form.code}_{item.code}"
        if item.kind == "rating":
            answers[item.code] = st.radio(
                label, list(scale), index=None, horizontal=True, format_func=scale.get, key=key
            )
        elif item.kind == "choice":
            labels = item.option_labels(lang)
            answers[item.code] = st.radio(label, list(labels), index=None, format_func=labels.get, key=key)
        else:
            answers[item.code] = st.text_area(label, max_chars=TEXT_MAX, key=key, help=t("voice.form.text_help"))
    contact, honeypot = contact_and_honeypot(t, f"survey_{form.code}")
    st.caption(t("voice.form.required_note"))
    sent = st.form_submit_button(t("voice.form.send"), type="primary", icon=":material/send:")
if sent:
    show_outcome(
        lambda: vs.submit_survey(
            form.code, answers=answers, unit_id=unit_id, contact=contact, honeypot=honeypot, consent=True
        ),
        lang,
    )
