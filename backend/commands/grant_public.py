"""`grant-public`: grant the public role par_public SELECT on what the public app may read (PostgreSQL).

Migration 0002 does this itself when the role exists or the migrating user may create it. Otherwise an
administrator creates the role (README, Running on PostgreSQL) and the store's owner runs this command.
The list of objects is the table ``public_grant`` in the store; running it again changes nothing.
"""

from __future__ import annotations

import argparse

from sqlalchemy import text

from backend.db import get_engine
from backend.errors import DomainError
from backend.i18n import t
from backend.public_access import GRANT_TABLE, PUBLIC_ROLE

ADMIN_SQL = f"CREATE ROLE {PUBLIC_ROLE} NOLOGIN; CREATE ROLE par_web LOGIN PASSWORD '…' IN ROLE {PUBLIC_ROLE};"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the role and the list are fixed by the migrations."""


def run(args: argparse.Namespace) -> int:
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        print(t("store.public_sqlite", args.lang))
        return 0
    with engine.begin() as connection:
        granted = connection.execute(text("SELECT par_grant_public()")).scalar()
        objects = connection.execute(text(f"SELECT DISTINCT object_name FROM {GRANT_TABLE} ORDER BY 1")).scalars()
        names = ", ".join(objects)
    if not granted:
        raise DomainError.of("store.public_role_missing", role=PUBLIC_ROLE, sql=ADMIN_SQL)
    print(t("store.public_granted", args.lang, role=PUBLIC_ROLE, objects=names))
    return 0
