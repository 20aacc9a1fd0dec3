"""The one engine factory and the one way to open a session.

Nothing else in the project calls ``create_engine``. :func:`get_engine` is the store as its owner sees it
(SQLite connections get WAL journaling and foreign-key enforcement); :func:`get_public_engine` is the
public app's read-only view of it (see ``backend/public_access.py``). Both SQLite and PostgreSQL are
brought to the schema by Alembic only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool, StaticPool
from sqlmodel import Session, create_engine

from backend.settings import REPO_ROOT, display_url, get_settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """Engine for ``url`` (default: the settings' store), created once per URL and process."""
    settings = get_settings()
    url = url or settings.effective_database_url
    kwargs: dict[str, Any] = {"echo": settings.sql_echo}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            kwargs.update(connect_args={"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        kwargs.update(pool_pre_ping=True)
        engine = create_engine(url, **kwargs)
    return engine


@lru_cache(maxsize=8)
def get_public_engine(url: str | None = None) -> Engine:
    """The public app's engine for ``url`` (default: the settings' public URL), created once per URL.

    SQLite: the store's file opened read-only with the public authorizer (published rows only, no writes).
    PostgreSQL: a login role of ``par_public``; every transaction is read-only as well. Without a public
    URL on PostgreSQL there is no public engine: the owner's login is never used by the public app."""
    from backend.errors import DomainError
    from backend.public_access import connect_read_only, refuse_powerful_login

    settings = get_settings()
    url = url or settings.effective_public_database_url
    if not url:
        raise DomainError.of("store.public_url_missing")
    if url.startswith("sqlite"):
        database = make_url(url).database
        if not database or database == ":memory:":
            raise ValueError("the public engine needs a SQLite file, not an in-memory store")
        path = Path(database)
        return create_engine(
            "sqlite://", creator=lambda: connect_read_only(path), poolclass=QueuePool, echo=settings.sql_echo
        )
    engine = create_engine(
        url,
        echo=settings.sql_echo,
        pool_pre_ping=True,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )
    event.listen(engine, "connect", refuse_powerful_login)
    return engine


@lru_cache(maxsize=8)
def get_submission_engine(url: str | None = None) -> Engine:
    """The engine of citizens' anonymous submissions for ``url`` (default: the settings' submission URL).

    SQLite: the store's file with the submission authorizer (INSERT into the submission tables, SELECT on what
    checking them needs, nothing else). PostgreSQL: a login role of ``par_submit``. Without a submission URL on
    PostgreSQL there is no such engine: the owner's login is never used for anonymous writes."""
    from backend.errors import DomainError
    from backend.submission_access import connect_submitter, refuse_powerful_login

    settings = get_settings()
    url = url or settings.effective_submission_database_url
    if not url:
        raise DomainError.of("voice.store.submit_url_missing")
    if url.startswith("sqlite"):
        database = make_url(url).database
        if not database or database == ":memory:":
            raise ValueError("the submission engine needs a SQLite file, not an in-memory store")
        path = Path(database)
        return create_engine(
            "sqlite://", creator=lambda: connect_submitter(path), poolclass=QueuePool, echo=settings.sql_echo
        )
    engine = create_engine(url, echo=settings.sql_echo, pool_pre_ping=True)
    event.listen(engine, "connect", refuse_powerful_login)
    return engine


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None) -> Any:
    """Alembic configuration pointing at backend/migrations, for ``url`` (default: settings)."""
    from alembic.config import Config

    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "backend" / "migrations"))
    cfg.set_main_option(
        "sqlalchemy.url",
        (url or get_settings().effective_database_url).replace("%", "%%"),
    )
    return cfg


def _run_alembic(url: str | None, step: Any) -> None:
    """Run an Alembic command on one connection. On SQLite, foreign keys are off while it runs, because
    batch mode rebuilds a table by copy, drop and rename (SQLite's documented procedure for changing a
    column); every foreign key is checked before the work is committed."""
    engine = get_engine(url)
    cfg = alembic_config(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                step(cfg)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken foreign keys, e.g. {tuple(broken[0])}")


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Bring the store at ``url`` to ``revision`` with Alembic (the schema is never changed by hand)."""
    from alembic import command

    _run_alembic(url, lambda cfg: command.upgrade(cfg, revision))


def downgrade(url: str | None = None, revision: str = "base") -> None:
    from alembic import command

    _run_alembic(url, lambda cfg: command.downgrade(cfg, revision))


def schema_state(url: str | None = None) -> tuple[str | None, str]:
    """(revision the store is at or None, newest revision in backend/migrations)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head() or ""
    with get_engine(url).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def ensure_current(url: str | None = None) -> None:
    """Raise a clear error when the store has not been migrated to the newest schema."""
    from backend.errors import DomainError

    current, head = schema_state(url)
    if current == head:
        return
    where = display_url(url or get_settings().effective_database_url)
    key = "store.schema_empty" if current is None else "store.schema_outdated"
    raise DomainError.of(key, hint="store.schema_hint", where=where, current=current, head=head)
