"""`demo`: generate the labelled demo dataset (synthetic SIPAS and PAR survey forms, self-assessment scores).

Progress goes to stderr per year and stage; the summary goes to stdout. Running it again with the same
parameters adds nothing ("already present"); other parameters need ``--replace``.

``--targets`` prints the calibration targets derived from data/published (backend/demo/calibration.py) and
generates nothing; ``--check`` prints the computed demo result sets against those targets and fails (exit 1)
when one is out of tolerance.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from backend.db import session_scope
from backend.demo.calibration import demo_targets, targets_frame
from backend.demo.generator import generate_demo
from backend.i18n import t
from backend.services.calibration import demo_vs_targets, format_table
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
    parser.add_argument(
        "--targets", action="store_true", help="print the calibration targets derived from data/published and stop"
    )
    parser.add_argument(
        "--check", action="store_true", help="print the computed demo against its targets; exit 1 if out of tolerance"
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_targets(lang: str) -> int:
    settings = get_settings()
    frame = targets_frame(demo_targets(settings.published_dir, settings.reference_dir).values())
    numbers = ["index", "scope", "year", "mean", "sd", "low", "high", "n_rows", "n_units", "n_fit", "basis_year"]
    with pd.option_context("display.width", 200):
        print(frame[numbers].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    for row in frame.itertuples(index=False):
        print(f"\n{row.index} {row.scope} {row.year}")
        for name in ("mean", "sd", "low", "high"):
            print(f"  {name}: {getattr(row, name + '_source')}")
    print("\n" + t("demo_data.cli.later_years", lang, year=int(frame["year"].max())))
    return 0


def _check(lang: str) -> int:
    with session_scope() as session:
        table = demo_vs_targets(session)
    print(format_table(table))
    problems = [p for p in table["problems"] if p]
    for problem in problems:
        print(t("demo_data.cli.out_of_tolerance", lang, problem=problem), file=sys.stderr)
    return 1 if problems or table.empty else 0


def run(args: argparse.Namespace) -> int:
    if args.targets:
        return _print_targets(args.lang)
    if args.check:
        return _check(args.lang)
    with session_scope() as session:
        report = generate_demo(
            session,
            years=args.years,
            scale=args.scale,
            seed=args.seed,
            replace=args.replace,
            delete_results=args.delete_results,
            progress=_progress,
            lang=args.lang,
        )
    print(report.text(args.lang))
    return 0
