"""Small helpers shared by the internal pages: language, the logged-in actor, idle timeout, column labels."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from backend.auth.permissions import Actor
from backend.i18n import t as translate

IDLE_SECONDS = 30 * 60


def lang() -> str:
    value = st.session_state.get("lang") or "vi"
    return "en" if value == "en" else "vi"


def t(key: str, **kwargs: Any) -> str:
    """A message of the one catalogue (backend/i18n) in the reader's language."""
    return translate(key, lang(), **kwargs)


def labels(prefix: str, keys: list[str]) -> dict[str, str]:
    """Column labels ``prefix.<key>`` for ``st.dataframe(column_config=…)``."""
    return {key: t(f"{prefix}.{key}") for key in keys}


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
        st.error(t("internal.login.please"))
        st.stop()
    return actor  # type: ignore[return-value]
