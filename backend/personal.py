"""Personal data: stored only as a salted hash plus an encrypted copy, with keys from the settings.

The one primitive for every piece of personal data the system keeps: citizens' optional contact details
(online surveys, consultations, questions; issue 11) and survey respondents' phone numbers (issue 8, rule 8:
"phone numbers stored only as a salted hash plus an encrypted copy (a key from settings, no default in code)").

* :func:`hash_contact` — HMAC-SHA256 of the normalised value. The salt is a secret key (derived from
  ``PERSONAL_DATA_KEY``), the same for every value, so the same person gives the same hash (duplicate and
  same-respondent checks compare hashes) while a copy of the store without the key cannot be reversed by
  trying every phone number (a per-row random salt would defeat the comparison; a public salt would not stop
  the enumeration of ten-digit numbers).
* :func:`encrypt` / :func:`decrypt` — Fernet (AES-128-CBC with HMAC-SHA256 authentication, from the
  ``cryptography`` package) with a second derived key: the copy only a permitted role reads.
* :func:`hash_address` — the same keyed hash, with its own key, for network addresses and browser sessions
  (rate limits count them; they are never stored in clear).

The three keys are derived from the one secret with HKDF-SHA256 (RFC 5869), one ``info`` label per purpose,
so a hash key never doubles as an encryption key. The secret has no default: without it these functions
raise a bilingual :class:`~backend.errors.DomainError` saying what to set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from backend.errors import DomainError
from backend.settings import get_settings

#: shortest accepted PERSONAL_DATA_KEY (characters)
MIN_KEY_LENGTH = 32
_PHONE = re.compile(r"^\+?[\d\s().-]{8,20}$")


@dataclass(frozen=True)
class _Keys:
    contact: bytes
    address: bytes
    fernet: bytes


@lru_cache(maxsize=4)
def _derive(secret: str) -> _Keys:
    """Three 32-byte keys from the secret (HKDF-SHA256, one label per purpose)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def derive(label: str) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(secret.encode())

    return _Keys(
        contact=derive("par-sipas contact hash v1"),
        address=derive("par-sipas address hash v1"),
        fernet=base64.urlsafe_b64encode(derive("par-sipas contact encryption v1")),
    )


def _keys() -> _Keys:
    secret = get_settings().personal_data_key.get_secret_value()
    if len(secret) < MIN_KEY_LENGTH:
        raise DomainError.of("personal.key_missing", length=MIN_KEY_LENGTH)
    return _derive(secret)


def available() -> bool:
    """Whether personal data can be stored (PERSONAL_DATA_KEY is set and long enough)."""
    return len(get_settings().personal_data_key.get_secret_value()) >= MIN_KEY_LENGTH


def normalise_contact(value: str) -> str:
    """The comparable form of a contact: an e-mail address in lower case; a phone number as its digits in the
    national form (``+84 912 345 678`` and ``0912345678`` are the same number); anything else trimmed."""
    text = value.strip()
    if "@" in text:
        return text.lower()
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        if digits.startswith("84") and len(digits) >= 11:
            digits = "0" + digits[2:]
        return digits
    return " ".join(text.split())


def hash_contact(value: str) -> str:
    """Salted (keyed) hash of a contact detail or phone number, 64 hex characters."""
    return hmac.new(_keys().contact, normalise_contact(value).encode("utf-8"), hashlib.sha256).hexdigest()


def hash_address(value: str) -> str:
    """Keyed hash of a network address or session identifier (rate limits), 64 hex characters."""
    return hmac.new(_keys().address, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    """The encrypted copy (Fernet token, text) of ``value`` as given."""
    from cryptography.fernet import Fernet

    return Fernet(_keys().fernet).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The value of an encrypted copy; a copy made with another key, or altered, is refused."""
    from cryptography.fernet import Fernet, InvalidToken

    try:
        return Fernet(_keys().fernet).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise DomainError.of("personal.undecryptable") from exc
