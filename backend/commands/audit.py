"""`audit`: check the audit trail's hash chain and head, or export events.

python -m backend audit verify
python -m backend audit export --out FILE.csv [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--actor A]
    [--action X] --as USER

``verify`` recomputes every entry's hash and compares the log with its recorded head (deleted newest entries
are detected); exit status 1 when anything is wrong (suitable for a scheduled job). ``export`` writes the
matching events as CSV (spreadsheet formulas neutralised) and is itself an audited event.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from backend.commands._auth import add_as


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="check the hash chain and its head")
    export = sub.add_parser("export", help="write events as CSV")
    export.add_argument("--out", required=True, type=Path)
    export.add_argument("--since", type=dt.date.fromisoformat, default=None)
    export.add_argument("--until", type=dt.date.fromisoformat, default=None)
    export.add_argument("--actor", default="")
    export.add_argument("--action", dest="actions", action="append", default=[])
    add_as(export, help_text="who exports (needs the export_audit permission)")


def run(args: argparse.Namespace) -> int:
    from backend.audit import audited_scope, check_chain
    from backend.db import session_scope

    if args.action == "verify":
        with session_scope() as session:
            result = check_chain(session)
        print(
            f"entries {result.entries}, head {result.head_entries}, broken {list(result.broken)[:20]}, "
            f"head matches: {result.head_matches}"
        )
        print("intact" if result.intact else "NOT INTACT")
        return 0 if result.intact else 1
    from backend.commands._auth import sign_in
    from backend.services.exports import csv_bytes
    from backend.services.internal_query import AuditFilter, export_audit

    actor = sign_in(args.as_user)
    flt = AuditFilter(since=args.since, until=args.until, actor=args.actor, actions=tuple(args.actions), limit=100_000)
    with audited_scope() as session:
        frame = export_audit(session, actor=actor, flt=flt)
    args.out.write_bytes(csv_bytes(frame))
    print(f"{len(frame)} events written to {args.out}")
    return 0
