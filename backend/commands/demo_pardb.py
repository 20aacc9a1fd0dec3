"""`demo-pardb`: generate the labelled demo entries of the PAR database (documents and figures, indexed for search).

Replaces an earlier demo dataset of the PAR database (``demo-pardb``); official entries are never touched.
``--remove`` only deletes the demo entries.
"""

from __future__ import annotations

import argparse

from backend.db import get_engine
from backend.demo.pardb import generate_pardb_demo, remove_pardb_demo
from backend.demo.spec import parse_years
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    settings = get_settings()
    parser.add_argument("--documents", type=int, default=2_000, help="number of demo documents (default 2000)")
    parser.add_argument(
        "--years", default=settings.demo_years, help=f"years, e.g. 2022-2025 (default {settings.demo_years})"
    )
    parser.add_argument(
        "--seed", type=int, default=settings.demo_seed, help=f"random seed (default {settings.demo_seed})"
    )
    parser.add_argument("--remove", action="store_true", help="delete the demo entries and generate nothing")


def run(args: argparse.Namespace) -> int:
    with get_engine().begin() as connection:
        if args.remove:
            print(f"removed {remove_pardb_demo(connection):,} demo documents")
            return 0
        report = generate_pardb_demo(
            connection, documents=args.documents, years=parse_years(args.years), seed=args.seed
        )
    print(report)
    return 0
