"""Fieldwork progress: planned versus received versus valid forms per province, commune and respondent group,
over time, lagging units highlighted, and a map of progress by province."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from backend.errors import DomainError
from dashboards import ingest_access as ga
from dashboards.components import maps
from dashboards.internal_pages.common import lang, require_actor, t
from dashboards.internal_pages.data_common import survey_picker

actor = require_actor()
st.title(t("ingest.page.fieldwork.title"))
st.caption(t("ingest.page.fieldwork.caption"))
survey_id = survey_picker("fieldwork_survey")
if survey_id is None:
    st.stop()
day = st.date_input(t("ingest.page.fieldwork.day"), value=None, key="day", format="DD/MM/YYYY")
try:
    view = ga.progress(actor, survey_id, day)
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()
st.caption(t("ingest.page.fieldwork.as_of", day=view["day"], share=round(100 * view["expected_share"])))
level = st.segmented_control(
    t("ingest.page.quality.level"),
    ["province", "commune", "group"],
    default="province",
    key="fw_level",
    format_func=lambda x: t(f"ingest.page.level.{x}"),
)
table: pd.DataFrame = view["tables"][level or "province"]
highlight = table.style.apply(lambda row: ["background-color: #fde0dd" if row["lagging"] else "" for _ in row], axis=1)
st.dataframe(highlight, hide_index=True, width="stretch", key="progress")
st.caption(t("ingest.page.fieldwork.lagging", n=int(table["lagging"].sum())))
curve = view["over_time"]
if not curve.empty:
    st.line_chart(curve.set_index("day")[["received", "valid", "planned"]])
provinces = view["tables"]["province"]
year = int(pd.Timestamp(view["window"][0]).year) if view["window"] else int(pd.Timestamp(view["day"]).year)
geojson = ga.geojson_for_year(year)
data = provinces.rename(columns={"unit_code": "code", "progress": "value"}).assign(grp=None)
colours, legend = maps.classify(
    data[["code", "value", "grp"]],
    "quantile",
    labels={"no_data": t("ingest.page.fieldwork.no_plan")},
    number=lambda v: f"{v:.0f} %",
)
tips = {
    str(r["code"]): {
        "label": str(r[f"name_{lang()}"]),
        "score": f"{r['received']:,} / {r['planned']:,} ({r['value']:.0f} %)" if pd.notna(r["value"]) else "—",
        "rank": f"{r['valid_rate']:.1f} %" if pd.notna(r["valid_rate"]) else "—",
    }
    for r in data.to_dict("records")
}
for feature in geojson["features"]:
    tips.setdefault(
        str(feature["properties"]["code"]),
        {"label": str(feature["properties"][f"name_{lang()}"]), "score": "—", "rank": "—"},
    )
fmap = maps.province_map(
    geojson,
    colours,
    tips,
    tooltip_fields=["label", "score", "rank"],
    tooltip_aliases=[
        t("ingest.page.level.province"),
        t("ingest.page.fieldwork.received"),
        t("ingest.page.fieldwork.valid_rate"),
    ],
    archipelagos=ga.archipelagos(),
    lang=lang(),
    height=520,
)
st_folium(fmap, key=f"fw_map_{survey_id}_{lang()}", height=520, use_container_width=True, returned_objects=[])
st.markdown(maps.legend_html(legend, t("ingest.page.fieldwork.legend")), unsafe_allow_html=True)
