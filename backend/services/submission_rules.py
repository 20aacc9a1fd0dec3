"""The rules that protect citizens' public forms from abuse, without any third-party service (issue 11 §1, §5).

* **Limits** (:class:`Limits`, from the settings): at most ``per_address`` accepted submissions from one
  network address and ``per_session`` from one browser session within ``window``, over every form together.
* **Form tokens** (:func:`issue_token`, :func:`check_token`): a form carries a one-time token issued when it
  was shown, signed with a key of this process. A token that was not issued here, is for another form, is
  older than ``max_age`` or is sent sooner than ``min_fill`` seconds after it was shown (a robot) is refused;
  the store keeps every used token under a UNIQUE constraint, so a replayed submission is refused.
* **Honeypot** (:data:`HONEYPOT_KEY`): a field people never see; whatever fills it is a robot, whose
  submission is answered like any other and thrown away.
* **Lengths** (:data:`TEXT_MAX`, :data:`CONTACT_MAX`, :func:`clean_text`): longer input is refused with a
  message, never cut silently; control characters other than line breaks and tabs are removed.
* **Duplicates** (:func:`fingerprint`): a submission whose content equals one already accepted from the same
  address or session within :data:`DUPLICATE_WINDOW` is not stored again.
* **Address**: :func:`backend.auth.addresses.client_address` (the same rule as the login throttle's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from backend.settings import get_settings

#: longest free text (answer, comment, question), characters
TEXT_MAX = 2000
#: shortest question, characters
QUESTION_MIN = 10
#: longest contact detail (an e-mail address may have 254 characters, RFC 5321)
CONTACT_MAX = 254
#: the honeypot field's widget key (hidden from people by the page's style)
HONEYPOT_KEY = "voice_website"
DUPLICATE_WINDOW = dt.timedelta(hours=24)
_PROCESS_KEY = secrets.token_bytes(32)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTACT = re.compile(r"^([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,185}\.[A-Za-z]{2,24}|\+?[\d\s().-]{8,20})$")


@dataclass(frozen=True)
class Limits:
    per_address: int
    per_session: int
    window: dt.timedelta
    min_fill: dt.timedelta
    max_age: dt.timedelta

    @classmethod
    def from_settings(cls) -> Limits:
        s = get_settings()
        return cls(
            per_address=s.voice_limit_per_address,
            per_session=s.voice_limit_per_session,
            window=dt.timedelta(minutes=s.voice_window_minutes),
            min_fill=dt.timedelta(seconds=s.voice_min_fill_seconds),
            max_age=dt.timedelta(minutes=s.voice_form_max_age_minutes),
        )


@dataclass(frozen=True)
class Client:
    """Who sends a submission, as far as the server can tell: a network address and a browser session."""

    address: str
    session: str


def _signature(kind: str, target: str, stamp: str, nonce: str) -> str:
    message = f"{kind}:{target}:{stamp}:{nonce}".encode()
    return hmac.new(_PROCESS_KEY, message, hashlib.sha256).hexdigest()[:24]


def issue_token(kind: str, target: str, now: dt.datetime | None = None) -> str:
    """A one-time token for a form of ``kind`` about ``target`` (a survey's or consultation's code)."""
    moment = now or dt.datetime.now(dt.UTC)
    stamp = str(int(moment.timestamp() * 1000))
    nonce = secrets.token_hex(12)
    return f"{stamp}.{nonce}.{_signature(kind, target, stamp, nonce)}"


def check_token(token: str, kind: str, target: str, limits: Limits, now: dt.datetime | None = None) -> str | None:
    """None when ``token`` may be used now for this form; otherwise the catalogue key of the reason."""
    parts = token.split(".") if isinstance(token, str) and len(token) <= 64 else []
    if len(parts) != 3 or not parts[0].isdigit():
        return "voice.submit.bad_token"
    stamp, nonce, signature = parts
    if not hmac.compare_digest(signature, _signature(kind, target, stamp, nonce)):
        return "voice.submit.bad_token"
    issued = dt.datetime.fromtimestamp(int(stamp) / 1000, dt.UTC)
    age = (now or dt.datetime.now(dt.UTC)) - issued
    if age < limits.min_fill:
        return "voice.submit.too_fast"
    if age > limits.max_age:
        return "voice.submit.expired"
    return None


def clean_text(value: Any, *, limit: int = TEXT_MAX) -> tuple[str, bool]:
    """(the text without control characters and outer spaces, whether it fits ``limit``)."""
    text = _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text, len(text) <= limit


def contact_ok(value: str) -> bool:
    """An optional contact is an e-mail address, or a phone number of 8 to 15 digits (E.164 allows 15)."""
    if len(value) > CONTACT_MAX or not _CONTACT.match(value):
        return False
    return "@" in value or 8 <= sum(ch.isdigit() for ch in value) <= 15


def fingerprint_text(kind: str, target: str, content: Any) -> str:
    """The canonical text whose keyed hash identifies a submission's content (case and spacing ignored)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return f"{kind}:{target}:" + " ".join(canonical.casefold().split())
