"""Simultaneous visitors: N visitors open the same page at the same moment; time from each one's connection to
its finished page (the script run's last message), p50 and p95.

    .venv/bin/python bench/bench_crowd.py                                   # own servers, factory store: 1 process,
                                                                            # then --processes N behind nginx
    .venv/bin/python bench/bench_crowd.py --base-url http://127.0.0.1:8080  # any front: nginx with N processes
    .venv/bin/python bench/bench_crowd.py --visitors 50 --waves 3 --page overview

Each visitor is a websocket client speaking Streamlit's protocol (bench/st_client.py): what a browser asks of
the server when it opens the link, without drawing it. One view first warms the server (the first viewer after
a start fills the caches; reported apart), then ``--waves`` waves of ``--visitors`` simultaneous visitors.
Every view is checked to have rendered the page (bench/checks.py ``check_view``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checks import BenchFailure, check_view  # noqa: E402
from bench.st_client import View, view_page  # noqa: E402

PARAMS = {"year": "2024", "index": "par", "lang": "vi"}
AIM_P95 = 2.0


async def wave(base: str, page: str, visitors: int) -> list[View]:
    return list(await asyncio.gather(*(view_page(base, page, PARAMS, timeout=300) for _ in range(visitors))))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure(base: str, page: str, visitors: int, waves: int) -> tuple[float, list[float]]:
    first = asyncio.run(view_page(base, page, PARAMS, timeout=300))
    check_view(first)
    times: list[float] = []
    for _ in range(waves):
        views = asyncio.run(wave(base, page, visitors))
        for view in views:
            check_view(view)
        times += [v.seconds for v in views]
        time.sleep(1.0)
    return first.seconds, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running front (one Streamlit process or nginx); default: start one")
    parser.add_argument("--database-url", help="store for the server this script starts (default: a factory store)")
    parser.add_argument("--page", default="overview")
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument(
        "--processes", type=int, default=2, help="public app processes behind nginx for the second run (0: none)"
    )
    args = parser.parse_args()
    try:
        if args.base_url:
            return report(*measure(args.base_url, args.page, args.visitors, args.waves), args, args.base_url)
        from tests.e2e.conftest import free_port, start_public_app, stop

        folder = Path(tempfile.mkdtemp())
        url = args.database_url
        if not url:
            from tests.factories_results import build_store

            url = f"sqlite:///{folder / 'bench.db'}"
            build_store(url)
        port = free_port()
        process = start_public_app(url, port, folder / "streamlit.log")
        base = f"http://127.0.0.1:{port}"
        try:
            report(*measure(base, args.page, args.visitors, args.waves), args, f"{base} (1 process)")
        finally:
            stop(process)
        if args.processes > 0:
            behind_nginx(url, folder, args)
        return 0
    except BenchFailure as failure:
        print(f"\nBENCHMARK FAILED: {failure}", file=sys.stderr)
        return 1


def behind_nginx(url: str, folder: Path, args: argparse.Namespace) -> None:
    """The same crowd through nginx (backend/ops/front.py: the configuration `make serve` uses) in front of
    ``--processes`` public app processes with sticky sessions."""
    from backend.ops.front import Front, free_port
    from backend.ops.nginx import nginx_binary

    if nginx_binary() is None:
        raise BenchFailure("nginx is not installed (apt-get install nginx; make bench installs it as root)")
    port = free_port()
    env = {"DATABASE_URL": url, "RELEASES_DIR": str(folder / "releases")}
    with Front(
        folder / "run",
        port,
        folder / "releases",
        public_processes=args.processes,
        internal=False,
        health=False,
        env=env,
    ):
        base = f"http://127.0.0.1:{port}"
        report(
            *measure(base, args.page, args.visitors, args.waves), args, f"{base} (nginx, {args.processes} processes)"
        )


def report(first: float, times: list[float], args: argparse.Namespace, where: str) -> int:
    p50, p95 = percentile(times, 0.50), percentile(times, 0.95)
    print(f"\n{args.visitors} simultaneous visitors on /{args.page} ({PARAMS}), {args.waves} waves, {where}")
    print(f"first view (warm-up) {first:.2f} s")
    print(
        f"time to a finished page over {len(times)} views: p50 {p50:.2f} s, p95 {p95:.2f} s, "
        f"max {max(times):.2f} s, mean {statistics.fmean(times):.2f} s"
        + ("" if p95 < AIM_P95 else f"   (p95 above the {AIM_P95} s aim)")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
