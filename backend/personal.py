"""Respondents' phone numbers: stored only as a keyed (salted) hash plus an encrypted copy (issue 8, point 8).

* The **hash** (HMAC-SHA-256 of the normalised number) lets the validators and quality checks find the same
  respondent twice without ever reading the number: the same number always gives the same hash under one key.
* The **encrypted copy** (AES-256-GCM, a random 96-bit nonce per value) is what the back-check role decrypts to
  call respondents; no other role can read it (services check ``view_phones`` before :meth:`PhoneVault.decrypt`).

Both sub-keys are derived (HKDF-SHA-256, distinct ``info`` labels) from one 32-byte secret: the setting
``PERSONAL_DATA_KEY`` (urlsafe base64), or the file named by ``PERSONAL_DATA_KEY_FILE`` (default
``<data dir>/personal_data.key``). There is no default key in code: without one, anything that stores or reads
phones stops with a message saying how to make one (``python -m backend personal-key``; `make run` makes one for
the demo store). Losing the key loses the phone copies, and hashes made under another key no longer match.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from backend.errors import DomainError

_HASH_INFO = b"par-sipas phone hash v1"
_ENCRYPT_INFO = b"par-sipas phone encryption v1"
_TOKEN_PREFIX = "v1:"
_AAD = b"respondent_phone"
_PHONE = re.compile(r"^0\d{9,10}$")
_SEPARATORS = re.compile(r"[\s.\-()/]")


def normalise_phone(text: object) -> str | None:
    """A Vietnamese phone number as 10-11 digits starting with 0 (spaces, dots, dashes, brackets dropped;
    ``+84``/``84`` country prefix → ``0``); None when empty or not a phone number."""
    if text is None:
        return None
    raw = str(text).strip()
    if raw.endswith(".0") and raw[:-2].isdigit():  # a number read from a spreadsheet as a float
        raw = raw[:-2]
    raw = _SEPARATORS.sub("", raw)
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    elif raw.isdigit() and len(raw) in (9, 10) and not raw.startswith("0"):  # leading 0 lost by a spreadsheet
        raw = "0" + raw
    return raw if _PHONE.match(raw) else None


def mask(phone: str | None) -> str:
    """What error reports and logs show instead of a number."""
    return "" if not phone else "•" * 8


def _derive(secret: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


class PhoneVault:
    """Keyed hash and authenticated encryption of phone numbers under one secret."""

    def __init__(self, secret: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(secret) != 32:
            raise DomainError.of("personal.key_invalid")
        self._hash_key = _derive(secret, _HASH_INFO)
        self._aead = AESGCM(_derive(secret, _ENCRYPT_INFO))

    def hash(self, phone: str) -> str:
        """HMAC-SHA-256 (hex) of the normalised number."""
        return hmac.new(self._hash_key, phone.encode("ascii"), sha256).hexdigest()

    def encrypt(self, phone: str) -> str:
        """``v1:`` + base64(nonce ‖ AES-GCM ciphertext ‖ tag)."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, phone.encode("ascii"), _AAD)
        return _TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The number of an encrypted copy; DomainError when it was made under another key or altered."""
        from cryptography.exceptions import InvalidTag

        try:
            if not token.startswith(_TOKEN_PREFIX):
                raise ValueError(token[:3])
            blob = base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :].encode("ascii"))
            return self._aead.decrypt(blob[:12], blob[12:], _AAD).decode("ascii")
        except (InvalidTag, ValueError) as exc:
            raise DomainError.of("personal.decrypt_failed") from exc

    def seal(self, phone: object) -> tuple[str | None, str | None]:
        """(hash, encrypted copy) of a number as typed, or (None, None) when it is empty or not a number."""
        number = normalise_phone(phone)
        if number is None:
            return None, None
        return self.hash(number), self.encrypt(number)


def new_key() -> str:
    """A fresh random secret in the settings' format (urlsafe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _decode(text: str) -> bytes:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DomainError.of("personal.key_invalid") from exc
    if len(secret) != 32:
        raise DomainError.of("personal.key_invalid")
    return secret


def key_file() -> Path:
    """Where the key file is looked for (``PERSONAL_DATA_KEY_FILE`` or ``<data dir>/personal_data.key``)."""
    from backend.settings import get_settings

    settings = get_settings()
    return settings.personal_data_key_file or settings.data_dir / "personal_data.key"


def configured_key() -> str | None:
    """The secret from the settings or the key file; None when neither is there."""
    from backend.settings import get_settings

    value = get_settings().personal_data_key.get_secret_value().strip()
    if value:
        return value
    path = key_file()
    return path.read_text(encoding="ascii").strip() if path.is_file() else None


def vault() -> PhoneVault:
    """The vault of the configured key; DomainError (what to set) when no key is configured."""
    key = configured_key()
    if not key:
        raise DomainError.of("personal.key_missing", path=str(key_file()))
    return _vault_for(key)


@lru_cache(maxsize=4)
def _vault_for(key: str) -> PhoneVault:
    return PhoneVault(_decode(key))


def create_key_file(path: Path) -> bool:
    """Write a new key to ``path`` (owner-only permissions) unless the file exists; True when written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    return True
