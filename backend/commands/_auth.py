"""Who runs a command: ``--as USER`` signs in with the user's password (read from PAR_PASSWORD, or asked for
without echo), through the same login as the internal app (throttled, audited); the password never appears
on the command line. Not a command itself (the leading underscore keeps it out of ``cli.discover``)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Literal, overload

from backend.auth.permissions import Actor
from backend.errors import PermissionDenied
from backend.i18n import bilingual


def add_as(parser: argparse.ArgumentParser, *, help_text: str = "the user who acts (signs in)") -> None:
    parser.add_argument(
        "--as", dest="as_user", metavar="USER", help=f"{help_text}; password from PAR_PASSWORD or a prompt"
    )


def cli_address() -> str:
    """The 'address' of a command-line login, for the per-address throttle: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "cli:?"


@overload
def sign_in(username: str | None, *, required: Literal[True] = True) -> Actor: ...
@overload
def sign_in(username: str | None, *, required: bool) -> Actor | None: ...
def sign_in(username: str | None, *, required: bool = True) -> Actor | None:
    """The signed-in actor for ``--as USER`` (its own committed transaction: a failure is counted and audited
    even though the command then stops), or None when no user is given and ``required`` is false."""
    from backend.auth.login import authenticate
    from backend.db import session_scope

    if not username:
        if required:
            raise PermissionDenied.of("access.cli_as_required")
        return None
    password = os.environ.get("PAR_PASSWORD") or getpass.getpass(
        f"{bilingual('access.prompt_password')} ({username}): "
    )
    with session_scope() as session:
        outcome = authenticate(session, username, password, address=cli_address())
    error = outcome.error()
    if error is not None or outcome.actor is None:
        raise error or PermissionDenied.of("access.cli_login_failed", user=username)
    return outcome.actor


def new_password_from(args: argparse.Namespace) -> tuple[str, bool]:
    """The password of a new account or a reset: random with ``--generate`` (shown once), else PAR_NEW_PASSWORD,
    else asked twice. Returns (password, whether to print it)."""
    from backend.auth.passwords import new_password

    if getattr(args, "generate", False):
        return new_password(), True
    if os.environ.get("PAR_NEW_PASSWORD"):
        return os.environ["PAR_NEW_PASSWORD"], False
    first = getpass.getpass(f"{bilingual('access.prompt_new_password')}: ")
    if getpass.getpass(f"{bilingual('access.prompt_again')}: ") != first:
        from backend.errors import ValidationError

        raise ValidationError.of("access.passwords_differ")
    return first, False
