"""`restore`: load a backup into an empty store (DATABASE_URL), then verify its audit chain.

python -m backend restore --file BACKUP

SQLite: the backup is copied to the store's path (which must not exist). PostgreSQL: pg_restore into the
(empty) database of DATABASE_URL; create it first (`createdb --owner par_app par_restored`). Exit status 1
when the restored audit chain is broken.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, required=True)


def run(args: argparse.Namespace) -> int:
    from backend.audit import verify_chain
    from backend.db import session_scope
    from backend.ops.backup import restore
    from backend.settings import display_url, get_settings

    url = get_settings().effective_database_url
    restore(url, args.file)
    with session_scope() as session:
        broken = verify_chain(session)
    print(
        f"restored {args.file} into {display_url(url)}; audit chain {'BROKEN at ' + str(broken) if broken else 'intact'}"
    )
    return 1 if broken else 0
