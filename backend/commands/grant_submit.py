"""`grant-submit`: grant the submission role par_submit what citizens' forms need (PostgreSQL).

Migration 0008 does this itself when the role exists or the migrating user may create it. Otherwise an
administrator creates the role and its login (README, Running on PostgreSQL) and the store's owner runs this
command. The list is the table ``submission_grant`` in the store; running it again changes nothing.
"""

from __future__ import annotations

import argparse

from sqlalchemy import text

from backend.db import get_engine
from backend.errors import DomainError
from backend.i18n import t
from backend.submission_access import GRANT_TABLE, SUBMIT_ROLE

ADMIN_SQL = f"CREATE ROLE {SUBMIT_ROLE} NOLOGIN; CREATE ROLE par_form LOGIN PASSWORD '…' IN ROLE {SUBMIT_ROLE};"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the role and the list are fixed by the migrations."""


def run(args: argparse.Namespace) -> int:
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        print(t("voice.store.submit_sqlite", "en"))
        return 0
    with engine.begin() as connection:
        granted = connection.execute(text("SELECT par_grant_submit()")).scalar()
        rows = connection.execute(text(f"SELECT DISTINCT object_name FROM {GRANT_TABLE} ORDER BY 1")).scalars()
        names = ", ".join(rows)
    if not granted:
        raise DomainError.of("voice.store.submit_role_missing", role=SUBMIT_ROLE, sql=ADMIN_SQL)
    print(t("voice.store.submit_granted", "en", role=SUBMIT_ROLE, objects=names))
    return 0
