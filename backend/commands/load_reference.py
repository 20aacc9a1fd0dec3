"""`load-reference`: provinces, ministries, regions, lineage and evaluation years into the store."""

from __future__ import annotations

import argparse

from backend.db import session_scope
from backend.i18n import t
from backend.reference.loader import load_reference
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the files come from the settings' data folder."""


def run(args: argparse.Namespace) -> int:
    with session_scope() as session:
        report = load_reference(session, get_settings().reference_dir)
    print(t("reference.loaded", args.lang, report=report.text(args.lang)))
    return 0
