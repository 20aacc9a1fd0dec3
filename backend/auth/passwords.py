"""Argon2id password hashing (argon2-cffi defaults, RFC 9106 low-memory profile).

:func:`verify_unknown` spends the same work as a real verification, for a username that does not exist or
a disabled account: a login takes as long whether the user exists or not (no username enumeration by time).
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.errors import ValidationError

_HASHER = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = 256  # longer input is refused before hashing (no hashing of megabytes)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; ValidationError when it is shorter than MIN_LENGTH or longer than
    MAX_LENGTH characters."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        raise ValidationError.of("access.password_length", low=MIN_LENGTH, high=MAX_LENGTH)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password with the same parameters as real ones (made once per process)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def verify_unknown(password: str) -> bool:
    """The cost of :func:`verify_password` without a user: always False."""
    verify_password(_dummy_hash(), password)
    return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def new_password() -> str:
    """A random password (16 URL-safe characters) for new accounts and resets."""
    return secrets.token_urlsafe(12)
