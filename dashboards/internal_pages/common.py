"""Small helpers shared by the internal pages: language, the logged-in actor (its roles re-read from the store
on every run, idle timeout), Vietnam time, column labels and the one form for a result set's next step."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from backend.auth.permissions import Actor
from backend.errors import DomainError
from backend.i18n import t as translate
from backend.settings import get_settings
from dashboards import internal_access as ia


def lang() -> str:
    value = st.session_state.get("lang") or "vi"
    return "en" if value == "en" else "vi"


def t(key: str, **kwargs: Any) -> str:
    """A message of the one catalogue (backend/i18n) in the reader's language."""
    return translate(key, lang(), **kwargs)


def labels(prefix: str, keys: list[str]) -> dict[str, str]:
    """Column labels ``prefix.<key>`` for ``st.dataframe(column_config=…)``."""
    return {key: t(f"{prefix}.{key}") for key in keys}


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def local(moment: Any) -> str:
    """A stored (UTC) time as Vietnam time text, dd/mm/yyyy HH:MM."""
    if moment is None or (not isinstance(moment, dt.datetime) and str(moment) in ("NaT", "None", "")):
        return ""
    value = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(str(moment))
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone()).strftime("%d/%m/%Y %H:%M")


def sign_out(why: str = "logout") -> None:
    actor = st.session_state.get("actor")
    if isinstance(actor, Actor):
        ia.logout(actor, why)
    for key in ("actor", "last_activity"):
        st.session_state.pop(key, None)


def current_actor() -> Actor | None:
    """The logged-in actor with its roles as stored now, or None: never logged in, idle longer than the
    setting (audited ``idle_timeout``), or disabled since."""
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        return None
    if time.time() - float(st.session_state.get("last_activity", 0)) > ia.idle_seconds():
        sign_out("idle_timeout")
        st.session_state["signed_out_idle"] = True
        return None
    fresh = ia.refresh(actor)
    if fresh is None:
        sign_out("disabled")
        return None
    st.session_state["actor"] = fresh
    return fresh


def require_actor() -> Actor:
    actor = st.session_state.get("actor")
    if not isinstance(actor, Actor):
        st.error(t("internal.login.please"))
        st.stop()
    return actor  # type: ignore[return-value]


def show_error(exc: DomainError) -> None:
    st.error(exc.message(lang()))


def step_form(actor: Actor, result_set_id: int, status: str, version: int, key: str) -> None:
    """The next steps ``actor`` may take on a set (a reason where needed; the publication date and hour in
    Vietnam time), sent with the version shown, so a set changed meanwhile is not acted on."""
    done = st.session_state.pop(f"{key}_done", None)
    if done:  # the step taken in the previous run (kept across the rerun that shows the set's new state)
        st.success(done)
    possible = ia.possible_actions(actor, status)
    if not possible:
        return
    st.subheader(t("internal.sets.actions"))
    action = st.radio(
        t("internal.sets.next_step"),
        possible,
        horizontal=True,
        key=f"{key}_action",
        format_func={a: t(f"auth.action.{a}") for a in possible}.get,  # labels made in the reader's language now
    )
    reason = st.text_area(t("internal.sets.reason"), key=f"{key}_reason", max_chars=2000)
    publish_at = None
    if action in ("schedule", "publish"):
        now = dt.datetime.now(zone())
        day = st.date_input(t("internal.sets.publish_day"), value=now.date(), key=f"{key}_day", format="DD/MM/YYYY")
        clock = st.time_input(t("internal.sets.publish_time"), value=dt.time(9, 0), key=f"{key}_time", step=3600)
        publish_at = dt.datetime.combine(day, clock, tzinfo=zone())
        if action == "publish" and st.checkbox(t("staff.panel.publish_now"), key=f"{key}_now"):
            publish_at = None
    if st.button(t("internal.sets.confirm"), key=f"{key}_confirm", type="primary"):
        try:
            ia.transition(actor, result_set_id, str(action), reason, publish_at, version)
        except DomainError as exc:
            show_error(exc)
        else:
            st.session_state[f"{key}_done"] = t("internal.sets.done")
            st.rerun()
