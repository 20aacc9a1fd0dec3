"""`quality`: the high-frequency checks of a survey — flags per interviewer, commune and province with the forms
behind them, and the valid-form rate per province.

``python -m backend quality --list`` lists the surveys; ``--survey ID`` prints the flags and valid rates;
``--score-demo`` (demo surveys) also draws a back-check sample, simulates and imports its calls, and prints how
many planted and how many honest interviewers each kind of check flagged.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.i18n import t
from backend.services.demo_checks import describe, score_demo
from backend.services.quality import survey_quality, surveys, valid_rate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list the surveys")
    parser.add_argument("--survey", type=int, help="survey id")
    parser.add_argument("--score-demo", action="store_true", help="demo: score the checks against the planted truth")
    parser.add_argument("--seed", type=int, default=1, help="seed of the back-check sample (--score-demo)")
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def _print_rates(rates: pd.DataFrame, lang: str) -> None:
    total = rates[["received", "valid"]].sum()
    print(
        rates[["unit_code", "name_en", "received", "valid", "valid_rate"]].to_string(
            index=False, float_format=lambda v: f"{v:.2f}"
        )
    )
    rate = f"{100 * total['valid'] / max(1, total['received']):.2f}"
    print(
        t(
            "ingest.cli.national",
            lang,
            valid=f"{int(total['valid']):,}",
            received=f"{int(total['received']):,}",
            rate=rate,
        )
    )


def run(args: argparse.Namespace) -> int:
    with audited_scope() as session:
        if args.list or args.survey is None:
            print(surveys(session).to_string(index=False))
            return 0
        if args.score_demo:
            result = score_demo(session, args.survey, seed=args.seed)
            print(json.dumps(describe(result), indent=2))
            print(result.flags.groupby(["level", "check"]).size().to_string())
            _print_rates(result.valid_rates, args.lang)
            return 0
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        frame, report = survey_quality(session, actor=actor, survey_id=args.survey)
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        flags = report.flags.assign(forms=report.flags["forms"].map(lambda f: f"{len(f)}: {', '.join(f[:3])}…"))
        print(flags.to_string(index=False) if not flags.empty else t("ingest.cli.no_flags", args.lang))
    _print_rates(valid_rate(frame.forms), args.lang)
    return 0
