"""Helpers shared by the data-in commands: who is acting, a progress bar on stderr, reading a file argument."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from sqlmodel import Session, select

from backend.auth.permissions import Actor
from backend.auth.users import actor_for
from backend.errors import NotFoundError
from backend.models import User

#: Roles of the command line's operator when no --user is given: whoever runs commands on the server with the
#: store's credentials already holds the data; the back-check contact list (phones) still needs --user.
OPERATOR_ROLES = frozenset({"analyst", "data_officer"})


def add_user_argument(parser: object) -> None:
    parser.add_argument(  # type: ignore[attr-defined]
        "--user",
        help="act as this internal-app user (their roles apply; default: the operator as analyst/data officer)",
    )


def acting(session: Session, username: str | None) -> Actor:
    """The named user's actor, or the operator (``cli:<login>``, analyst and data officer)."""
    if not username:
        return Actor(username=f"cli:{getpass.getuser()}", roles=OPERATOR_ROLES)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFoundError(f"Không có người dùng {username}.", f"No user named {username}.")
    return actor_for(session, user)


class Bar:
    """A one-line progress bar on stderr: ``[#####.....]  50 % validate``."""

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.last = -1

    def __call__(self, fraction: float, stage: str) -> None:
        filled = int(self.width * max(0.0, min(1.0, fraction)))
        percent = int(100 * fraction)
        if percent == self.last and fraction < 1:
            return
        self.last = percent
        end = "\n" if fraction >= 1 else ""
        print(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d} % {stage:<12}",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def read_input(path: str) -> tuple[str, bytes]:
    """(file name, bytes) of a file given on the command line."""
    file = Path(path)
    return file.name, file.read_bytes()
