"""`report`: draft the annual report of an approved or published result set (DOCX from the template, and PDF).

python -m backend report --result-set ID --out DIR [--lang vi|en|both] [--no-pdf]
python -m backend report --write-template DIR      (the default templates, never over an existing file)

The template is data/report/report_<lang>.docx (editable in Word or LibreOffice; see data/report/README.md).
The PDF is made by LibreOffice headless (apt-get install libreoffice-writer-nogui).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--result-set", type=int, help="id of an approved or published result set")
    parser.add_argument("--out", type=Path, help="folder to write the report into")
    parser.add_argument("--lang", choices=("vi", "en", "both"), default="both")
    parser.add_argument("--no-pdf", action="store_true", help="write the DOCX only")
    parser.add_argument("--write-template", type=Path, metavar="DIR", help="write the default templates into DIR")


def run(args: argparse.Namespace) -> int:
    if args.write_template:
        from backend.publication.report_template import write_templates

        written = write_templates(args.write_template)
        print("\n".join(str(p) for p in written) or f"templates already in {args.write_template}: nothing written")
        return 0
    if args.result_set is None or args.out is None:
        print("--result-set and --out are required (or --write-template DIR)")
        return 2
    from backend.auth.permissions import Actor
    from backend.db import session_scope
    from backend.publication.report import draft_report

    langs = ("vi", "en") if args.lang == "both" else (args.lang,)
    with session_scope() as session:
        files = draft_report(session, args.result_set, args.out, actor=Actor.system(), langs=langs, pdf=not args.no_pdf)
    for path in [*files.docx.values(), *files.pdf.values()]:
        print(path)
    return 0
