"""`backup`: write a backup of the store (SQLite backup API, or pg_dump --format=custom for PostgreSQL).

python -m backend backup [--out DIR]      (default data/backups; the file is readable by its owner only)
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="folder (default data/backups)")


def run(args: argparse.Namespace) -> int:
    from backend.db import schema_state
    from backend.ops.backup import backup
    from backend.settings import get_settings

    settings = get_settings()
    current, _ = schema_state()
    print(backup(settings.effective_database_url, args.out or settings.data_dir / "backups", current))
    return 0
