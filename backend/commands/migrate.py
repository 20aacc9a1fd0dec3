"""`migrate`: bring the store to the newest schema."""

from __future__ import annotations

import argparse

from backend.db import migrate
from backend.i18n import t
from backend.settings import display_url, get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="Alembic revision (default: head)")


def run(args: argparse.Namespace) -> int:
    migrate(revision=args.revision)
    where = display_url(get_settings().effective_database_url)
    print(t("store.migrated", args.lang, where=where, revision=args.revision))
    return 0
