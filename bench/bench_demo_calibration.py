"""Benchmark and check of the demo calibration: generate the demo, compute every index with the real scoring engine
and print it against the targets derived from the published record (backend/demo/calibration.py).

Prints seconds per stage, then one row per year, index and scope (target vs demo mean, SD, min, max over the
ranked units) and exits 1 if any figure is out of tolerance (the same check as the calibration tests).
Run: ``.venv/bin/python bench/bench_demo_calibration.py [--scale full|small] [--years 2022-2025] [--seed N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session

from backend.auth.permissions import Actor
from backend.db import get_engine, migrate, session_scope
from backend.demo import generate_demo
from backend.frameworks import load_all, sync_frameworks
from backend.reference.loader import load_reference
from backend.services.calibration import demo_vs_targets, format_table
from backend.services.compute import compute_all
from backend.settings import REPO_ROOT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", default="full", choices=("full", "small"))
    parser.add_argument("--years", default="2022-2025")
    parser.add_argument("--seed", type=int, default=20251)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-calibration-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = get_engine(url)
        migrate(url)
        with session_scope(engine) as session:
            load_reference(session, REPO_ROOT / "data" / "reference")
        with session_scope(engine) as session:
            sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = generate_demo(session, years=args.years, scale=args.scale, seed=args.seed)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        for year in report.years:
            with session_scope(engine) as session:
                compute_all(session, year, "demo", actor=Actor.system())
        computed = time.perf_counter() - started
        with Session(engine) as session:
            table = demo_vs_targets(session)
        engine.dispose()

    total_rows = sum(report.rows.values())
    print(f"demo {args.years}, scale {args.scale}, seed {args.seed}: {total_rows:,} rows")
    print(f"generate + commit {generated:.1f} s ({total_rows / generated:,.0f} rows/s); compute {computed:.1f} s")
    print(format_table(table))
    problems = [p for p in table["problems"] if p]
    for problem in problems:
        print(f"OUT OF TOLERANCE: {problem}")
    print("calibration: ok" if not problems else f"calibration: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
