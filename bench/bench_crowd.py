"""Simultaneous visitors: N visitors open the same page at the same moment; time from each one's connection to
its finished page (the script run's last message), p50 and p95.

    .venv/bin/python bench/bench_crowd.py                                   # own servers, factory store: 1 process,
                                                                            # then --processes N behind nginx
    .venv/bin/python bench/bench_crowd.py --base-url http://127.0.0.1:8080  # any front: nginx with N processes
    .venv/bin/python bench/bench_crowd.py --visitors 50 --waves 3 --page overview

Each visitor is a websocket client speaking Streamlit's protocol (bench/st_client.py): what a browser asks of
the server when it opens the link, without drawing it. One view of the same page for the year before first warms
each process (imports, shared data; reported apart), then ``--waves`` waves of ``--visitors`` simultaneous
visitors: the first wave is the publication minute (the set's finished parts do not exist yet: its first
visitors have them drawn), the later ones are the day after. Every view is checked to have rendered the page
(bench/checks.py ``check_view``).
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
#: the warm-up view: the same page of the year before (another result set)
WARM_PARAMS = {**PARAMS, "year": "2023"}
AIM_P95 = 2.0


async def wave(base: str, page: str, visitors: int) -> list[View]:
    return list(await asyncio.gather(*(view_page(base, page, PARAMS, timeout=300) for _ in range(visitors))))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def warm(base: str, page: str) -> float:
    """One checked view of ``page`` for the year before (the first after a start: imports and shared data are
    loaded, the measured set's parts are not drawn); its seconds."""
    first = asyncio.run(view_page(base, page, WARM_PARAMS, timeout=300))
    check_view(first)
    return first.seconds


def measure(
    base: str, page: str, visitors: int, waves: int, warm_bases: tuple[str, ...] = ()
) -> tuple[float, list[list[float]]]:
    """Warm every process (``warm_bases``: each one directly, else ``base``), then ``waves`` checked waves."""
    first = max(warm(b, page) for b in warm_bases or (base,))
    times: list[list[float]] = []
    for _ in range(waves):
        views = asyncio.run(wave(base, page, visitors))
        for view in views:
            check_view(view)
        times.append([v.seconds for v in views])
        time.sleep(1.0)
    return first, times


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
    ) as front:
        base = f"http://127.0.0.1:{port}"
        processes = tuple(f"http://127.0.0.1:{p}" for p in front.public_ports)  # each warmed once, like the single one
        where = f"{base} (nginx, {args.processes} processes, each warmed directly)"
        report(*measure(base, args.page, args.visitors, args.waves, processes), args, where)


def report(first: float, waves: list[list[float]], args: argparse.Namespace, where: str) -> int:
    minute = waves[0]
    times = [t for wave_times in waves[1:] for t in wave_times] or minute
    p50, p95 = percentile(times, 0.50), percentile(times, 0.95)
    print(f"\n{args.visitors} simultaneous visitors on /{args.page} ({PARAMS}), {args.waves} waves, {where}")
    print(f"first view (warm-up, {WARM_PARAMS['year']}; the slowest process's) {first:.2f} s")
    for number, seconds in enumerate(waves, start=1):
        print(f"  wave {number}: p50 {percentile(seconds, 0.5):.2f} s, p95 {percentile(seconds, 0.95):.2f} s")
    print(
        f"publication minute (wave 1, parts not yet drawn): p50 {percentile(minute, 0.5):.2f} s, "
        f"p95 {percentile(minute, 0.95):.2f} s, max {max(minute):.2f} s"
    )
    print(
        f"after it, over {len(times)} views: p50 {p50:.2f} s, p95 {p95:.2f} s, "
        f"max {max(times):.2f} s, mean {statistics.fmean(times):.2f} s"
        + ("" if p95 < AIM_P95 else f"   (p95 above the {AIM_P95} s aim)")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
