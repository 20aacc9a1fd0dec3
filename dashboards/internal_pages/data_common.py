"""Widgets shared by the data-in pages: the survey picker and the short form of an error."""

from __future__ import annotations

import streamlit as st

from dashboards import ingest_access as ga
from dashboards.internal_pages.common import t


def survey_picker(key: str) -> int | None:
    """A survey chosen from every stored survey (newest year first); None when there is none."""
    surveys = ga.survey_list()
    if surveys.empty:
        st.info(t("ingest.page.no_surveys"))
        return None
    labels = {
        int(r.id): f"{r.index_code} {r.year} — {r.dataset}"
        + (f" ({t('ingest.page.demo')})" if r.kind == "demo" else "")
        for r in surveys.itertuples()
    }
    return st.selectbox(t("ingest.page.survey"), list(labels), format_func=labels.get, key=key)
