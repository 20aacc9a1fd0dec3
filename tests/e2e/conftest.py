"""Real-browser fixtures: the public app served by `streamlit run` on a free port against a throwaway factory
store, driven by Playwright with Debian's chromium (never `playwright install`; see docs browser_testing.md).

Without /usr/bin/chromium the tests are skipped, unless PAR_REQUIRE_BROWSER is set (`make test` installs
chromium and sets it), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.settings import REPO_ROOT

# the map's frame: Streamlit names it after the component; the page-head script gives it a title a screen reader
# can announce, in the page's language (issue 10, point 10)
MAP_FRAME = (
    'iframe[title="streamlit_folium.st_folium"], iframe[title="Bản đồ tương tác các tỉnh, thành phố"], '
    'iframe[title="Interactive map of the provinces"]'
)
CHROMIUM = os.environ.get("PAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_public_app(
    database_url: str, port: int, log: Path, script: str = "dashboards/public_app.py", **env_extra: str
) -> subprocess.Popen[bytes]:
    """`streamlit run <script>` (the public app by default) on 127.0.0.1:port; returns once /_stcore/health
    answers."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO_ROOT), **env_extra}
    streamlit = Path(sys.executable).with_name("streamlit")
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            str(streamlit),
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"streamlit did not answer on port {port}; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("PAR_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is required (PAR_REQUIRE_BROWSER is set) but missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def public_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    """Base URL of the public app serving a factory store (demo data, with hidden sets)."""
    from backend.db import get_engine
    from tests.factories_results import build_store

    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'public.db'}"
    build_store(url)
    get_engine.cache_clear()
    port = free_port()
    process = start_public_app(url, port, folder / "streamlit.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def internal_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[tuple[str, str, int]]:
    """(base URL of the internal app, its store URL, the id of an agreed result set waiting for approval) on a
    factory store with a leader ``dung`` (password tests.factories.PASSWORD)."""
    from sqlalchemy import text

    from backend.db import get_engine, session_scope
    from backend.models import ResultSet
    from tests.factories import make_user
    from tests.factories_results import build_store

    folder = tmp_path_factory.mktemp("e2e_internal")
    url = f"sqlite:///{folder / 'internal.db'}"
    made = build_store(url)
    with session_scope(get_engine(url)) as session:
        make_user(session, "dung", "leader")
        first = session.get(ResultSet, made.published_ids[("PAR_INDEX", "province", 2024)])
        assert first is not None
        agreed = ResultSet(
            **{
                **first.model_dump(exclude={"id"}),
                "version": 3,
                "status": "agreed",
                "publish_at": None,
                "published_at": None,
                "inputs_hash": "e2e-agreed",
            }
        )
        session.add(agreed)
        session.flush()
        session.connection().execute(
            text(
                "INSERT INTO result_row (result_set_id, scope, scope_code, unit_id, metric, value, max_value, "
                "ci_low, ci_high, rank, rank_low, rank_high, grp, n) SELECT :new, scope, scope_code, unit_id, "
                "metric, value, max_value, ci_low, ci_high, rank, rank_low, rank_high, grp, n FROM result_row "
                "WHERE result_set_id = :old"
            ),
            {"new": agreed.id, "old": first.id},
        )
        agreed_id = int(agreed.id or 0)
    get_engine(url).dispose()
    get_engine.cache_clear()
    port = free_port()
    process = start_public_app(
        url, port, folder / "streamlit.log", "dashboards/internal_app.py", EVIDENCE_DIR=str(folder / "evidence")
    )
    try:
        yield f"http://127.0.0.1:{port}", url, agreed_id
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    # tall enough that the map is in view without scrolling (clicks then land where the shapes are drawn)
    context = browser.new_context(viewport={"width": 1400, "height": 1700}, accept_downloads=True)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        tab.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        print(f"screenshot of the failing page: {tmp_path / 'failure.png'}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def wait_ready(page: Any, timeout: float = 60_000) -> None:
    """A Streamlit page is ready when the app is mounted, the run indicator is gone and the network idle."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_load_state("networkidle", timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)


#: true while a script run is going on or its elements are still the previous run's (drawn faded)
_BUSY = '() => !!document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')'


def wait_settled(page: Any, quiet: float = 1.0, timeout: float = 60.0) -> None:
    """:func:`wait_ready`, then until no run is going on and no element is stale for ``quiet`` seconds in a row: a
    page that reruns itself (a widget synced to the URL) draws its elements faded in between, which a contrast
    check must not see."""
    wait_ready(page, timeout * 1000)
    deadline = time.monotonic() + timeout
    calm_since = time.monotonic()
    while time.monotonic() < deadline:
        if page.evaluate(_BUSY):
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.1)
    raise AssertionError(f"the page did not settle in {timeout:.0f} s: {page.url}")
