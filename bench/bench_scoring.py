"""Benchmark of the scoring engine on the full-scale demo year (not a timed test; prints figures).

    .venv/bin/python bench/bench_scoring.py [--year 2024] [--store PATH] [--repeat 3] [--replicates 1000]

What it measures, in one run, on one evaluation year of the full-scale demo data (~36,000 valid SIPAS
forms × 54 items ≈ 2 million answers, ~49,000 official survey forms ≈ 1 million answers):

1. every index of the year (SIPAS, PAR INDEX provinces, PAR INDEX ministries), store → result sets
   committed, without bootstrap (target < 3 s) and with the 1,000-replicate cluster bootstrap
   (target < 20 s): ``backend.services.compute.compute_all``;
2. where the time goes (reading answers, scoring, writing);
3. the SIPAS figures of every province (all items, contents, groups, elements, areas, overall) and
   nationally, computed three ways from the same answers held in memory: our vectorised engine, a plain
   pandas merge + groupby over the long answers table, and the same aggregation in DuckDB (if installed:
   ``make bench`` installs it), with their ratios and a check that all three agree.

The store is built on first use in bench/results/ (git-ignored): migrate, reference data, frameworks and
the full-scale demo data for the year (about a minute). Results are also written to
bench/results/bench_scoring.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench.checks import BenchFailure, check  # noqa: E402

RESULTS = REPO / "bench" / "results"


def _store(path: Path, year: int) -> str:
    from backend.db import get_engine, migrate, session_scope
    from backend.demo import generate_demo
    from backend.errors import DomainError
    from backend.frameworks import load_all, sync_frameworks
    from backend.reference.loader import load_reference

    url = f"sqlite:///{path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(url)
    engine = get_engine(url)
    with session_scope(engine) as session:
        load_reference(session, REPO / "data" / "reference")
        sync_frameworks(session, load_all(REPO / "data" / "frameworks"))
    with session_scope(engine) as session:
        started = time.perf_counter()
        try:
            report = generate_demo(session, years=[year], scale="full", seed=20251)
        except DomainError:  # a demo made with other parameters: replace it
            session.rollback()
            report = generate_demo(session, years=[year], scale="full", seed=20251, replace=True, delete_results=True)
        if not report.already_present:
            print(
                f"built the full-scale demo store for {year} in {time.perf_counter() - started:.0f} s", file=sys.stderr
            )
    return url


def _timed(fn: Any, repeat: int, cpu: list[float] | None = None) -> tuple[list[float], Any]:
    """Wall-clock seconds of ``repeat`` calls (and, into ``cpu``, this process's CPU seconds: SQLite runs
    in-process, so CPU time is what the work costs when no other process competes for the two cores)."""
    times, out = [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
    return times, out


def _compute_all(url: str, year: int, bootstrap: int) -> list[Any]:
    """Every index of the year into new result sets; checks that each set has its rows (units × metrics)."""
    from sqlalchemy import func, select

    from backend.auth.permissions import Actor
    from backend.db import get_engine, session_scope
    from backend.models import ResultRow
    from backend.services.compute import compute_all

    with session_scope(get_engine(url)) as session:
        sets = compute_all(session, year, "demo", bootstrap=bootstrap, seed=20251, actor=Actor.system())
        check(len(sets) == 3, f"expected SIPAS, PAR provinces and PAR ministries, computed {len(sets)} result sets")
        for rs in sets:
            n = session.scalar(select(func.count()).where(ResultRow.result_set_id == rs.id)) or 0
            check(n > 100, f"{rs.index_code}/{rs.unit_scope}: only {n} result rows were written")
            if bootstrap:
                ci_low = ResultRow.__table__.c.ci_low  # type: ignore[attr-defined]
                intervals = session.scalar(
                    select(func.count()).where(ResultRow.result_set_id == rs.id, ci_low.is_not(None))
                )
                check((intervals or 0) > 0, f"{rs.index_code}/{rs.unit_scope}: the bootstrap wrote no interval")
        return sets


def _phases(url: str, year: int) -> dict[str, float]:
    """One pass split into phases (reading, scoring, writing), for orientation."""
    from backend.db import get_engine, session_scope
    from backend.services import compute as c
    from backend.services.inputs import find_dataset, read_survey
    from backend.services.results import write_result_set

    out: dict[str, float] = {}
    with session_scope(get_engine(url)) as session:
        ds = find_dataset(session, "demo", year)
        t = time.perf_counter()
        sipas = c.sipas_state(session, ds, year, 0, 20251)
        out["sipas: read + score"] = time.perf_counter() - t
        t = time.perf_counter()
        par_read = read_survey(session.connection(), int(ds.id or 0), "PAR_SURVEY", year)
        out["PAR survey: read"] = time.perf_counter() - t
        t = time.perf_counter()
        comps = [c.sipas_computation(sipas, year, 0, 20251)]
        comps += [c.par_computation(session, ds, scope, year, 0, 20251, sipas, par_read) for scope in c.SCOPES]
        out["result rows (SIPAS, PAR ×2; PAR scoring incl.)"] = time.perf_counter() - t
        t = time.perf_counter()
        for comp in comps:
            write_result_set(session, comp, ds, "system")
        out["write result sets"] = time.perf_counter() - t
        session.rollback()
    return out


def _sipas_inputs(url: str, year: int) -> tuple[Any, Any, pd.DataFrame, pd.DataFrame]:
    """The same answers twice: the engine's form × item matrix and a long table (unit, item, value)."""
    from backend.db import get_engine, session_scope
    from backend.frameworks import spec_for
    from backend.scoring.sipas import build_plan
    from backend.services.inputs import find_dataset, read_survey, year_units

    with session_scope(get_engine(url)) as session:
        ds = find_dataset(session, "demo", year)
        spec = spec_for(session, "SIPAS", "province", year)
        units = year_units(session, "province", year)
        read = read_survey(session.connection(), int(ds.id or 0), "SIPAS", year)
    assert spec.sipas is not None
    data = read.answers.subset_units(units.index.tolist())
    plan = build_plan(spec.sipas, year)
    values = data.values
    rows, cols = np.nonzero(values)
    long = pd.DataFrame(
        {
            "unit": data.forms["unit"].to_numpy()[rows],
            "item": pd.Categorical.from_codes(cols, categories=list(data.items)),
            "value": values[rows, cols].astype(np.int16),
        }
    )
    # item → metric membership, for the pooled aggregation (every metric = Σ positive / Σ valid of its items)
    membership = [(plan.items[k], node.metric) for node in plan.nodes for k in node.items]
    mapping = pd.DataFrame(membership, columns=["item", "metric"])
    return spec, data, long, mapping


