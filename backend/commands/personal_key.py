"""`personal-key`: create the key that hashes and encrypts respondents' phone numbers (backend/personal.py).

Without options it writes a new random key to the key file (PERSONAL_DATA_KEY_FILE, default
data/personal_data.key, readable only by its owner) unless a key is already configured; ``--print`` prints a new
key for PERSONAL_DATA_KEY instead. Keep the key safe and backed up: without it stored phone copies cannot be read.
"""

from __future__ import annotations

import argparse
import sys

from backend.i18n import t
from backend.personal import configured_key, create_key_file, key_file, new_key


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print", action="store_true", help="print a new key instead of writing the key file")


def run(args: argparse.Namespace) -> int:
    if args.print:
        print(new_key())
        return 0
    if configured_key():
        print(t("ingest.cli.key_exists", args.lang), file=sys.stderr)
        return 0
    path = key_file()
    create_key_file(path)
    print(t("ingest.cli.key_written", args.lang, path=path), file=sys.stderr)
    return 0
