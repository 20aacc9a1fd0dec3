"""Widgets shared by citizens' public forms: the privacy notice and consent that come first, the optional
contact field, the honeypot field people never see, the outcome message, and citizens' texts shown as plain
text (``st.text``: never Markdown, never HTML)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from backend.errors import DomainError
from backend.services.submission_rules import CONTACT_MAX, HONEYPOT_KEY
from backend.services.submissions import Outcome

#: hides every honeypot field (Streamlit gives a keyed element the class ``st-key-<key>``); moved off-screen
#: rather than ``display: none``, which some robots skip
_HIDE_HONEYPOT = (
    "<style>[class*='st-key-" + HONEYPOT_KEY + "']{position:absolute!important;left:-10000px!important;"
    "width:1px!important;height:1px!important;overflow:hidden!important;}</style>"
)


def consent_gate(t: Callable[..., str], key: str) -> bool:
    """The privacy notice, then the consent box: the form is drawn only once it is ticked."""
    with st.container(border=True):
        st.subheader(t("voice.privacy.title"))
        st.markdown(t("voice.privacy.body"))
        return bool(st.checkbox(t("voice.privacy.agree"), key=f"{key}_consent"))


def contact_and_honeypot(t: Callable[..., str], key: str) -> tuple[str, str]:
    """(optional contact, honeypot value): the contact field with its note, and the hidden field."""
    contact = st.text_input(
        t("voice.form.contact"), key=f"{key}_contact", max_chars=CONTACT_MAX, help=t("voice.form.contact_help")
    )
    st.html(_HIDE_HONEYPOT)
    honeypot = st.text_input(t("voice.form.honeypot"), key=f"{HONEYPOT_KEY}_{key}", label_visibility="collapsed")
    return contact or "", honeypot or ""


def show_outcome(send: Callable[[], Outcome], lang: str) -> bool:
    """Send, and say what became of it; True when accepted. Refusals are shown with each problem."""
    try:
        outcome = send()
    except DomainError as exc:
        st.error(exc.message(lang))
        return False
    if outcome.status == "accepted":
        st.success(outcome.message(lang), icon=":material/check_circle:")
        return True
    st.warning(outcome.message(lang), icon=":material/info:")
    return False


def citizen_text(text: str) -> None:
    """A text a citizen typed, exactly as typed: plain text, never interpreted as Markdown or HTML."""
    st.text(text)
