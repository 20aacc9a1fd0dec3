"""Personal data: stored only as a keyed (salted) hash plus an encrypted copy, under one secret with no default.

The one primitive for every piece of personal data the system keeps: survey respondents' phone numbers (issue 8,
point 8) and citizens' optional contact details on the online forms (issue 11), plus the hashes of citizens'
network addresses and browser sessions that the rate limits count.

* The **hash** (HMAC-SHA-256 of the normalised value, 64 hex characters) finds the same respondent or the same
  contact twice without reading it: the same value always gives the same hash under one key, while a copy of
  the store without the key cannot be reversed by trying every ten-digit number (a public salt would not stop
  that; a per-row random salt would defeat the comparison). Phones and contacts share one hash key, so a phone
  number typed as a contact compares with the same number on a form; addresses have their own.
* The **encrypted copy** (AES-256-GCM, a random 96-bit nonce per value, ``v1:`` tokens) is what the back-check
  role (phones) or a content editor (contacts) decrypts; services check the permission before :meth:`decrypt`.

The three sub-keys are derived (HKDF-SHA-256, one ``info`` label per purpose) from one secret: the setting
``PERSONAL_DATA_KEY`` (urlsafe base64 of 32 bytes, or a passphrase of at least 32 characters), else the file
named by ``PERSONAL_DATA_KEY_FILE`` (default ``<data dir>/personal_data.key``). There is no default key in code:
without one, anything that stores or reads personal data stops with a bilingual message saying how to make one
(``python -m backend personal-key``; ``make run`` makes one for the demo store). Losing the key loses the copies,
and hashes made under another key no longer match.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from backend.errors import DomainError

#: shortest accepted secret (bytes of a decoded key, or characters of a passphrase)
MIN_KEY_LENGTH = 32
_HASH_INFO = b"par-sipas phone hash v1"
_ADDRESS_INFO = b"par-sipas address hash v1"
_ENCRYPT_INFO = b"par-sipas phone encryption v1"
_TOKEN_PREFIX = "v1:"
_AAD = b"personal data"
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


def normalise_contact(value: str) -> str:
    """The comparable form of a contact: a phone number as :func:`normalise_phone` gives it (``+84 912 345 678``
    and ``0912345678`` are the same number); an e-mail address in lower case; anything else trimmed."""
    text = value.strip()
    phone = normalise_phone(text)
    if phone is not None:
        return phone
    if "@" in text:
        return text.lower()
    return " ".join(text.split())


def mask(phone: str | None) -> str:
    """What error reports and logs show instead of a number."""
    return "" if not phone else "•" * 8


def _derive(secret: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


class Vault:
    """Keyed hashes and authenticated encryption of personal data under one secret."""

    def __init__(self, secret: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(secret) < MIN_KEY_LENGTH:
            raise DomainError.of("personal.key_invalid", length=MIN_KEY_LENGTH)
        self._hash_key = _derive(secret, _HASH_INFO)
        self._address_key = _derive(secret, _ADDRESS_INFO)
        self._aead = AESGCM(_derive(secret, _ENCRYPT_INFO))

    def hash(self, phone: str) -> str:
        """HMAC-SHA-256 (hex) of an already normalised value (a phone from :func:`normalise_phone`)."""
        return hmac.new(self._hash_key, phone.encode("utf-8"), sha256).hexdigest()

    def hash_contact(self, value: str) -> str:
        """The hash of a contact detail as typed (normalised first): equal to :meth:`hash` of the same phone."""
        return self.hash(normalise_contact(value))

    def hash_address(self, value: str) -> str:
        """Keyed hash (own key) of a network address or session identifier, 64 hex characters."""
        return hmac.new(self._address_key, value.strip().lower().encode("utf-8"), sha256).hexdigest()

    def encrypt(self, value: str) -> str:
        """``v1:`` + base64(nonce ‖ AES-GCM ciphertext ‖ tag) of the value as given."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), _AAD)
        return _TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The value of an encrypted copy; DomainError when it was made under another key or altered."""
        from cryptography.exceptions import InvalidTag

        try:
            if not token.startswith(_TOKEN_PREFIX):
                raise ValueError(token[:3])
            blob = base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :].encode("ascii"))
            return self._aead.decrypt(blob[:12], blob[12:], _AAD).decode("utf-8")
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
    """The secret's bytes: the decoded key when ``text`` is base64 of at least 32 bytes, else the passphrase's
    UTF-8 bytes when it has at least 32 characters; DomainError otherwise."""
    value = text.strip()
    try:
        secret = base64.b64decode(value.encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, UnicodeEncodeError, binascii.Error):
        secret = b""
    if len(secret) >= MIN_KEY_LENGTH:
        return secret
    if len(value) >= MIN_KEY_LENGTH:
        return value.encode("utf-8")
    raise DomainError.of("personal.key_invalid", length=MIN_KEY_LENGTH)


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


def vault() -> Vault:
    """The vault of the configured key; DomainError (what to set) when no key is configured or it is too short."""
    key = configured_key()
    if not key:
        raise DomainError.of("personal.key_missing", path=str(key_file()))
    return _vault_for(key)


@lru_cache(maxsize=4)
def _vault_for(key: str) -> Vault:
    return Vault(_decode(key))


def available() -> bool:
    """Whether personal data can be stored here (a valid key is configured)."""
    try:
        vault()
    except DomainError:
        return False
    return True


def hash_contact(value: str) -> str:
    """Salted (keyed) hash of a contact detail or phone number as typed, 64 hex characters."""
    return vault().hash_contact(value)


def hash_address(value: str) -> str:
    """Keyed hash of a network address or session identifier (rate limits), 64 hex characters."""
    return vault().hash_address(value)


def encrypt(value: str) -> str:
    """The encrypted copy of ``value`` as given."""
    return vault().encrypt(value)


def decrypt(token: str) -> str:
    """The value of an encrypted copy; a copy made with another key, or altered, is refused."""
    return vault().decrypt(token)


def create_key_file(path: Path) -> bool:
    """Write a new key to ``path`` (owner-only permissions) unless the file exists; True when written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    return True
