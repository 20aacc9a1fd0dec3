"""Benchmark of the public app: server time per page (cold and warm), GeoJSON size, first contentful paint
of the map page in a real browser, and memory per additional viewer session.

    .venv/bin/python bench/bench_pages.py                 # factory store in a temp folder, all measures
    .venv/bin/python bench/bench_pages.py --database-url sqlite:///data/app.db   # a seeded store
    .venv/bin/python bench/bench_pages.py --no-browser    # server-side measures only

Server time is measured with Streamlit's AppTest (the page script run in-process, as the server runs it):
"cache-cold" empties st.cache_data / st.cache_resource first (the first viewer after a deploy or a new
result set); "warm" is the median of three further runs, each a new session. The very first run in the
process also pays the Python imports; it is reported apart. Browser figures use Debian's chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checks import BenchFailure, check, check_page  # noqa: E402
from tests.app.public_helpers import PAGES  # noqa: E402
from tests.e2e.conftest import MAP_FRAME  # noqa: E402

PARAMS = {"year": "2024", "index": "par"}


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (kB), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def point_at(database_url: str) -> None:
    """Make this process read ``database_url``: the environment, then every cache that holds the settings or
    an engine (they are filled on first use, possibly before this benchmark chose its store)."""
    from backend.db import get_engine, get_public_engine
    from backend.settings import get_settings

    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("PUBLIC_DATABASE_URL", None)
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_public_engine.cache_clear()


def server_times(database_url: str, lang: str) -> tuple[float, dict[str, tuple[float, float]]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    point_at(database_url)
    app = str(ROOT / "dashboards" / "public_app.py")

    def run(page: str) -> float:
        at = AppTest.from_file(app, default_timeout=120)
        for key, value in {**PARAMS, "lang": lang}.items():
            at.query_params[key] = value
        if page != "overview":
            at.switch_page(PAGES[page])
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        check_page(at, page)  # what was timed is a rendered page, not an error message
        return elapsed

    first = run("overview")
    results: dict[str, tuple[float, float]] = {}
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        cold = run(page)
        warm = statistics.median(run(page) for _ in range(3))
        results[page] = (cold, warm)
    return first, results


def process_cold_start(database_url: str, page: str) -> float:
    """Seconds for a fresh Python process to import everything and serve ``page`` once (a first viewer
    right after the server started), measured inside that process."""
    import subprocess

    switch = f"at.switch_page({PAGES[page]!r});" if page != "overview" else ""
    code = (
        f"import time; t=time.perf_counter(); import sys; sys.path.insert(0, {str(ROOT)!r});"
        "from streamlit.testing.v1 import AppTest;"
        f"at=AppTest.from_file({str(ROOT / 'dashboards' / 'public_app.py')!r}, default_timeout=120);"
        "at.query_params['year']='2024';"
        f"{switch} at.run();"
        "elapsed=time.perf_counter()-t;"
        "from bench.checks import check_page;"
        f"check_page(at, {page!r}); print(elapsed)"
    )
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    check(done.returncode == 0, f"{page} in a fresh process failed: {done.stderr.strip()[-500:]}")
    return float(done.stdout.strip().splitlines()[-1])


def geojson_sizes() -> dict[int, int]:
    from geo.loader import geojson_size_bytes

    return {year: geojson_size_bytes(year) for year in (2024, 2025)}


def map_payload_bytes(database_url: str) -> dict[int, int]:
    """Bytes of the map component message (Leaflet script with the GeoJSON, styles and tooltips)."""
    from streamlit.testing.v1 import AppTest

    from bench.checks import component_bytes

    point_at(database_url)
    out = {}
    for year in (2024, 2025):
        at = AppTest.from_file(str(ROOT / "dashboards" / "public_app.py"), default_timeout=120)
        at.query_params["year"] = str(year)
        at.switch_page(PAGES["map"]).run()
        check_page(at, "map")
        out[year] = component_bytes(at)
    return out


def browser_measures(database_url: str, sessions: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_public_app, stop

    port = free_port()
    log = Path(tempfile.mkdtemp()) / "streamlit.log"
    process = start_public_app(database_url, port, log)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def visit(label: str) -> None:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(f"{base}/map?year=2024")
                page.frame_locator(MAP_FRAME).locator("path.prov").first.wait_for(timeout=120_000)
                out[f"{label}_map_drawn_s"] = time.perf_counter() - started
                drawn = page.frame_locator(MAP_FRAME).locator("path.prov").count()
                check(drawn >= 63, f"browser {label}: {drawn} provinces drawn on the 2024 map, expected 63")
                check(page.locator('[data-testid="stException"]').count() == 0, f"browser {label}: exception")
                paint = page.evaluate(
                    "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || -1"
                )
                out[f"{label}_fcp_s"] = paint / 1000
                context.close()

            visit("cold")  # first viewer after the server started (imports, caches empty)
            visit("warm")
            visit("warm2")

            # memory per additional viewer: one warm session as baseline, then `sessions` more
            keep = []
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/?year=2024")
            page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
            keep.append(context)
            time.sleep(2)
            baseline = rss_kb(process.pid)
            for i in range(sessions):
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}/map?year=2024" if i % 2 else f"{base}/rankings?year=2024")
                page.wait_for_selector('[data-testid="stHeading"]', timeout=120_000)
                check(page.locator('[data-testid="stException"]').count() == 0, f"session {i}: exception on the page")
                keep.append(context)
            time.sleep(3)
            after = rss_kb(process.pid)
            out["rss_baseline_mb"] = baseline / 1024
            out["rss_after_mb"] = after / 1024
            out["per_session_mb"] = (after - baseline) / 1024 / sessions
            for context in keep:
                context.close()
            browser.close()
    finally:
        stop(process)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="store to read (default: a factory store in a temp folder)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--lang", default="vi")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        from tests.factories_results import build_store

        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        started = time.perf_counter()
        build_store(url)
        print(f"factory store built in {time.perf_counter() - started:.1f} s: {url}")

    try:
        return report(url, args)
    except BenchFailure as failure:
        print(f"\nBENCHMARK FAILED: {failure}", file=sys.stderr)
        return 1


def report(url: str, args: argparse.Namespace) -> int:
    process_cold = {page: process_cold_start(url, page) for page in ("overview", "map", "rankings")}
    first, times = server_times(url, args.lang)
    print(f"\nserver time per page (AppTest, lang={args.lang}, {PARAMS}); first run incl. imports: {first:.2f} s")
    print(f"{'page':<12}{'cache-cold s':>14}{'warm s':>10}")
    for page, (cold, warm) in times.items():
        print(f"{page:<12}{cold:>14.3f}{warm:>10.3f}")
    print(
        f"max cache-cold {max(c for c, _ in times.values()):.3f} s; max warm {max(w for _, w in times.values()):.3f} s"
    )
    print(
        "fresh process (imports + empty caches + first run): "
        + ", ".join(f"{page} {seconds:.2f} s" for page, seconds in process_cold.items())
    )

    sizes = geojson_sizes()
    payload = map_payload_bytes(url)
    print("\nGeoJSON sent to the browser (simplified, per map):")
    for year in sizes:
        print(
            f"  {year}: GeoJSON {sizes[year] / 1024:.0f} KiB; whole map component message {payload[year] / 1024:.0f} KiB"
        )

    if not args.no_browser:
        measures = browser_measures(url, args.sessions)
        print("\nreal browser (Debian chromium), map page /map?year=2024:")
        for label in ("cold", "warm", "warm2"):
            print(
                f"  {label:<6} first contentful paint {measures[f'{label}_fcp_s']:.2f} s;"
                f" 63 provinces drawn after {measures[f'{label}_map_drawn_s']:.2f} s"
            )
        print(
            f"memory: server RSS {measures['rss_baseline_mb']:.0f} MB with one viewer, {measures['rss_after_mb']:.0f} MB"
            f" after {args.sessions} more sessions -> {measures['per_session_mb']:.1f} MB per additional session"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
