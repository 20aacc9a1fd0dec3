"""Online citizen surveys (content editors): make one from a template, change its questions while it is a draft,
open it (its public link), close it, and compute its aggregates for approval."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_voice as iv
from dashboards.internal_pages.common import labels, lang, require_actor, t
from dashboards.internal_pages.voice_ui import VN, run

actor = require_actor()
st.title(t("voice.staff.surveys.title"))
st.caption(t("voice.staff.surveys.caption"))


templates = iv.templates()
with st.expander(t("voice.staff.surveys.new"), icon=":material/add:"):
    template = st.selectbox(
        t("voice.staff.surveys.template"), list(templates), format_func=lambda c: templates[c][1], key="new_template"
    )
    scope = templates[template][0] if template else "province"
    title_vi = st.text_input(
        t("voice.staff.title_vi"), value=templates[template][1] if template else "", key="new_title_vi"
    )
    title_en = st.text_input(
        t("voice.staff.title_en"), value=templates[template][2] if template else "", key="new_title_en"
    )
    unit_id, service_vi, service_en = None, "", ""
    if scope == "province":
        units = iv.units()
        provinces = units[units["kind"] == "province_34"]
        names = dict(zip(provinces["unit_id"].astype(int), provinces["name_vi"], strict=False))
        unit_id = st.selectbox(t("voice.staff.surveys.province"), list(names), format_func=names.get, key="new_unit")
    else:
        service_vi = st.text_input(t("voice.staff.surveys.service_vi"), key="new_service_vi")
        service_en = st.text_input(t("voice.staff.surveys.service_en"), key="new_service_en")
    start, end = st.columns(2)
    opens = start.date_input(t("voice.staff.opens"), value=dt.date.today(), key="new_opens", format="DD/MM/YYYY")
    closes = end.date_input(
        t("voice.staff.closes"), value=dt.date.today() + dt.timedelta(days=30), key="new_closes", format="DD/MM/YYYY"
    )
    if st.button(t("voice.staff.create"), key="create_survey", type="primary"):
        run(
            lambda: iv.create_survey(
                actor,
                template=template,
                title_vi=title_vi,
                title_en=title_en,
                unit_id=unit_id,
                service_vi=service_vi,
                service_en=service_en,
                opens_at=dt.datetime.combine(opens, dt.time(0, 0), tzinfo=VN),
                closes_at=dt.datetime.combine(closes, dt.time(23, 59), tzinfo=VN),
            )
        )

surveys = iv.surveys(actor)
if surveys.empty:
    st.info(t("voice.staff.surveys.none"))
    st.stop()
shown = surveys.assign(status=surveys["status"].map(lambda s: t(f"voice.staff.status.{s}")))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="surveys_table",
    column_config=labels("voice.staff.col", list(surveys.columns)),
)
choice = st.selectbox(
    t("voice.staff.surveys.choose"),
    surveys["id"].tolist(),
    format_func=lambda i: f"#{i} {surveys.loc[surveys['id'] == i, 'title'].iloc[0]}",
    key="survey_id",
)
row = surveys.loc[surveys["id"] == choice].iloc[0]
st.markdown(f"**{t('voice.staff.surveys.link')}**")
st.code(str(row["link"]), language=None)

if row["status"] == "draft":
    st.subheader(t("voice.staff.surveys.items"))
    st.caption(t("voice.staff.surveys.items_help"))
    items = iv.survey_items(actor, int(choice))
    edited = st.data_editor(
        items,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"items_{choice}",
        column_config={
            "kind": st.column_config.SelectboxColumn(
                t("voice.staff.col.kind"), options=["rating", "choice", "text"], required=True
            ),
            **{k: t(f"voice.staff.col.{k}") for k in ("code", "text_vi", "text_en", "required", "options")},
        },
    )
    left, right = st.columns(2)
    if left.button(t("voice.staff.surveys.save_items"), key="save_items"):
        run(lambda: iv.set_items(actor, int(choice), edited.to_dict("records")))
    if right.button(t("voice.staff.surveys.open"), key="open_survey", type="primary"):
        run(lambda: iv.survey_step(actor, int(choice), "open"))
elif row["status"] == "open" and st.button(t("voice.staff.surveys.close"), key="close_survey"):
    run(lambda: iv.survey_step(actor, int(choice), "close"))
if row["status"] != "draft":
    st.subheader(t("voice.staff.surveys.results"))
    st.caption(t("voice.results.label"))
    if st.button(t("voice.staff.surveys.compute"), key="compute_survey", icon=":material/calculate:"):
        try:
            version, responses = iv.compute(actor, int(choice))
        except DomainError as exc:
            st.error(exc.message(lang()))
        else:
            st.success(t("voice.staff.surveys.computed", version=version, n=responses))
