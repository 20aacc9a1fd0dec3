"""`user`: manage internal-app users: add, disable, enable, reset-password, grant, revoke, list.

python -m backend user add USERNAME --role ROLE [--role ROLE] [--scope UNIT] [--full-name N] [--email E]
    [--generate] --as ADMIN
python -m backend user disable|enable USERNAME [--reason R] --as ADMIN
python -m backend user reset-password USERNAME [--generate] [--reason R] --as ADMIN
python -m backend user grant|revoke USERNAME --role ROLE [--scope UNIT] [--reason R] --as ADMIN
python -m backend user list --as ADMIN

``--as ADMIN`` signs in (password from PAR_PASSWORD or a prompt). On an empty store the first administrator is
added without ``--as`` (bootstrap). New passwords come from PAR_NEW_PASSWORD, a prompt (asked twice), or
``--generate`` (random, printed once); never from the command line. Unit officers are scoped to one unit
(``--scope province_34:01``); a second unit is another ``grant``. Every change is audited.
"""

from __future__ import annotations

import argparse

from backend.commands._auth import add_as, new_password_from, sign_in
from backend.models.users import ROLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several roles")
    add.add_argument("--scope", default="*", help="'*' (national) or '<unit kind>:<code>' for unit officers")
    add.add_argument("--full-name", default="")
    add.add_argument("--email", default=None, help="e-mail (links an OIDC login to this account)")
    add.add_argument("--generate", action="store_true", help="a random password, printed once")
    for name, text in (("disable", "disable an account"), ("enable", "enable an account again")):
        p = sub.add_parser(name, help=text)
        p.add_argument("username")
        p.add_argument("--reason", default="")
    reset = sub.add_parser("reset-password", help="set a new password (lifts a login lock)")
    reset.add_argument("username")
    reset.add_argument("--generate", action="store_true", help="a random password, printed once")
    reset.add_argument("--reason", default="")
    for name, text in (("grant", "give a role"), ("revoke", "take a role away")):
        p = sub.add_parser(name, help=text)
        p.add_argument("username")
        p.add_argument("--role", required=True, choices=ROLES)
        p.add_argument("--scope", default=None, help="the unit of a unit role ('<unit kind>:<code>')")
        p.add_argument("--reason", default="")
    sub.add_parser("list", help="every user with its roles")
    for p in sub.choices.values():
        add_as(p, help_text="the administrator who acts")


def run(args: argparse.Namespace) -> int:
    from backend.audit import audited_scope
    from backend.auth import users
    from backend.auth.permissions import Actor

    actor = sign_in(args.as_user, required=args.action != "add") or Actor.system()
    shown = ""
    with audited_scope() as session:
        if args.action == "add":
            password, show = new_password_from(args)
            users.create_user(
                session,
                actor=actor,
                username=args.username,
                password=password,
                roles=args.role,
                full_name=args.full_name,
                scope=args.scope,
                email=args.email,
            )
            shown = f"user {args.username} added with roles {', '.join(args.role)}"
            shown += f"\npassword (shown once): {password}" if show else ""
        elif args.action in ("disable", "enable"):
            users.set_active(
                session, actor=actor, username=args.username, active=args.action == "enable", reason=args.reason
            )
            shown = f"user {args.username} {args.action}d"
        elif args.action == "reset-password":
            password, show = new_password_from(args)
            users.reset_password(session, actor=actor, username=args.username, password=password, reason=args.reason)
            shown = f"password of {args.username} reset" + (f"\npassword (shown once): {password}" if show else "")
        elif args.action == "grant":
            users.grant_role(
                session,
                actor=actor,
                username=args.username,
                role=args.role,
                scope=args.scope or "*",
                reason=args.reason,
            )
            shown = f"{args.username}: {args.role} granted ({args.scope or '*'})"
        elif args.action == "revoke":
            n = users.revoke_role(
                session, actor=actor, username=args.username, role=args.role, scope=args.scope, reason=args.reason
            )
            shown = f"{args.username}: {args.role} revoked ({n} grant{'s' if n != 1 else ''})"
        else:
            frame = users.list_users(session, actor=actor)
            shown = frame.to_string(index=False) if len(frame) else "no users"
    print(shown)
    return 0
