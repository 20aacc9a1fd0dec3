"""What the anonymous submission path may do in the store, and how the store enforces it.

Citizens' answers, comments and questions are writes by people without an account. They go neither through the
public app's read-only connection nor through the owner's: they use a third connection whose rights are the
list in the table ``submission_grant`` (migration 0008) — INSERT into the five submission tables, SELECT on
what checking a submission needs (open surveys and their items, open consultations, topics, units, and the
hashes the rate limits and the duplicate check count). Nothing else: it cannot read a citizen's answers or
contact details, update or delete anything, or touch any other table.

* **PostgreSQL**: the NOLOGIN role ``par_submit`` (:data:`SUBMIT_ROLE`) holds exactly these privileges
  (``par_grant_submit()``); the submission login (e.g. ``par_form``) is a member of it.
  :func:`refuse_powerful_login` refuses a login that could do more (such as the owner's URL put in
  ``SUBMISSION_DATABASE_URL`` by mistake).
* **SQLite**: the connection opens the store's file and installs :class:`SubmissionAuthorizer`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.errors import DomainError
from backend.public_access import PublicAuthorizer, sqlite_views

#: the PostgreSQL role whose members may submit
SUBMIT_ROLE = "par_submit"
GRANT_TABLE = "submission_grant"

#: (table, privilege) a submission login must NOT have (checked on every new PostgreSQL connection)
_NEVER = (
    ("app_user", "SELECT"),
    ("audit_log", "SELECT"),
    ("result_set", "SELECT"),
    ("voice_answer", "SELECT"),
    ("question", "SELECT"),
    ("consultation_comment", "SELECT"),
    ("voice_response", "UPDATE"),
    ("voice_survey", "UPDATE"),
    ("voice_submission", "DELETE"),
)


def read_grants(connection: sqlite3.Connection) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """(readable object → columns, tables one may insert into) of a SQLite store's submission list."""
    rows = connection.execute(f"SELECT object_name, column_name, privilege FROM {GRANT_TABLE}").fetchall()
    reads: dict[str, set[str]] = {}
    inserts: set[str] = set()
    for name, column, privilege in rows:
        if privilege == "INSERT":
            inserts.add(str(name))
        elif privilege == "SELECT":
            reads.setdefault(str(name), set()).add(str(column))
    return {name: frozenset(columns) for name, columns in reads.items()}, frozenset(inserts)


class SubmissionAuthorizer(PublicAuthorizer):
    """``sqlite3.Connection.set_authorizer`` callback of the submission connection: the SQLite counterpart of
    ``par_submit``. Reads as the public authorizer does, over the submission list's SELECT grants; INSERT into
    the listed tables; every other write, schema change, ATTACH and PRAGMA is denied."""

    def __init__(self, grants: Mapping[str, frozenset[str]], views: frozenset[str], inserts: frozenset[str]) -> None:
        super().__init__(grants, views)
        self.inserts = inserts

    def __call__(self, action: int, arg1: str | None, arg2: str | None, db_name: str | None, source: str | None) -> int:
        if action == sqlite3.SQLITE_INSERT:
            allowed = arg1 in self.inserts and db_name in (None, "main") and source is None
            return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_UPDATE:  # this connection may write: no update at all, not even the FTS5 check
            return sqlite3.SQLITE_DENY
        return super().__call__(action, arg1, arg2, db_name, source)


def connect_submitter(path: Path) -> sqlite3.Connection:
    """A connection to the SQLite store at ``path`` that may only do what ``submission_grant`` lists."""
    connection = sqlite3.connect(str(path.resolve()), check_same_thread=False, timeout=30)
    for pragma in ("foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    grants, inserts = read_grants(connection)
    for table, column in foreign_key_parents(connection, inserts):
        grants[table] = grants.get(table, frozenset()) | {column}
    connection.set_authorizer(SubmissionAuthorizer(grants, sqlite_views(connection), inserts))
    return connection


def foreign_key_parents(connection: sqlite3.Connection, tables: frozenset[str]) -> set[tuple[str, str]]:
    """(parent table, key column) of every foreign key of ``tables``. SQLite asks the authorizer before an
    INSERT's foreign-key check reads the parent key; PostgreSQL makes that check with the owner's rights. So
    the SQLite submission connection may read those key columns (ids and codes, nothing else) too."""
    parents: set[tuple[str, str]] = set()
    for table in sorted(tables):
        for row in connection.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            parents.add((str(row[2]), str(row[4])))
    return parents


def refuse_powerful_login(dbapi_connection: Any, _record: Any = None) -> None:
    """PostgreSQL ``connect`` hook of the submission engine: refuse a login that may read users, the audit log,
    result sets or citizens' answers, or change or delete submissions. Rule: submissions go through
    par_submit only."""
    checks = " OR ".join(f"has_table_privilege('{table}', '{privilege}')" for table, privilege in _NEVER)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"SELECT current_user, {checks}")
        user, too_powerful = cursor.fetchone()
    finally:
        cursor.close()
        dbapi_connection.rollback()
    if too_powerful:
        raise DomainError.of("voice.store.submit_login_too_powerful", user=user, role=SUBMIT_ROLE)
