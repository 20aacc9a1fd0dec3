"""`backcheck`: back-checks (phúc tra) of a survey.

``--draw --survey ID [--share 0.1] [--min 5] [--seed N]`` draws a stratified sample of valid forms;
``--contacts SAMPLE --out FILE.csv --as NAME`` writes the contact list (phone numbers: back-check role only);
``--import SAMPLE FILE`` imports the call outcomes; ``--report SAMPLE`` prints mismatch rates per interviewer,
commune and province and the flagged interviewers; ``--invalidate CODE … --survey ID --reason CODE`` invalidates
forms (analysts).
"""

from __future__ import annotations

import argparse

import pandas as pd

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.commands._common import read_input
from backend.i18n import t
from backend.services import backchecks
from backend.services.exports import csv_bytes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--survey", type=int)
    parser.add_argument("--draw", action="store_true")
    parser.add_argument("--share", type=float)
    parser.add_argument("--min", type=int, dest="minimum")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contacts", type=int, metavar="SAMPLE")
    parser.add_argument("--out")
    parser.add_argument("--import", dest="import_sample", type=int, metavar="SAMPLE")
    parser.add_argument("file", nargs="?")
    parser.add_argument("--report", type=int, metavar="SAMPLE")
    parser.add_argument("--invalidate", nargs="+", metavar="FORM_CODE")
    parser.add_argument("--reason")
    parser.add_argument("--note", default="")
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def run(args: argparse.Namespace) -> int:
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        if args.draw:
            sample = backchecks.draw(
                session,
                actor=actor,
                survey_id=args.survey,
                share=args.share,
                min_per_interviewer=args.minimum,
                seed=args.seed,
            )
            print(t("ingest.cli.sample_drawn", args.lang, id=sample))
        elif args.contacts is not None:
            frame = backchecks.contacts(session, actor=actor, sample_id=args.contacts)
            with open(args.out, "wb") as handle:
                handle.write(csv_bytes(frame))
            print(t("ingest.cli.contacts_written", args.lang, n=f"{len(frame):,}", path=args.out))
        elif args.import_sample is not None:
            name, data = read_input(args.file)
            result = backchecks.import_outcomes(
                session, actor=actor, sample_id=args.import_sample, file_name=name, data=data
            )
            for p in result.problems[:20]:
                print(t("ingest.cli.line", args.lang, line=p["line"], message=p[f"message_{args.lang}"]))
            print(
                t("ingest.cli.outcomes_imported", args.lang, imported=f"{result.imported:,}", rows=f"{result.rows:,}")
            )
            return 1 if result.problems else 0
        elif args.report is not None:
            report = backchecks.report(session, actor=actor, sample_id=args.report)
            with pd.option_context("display.width", 200):
                for level, table in report.rates.items():
                    print(f"\n== {level}\n{table.to_string(float_format=lambda v: f'{v:.2f}')}")
                flagged = report.flagged.to_string() if not report.flagged.empty else t("ingest.cli.none", args.lang)
                print(f"\n== {t('ingest.cli.flagged', args.lang)}\n{flagged}")
        elif args.invalidate:
            changed = backchecks.invalidate(
                session,
                actor=actor,
                survey_id=args.survey,
                form_codes=args.invalidate,
                reason=args.reason,
                note=args.note,
            )
            print(t("ingest.cli.invalidated", args.lang, n=f"{changed:,}"))
    return 0
