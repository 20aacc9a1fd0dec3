"""The one engine factory and the one way to open a session.

Nothing else in the project calls ``create_engine``. SQLite connections get WAL journaling and
foreign-key enforcement; both SQLite and PostgreSQL are brought to the schema by Alembic only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from backend.settings import REPO_ROOT, get_settings


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


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Bring the store at ``url`` to ``revision`` with Alembic (the schema is never changed by hand)."""
    from alembic import command

    engine = get_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    from alembic import command

    engine = get_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


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
    if current != head:
        where = (url or get_settings().effective_database_url).split("@")[-1]
        raise DomainError(
            f"Cơ sở dữ liệu ({where}) chưa được khởi tạo hoặc cập nhật (phiên bản {current or 'trống'}, cần {head}).",
            f"The store ({where}) is not set up or not up to date (schema {current or 'empty'}, needs {head}).",
            hint_vi="Chạy `python -m backend migrate` (hoặc `make seed`).",
            hint_en="Run `python -m backend migrate` (or `make seed`).",
        )
