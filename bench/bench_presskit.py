"""Benchmark of publication day on a full-scale demo year (not a timed test; prints figures).

    .venv/bin/python bench/bench_presskit.py [--year 2024] [--store PATH] [--seconds 10] [--connections 64]

1. the time to draft the annual report (DOCX and PDF, Vietnamese and English) of the year's PAR INDEX
   provinces set, and to write the press kit of every set of the year (``backend.publication``);
2. the press kit under load: nginx (Debian's, on loopback) serving the released kit, loaded by wrk (2 threads,
   ``--connections`` connections, ``--seconds`` seconds) on the ranking page (plain and gzip) and on the units CSV:
   requests per second and p99 latency (target: at least 5,000 requests per second).

Each figure is checked (bench/checks.py): the report's ranking table has one row per unit, the kit's index lists
files whose SHA-256 match, wrk saw only 200 answers. The store is the one of bench_scoring.py (built on first
use in bench/results/, about a minute), with the year computed and published (demo) if it is not yet.
Results are also written to bench/results/bench_presskit.json.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.checks import BenchFailure, check  # noqa: E402

RESULTS = REPO / "bench" / "results"


def _published_sets(url: str, year: int) -> list[int]:
    """The year's demo sets, computed and published once (reused on later runs); demo seeding is the system's."""
    from sqlmodel import select

    from backend.auth.permissions import Actor
    from backend.db import get_engine, session_scope
    from backend.models import ResultSet
    from backend.services.compute import compute_all
    from backend.services.workflow import publish_demo

    with session_scope(get_engine(url)) as session:
        found = session.exec(select(ResultSet).where(ResultSet.year == year, ResultSet.status == "published")).all()
        if not found:
            found = compute_all(session, year, "demo", bootstrap=0, seed=20251, actor=Actor.system())
            for result_set in found:
                publish_demo(session, int(result_set.id or 0))
        return [int(r.id or 0) for r in found]


def _report(url: str, set_id: int, out: Path) -> dict[str, Any]:
    from docx import Document

    from backend.auth.permissions import Actor
    from backend.db import get_engine, session_scope
    from backend.publication.report import draft_report

    started = time.perf_counter()
    with session_scope(get_engine(url)) as session:
        files = draft_report(session, set_id, out, actor=Actor.system())
        from backend.publication.bundle import load_bundle

        units = len(load_bundle(session, set_id, actor=Actor.system(), action="draft_report").tables.units)
    seconds = time.perf_counter() - started
    tables = Document(io.BytesIO(files.docx["vi"].read_bytes())).tables
    ranking = next(t for t in tables if [c.text for c in t.rows[0].cells][:3] == ["Hạng", "Mã", "Đơn vị"])
    check(len(ranking.rows) - 1 == units, f"report ranking has {len(ranking.rows) - 1} rows for {units} units")
    check(all(p.read_bytes()[:4] == b"%PDF" for p in files.pdf.values()), "report PDFs were written")
    return {"seconds": round(seconds, 1), "units": units, "files": len(files.docx) + len(files.pdf)}


def _kits(url: str, set_ids: list[int], out: Path) -> tuple[dict[str, Any], Path]:
    from backend.auth.permissions import Actor
    from backend.db import get_engine, session_scope
    from backend.publication.bundle import load_bundle
    from backend.publication.kit import release_path, write_kit

    timings, ranking_kit = {}, out
    for set_id in set_ids:
        started = time.perf_counter()
        with session_scope(get_engine(url)) as session:
            bundle = load_bundle(session, set_id, actor=Actor.system(), action="prepare_release")
            folder = out / release_path(bundle)
            index = write_kit(bundle, folder)
        seconds = time.perf_counter() - started
        for entry in index["files"]:
            data = (folder / entry["path"]).read_bytes()
            check(hashlib.sha256(data).hexdigest() == entry["sha256"], f"{entry['path']}: hash differs")
        key = f"{bundle.info.index_code}/{bundle.info.unit_scope}"
        timings[key] = {"seconds": round(seconds, 1), "files": len(index["files"]), "units": len(bundle.tables.units)}
        if key == "PAR_INDEX/province":
            ranking_kit = folder
            from backend.publication.release import precompress

            precompress(folder)  # as prepare_release does
    return timings, ranking_kit


def _wrk(url: str, seconds: int, connections: int, gzip: bool = False) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if gzip:
        command[1:1] = ["-H", "Accept-Encoding: gzip"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    check(p99 is not None, f"wrk printed no p99: {output[:300]}")
    value, unit = float(p99.group(1)), p99.group(2)  # type: ignore[union-attr]
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    check("Non-2xx" not in output and "Socket errors" not in output, f"wrk saw errors: {output}")
    check(total > 100, f"wrk made only {total} requests")
    return {"requests_per_second": round(rate), "p99_ms": round(p99_ms, 2), "requests": total}


def _load(kit: Path, releases: Path, seconds: int, connections: int) -> dict[str, Any]:
    from backend.ops.front import free_port, wait_http
    from backend.ops.nginx import Site, nginx_binary, render

    binary = nginx_binary()
    if binary is None or shutil.which("wrk") is None:
        raise BenchFailure("nginx and wrk are needed: apt-get install nginx wrk (make bench installs them)")
    run = Path(tempfile.mkdtemp(prefix="bench-front-"))
    port = free_port()
    (run / "tmp").mkdir()
    site = Site(
        port=port,
        releases_dir=releases,
        public_ports=(free_port(),),
        prefix=run,
        foreground=True,
        run_as="root",
        error_log="stderr",
        temp_dir=run / "tmp",
        workers="2",
    )
    (run / "nginx.conf").write_text(render(site), encoding="utf-8")
    nginx = subprocess.Popen(
        [binary, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=(run / "nginx.log").open("wb"),
    )
    relative = kit.relative_to(releases)
    base = f"http://127.0.0.1:{port}/releases/{relative}"
    csv = next((kit / "data").glob("*_v*[0-9].csv")).name
    try:
        wait_http(f"{base}/vi/ranking.html", nginx, timeout=20)
        return {
            "ranking_page": _wrk(f"{base}/vi/ranking.html", seconds, connections),
            "ranking_page_gzip": _wrk(f"{base}/vi/ranking.html", seconds, connections, gzip=True),
            "units_csv": _wrk(f"{base}/data/{csv}", seconds, connections),
            "bytes": {
                "ranking_page": (kit / "vi" / "ranking.html").stat().st_size,
                "units_csv": (kit / "data" / csv).stat().st_size,
            },
        }
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        shutil.rmtree(run, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--store", type=Path, default=RESULTS / "bench_store.db")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    from bench.bench_scoring import _store

    url = _store(args.store, args.year)
    set_ids = _published_sets(url, args.year)
    work = Path(tempfile.mkdtemp(prefix="bench-presskit-"))
    try:
        from backend.db import get_engine, session_scope
        from backend.models import ResultSet

        with session_scope(get_engine(url)) as session:
            par = next(
                i
                for i in set_ids
                if (s := session.get(ResultSet, i)) and s.index_code == "PAR_INDEX" and s.unit_scope == "province"
            )
        report = _report(url, par, work / "report")
        kits, ranking_kit = _kits(url, set_ids, work / "releases")
        load = _load(ranking_kit, work / "releases", args.seconds, args.connections)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "year": args.year,
        "report": report,
        "kits": kits,
        "load": load,
        "wrk": {"threads": 2, "connections": args.connections, "seconds": args.seconds},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_presskit.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"report (DOCX + PDF, vi + en, {report['units']} units): {report['seconds']} s")
    for key, value in kits.items():
        print(f"press kit {key} ({value['units']} units, {value['files']} files): {value['seconds']} s")
    for key in ("ranking_page", "ranking_page_gzip", "units_csv"):
        figures = load[key]
        print(
            f"nginx {key}: {figures['requests_per_second']:,} req/s, p99 {figures['p99_ms']} ms ({figures['requests']:,} requests)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
