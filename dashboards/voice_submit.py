"""The public app's only way to write: citizens' survey answers, comments and questions, through the anonymous
submission path (backend/services/submissions.py: its own connection that may only insert submissions).

Pages call :func:`token` when they draw a form and one ``submit_*`` function when it is sent; this module adds
who is sending (the connection's address — or, behind a trusted proxy, the forwarded one — and a random id of
the browser session) and renews the form's one-time token after every accepted or duplicate submission. It
holds no rule: limits, checks and the writing are the backend's.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from backend import personal
from backend.services import submission_rules, submissions
from backend.settings import get_settings
from dashboards.components.request import request_address

_SESSION_KEY = "_voice_session"
_TOKENS_KEY = "_voice_tokens"


def available() -> bool:
    """Whether citizens' forms can take submissions here (a personal-data key and a submission login)."""
    settings = get_settings()
    return personal.available() and bool(settings.effective_submission_database_url)


def _client() -> submission_rules.Client:
    session = st.session_state.get(_SESSION_KEY)
    if not session:
        session = st.session_state[_SESSION_KEY] = secrets.token_hex(16)
    return submission_rules.Client(address=request_address(), session=str(session))


def shown(kind: str, target: str) -> None:
    """Call when the form ``kind``/``target`` is drawn: its one-time token is issued now (the time a robot's
    speed is measured from), once, and kept until a submission uses it."""
    token(kind, target)


def token(kind: str, target: str) -> str:
    """The one-time token of the form ``kind``/``target`` (issued at its first use, kept until it is used)."""
    tokens: dict[str, str] = st.session_state.setdefault(_TOKENS_KEY, {})
    key = f"{kind}:{target}"
    if key not in tokens:
        tokens[key] = submission_rules.issue_token(kind, target)
    return tokens[key]


def _renew(kind: str, target: str) -> None:
    st.session_state.setdefault(_TOKENS_KEY, {}).pop(f"{kind}:{target}", None)


def _send(kind: str, target: str, call: Any, **values: Any) -> submissions.Outcome:
    """Send one submission; a used or refused-as-stale token is replaced so the form can be sent again."""
    try:
        outcome: submissions.Outcome = call(client=_client(), token=token(kind, target), **values)
    except submissions.FormRefused as refused:
        if any(key in ("voice.submit.bad_token", "voice.submit.expired") for key, _ in refused.issues):
            _renew(kind, target)
        raise
    if outcome.status in ("accepted", "duplicate"):
        _renew(kind, target)
    return outcome


def submit_survey(code: str, **values: Any) -> submissions.Outcome:
    return _send("survey", code, submissions.submit_survey, survey_code=code, **values)


def submit_comment(code: str, **values: Any) -> submissions.Outcome:
    return _send("comment", code, submissions.submit_comment, consultation_code=code, **values)


def submit_question(**values: Any) -> submissions.Outcome:
    return _send("question", "questions", submissions.submit_question, **values)
