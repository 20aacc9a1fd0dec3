"""PostgreSQL set up as the README says: an owner that may not create roles, an administrator who creates
the public roles afterwards, and passwords made of the characters URLs and config files treat specially."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from backend.cli import main
from backend.db import get_engine, get_public_engine, session_scope
from backend.errors import DomainError
from backend.public_access import PUBLIC_ROLE
from backend.services import public_query as q
from tests.conftest import PUBLIC_LOGIN, PUBLIC_PASSWORD, clear_caches, public_login
from tests.pg import PostgresServer

pytestmark = pytest.mark.pg

OWNER = "par_app"
OWNER_PASSWORD = "0wner@host:5432/db#frag%25?a=1&b= x"


def _drop_public_roles(server: PostgresServer) -> None:
    """A cluster without the public roles (their privileges in every database are dropped first)."""
    import psycopg

    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        roles = [r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname IN ('par_web', 'par_public')")]
        databases = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")]
    if not roles:
        return
    for database in databases:
        server.execute(f"DROP OWNED BY {', '.join(roles)}", database=database)
    server.execute(*(f"DROP ROLE {role}" for role in roles))


@pytest.fixture
def owner_store(pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database owned by par_app (LOGIN, no CREATEROLE), configured through DATABASE_URL without the
    password and DATABASE_PASSWORD, in a cluster where par_public does not exist yet."""
    _drop_public_roles(pg_server)
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.execute(
        f"DO $$ BEGIN CREATE ROLE {OWNER} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        f"ALTER ROLE {OWNER} PASSWORD '{OWNER_PASSWORD}'",
        f'CREATE DATABASE "{name}" OWNER {OWNER}',
    )
    url = pg_server.url(name, user=OWNER)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_PASSWORD", OWNER_PASSWORD)
    monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
    clear_caches()
    yield url
    get_engine().dispose()
    clear_caches()
    pg_server.drop_database(url)


def test_readme_setup_with_an_owner_that_may_not_create_roles(
    pg_server: PostgresServer,
    owner_store: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with caplog.at_level(logging.WARNING, logger="backend.migrations"):
        assert main(["migrate"]) == 0  # the owner's password has @ : / # % ? & and a space
    assert f"CREATE ROLE {PUBLIC_ROLE} NOLOGIN" in caplog.text and "grant-public" in caplog.text
    assert main(["load-reference"]) == 0
    assert main(["grant-public"]) == 2  # no role yet: says what the administrator runs
    err = capsys.readouterr().err
    assert f"CREATE ROLE {PUBLIC_ROLE} NOLOGIN" in err and "Traceback" not in err
    with pytest.raises(DomainError, match="PUBLIC_DATABASE_URL"):  # never the owner's login instead
        get_public_engine()

    public_login(pg_server, owner_store, monkeypatch)  # the administrator creates par_public and par_web
    assert main(["grant-public"]) == 0
    assert "public_result_set" in capsys.readouterr().out
    with session_scope(get_public_engine()) as session:
        assert len(q.units_frame(session)) == 125
    with pytest.raises(DBAPIError), get_public_engine().connect() as connection:
        connection.execute(text("SELECT count(*) FROM result_set"))


def test_passwords_with_special_characters(pg_server: PostgresServer, pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PUBLIC_DATABASE_PASSWORD needs no escaping; a percent-encoded password in the URL works as well;
    a wrong password is refused (the cluster really checks passwords)."""
    main(["migrate"])
    public_url = public_login(pg_server, pg_url, monkeypatch)
    with get_public_engine().connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == PUBLIC_LOGIN

    encoded = public_url.replace(f"{PUBLIC_LOGIN}@", f"{PUBLIC_LOGIN}:{quote(PUBLIC_PASSWORD, safe='')}@")
    monkeypatch.setenv("PUBLIC_DATABASE_URL", encoded)
    monkeypatch.setenv("PUBLIC_DATABASE_PASSWORD", "")
    clear_caches()
    with get_public_engine().connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == PUBLIC_LOGIN

    monkeypatch.setenv("PUBLIC_DATABASE_URL", public_url)
    monkeypatch.setenv("PUBLIC_DATABASE_PASSWORD", PUBLIC_PASSWORD + "x")
    clear_caches()
    with pytest.raises(OperationalError), get_public_engine().connect():
        pass
    clear_caches()


def test_the_owners_login_is_refused_as_the_public_login(pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PUBLIC_DATABASE_URL set to a login that can read the base tables (here the superuser) is refused."""
    main(["migrate"])
    monkeypatch.setenv("PUBLIC_DATABASE_URL", pg_url)
    clear_caches()
    with pytest.raises(DomainError, match=PUBLIC_ROLE), get_public_engine().connect():
        pass
    clear_caches()
