"""Command line: ``python -m backend <command>`` for every operation a page can do.

Every command is one module in backend/commands/; this module only finds and wires them. Domain errors are
printed as a clear message (Vietnamese and English) with exit status 2, never as a traceback. What a command
reports is printed in the language of ``--lang`` (``en`` by default, ``vi``); every text comes from the
catalogue (backend/i18n).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from backend.errors import DomainError
from backend.i18n import LANGS, bilingual, t

COMMANDS_DIR = Path(__file__).resolve().parent / "commands"


def _first_line(doc: str | None) -> str:
    line = " ".join((doc or "").strip().split("\n\n")[0].split())
    # "`name`: what it does" -> "what it does"
    return line.split(":", 1)[1].strip() if line.startswith("`") and ":" in line else line


def discover() -> dict[str, tuple[str, str]]:
    """Every command: one module per file in backend/commands (``load_reference.py`` → ``load-reference``),
    with its help text from the module docstring. Modules are read as text, not imported (fast start)."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(COMMANDS_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        found[path.stem.replace("_", "-")] = (f"backend.commands.{path.stem}", _first_line(doc))
    return found


# command name -> (module, help). Each module defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = discover()


# commands that create or migrate the schema themselves
NO_SCHEMA_CHECK = frozenset({"migrate", "seed", "init", "health", "serve", "backup", "restore", "personal-key"})


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported (fast start, no unused imports)."""
    parser = argparse.ArgumentParser(prog="python -m backend", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="override DATABASE_URL for this command")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of what the command reports (default en)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text)
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(cmd)
            cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if a in COMMANDS), None)
    args = build_parser(command).parse_args(argv)
    if args.database_url:
        import os

        from backend.settings import get_settings

        os.environ["DATABASE_URL"] = args.database_url
        get_settings.cache_clear()
        from backend.db import get_engine

        get_engine.cache_clear()
    run: Callable[[argparse.Namespace], int] = args._run
    started = time.perf_counter()
    try:
        if args.command not in NO_SCHEMA_CHECK:
            from backend.db import ensure_current

            ensure_current()
        code = run(args)
    except DomainError as exc:
        lines = [t("cli.error", lang, message=exc.message(lang)) for lang in LANGS]
        print("\n".join(lines), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0]
        print(f"{bilingual('cli.database_error')}\n{type(exc).__name__}: {first}", file=sys.stderr)
        return 2
    seconds = f"{time.perf_counter() - started:.1f}"
    print(t("cli.done", args.lang, command=args.command, seconds=seconds), file=sys.stderr)
    return code
