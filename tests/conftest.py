"""Shared fixtures.

- ``reference_store``: a file SQLite store (session-wide template) migrated with Alembic and loaded with
  reference data; each test that asks for ``store_url`` gets its own copy of it, and DATABASE_URL plus
  the settings/engine caches point at that copy for the duration of the test.
- ``pg_url``: a throwaway PostgreSQL database (see tests/pg.py); tests using it are skipped only when
  PostgreSQL cannot be started at all and PAR_REQUIRE_PG is not set (``make test`` sets it).
- ``pg_public_url``: on that database (once migrated), the public app's login ``par_web`` (member of
  ``par_public``) with a password made of every character URLs and config files treat specially, set as
  PUBLIC_DATABASE_URL + PUBLIC_DATABASE_PASSWORD.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from backend.db import get_engine, get_public_engine, get_submission_engine, migrate, session_scope
from backend.personal import new_key
from backend.reference.loader import load_reference
from backend.settings import REPO_ROOT, get_settings

# Respondents' phones are hashed and encrypted with a key from the settings (no default in code): the tests
# make a fresh random one per process, never a committed secret.
os.environ.setdefault("PERSONAL_DATA_KEY", new_key())

#: login of the public app in the PostgreSQL tests, and its password: @ : / # % ? & and a space
PUBLIC_LOGIN = "par_web"
PUBLIC_PASSWORD = "p@ss:w/o#r%d?&x y"


def clear_caches() -> None:
    """Forget the settings and every engine (after the environment changed)."""
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_public_engine.cache_clear()
    get_submission_engine.cache_clear()


def _point_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    clear_caches()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id with the smallest cost in tests (real logins take ~0.1-0.5 s each by design): the same code
    paths, hashes and verifications, a thousand times cheaper. bench/bench_login.py measures the real cost."""
    from argon2 import PasswordHasher

    from backend.auth import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
        passwords._dummy_hash.cache_clear()
        yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a migrated SQLite file with reference data, built once per test session."""
    path = tmp_path_factory.mktemp("template") / "reference.db"
    url = f"sqlite:///{path}"
    migrate(url)
    with session_scope(get_engine(url)) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
    get_engine(url).dispose()
    get_engine.cache_clear()
    return path


@pytest.fixture
def store_url(reference_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """URL of a private copy of the reference store; settings and engine caches point at it."""
    path = tmp_path / "store.db"
    shutil.copy(reference_store, path)
    url = f"sqlite:///{path}"
    _point_at(url, monkeypatch)
    yield url
    get_engine(url).dispose()
    clear_caches()


@pytest.fixture
def session(store_url: str) -> Iterator[Session]:
    """A session on the private store; committed work stays visible to later code in the same test."""
    with session_scope(get_engine(store_url)) as s:
        yield s


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    from tests.pg import PostgresServer

    server = PostgresServer.start_or_none()
    if server is None:
        if os.environ.get("PAR_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required (PAR_REQUIRE_PG is set) but could not be started")
        pytest.skip("PostgreSQL is not available on this machine")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped afterwards)."""
    from tests.pg import PostgresServer

    assert isinstance(pg_server, PostgresServer)
    url = pg_server.create_database()
    _point_at(url, monkeypatch)
    yield url
    get_engine(url).dispose()
    clear_caches()
    pg_server.drop_database(url)


def public_login(server: object, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The public login on the database of ``database_url``, configured as the public app would be: the URL
    without its password in PUBLIC_DATABASE_URL, the password in PUBLIC_DATABASE_PASSWORD. Roles belong to
    the cluster: they are created here when missing, as the administrator of the README would."""
    from psycopg import sql

    from backend.public_access import PUBLIC_ROLE
    from tests.pg import PostgresServer

    assert isinstance(server, PostgresServer)
    for statement in (
        f"CREATE ROLE {PUBLIC_ROLE} NOLOGIN",
        f"CREATE ROLE {PUBLIC_LOGIN} LOGIN IN ROLE {PUBLIC_ROLE}",
    ):
        server.execute(f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    password = sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(PUBLIC_LOGIN), sql.Literal(PUBLIC_PASSWORD))
    server.execute(password.as_string())
    url = server.url(database_url.rsplit("/", 1)[1], user=PUBLIC_LOGIN)
    monkeypatch.setenv("PUBLIC_DATABASE_URL", url)
    monkeypatch.setenv("PUBLIC_DATABASE_PASSWORD", PUBLIC_PASSWORD)
    clear_caches()
    return url


@pytest.fixture
def pg_public_url(pg_server: object, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The public login (``par_web``, member of ``par_public``) on the ``pg_url`` database."""
    return public_login(pg_server, pg_url, monkeypatch)
