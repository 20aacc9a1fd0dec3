"""Server CPU seconds per page view of every public page, from the app process's own CPU time.

    .venv/bin/python bench/bench_views.py                          # own server on a factory store
    .venv/bin/python bench/bench_views.py --database-url sqlite:///data/app.db
    .venv/bin/python bench/bench_views.py --base-url http://127.0.0.1:8501 --pid 12345   # a running server

A page view is what a browser asks of the server when it opens a link: a new session and one script run
(bench/st_client.py speaks Streamlit's websocket protocol). Per page: one view first (reported apart: the
first viewer after a start or a new result set fills the caches), then ``--views`` views, each a new
visitor; the CPU time the server process used during them (user + system, /proc/PID/stat) divided by their
number is the CPU per page view. Every view is checked to have rendered the page (bench/checks.py
``check_view``: script finished, no error, heading and the page's tables, charts and map present).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checks import BenchFailure, check_view  # noqa: E402
from bench.st_client import cpu_seconds, view_sync  # noqa: E402
from tests.app.public_helpers import PAGES  # noqa: E402

#: the URL of each page as a visitor opens it (year 2024, PAR INDEX); pages read their own defaults beyond it
PARAMS = {"year": "2024", "index": "par"}
AIM = 0.15  # seconds of server CPU per page view (issue 10)


def measure(
    base: str, pid: int, pages: list[str], views: int, lang: str, extra: dict[str, str] | None = None
) -> dict[str, tuple[float, float, float]]:
    """page -> (first view CPU s, CPU s per view over ``views`` views, median wall s per view)."""
    out: dict[str, tuple[float, float, float]] = {}
    params = {**PARAMS, "lang": lang, **(extra or {})}
    for page in pages:
        before = cpu_seconds(pid)
        check_view(view_sync(base, page, params))
        first = cpu_seconds(pid) - before
        walls = []
        before = cpu_seconds(pid)
        for _ in range(views):
            view = view_sync(base, page, params)
            check_view(view)
            walls.append(view.seconds)
        per_view = (cpu_seconds(pid) - before) / views
        out[page] = (first, per_view, sorted(walls)[len(walls) // 2])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="store for the server this script starts (default: a factory store)")
    parser.add_argument("--base-url", help="measure a running server instead (needs --pid)")
    parser.add_argument("--pid", type=int, help="process id of the running server (with --base-url)")
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated url paths (default: every page)")
    parser.add_argument("--param", action="append", default=[], help="extra URL parameter, e.g. layer=results")
    args = parser.parse_args()
    args.extra = dict(p.split("=", 1) for p in args.param)
    pages = [p for p in args.pages.split(",") if p]
    try:
        if args.base_url:
            if not args.pid:
                raise BenchFailure("--base-url needs --pid (the server process whose CPU time is read)")
            return report(measure(args.base_url, args.pid, pages, args.views, args.lang, args.extra), args)
        return run_own_server(args, pages)
    except BenchFailure as failure:
        print(f"\nBENCHMARK FAILED: {failure}", file=sys.stderr)
        return 1


def run_own_server(args: argparse.Namespace, pages: list[str]) -> int:
    from tests.e2e.conftest import free_port, start_public_app, stop

    folder = Path(tempfile.mkdtemp())
    url = args.database_url
    if not url:
        from tests.factories_results import build_store

        url = f"sqlite:///{folder / 'bench.db'}"
        build_store(url)
        print(f"factory store: {url}")
    port = free_port()
    process = start_public_app(url, port, folder / "streamlit.log")
    try:
        return report(measure(f"http://127.0.0.1:{port}", process.pid, pages, args.views, args.lang, args.extra), args)
    finally:
        stop(process)


def report(results: dict[str, tuple[float, float, float]], args: argparse.Namespace) -> int:
    params = {**PARAMS, **args.extra}
    print(f"\nserver CPU per page view ({args.views} views per page after one first view; lang={args.lang}, {params})")
    print(f"{'page':<12}{'first view s':>14}{'CPU s/view':>12}{'wall s/view':>13}")
    for page, (first, per_view, wall) in results.items():
        mark = "" if per_view < AIM else f"   above the {AIM} s aim"
        print(f"{page:<12}{first:>14.3f}{per_view:>12.3f}{wall:>13.3f}{mark}")
    worst = max(v for _, v, _ in results.values())
    mean = sum(v for _, v, _ in results.values()) / len(results)
    print(f"mean {mean:.3f} s, max {worst:.3f} s of CPU per page view (aim < {AIM} s)")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    print(f"({time.perf_counter() - started:.0f} s)")
    raise SystemExit(status)
