"""`load-frameworks`: validate data/frameworks/*.yaml and store them (idempotent)."""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.frameworks.loader import load_all
from backend.frameworks.spec import FrameworkSpec, ProvisionalItem
from backend.frameworks.sync import sync_frameworks
from backend.i18n import t
from backend.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=None, help="folder of framework files (default: data/frameworks)")
    parser.add_argument("--check", action="store_true", help="validate only; do not touch the store")
    parser.add_argument("--show-provisional", action="store_true", help="list every provisional item")


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    directory = args.dir or get_settings().frameworks_dir
    specs = load_all(directory)
    for spec in specs:
        print(_summary(spec, lang))
        if spec.resolved_from:
            print("    " + t("fw_store.cli.extends", lang, chain=" + ".join(spec.resolved_from)))
        if args.show_provisional:
            for item in spec.provisional_items:
                print("    " + _provisional(item, lang))
    if args.check:
        print(t("fw_store.cli.checked", lang, n=len(specs)))
        return 0
    from backend.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        results = sync_frameworks(session, specs)
    for r in results:
        state = t("fw_store.stored" if r.created else "fw_store.unchanged", lang)
        values = {"code": r.code, "version": r.version, "state": state, "id": r.framework_id, "criteria": r.criteria}
        print("  " + t("fw_store.cli.synced", lang, **values))
    return 0


def _summary(spec: FrameworkSpec, lang: str) -> str:
    """One framework file: identity, years, status and how many criteria, provisional items and assumptions."""
    return t(
        "fw_store.cli.spec",
        lang,
        code=spec.code,
        version=spec.version,
        index=spec.index_code,
        scope=spec.unit_scope,
        first=spec.year_from,
        last=spec.year_to,
        status=spec.status,
        criteria=len(spec.criteria),
        provisional=len(spec.provisional_items),
        assumptions=len(spec.working_assumptions_used),
    )


def _provisional(item: ProvisionalItem, lang: str) -> str:
    """One provisional item: its path, the value used, where that value comes from and why."""
    source = t("fw_store.cli.assumption" if item.from_working_assumption else "fw_store.cli.unverified", lang)
    basis = item.basis_vi if lang == "vi" else item.basis_en
    return t("fw_store.cli.provisional", lang, path=item.path, value=repr(item.value), source=source, basis=basis)
