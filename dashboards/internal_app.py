"""Internal app (staff): login, then pages by role — result sets and their workflow, data in (upload, quality and
review, back-checks, fieldwork progress), audit log.

Run: ``streamlit run dashboards/internal_app.py`` (``make run`` starts it on port 8502).
Roles are resolved once per rerun from the store; every action is re-checked by the backend services.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from backend.errors import DomainError  # noqa: E402
from dashboards import internal_access as ia  # noqa: E402
from dashboards.internal_pages.common import IDLE_SECONDS, current_actor, lang, t  # noqa: E402

st.set_page_config(page_title=t("internal.app_title"), page_icon=":material/lock:", layout="wide")

with st.sidebar:
    st.segmented_control(
        t("internal.lang_label"),
        ["vi", "en"],
        default="vi",
        key="lang",
        format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x],
    )


def login_page() -> None:
    st.title(t("internal.login.title"))
    st.caption(t("internal.login.caption"))
    with st.form("login"):
        username = st.text_input(t("internal.login.username"), key="login_username")
        password = st.text_input(t("internal.login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("internal.login.submit"))
    if submitted:
        actor = ia.login(username, password)
        if actor is None:
            st.error(t("internal.login.wrong"))
        else:
            st.session_state["actor"] = actor
            st.session_state["last_activity"] = time.time()
            st.rerun()


def logout_page() -> None:
    for key in ("actor", "last_activity"):
        st.session_state.pop(key, None)
    st.rerun()


try:
    ia.check_store()
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()

actor = current_actor()
if actor is None:
    pages = [st.Page(login_page, title=t("internal.nav.login"), icon=":material/login:", url_path="login")]
else:
    st.session_state["last_activity"] = time.time()
    with st.sidebar:
        st.caption(f"{actor.username} — {', '.join(sorted(actor.roles))}")
        st.caption(t("internal.idle", minutes=IDLE_SECONDS // 60))
    pages = []
    if actor.can("view_drafts") or actor.can("view_own_unit_drafts"):
        pages.append(
            st.Page(
                "internal_pages/result_sets.py",
                title=t("internal.nav.results"),
                icon=":material/table_chart:",
                url_path="results",
                default=True,
            )
        )
    data_pages = (
        ("ingest", "internal_pages/upload.py", "upload", ":material/upload_file:", "upload"),
        ("view_quality", "internal_pages/quality.py", "quality", ":material/fact_check:", "quality"),
        ("view_backchecks", "internal_pages/backchecks.py", "backchecks", ":material/phone_callback:", "backchecks"),
        ("view_fieldwork", "internal_pages/fieldwork.py", "fieldwork", ":material/map:", "fieldwork"),
    )
    for permission, path, nav_key, icon, url in data_pages:
        if actor.can(permission):
            pages.append(st.Page(path, title=t(f"internal.nav.{nav_key}"), icon=icon, url_path=url, default=not pages))
    if actor.can("view_audit"):
        pages.append(
            st.Page(
                "internal_pages/audit.py",
                title=t("internal.nav.audit"),
                icon=":material/receipt_long:",
                url_path="audit",
                default=not pages,
            )
        )
    pages.append(
        st.Page(
            logout_page, title=t("internal.nav.logout"), icon=":material/logout:", url_path="logout", default=not pages
        )
    )

st.navigation(pages, position="sidebar").run()
