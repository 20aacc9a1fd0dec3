"""`demo`: generate the labelled demo dataset (synthetic SIPAS and PAR survey forms, self-assessment scores).

Progress goes to stderr per year and stage; the summary goes to stdout. Running it again with the same
parameters adds nothing ("already present"); other parameters need ``--replace``.
"""

from __future__ import annotations

import argparse
import sys

from backend.db import session_scope
from backend.demo.generator import generate_demo
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    settings = get_settings()
    parser.add_argument(
        "--years",
        default=settings.demo_years,
        help=f"evaluation years, e.g. 2022-2025 or 2023,2024 (default {settings.demo_years})",
    )
    parser.add_argument(
        "--scale",
        choices=("full", "small"),
        default=settings.demo_scale,
        help=f"full (national size) or small (default {settings.demo_scale})",
    )
    parser.add_argument(
        "--seed", type=int, default=settings.demo_seed, help=f"random seed (default {settings.demo_seed})"
    )
    parser.add_argument(
        "--replace", action="store_true", help="delete an existing demo dataset made with other parameters first"
    )
    parser.add_argument(
        "--delete-results",
        action="store_true",
        help="with --replace: also delete result sets computed from the old demo data",
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    with session_scope() as session:
        report = generate_demo(
            session,
            years=args.years,
            scale=args.scale,
            seed=args.seed,
            replace=args.replace,
            delete_results=args.delete_results,
            progress=_progress,
        )
    print(report)
    return 0
