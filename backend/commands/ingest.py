"""`ingest`: import a CSV or XLSX file of SIPAS household forms, officials' (PAR) survey forms, self-assessment
scores or a fieldwork plan.

``python -m backend ingest --kind sipas|official|self-assessment|plan --year 2024 FILE [--mode all-or-nothing|quarantine]
[--dry-run] [--errors report.csv|report.xlsx]``. A progress bar runs on stderr; the summary (read, valid,
quarantined, duplicates, loaded) goes to stdout with the first problems; ``--errors`` writes every problem (line,
column, value, rule, message in Vietnamese and English) to a file. Exit status 1 when nothing could be loaded
because of problems.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.commands._common import Bar, read_input
from backend.i18n import t
from backend.services.ingestion import ImportRequest, ImportSummary, import_file
from backend.services.reports import error_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV or XLSX file")
    parser.add_argument("--kind", required=True, choices=("sipas", "official", "self-assessment", "plan"))
    parser.add_argument("--year", type=int, required=True, help="evaluation year")
    parser.add_argument("--mode", default="all-or-nothing", choices=("all-or-nothing", "quarantine"))
    parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    parser.add_argument("--dataset", default="official", help="dataset to import into (default: official)")
    parser.add_argument("--scope", default="province", choices=("province", "ministry"), help="self-assessment scope")
    parser.add_argument("--errors", help="write the error report to this .csv or .xlsx file")
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def describe(summary: ImportSummary, lang: str = "en") -> str:
    """One line on what an import read, kept and wrote, in ``lang``."""
    if summary.already_batch is not None:
        return t("ingest.batch.already", lang, batch=summary.already_batch)
    counts = {k: f"{v:,}" for k, v in summary.counts().items()}
    line = t(
        "ingest.cli.summary",
        lang,
        read=counts["read"],
        valid=counts["valid"],
        quarantined=counts["quarantined"],
        duplicates=counts["duplicates"],
        loaded=counts["loaded"],
        answers=f"{summary.answers_loaded:,}",
        seconds=f"{summary.seconds:.1f}",
        encoding=summary.encoding or "-",
        separator=repr(summary.separator),
        decimal=repr(summary.decimal),
    )
    if summary.dry_run:
        line += t("ingest.cli.dry_run", lang)
    elif summary.batch_id is not None:
        line += t("ingest.cli.batch", lang, batch=summary.batch_id)
    elif summary.problems:
        line += t("ingest.cli.nothing_written", lang)
    return line


def run(args: argparse.Namespace) -> int:
    name, data = read_input(args.file)
    request = ImportRequest(
        kind=args.kind,
        year=args.year,
        file_name=name,
        data=data,
        mode=args.mode.replace("-", "_"),
        dry_run=args.dry_run,
        dataset=args.dataset,
        scope=args.scope,
    )
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        summary = import_file(session, actor=actor, request=request, progress=Bar())
    print(describe(summary, args.lang))
    for problem in summary.problems[:20]:
        print(t("ingest.cli.line", args.lang, line=problem.line, message=problem.message(args.lang)))
    if len(summary.problems) > 20:
        print(t("ingest.cli.more", args.lang, n=f"{len(summary.problems) - 20:,}"))
    if args.errors:
        target = Path(args.errors)
        target.write_bytes(error_report(summary, "xlsx" if target.suffix.lower() == ".xlsx" else "csv"))
        print(t("ingest.cli.error_report", args.lang, path=target))
    return 1 if summary.problems and not summary.loaded and not summary.dry_run else 0
