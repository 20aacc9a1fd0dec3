"""Command line: ``python -m backend <command>`` for every operation a page can do.

Each command lives beside the code it drives; this module only wires them. Domain errors are
printed as a clear message (Vietnamese and English) with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError

from backend.errors import DomainError

# command name -> (module, help). Each module defines add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "migrate": ("backend.commands.store", "apply Alembic migrations to the store"),
    "load-reference": ("backend.commands.reference", "load provinces, ministries, regions, lineage, years"),
    "load-frameworks": ("backend.frameworks.commands", "load and validate data/frameworks/*.yaml"),
    "load-published": ("backend.commands.published", "load the published record (official figures)"),
    "demo": ("backend.demo.commands", "generate the labelled demo dataset"),
    "compute": ("backend.services.compute_commands", "compute an index into a new result set"),
    "seed": ("backend.commands.seed", "migrate + reference + frameworks + published + demo (+ compute)"),
    "create-user": ("backend.commands.users", "create an internal-app user with roles"),
}


# commands that create or migrate the schema themselves
NO_SCHEMA_CHECK = frozenset({"migrate", "seed"})


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported (fast start, no unused imports)."""
    parser = argparse.ArgumentParser(prog="python -m backend", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="override DATABASE_URL for this command")
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
        print(f"Lỗi: {exc.message('vi')}\nError: {exc.message('en')}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0]
        print(
            "Lỗi cơ sở dữ liệu; không có thay đổi nào được ghi. / Database error; nothing was changed.\n"
            f"{type(exc).__name__}: {first}",
            file=sys.stderr,
        )
        return 2
    print(f"[{args.command}] done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return code
