"""`create-user`: add an internal-app user. The password comes from PAR_NEW_PASSWORD or a prompt,
never from the command line (it would stay in the shell history)."""

from __future__ import annotations

import argparse
import getpass
import os

from backend.auth.permissions import Actor
from backend.auth.users import create_user
from backend.db import session_scope
from backend.i18n import bilingual, t
from backend.models.users import ROLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--full-name", default="")
    parser.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several roles")
    parser.add_argument("--scope", default="*", help="'*' (national) or '<unit kind>:<code>' for unit officers")


def run(args: argparse.Namespace) -> int:
    password = os.environ.get("PAR_NEW_PASSWORD") or getpass.getpass(f"{bilingual('cli.create_user.password')}: ")
    with session_scope() as session:
        user = create_user(
            session,
            actor=Actor.system(),
            username=args.username,
            password=password,
            roles=args.role,
            full_name=args.full_name,
            scope=args.scope,
        )
    print(t("cli.create_user.created", args.lang, username=user.username, roles=", ".join(args.role)))
    return 0
