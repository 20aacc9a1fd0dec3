"""`fieldwork`: fieldwork progress of a survey — planned, received and valid forms per province, commune and
respondent group up to a day, with the lagging units marked.

``python -m backend fieldwork --survey ID [--day YYYY-MM-DD] [--level province|commune|group]``.
"""

from __future__ import annotations

import argparse
import datetime as dt

import pandas as pd

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.i18n import t
from backend.services.fieldwork import fieldwork


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--survey", type=int, required=True)
    parser.add_argument("--day", type=dt.date.fromisoformat)
    parser.add_argument("--level", default="province", choices=("province", "commune", "group"))
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def run(args: argparse.Namespace) -> int:
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        result = fieldwork(session, actor=actor, survey_id=args.survey, day=args.day)
    table = result["tables"][args.level]  # type: ignore[index]
    share = f"{100 * float(result['expected_share']):.0f}"  # type: ignore[arg-type]
    print(t("ingest.cli.as_of", args.lang, day=result["day"], share=share))
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    return 0
