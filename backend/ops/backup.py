"""Backups of the store, and restoring one: the step before every migration of an official store.

* SQLite: SQLite's online backup API (a consistent copy even while the apps read), ``<name>-<time>-<rev>.db``.
* PostgreSQL: ``pg_dump --format=custom`` (schema, data, grants, the audit triggers), restored with
  ``pg_restore`` into an empty database; passwords go through the environment (``PGPASSWORD``), never the
  command line. The restored copy's audit chain is checked with :func:`backend.audit.verify_chain`
  (``python -m backend restore`` does it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from backend.errors import DomainError


def _stamp(revision: str | None) -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{revision or 'empty'}"


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    parsed = make_url(url)
    args = ["--host", parsed.host or "localhost", "--port", str(parsed.port or 5432)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DomainError.of("ops.backup.tool_missing", tool=name)
    return found


def backup(url: str, folder: Path, revision: str | None = None) -> Path:
    """A backup of the store at ``url`` in ``folder`` (created, readable by its owner only); returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    if url.startswith("sqlite"):
        source = Path(make_url(url).database or "")
        target = folder / f"{source.stem}-{_stamp(revision)}.db"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        os.chmod(target, 0o600)
        return target
    database = make_url(url).database or ""
    target = folder / f"{database}-{_stamp(revision)}.dump"
    args, env = _pg_args(url)
    command = [_tool("pg_dump"), *args, "--format=custom", "--file", str(target), database]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DomainError.of("ops.backup.failed", detail=done.stderr.strip()[:300])
    os.chmod(target, 0o600)
    return target


def restore(url: str, file: Path) -> None:
    """Restore ``file`` into the (empty) store at ``url``: a SQLite file is copied into place (refused when the
    target exists); a PostgreSQL dump is loaded with pg_restore, stopping at the first error."""
    if url.startswith("sqlite"):
        target = Path(make_url(url).database or "")
        if target.exists():
            raise DomainError.of("ops.backup.target_exists", path=str(target))
        with sqlite3.connect(file) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    args, env = _pg_args(url)
    database = make_url(url).database or ""
    command = [_tool("pg_restore"), *args, "--exit-on-error", "--no-owner", "--dbname", database, str(file)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DomainError.of("ops.backup.failed", detail=done.stderr.strip()[:300])
