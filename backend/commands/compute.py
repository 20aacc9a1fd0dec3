"""`compute`: compute an index (or every index) of a year into a new, immutable result set, as a signed-in user.

python -m backend compute --index par|sipas|all --year Y --as USER [--scope province|ministry]
    [--dataset NAME] [--bootstrap N] [--seed S] [--corrects ID --erratum TEXT]

``--as USER`` signs in (password from PAR_PASSWORD or a prompt) and is recorded as who computed the set: that
user may not approve it (maker ≠ checker). ``--corrects ID`` makes the new version a correction of the
published set ID, with ``--erratum`` saying why.
"""

from __future__ import annotations

import argparse
import time

from backend.commands._auth import add_as
from backend.i18n import t
from backend.models import ResultSet
from backend.services.compute import DEFAULT_SEED


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index", required=True, choices=("par", "sipas", "all"), help="which index (all = every index)"
    )
    parser.add_argument("--year", type=int, required=True, help="evaluation year")
    parser.add_argument("--scope", default="province", choices=("province", "ministry"), help="units (PAR INDEX)")
    parser.add_argument("--dataset", default=None, help="dataset name (default: the only one with data)")
    parser.add_argument("--bootstrap", type=int, default=0, help="bootstrap replicates for intervals (0 = none)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"bootstrap seed (default {DEFAULT_SEED})")
    parser.add_argument("--corrects", type=int, default=None, help="id of the published result set this corrects")
    parser.add_argument("--erratum", default="", help="with --corrects: why the published figures are corrected")
    add_as(parser, help_text="the analyst who computes (recorded as computed_by)")


def run(args: argparse.Namespace) -> int:
    from backend.audit import audited_scope
    from backend.commands._auth import sign_in
    from backend.services.compute import compute_all, compute_index

    actor = sign_in(args.as_user)
    started = time.perf_counter()
    with audited_scope() as session:
        if args.index == "all":
            result_sets = compute_all(
                session, args.year, args.dataset, bootstrap=args.bootstrap, seed=args.seed, actor=actor
            )
        else:
            result_sets = [
                compute_index(
                    session,
                    index=args.index,
                    year=args.year,
                    scope=args.scope,
                    dataset=args.dataset,
                    bootstrap=args.bootstrap,
                    seed=args.seed,
                    actor=actor,
                    corrects=args.corrects,
                    erratum=args.erratum,
                )
            ]
        lines = [_line(rs, args.lang) for rs in result_sets]
    print("\n".join(lines))
    print(t("compute.cli.done", args.lang, seconds=f"{time.perf_counter() - started:.2f}"))
    return 0


def _line(rs: ResultSet, lang: str) -> str:
    """One computed result set: id, index, scope, year, version, status, framework, inputs hash, who."""
    return t(
        "compute.cli.result_set",
        lang,
        id=rs.id,
        index=rs.index_code,
        scope=rs.unit_scope,
        year=rs.year,
        version=rs.version,
        status=rs.status,
        framework=rs.framework_version,
        inputs=rs.inputs_hash[:12],
        by=rs.computed_by,
    ) + (t("compute.cli.corrects", lang, id=rs.supersedes_id) if rs.supersedes_id else "")
