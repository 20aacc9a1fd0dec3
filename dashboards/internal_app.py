"""Internal app (staff): login, then pages by role — result sets and their workflow, audit log.

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

from backend.auth.permissions import Actor  # noqa: E402
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


def voice_pages(actor: Actor, *, default: bool) -> list[st.Page]:
    """The pages of citizens' voice and the PAR database (issue 11) this actor's roles may use."""
    specs = [
        (
            "voice_edit",
            "internal_pages/voice_surveys.py",
            "voice.staff.nav.surveys",
            ":material/rate_review:",
            "voice_surveys",
        ),
        (
            "voice_view_results",
            "internal_pages/voice_results.py",
            "voice.staff.nav.results",
            ":material/insights:",
            "voice_results",
        ),
        (
            "voice_moderate",
            "internal_pages/moderation.py",
            "voice.staff.nav.moderation",
            ":material/shield:",
            "moderation",
        ),
        (
            "voice_edit",
            "internal_pages/voice_consultations.py",
            "voice.staff.nav.consultations",
            ":material/forum:",
            "consultations",
        ),
        (
            "voice_edit",
            "internal_pages/voice_questions.py",
            "voice.staff.nav.questions",
            ":material/contact_support:",
            "questions",
        ),
        (
            "pardb_edit",
            "internal_pages/par_database.py",
            "voice.staff.nav.pardb",
            ":material/library_books:",
            "par_database",
        ),
        (
            "share_evidence",
            "internal_pages/evidence_sharing.py",
            "voice.staff.nav.sharing",
            ":material/share:",
            "evidence_sharing",
        ),
    ]
    allowed = [spec for spec in specs if actor.can(spec[0])]
    return [
        st.Page(page, title=t(title), icon=icon, url_path=url, default=default and n == 0)
        for n, (_, page, title, icon, url) in enumerate(allowed)
    ]


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
    pages += voice_pages(actor, default=not pages)
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
