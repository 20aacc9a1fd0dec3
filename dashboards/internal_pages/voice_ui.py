"""Helpers of the internal pages of citizens' voice and the PAR database: run one action and say how it went."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from backend.errors import DomainError
from dashboards.internal_pages.common import lang, t

#: staff type dates and times in Vietnam time
VN = dt.timezone(dt.timedelta(hours=7))


def run(action: Callable[[], Any], done: str | None = None) -> bool:
    """Run one adapter call; show "done" (or ``done``) or the backend's bilingual message. True on success."""
    try:
        action()
    except DomainError as exc:
        st.error(exc.message(lang()))
        return False
    st.success(done or t("voice.staff.done"))
    return True
