"""`load-published`: the published record (official figures with sources) into the store."""

from __future__ import annotations

import argparse

from backend.db import session_scope
from backend.ingest.published import load_published
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the files come from the settings' data folder."""


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        report = load_published(session, settings.published_dir, settings.reference_dir)
    print(report.text(args.lang))
    return 0