def _engine_sipas(spec: Any, data: Any, year: int) -> pd.DataFrame:
    from backend.scoring.sipas import score_sipas

    result = score_sipas(data, spec.sipas, year)
    return result.units


def _pandas_sipas(long: pd.DataFrame, mapping: pd.DataFrame, positive: tuple[int, ...]) -> pd.DataFrame:
    frame = long.assign(pos=long["value"].isin(positive), valid=True)
    items = frame.groupby(["unit", "item"], observed=True)[["pos", "valid"]].sum().reset_index()
    items["item"] = items["item"].astype(str)
    merged = items.merge(mapping, on="item")
    sums = merged.groupby(["unit", "metric"])[["pos", "valid"]].sum()
    return (100.0 * sums["pos"] / sums["valid"]).unstack("metric")


def _duckdb_connection(long: pd.DataFrame, mapping: pd.DataFrame) -> Any:
    """An in-memory DuckDB with the long answers and the item → metric mapping registered (not timed)."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    con.register("answers_df", long)
    con.register("mapping_df", mapping)
    con.execute("CREATE TABLE answers AS SELECT unit, CAST(item AS VARCHAR) AS item, value FROM answers_df")
    con.execute("CREATE TABLE mapping AS SELECT * FROM mapping_df")
    return con


def _duckdb_sipas(con: Any, positive: tuple[int, ...]) -> pd.DataFrame:
    pos = ", ".join(str(p) for p in positive)
    result = con.execute(
        f"""
        WITH items AS (
            SELECT unit, item, count(*) FILTER (WHERE value IN ({pos})) AS pos, count(*) AS valid
            FROM answers GROUP BY unit, item
        )
        SELECT unit, metric, 100.0 * sum(pos) / sum(valid) AS value
        FROM items JOIN mapping USING (item) GROUP BY unit, metric
        """
    ).df()
    return result.pivot(index="unit", columns="metric", values="value")


def main() -> int:
    try:
        return run()
    except BenchFailure as failure:
        print(f"\nBENCHMARK FAILED: {failure}", file=sys.stderr)
        return 1


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--store", type=Path, default=RESULTS / "bench_store.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicates", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.store}")

    url = _store(args.store, args.year)
    report: dict[str, Any] = {
        "year": args.year,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    }
    load = os.getloadavg()[0]
    report["load_average_at_start"] = load
    print(f"== scoring benchmark, year {args.year}, store {args.store} ({report['machine']})")
    print(f"   load average at start: {load:.2f} (other processes on this machine slow every figure down)")

    _compute_all(url, args.year, 0)  # warm-up: imports, caches, SQLite page cache
    cpu: list[float] = []
    times, sets = _timed(lambda: _compute_all(url, args.year, 0), args.repeat, cpu)
    report["all_indices_no_bootstrap_s"] = {
        "median": statistics.median(times),
        "min": min(times),
        "runs": times,
        "cpu_runs": cpu,
    }
    print(
        f"all indices, store → result sets, no bootstrap: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {args.repeat} runs (target < 3 s); CPU time min {min(cpu):.2f} s"
    )
    for name, seconds in _phases(url, args.year).items():
        print(f"    {name:<50} {seconds:6.2f} s")

    cpu_b: list[float] = []
    times_b, _ = _timed(lambda: _compute_all(url, args.year, args.replicates), 1, cpu_b)
    report["all_indices_bootstrap_s"] = {"replicates": args.replicates, "seconds": times_b[0], "cpu": cpu_b[0]}
    print(
        f"all indices with the {args.replicates}-replicate bootstrap: {times_b[0]:.2f} s (target < 20 s); "
        f"CPU time {cpu_b[0]:.2f} s"
    )

    spec, data, long, mapping = _sipas_inputs(url, args.year)
    positive = tuple(spec.sipas.positive_categories)
    t_engine, engine = _timed(lambda: _engine_sipas(spec, data, args.year), args.repeat)
    t_pandas, by_pandas = _timed(lambda: _pandas_sipas(long, mapping, positive), args.repeat)
    con = _duckdb_connection(long, mapping)
    t_duck, by_duck = _timed(lambda: _duckdb_sipas(con, positive) if con is not None else None, args.repeat)
    cols = list(by_pandas.columns)
    check(len(engine) >= 34 and not engine.empty, f"SIPAS figures for only {len(engine)} provinces")
    diff_pandas = float(np.nanmax(np.abs(engine.loc[by_pandas.index, cols].to_numpy() - by_pandas.to_numpy())))
    e, p = min(t_engine), min(t_pandas)
    print(
        f"SIPAS figures ({len(engine)} provinces × {engine.shape[1]} metrics from {len(long):,} answers), best of "
        f"{args.repeat}:"
    )
    print(f"    engine (form × item matrix, NumPy)                 {e:6.3f} s")
    print(f"    pandas merge + groupby (long answers)              {p:6.3f} s   ratio pandas / engine = {p / e:5.1f}")
    report["sipas_aggregation_s"] = {
        "engine": e,
        "pandas": p,
        "pandas_over_engine": p / e,
        "max_abs_diff_pandas": diff_pandas,
    }
    if by_duck is not None:
        d = min(t_duck)
        diff_duck = float(np.nanmax(np.abs(engine.loc[by_duck.index, cols].to_numpy() - by_duck[cols].to_numpy())))
        print(
            f"    DuckDB SQL (same answers in a DuckDB table)        {d:6.3f} s   ratio DuckDB / engine = {d / e:5.1f}"
        )
        report["sipas_aggregation_s"].update(duckdb=d, duckdb_over_engine=d / e, max_abs_diff_duckdb=diff_duck)
        print(f"    the three agree: max |difference| = {max(diff_pandas, diff_duck):.2e} percentage points")
    else:
        print("    DuckDB not installed (`make bench` installs it): comparison skipped")
        print(f"    engine and pandas agree: max |difference| = {diff_pandas:.2e} percentage points")
    report["result_sets"] = [f"{s.index_code}/{s.unit_scope}" for s in sets]
    report["load_average_at_end"] = os.getloadavg()[0]
    print(f"   load average at end: {report['load_average_at_end']:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_scoring.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
