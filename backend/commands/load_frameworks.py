"""`load-frameworks`: validate data/frameworks/*.yaml and store them (idempotent)."""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.frameworks.loader import load_all
from backend.frameworks.sync import sync_frameworks
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=None, help="folder of framework files (default: data/frameworks)")
    parser.add_argument("--check", action="store_true", help="validate only; do not touch the store")
    parser.add_argument("--show-provisional", action="store_true", help="list every provisional item")


def run(args: argparse.Namespace) -> int:
    directory = args.dir or get_settings().frameworks_dir
    specs = load_all(directory)
    for spec in specs:
        n_wa = len(spec.working_assumptions_used)
        print(
            f"{spec.code} {spec.version} ({spec.index_code}/{spec.unit_scope} {spec.year_from}-{spec.year_to}, "
            f"{spec.status}): {len(spec.criteria)} criteria, {len(spec.provisional_items)} provisional items, "
            f"{n_wa} working assumptions"
        )
        if spec.resolved_from:
            print(f"    extends: resolved from {' + '.join(spec.resolved_from)}")
        if args.show_provisional:
            for item in spec.provisional_items:
                source = "working assumption" if item.from_working_assumption else "official, unverified"
                print(f"    {item.path} = {item.value!r} [{source}] {item.basis_en}")
    if args.check:
        print(f"{len(specs)} framework files valid (store not touched)")
        return 0
    from backend.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        results = sync_frameworks(session, specs)
    for r in results:
        state = "stored" if r.created else "unchanged"
        print(f"  {r.code} version {r.version}: {state} (id {r.framework_id}, {r.criteria} criteria)")
    return 0
