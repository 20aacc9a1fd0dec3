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

from backend.auth.users import authenticate  # noqa: E402
from backend.db import ensure_current, session_scope  # noqa: E402
from backend.errors import DomainError  # noqa: E402
from dashboards.internal_pages.common import IDLE_SECONDS, current_actor, tr  # noqa: E402

st.set_page_config(page_title="PAR INDEX / SIPAS — nội bộ", page_icon="🔒", layout="wide")

with st.sidebar:
    st.segmented_control(
        "Ngôn ngữ / Language",
        ["vi", "en"],
        default="vi",
        key="lang",
        format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x],
    )


def login_page() -> None:
    st.title(tr("Đăng nhập hệ thống nội bộ", "Sign in to the internal system"))
    st.caption(
        tr(
            "Dành cho cán bộ Bộ Nội vụ và đơn vị được phân quyền.",
            "For Ministry of Home Affairs staff and authorised units.",
        )
    )
    with st.form("login"):
        username = st.text_input(tr("Tên đăng nhập", "Username"), key="login_username")
        password = st.text_input(tr("Mật khẩu", "Password"), type="password", key="login_password")
        submitted = st.form_submit_button(tr("Đăng nhập", "Sign in"))
    if submitted:
        with session_scope() as session:
            actor = authenticate(session, username.strip(), password)
        if actor is None:
            st.error(tr("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."))
        else:
            st.session_state["actor"] = actor
            st.session_state["last_activity"] = time.time()
            st.rerun()


def logout_page() -> None:
    for key in ("actor", "last_activity"):
        st.session_state.pop(key, None)
    st.rerun()


try:
    ensure_current()
except DomainError as exc:
    st.error(exc.message(st.session_state.get("lang") or "vi"))
    st.stop()

actor = current_actor()
if actor is None:
    pages = [st.Page(login_page, title=tr("Đăng nhập", "Sign in"), icon="🔑", url_path="login")]
else:
    st.session_state["last_activity"] = time.time()
    with st.sidebar:
        st.caption(f"{actor.username} — {', '.join(sorted(actor.roles))}")
        st.caption(
            tr(
                f"Tự đăng xuất sau {IDLE_SECONDS // 60} phút không hoạt động.",
                f"Signed out after {IDLE_SECONDS // 60} idle minutes.",
            )
        )
    pages = []
    if actor.can("view_drafts") or actor.can("view_own_unit_drafts"):
        pages.append(
            st.Page(
                "internal_pages/result_sets.py",
                title=tr("Bộ kết quả", "Result sets"),
                icon="📊",
                url_path="results",
                default=True,
            )
        )
    if actor.can("view_audit"):
        pages.append(
            st.Page(
                "internal_pages/audit.py",
                title=tr("Nhật ký kiểm toán", "Audit log"),
                icon="🧾",
                url_path="audit",
                default=not pages,
            )
        )
    pages.append(
        st.Page(logout_page, title=tr("Đăng xuất", "Sign out"), icon="🚪", url_path="logout", default=not pages)
    )

st.navigation(pages, position="sidebar").run()
