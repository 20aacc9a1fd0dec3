"""`review`: review survey forms — accept, reject (with a comment) or mark corrected, or accept every clean form.

``python -m backend review --survey ID --accept-clean`` accepts every received or corrected form without a
quality signal; ``--accept CODE …`` / ``--reject CODE … --comment TEXT`` / ``--correct CODE …`` move named forms.
Only accepted forms count for the indices.
"""

from __future__ import annotations

import argparse

from backend.audit import audited_scope
from backend.commands._auth import add_as, sign_in
from backend.i18n import t
from backend.services.review import accept_clean, review_forms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--survey", type=int, required=True, help="survey id (see `quality --list`)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--accept-clean", action="store_true")
    group.add_argument("--accept", nargs="+", metavar="FORM_CODE")
    group.add_argument("--reject", nargs="+", metavar="FORM_CODE")
    group.add_argument("--correct", nargs="+", metavar="FORM_CODE")
    parser.add_argument("--comment", default="")
    add_as(parser, help_text="the internal-app user who acts (signs in; their current roles apply)")


def run(args: argparse.Namespace) -> int:
    actor = sign_in(args.as_user)
    with audited_scope() as session:
        if args.accept_clean:
            moved = accept_clean(session, actor=actor, survey_id=args.survey, comment=args.comment)
        else:
            action = "accept" if args.accept else "reject" if args.reject else "correct"
            codes = args.accept or args.reject or args.correct
            moved = review_forms(
                session, actor=actor, survey_id=args.survey, form_codes=codes, action=action, comment=args.comment
            )
    print(t("ingest.cli.moved", args.lang, n=f"{moved:,}"))
    return 0
