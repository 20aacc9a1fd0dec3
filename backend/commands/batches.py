"""`batches`: list import batches, roll one back, or export the open quarantined rows.

``python -m backend batches`` lists them; ``--rollback ID --reason TEXT`` deletes what batch ID loaded (refused
while an approved or published result set depends on it); ``--quarantine FILE.csv`` writes the open quarantined
rows (phones only as encrypted copies, errors in both languages) to correct and import again.
"""

from __future__ import annotations

import argparse

import pandas as pd

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.i18n import t
from backend.services.batches import list_batches, quarantine_frame, rollback_batch
from backend.services.exports import csv_bytes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rollback", type=int, help="batch id to roll back")
    parser.add_argument("--reason", default="", help="why (required with --rollback)")
    parser.add_argument("--quarantine", help="write the open quarantined rows to this CSV file")
    parser.add_argument("--batch", type=int, help="with --quarantine: only this batch")
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def run(args: argparse.Namespace) -> int:
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        if args.rollback is not None:
            deleted = rollback_batch(session, actor=actor, batch_id=args.rollback, reason=args.reason)
            counts = ", ".join(f"{k} {v:,}" for k, v in deleted.items())
            print(t("ingest.cli.rolled_back", args.lang, id=args.rollback, counts=counts))
            return 0
        if args.quarantine:
            frame = quarantine_frame(session, actor=actor, batch_id=args.batch)
            with open(args.quarantine, "wb") as handle:
                handle.write(csv_bytes(frame))
            print(t("ingest.cli.quarantine_written", args.lang, n=f"{len(frame):,}", path=args.quarantine))
            return 0
        frame = list_batches(session, actor=actor)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(
            frame.drop(columns=["sha256"]).to_string(index=False)
            if not frame.empty
            else t("ingest.cli.no_batches", args.lang)
        )
    return 0
