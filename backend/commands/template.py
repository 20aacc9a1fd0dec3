"""`template`: write the import template of a kind and year, generated from the questionnaire and framework files.

``python -m backend template --kind sipas|official|self-assessment|plan --year 2024 --out FILE.xlsx|FILE.csv
[--format xlsform]``: CSV (header row), XLSX (data sheet with dropdowns, an explanation sheet) or, for the two
surveys, an XLSForm for ODK Collect / KoboToolbox / ODK Central (``--format xlsform``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.db import session_scope
from backend.i18n import t
from backend.services.reports import template_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", required=True, choices=("sipas", "official", "self-assessment", "plan"))
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", required=True, help="output file (.csv or .xlsx)")
    parser.add_argument("--format", choices=("csv", "xlsx", "xlsform"), help="default: from the --out suffix")
    parser.add_argument("--scope", default="province", choices=("province", "ministry"), help="self-assessment scope")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    with session_scope() as session:
        _, data = template_file(session, args.kind, args.year, fmt, args.scope)
    out.write_bytes(data)
    print(t("ingest.cli.template_written", args.lang, path=out, size=f"{len(data):,}"))
    return 0
