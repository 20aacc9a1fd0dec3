"""`migrate`: bring the store to the newest schema, after a backup (the one explicit migration step).

python -m backend migrate [--revision head] [--backup-dir DIR] [--no-backup]

A store that already has a schema and is behind is backed up first (backend/ops/backup.py: SQLite backup
API or pg_dump) into data/backups/ (or --backup-dir); an empty store or one already at the target needs none.
The apps never migrate: the public and internal apps only check the schema and say what to run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.db import migrate, schema_state
from backend.i18n import t
from backend.settings import display_url, get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="Alembic revision (default: head)")
    parser.add_argument("--backup-dir", type=Path, default=None, help="where the backup goes (default data/backups)")
    parser.add_argument("--no-backup", action="store_true", help="skip the backup (throwaway or demo stores only)")


def backup_before_migrating(backup_dir: Path | None, revision: str = "head") -> Path | None:
    """Back up the store when it has a schema that the migration would change; returns the file or None."""
    from backend.ops.backup import backup

    current, head = schema_state()
    if current is None or current == (head if revision == "head" else revision):
        return None
    settings = get_settings()
    return backup(settings.effective_database_url, backup_dir or settings.data_dir / "backups", current)


def run(args: argparse.Namespace) -> int:
    if not args.no_backup:
        saved = backup_before_migrating(args.backup_dir, args.revision)
        if saved is not None:
            print(f"backup written: {saved}")
    migrate(revision=args.revision)
    where = display_url(get_settings().effective_database_url)
    print(t("store.migrated", args.lang, where=where, revision=args.revision))
    return 0
