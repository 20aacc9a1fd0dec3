"""`init`: set up an official (production) store: schema, reference data, methodology, the published record and
a first administrator — no demo users, no demo data, no results.

python -m backend init [--admin USERNAME] [--full-name NAME]

The administrator's password comes from PAR_ADMIN_PASSWORD or is asked twice at the prompt (never from the
command line). Refused on a store that already has users or demo data. `make run` stays the demo; this is the
first command of a real deployment (docs/deployment.md), after which the administrator creates the other
users (`create-user`) and the analysts load and compute the real inputs.
"""

from __future__ import annotations

import argparse
import getpass
import os

from backend.i18n import bilingual

MIN_PASSWORD = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", default="admin", help="user name of the first administrator")
    parser.add_argument("--full-name", default="", help="full name of the first administrator")
    parser.add_argument("--no-backup", action="store_true", help="skip the backup before migrating")


def _password() -> str:
    from backend.errors import ValidationError

    given = os.environ.get("PAR_ADMIN_PASSWORD")
    if given is None:
        given = getpass.getpass(bilingual("ops.init.password_prompt") + ": ")
        if getpass.getpass(bilingual("ops.init.password_repeat") + ": ") != given:
            raise ValidationError.of("ops.init.password_mismatch")
    if len(given) < MIN_PASSWORD:
        raise ValidationError.of("ops.init.password_short", n=MIN_PASSWORD)
    return given


def run(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from backend.auth.permissions import Actor
    from backend.auth.users import create_user
    from backend.commands.migrate import backup_before_migrating
    from backend.commands.seed import step
    from backend.db import get_engine, migrate, session_scope
    from backend.errors import DomainError
    from backend.frameworks import load_all, sync_frameworks
    from backend.ingest.published import load_published
    from backend.logs import log_event
    from backend.models import Dataset, User
    from backend.reference.loader import load_reference
    from backend.settings import get_settings

    settings = get_settings()
    password = _password()
    if not args.no_backup and (saved := backup_before_migrating(None)) is not None:
        print(f"backup written: {saved}")
    migrate()
    with session_scope() as session:
        if session.exec(select(User)).first() is not None:
            raise DomainError.of("ops.init.has_users")
        if session.exec(select(Dataset).where(Dataset.kind == "demo")).first() is not None:
            raise DomainError.of("ops.init.has_demo")
    with step("reference") as session:
        load_reference(session, settings.reference_dir)
    with step("frameworks") as session:
        sync_frameworks(session, load_all(settings.frameworks_dir))
    with step("published") as session:
        load_published(session, settings.published_dir, settings.reference_dir)
    with session_scope() as session:
        create_user(
            session,
            actor=Actor.system(),
            username=args.admin,
            password=password,
            roles=["admin"],
            full_name=args.full_name,
        )
    get_engine().dispose()
    log_event("init.done", roles=["admin"])
    print(f"official store ready; administrator '{args.admin}' created. Next: create-user for the other staff.")
    return 0
