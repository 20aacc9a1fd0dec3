"""What the public side of the system may read, and how the store enforces it.

The list of readable objects lives in the store itself, in the table ``public_grant`` (one row per object,
``column_name`` ``*`` for every column), written by the migrations that create those objects. Both stores
enforce that one list:

* **PostgreSQL**: the NOLOGIN role ``par_public`` (:data:`PUBLIC_ROLE`) is granted SELECT on exactly those
  objects by the SQL function ``par_grant_public()`` (migration 0002); the public app logs in as a member of
  that role (e.g. ``par_web``, created by an administrator). Draft and embargoed result sets stay out of
  reach because the role may read only the views ``public_result_set`` / ``public_result_row``, whose
  WHERE clause is the one visibility rule, never the base tables.
* **SQLite**: the public connection opens the file read-only (``mode=ro``) and installs
  :class:`PublicAuthorizer`, which allows reading the listed objects (a view may read the base tables it
  is defined on, as PostgreSQL views do with their owner's rights) and denies everything else: other
  tables and columns, every write, schema change, ATTACH and PRAGMA.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.errors import DomainError

#: the PostgreSQL role whose members are the public app's login users
PUBLIC_ROLE = "par_public"
#: the table listing what the public may read (``column_name`` ``*`` = every column)
GRANT_TABLE = "public_grant"
ALL_COLUMNS = "*"

#: tables a public login must not be able to read (checked on every new PostgreSQL connection)
_NEVER_PUBLIC = ("result_set", "result_row", "app_user", "survey_form", "audit_log")

#: harmless read-only pragmas SQLAlchemy issues on connect (``PRAGMA read_uncommitted`` with no value) and
#: SQLite's FTS5 reads when it opens a full-text table (``PRAGMA data_version``)
_PRAGMAS_READ = frozenset({"read_uncommitted", "data_version"})
#: When FTS5 opens a full-text table (the search index of migration 0008) it prepares a statement that updates
#: sqlite_master by its ROWID; the authorizer must allow that check (the UPDATE of sqlite_master's columns and the
#: read of its ROWID, nothing else of it), or no full-text table can be read. Nothing can write it: the connection
#: is read-only (mode=ro, query_only) and sqlite_master is never writable without PRAGMA writable_schema, which is
#: denied.
_SCHEMA_TABLE = "sqlite_master"


def read_grants(connection: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """The readable objects of a SQLite store: object name → column names (``*`` = every column)."""
    rows = connection.execute(f"SELECT object_name, column_name FROM {GRANT_TABLE}").fetchall()
    grants: dict[str, set[str]] = {}
    for name, column in rows:
        grants.setdefault(str(name), set()).add(str(column))
    return {name: frozenset(columns) for name, columns in grants.items()}


def sqlite_views(connection: sqlite3.Connection) -> frozenset[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall()
    return frozenset(str(r[0]) for r in rows)


class PublicAuthorizer:
    """``sqlite3.Connection.set_authorizer`` callback of the public connection: the SQLite counterpart of
    the ``par_public`` role. Reading is allowed for the columns listed in ``public_grant`` and, inside a
    listed view, for what that view reads; SELECT, functions, transactions and recursive queries are
    allowed; everything else (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, PRAGMA …) is denied."""

    _ALLOWED = frozenset(
        {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_RECURSIVE}
    )

    def __init__(self, grants: Mapping[str, frozenset[str]], views: frozenset[str]) -> None:
        self.grants = dict(grants)
        self.views = frozenset(v for v in views if v in self.grants)

    def __call__(self, action: int, arg1: str | None, arg2: str | None, db_name: str | None, source: str | None) -> int:
        if action in self._ALLOWED:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            if arg1 == _SCHEMA_TABLE and arg2 == "ROWID" and db_name == "main":
                return sqlite3.SQLITE_OK
            return sqlite3.SQLITE_OK if self.may_read(arg1 or "", arg2 or "", db_name, source) else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and arg1 in _PRAGMAS_READ and arg2 is None:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and arg1 == _SCHEMA_TABLE and db_name == "main" and source is None:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    def may_read(self, table: str, column: str, db_name: str | None, source: str | None) -> bool:
        """``column`` of ``table`` ('' when no column is read, e.g. ``count(*)``), read from top-level SQL
        (``source`` None) or from inside the view or trigger ``source``."""
        if db_name not in (None, "main"):
            return False
        if source is not None and source in self.views:
            return True
        columns = self.grants.get(table, frozenset())
        return ALL_COLUMNS in columns or (bool(column) and column in columns)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite store at ``path`` with the public authorizer installed."""
    uri = path.resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute("PRAGMA query_only=ON")
    authorizer = PublicAuthorizer(read_grants(connection), sqlite_views(connection))
    connection.set_authorizer(authorizer)
    return connection


def refuse_powerful_login(dbapi_connection: Any, _record: Any = None) -> None:
    """PostgreSQL ``connect`` hook of the public engine: refuse a login that can read a base result table,
    users, survey forms or the audit log (for instance the owner's login put in PUBLIC_DATABASE_URL by
    mistake). Rule: the public login reads through par_public only."""
    checks = " OR ".join(f"has_table_privilege('{table}', 'SELECT')" for table in _NEVER_PUBLIC)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"SELECT current_user, {checks}")
        user, too_powerful = cursor.fetchone()
    finally:
        cursor.close()
        dbapi_connection.rollback()
    if too_powerful:
        raise DomainError.of(
            "store.public_login_too_powerful", hint="store.public_url_missing_hint", user=user, role=PUBLIC_ROLE
        )
