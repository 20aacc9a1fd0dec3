"""Benchmark of the demo generator: one evaluation year at FULL scale into a fresh SQLite store.

Prints rows per table, seconds per stage (the generator's own progress lines) and in total, rows per second
and the size of the database file. Run: ``.venv/bin/python bench/bench_demo.py [--year 2024] [--seed N]``.
With ``--url`` it writes to that (already migrated, empty) store instead, e.g. a PostgreSQL database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from backend.db import get_engine, migrate, session_scope
from backend.demo import generate_demo
from backend.reference.loader import load_reference
from backend.settings import REPO_ROOT
from bench.checks import check_counts

TABLES = ("dataset", "survey", "survey_item", "interviewer", "survey_form", "answer", "assessment_score", "evidence")


def _load_frameworks(url: str) -> str:
    try:
        from backend.frameworks import load_all, sync_frameworks
    except ImportError:
        return "frameworks package not available: self-assessment skipped"
    with session_scope(get_engine(url)) as session:
        results = sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    return f"{len(results)} frameworks loaded"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, default=2024, help="evaluation year (default 2024: 63 provinces)")
    parser.add_argument("--seed", type=int, default=20251)
    parser.add_argument("--scale", default="full", choices=("full", "small"))
    parser.add_argument("--url", default=None, help="store URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    workdir = None
    url = args.url
    if url is None:
        workdir = tempfile.TemporaryDirectory(prefix="bench-demo-")
        url = f"sqlite:///{Path(workdir.name) / 'bench.db'}"
    engine = get_engine(url)
    started = time.perf_counter()
    migrate(url)
    with session_scope(engine) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
    print(f"setup: migrated, reference loaded, {_load_frameworks(url)} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with session_scope(engine) as session:
        report = generate_demo(
            session, years=[args.year], scale=args.scale, seed=args.seed, progress=lambda m: print(m, flush=True)
        )
    seconds = time.perf_counter() - started  # includes the commit

    with engine.connect() as conn:
        counts = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    total = sum(counts.values())
    full = args.scale == "full"
    check_counts(
        counts,
        {
            "survey": 2,
            "survey_form": 40_000 if full else 2_000,
            "answer": 1_000_000 if full else 50_000,
            "assessment_score": 300,
            "interviewer": 50,
        },
        f"demo {args.year} ({args.scale})",
    )
    print(f"\ndemo {args.year}, scale {args.scale}, seed {args.seed}, store {engine.dialect.name}")
    print(f"{'table':<18}{'rows':>12}")
    for name, n in counts.items():
        print(f"{name:<18}{n:>12,}")
    print(f"{'total':<18}{total:>12,}")
    print(f"seconds (generate + commit): {seconds:.1f}  ({total / seconds:,.0f} rows/s)")
    if report.warnings:
        print("warnings:", *report.warnings, sep="\n  ")
    if url.startswith("sqlite:///"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(url.removeprefix("sqlite:///"))
        size = path.stat().st_size + sum(p.stat().st_size for p in path.parent.glob(path.name + "-*"))
        print(f"database file size: {size / 1e6:.1f} MB ({path.name})")
    engine.dispose()
    if workdir is not None:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
