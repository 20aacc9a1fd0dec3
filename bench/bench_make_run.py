"""`make run` on a clean clone: time until the public app answers and until its first page is drawn.

Clones the committed HEAD into a temporary folder, runs `make run` there (new virtualenv, dependencies,
migrations, reference/framework/published/demo data, result sets), polls the public app's health
endpoint, then opens the first page in Debian's chromium (Playwright) and waits for the page title.
Prints the figures and stops everything. Usage: .venv/bin/python bench/bench_make_run.py [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the clone for inspection")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="par-makerun-"))
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    public, internal = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH")}
    log = (workdir / "make-run.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "run", f"PUBLIC_PORT={public}", f"INTERNAL_PORT={internal}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while not (healthy(public) and healthy(internal)):
            if proc.poll() is not None:
                print(f"make run exited early with {proc.returncode}; see {workdir / 'make-run.log'}")
                return 1
            if time.perf_counter() - started > args.timeout:
                print("timed out waiting for the apps")
                return 1
            time.sleep(0.5)
        t_health = time.perf_counter() - started
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{public}/", wait_until="domcontentloaded")
            try:
                page.wait_for_function(
                    "[...document.querySelectorAll('h1, h2')].some(h => h.offsetParent !== null && h.innerText.trim())",
                    timeout=60_000,
                )
            except Exception:
                page.screenshot(path=str(workdir / "first-page.png"), full_page=True)
                print(f"the first page did not draw a title; screenshot in {workdir / 'first-page.png'}")
                raise
            t_page = time.perf_counter() - started
            failures = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
            if failures:
                page.screenshot(path=str(workdir / "first-page.png"), full_page=True)
                print(f"the first page shows an error; screenshot in {workdir / 'first-page.png'}")
                return 1
            browser.close()
        size = (clone / "data" / "app.db").stat().st_size
        print(f"make run on a clean clone ({clone.name} of HEAD):")
        print(f"  both apps answering /_stcore/health after {t_health:6.1f} s")
        print(f"  first public page drawn (title visible) after {t_page:6.1f} s")
        print(f"  store data/app.db: {size / 1e6:.1f} MB")
        with (workdir / "make-run.log").open() as handle:
            for line in handle:
                if "done in" in line or "] done" in line:
                    print("  log:", line.rstrip())
        return 0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
