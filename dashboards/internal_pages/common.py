"""Small helpers shared by the internal pages: language, the logged-in actor, idle timeout, errors."""

from __future__ import annotations

import time

import streamlit as st

from backend.auth.permissions import Actor

IDLE_SECONDS = 30 * 60


def lang() -> str:
    value = st.session_state.get("lang") or "vi"
    return "en" if value == "en" else "vi"


def tr(vi: str, en: str) -> str:
    return en if lang() == "en" else vi


def current_actor() -> Actor | None:
    """The logged-in actor, or None (also after IDLE_SECONDS without activity)."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        return None
    if time.time() - float(st.session_state.get("last_activity", 0)) > IDLE_SECONDS:
        st.session_state.pop("actor", None)
        return None
    return actor


def require_actor() -> Actor:
    actor = current_actor()
    if actor is None:
        st.error(tr("Vui lòng đăng nhập.", "Please sign in."))
        st.stop()
    return actor  # type: ignore[return-value]
