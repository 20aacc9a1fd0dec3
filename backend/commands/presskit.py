"""`presskit`: write the static press kit of an approved or published result set into a folder.

python -m backend presskit --result-set ID --out DIR [--base-url https://…]

Writes the kit as it will be served (HTML pages in both languages, charts, the map, CSV/XLSX with metadata,
SDMX-CSV, datapackage.json, index.json with every file's SHA-256). This is a copy for checking or for another
host: publication itself goes through `release`, which serves the kit only from the set's publication time.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--result-set", type=int, required=True, help="id of an approved or published result set")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the kit into (its own subfolder)")
    parser.add_argument("--base-url", default=None, help="public address written into citations (default: setting)")


def run(args: argparse.Namespace) -> int:
    from backend.auth.permissions import Actor
    from backend.db import session_scope
    from backend.publication.bundle import load_bundle
    from backend.publication.kit import release_path, write_kit
    from backend.settings import get_settings

    base_url = get_settings().public_base_url if args.base_url is None else args.base_url
    with session_scope() as session:
        bundle = load_bundle(session, args.result_set, actor=Actor.system(), action="prepare_release")
        target = args.out / release_path(bundle)
        if target.exists() and any(target.iterdir()):
            print(f"{target} is not empty: nothing written")
            return 2
        document = write_kit(bundle, target, base_url=base_url)
    print(f"{target}: {len(document['files'])} files and index.json")
    return 0
