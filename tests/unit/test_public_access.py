"""The public side's settings, engine and SQLite authorizer (rules of backend/public_access.py,
backend/settings.py and backend/db.get_public_engine)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from backend.db import get_public_engine
from backend.errors import DomainError
from backend.public_access import PublicAuthorizer
from backend.settings import Settings, display_url, with_password
from tests.conftest import clear_caches

SPECIAL = "p@ss:w/o#r%d?&x y"
GRANTS = {
    "public_result_set": frozenset({"*"}),
    "unit": frozenset({"*"}),
    "dataset": frozenset({"id", "name", "kind"}),
}
AUTHORIZER = PublicAuthorizer(GRANTS, frozenset({"public_result_set", "some_other_view"}))


def test_a_password_with_special_characters_survives_the_url() -> None:
    url = with_password("postgresql+psycopg://par_web@127.0.0.1:5432/par", SPECIAL)
    parsed = make_url(url)
    assert parsed.password == SPECIAL and parsed.username == "par_web" and parsed.host == "127.0.0.1"
    assert parsed.database == "par" and parsed.port == 5432
    assert SPECIAL not in display_url(url) and "***" in display_url(url)


def test_no_password_leaves_the_url_as_written() -> None:
    url = "postgresql+psycopg://par_web:p%40ss@127.0.0.1/par"
    assert with_password(url, "") == url
    assert make_url(url).password == "p@ss"


def test_public_url_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "DATABASE_PASSWORD", "PUBLIC_DATABASE_URL", "PUBLIC_DATABASE_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    sqlite = Settings(_env_file=None)  # type: ignore[call-arg]
    assert sqlite.effective_public_database_url == sqlite.effective_database_url  # the same file, read-only
    pg = Settings(_env_file=None, database_url="postgresql+psycopg://par_app@db/par", database_password=SPECIAL)  # type: ignore[call-arg]
    assert make_url(pg.effective_database_url).password == SPECIAL
    assert pg.effective_public_database_url == ""  # never the owner's login
    public = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url="postgresql+psycopg://par_app@db/par",
        public_database_url="postgresql+psycopg://par_web@db/par",
        public_database_password=SPECIAL,
    )
    assert make_url(public.effective_public_database_url).username == "par_web"
    assert make_url(public.effective_public_database_url).password == SPECIAL
    assert SPECIAL not in repr(public)  # passwords are secrets
    with pytest.raises(ValueError):
        Settings(_env_file=None, public_database_url="mysql://x@y/z")  # type: ignore[call-arg]


def test_no_public_engine_without_a_public_url_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://par_app@127.0.0.1:9/par")
    monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
    clear_caches()
    with pytest.raises(DomainError, match="PUBLIC_DATABASE_URL") as caught:
        get_public_engine()
    assert "par_public" in caught.value.message("vi") and "par_public" in caught.value.message("en")
    with pytest.raises(ValueError):
        get_public_engine("sqlite://")
    clear_caches()


@pytest.mark.parametrize(
    "table, column, source, allowed",
    [
        ("unit", "name_vi", None, True),
        ("unit", "", None, True),  # count(*) reads no column
        ("dataset", "name", None, True),
        ("dataset", "parameters", None, False),
        ("dataset", "", None, False),
        ("public_result_set", "id", None, True),
        ("result_set", "status", None, False),
        ("result_set", "status", "public_result_set", True),  # the view reads its base table
        ("result_set", "status", "some_other_view", False),  # a view that is not granted
        ("app_user", "password_hash", None, False),
        ("survey_form", "phone_encrypted", None, False),
        ("audit_log", "actor", None, False),
    ],
)
def test_the_authorizer_reads_only_what_is_granted(table: str, column: str, source: str | None, allowed: bool) -> None:
    expected = sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY
    assert AUTHORIZER(sqlite3.SQLITE_READ, table, column, "main", source) == expected


def test_the_authorizer_refuses_every_other_action() -> None:
    assert AUTHORIZER(sqlite3.SQLITE_READ, "unit", "code", "temp", None) == sqlite3.SQLITE_DENY
    for action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_TRANSACTION):
        assert AUTHORIZER(action, None, None, None, None) == sqlite3.SQLITE_OK
    assert AUTHORIZER(sqlite3.SQLITE_PRAGMA, "read_uncommitted", None, None, None) == sqlite3.SQLITE_OK
    denied = [
        (sqlite3.SQLITE_PRAGMA, "read_uncommitted", "1"),
        (sqlite3.SQLITE_PRAGMA, "query_only", "0"),
        (sqlite3.SQLITE_INSERT, "unit", None),
        (sqlite3.SQLITE_UPDATE, "unit", "name_vi"),
        (sqlite3.SQLITE_DELETE, "audit_log", None),
        (sqlite3.SQLITE_DROP_TRIGGER, "audit_log_no_update", "audit_log"),
        (sqlite3.SQLITE_CREATE_TEMP_VIEW, "public_result_set", None),
        (sqlite3.SQLITE_ATTACH, ":memory:", None),
        (sqlite3.SQLITE_ALTER_TABLE, "main", "unit"),
    ]
    for action, arg1, arg2 in denied:
        assert AUTHORIZER(action, arg1, arg2, None, None) == sqlite3.SQLITE_DENY, (action, arg1)
