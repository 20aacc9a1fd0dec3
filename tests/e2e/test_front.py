"""The nginx front on loopback (backend/ops/front.py): two public app processes behind it, the press kits, the
headers; Debian's nginx and chromium.

* embargo: every URL of a kit answers 404 before its set's publication time and 200 after it;
* the security and cache headers, /_stcore/metrics hidden, /healthz checking the store;
* both app processes serve the same published numbers;
* no Content-Security-Policy violation on any public page, in a real browser;
* the kit's pages pass axe-core (WCAG 2.1 A/AA: no serious or critical violation).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from backend.auth.permissions import Actor
from backend.db import get_engine, get_public_engine, session_scope
from backend.ops.front import Front, free_port
from backend.ops.nginx import nginx_binary
from backend.publication.release import Folders, prepare_release, release_due
from backend.published import fmt, store
from backend.services.workflow import transition
from tests.conftest import clear_caches
from tests.e2e.axe import blocking, describe, violations
from tests.e2e.conftest import MAP_FRAME, wait_ready

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("front")]
PUBLIC_PAGES = [
    "/",
    "/map?year=2024",
    "/rankings?year=2024",
    "/trends",
    "/province",
    "/ministry",
    "/compare",
    "/methodology",
    "/record",
    "/?lang=en",
]


@dataclass
class Served:
    base: str
    url: str
    folders: Folders
    codes: dict[str, list[int]] = field(default_factory=dict)
    kit_path: str = ""
    kit_files: list[str] = field(default_factory=list)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Served]:
    if nginx_binary() is None:
        if os.environ.get("PAR_REQUIRE_SERVERS"):
            pytest.fail("nginx is required (PAR_REQUIRE_SERVERS is set): apt-get install nginx")
        pytest.skip("nginx not installed")
    from tests.factories_results import build_store

    folder = tmp_path_factory.mktemp("front")
    url = f"sqlite:///{folder / 'store.db'}"
    build_store(url)
    folders = Folders(folder / "releases", folder / "private")
    env = {"DATABASE_URL": url, "RELEASES_DIR": str(folders.public), "RELEASES_PRIVATE_DIR": str(folders.private)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        clear_caches()
        port = free_port()
        front = Front(
            folder / "run", port, folders.public, public_processes=2, internal=False, env=env, debug_upstream=True
        )
        with front:
            yield Served(f"http://127.0.0.1:{port}", url, folders)
    get_engine(url).dispose()
    clear_caches()


@pytest.fixture(scope="module")
def released(served: Served) -> Served:
    """The embargo, as it happens: an approved set's kit is built privately, the leader publishes it for a
    time a few seconds ahead, the release runs before and after that time; every kit URL is fetched each time."""
    with session_scope(get_engine(served.url)) as session:
        from sqlmodel import select

        from backend.models import ResultSet

        approved = session.exec(select(ResultSet).where(ResultSet.status == "approved")).one()
        set_id = int(approved.id or 0)
        prepared = prepare_release(session, set_id, actor=Actor.system(), folders=served.folders)
    staged = served.folders.staged(set_id) / "tree" / prepared.path / "index.json"
    index = json.loads(staged.read_text(encoding="utf-8"))
    served.kit_path = prepared.path
    served.kit_files = [f["path"] for f in index["files"]] + ["index.json"]
    urls = [f"{served.base}/releases/{prepared.path}/{name}" for name in served.kit_files]
    urls += [f"{served.base}/releases/{prepared.path}/", f"{served.base}/releases/{prepared.path.rsplit('/', 2)[0]}/"]

    def round_(label: str) -> None:
        with session_scope(get_engine(served.url)) as session:
            release_due(session, folders=served.folders)
        served.codes[label] = [fetch(u)[0] for u in urls]

    round_("approved")
    publish_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4)
    with session_scope(get_engine(served.url)) as session:
        from tests.factories import make_user

        leader = make_user(session, "front_leader", "leader")  # the leader who publishes (roles read from the store)
        transition(
            session,
            actor=leader,
            result_set_id=set_id,
            action="publish",
            publish_at=publish_at,
        )
    round_("scheduled")
    time.sleep(max(0.0, (publish_at - dt.datetime.now(dt.UTC)).total_seconds()) + 1.5)
    round_("due")
    return served


def test_every_kit_url_is_404_before_its_time_and_200_after(released: Served) -> None:
    assert len(released.kit_files) > 100
    assert set(released.codes["approved"]) == {404}
    assert set(released.codes["scheduled"]) == {404}
    due = released.codes["due"]
    assert set(due[:-1]) == {200}  # every file and the version's folder (its landing page)
    assert due[-1] == 404  # no listing of a folder above a version


def test_kit_headers(released: Served) -> None:
    base = f"{released.base}/releases/{released.kit_path}"
    status, headers, body = fetch(f"{base}/vi/ranking.html", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "<h1>" in gzip.decompress(body).decode("utf-8")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    status, headers, _ = fetch(f"{base}/data/par_index_2024_province_v2_sdmx.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    status, headers, _ = fetch(f"{released.base}/releases/demo/par-index/2099/province/v1/index.html")
    assert status == 404 and headers["cache-control"] == "no-store"
    status, headers, body = fetch(f"{released.base}/releases/catalog.json")
    assert status == 200 and headers["cache-control"] == "public, max-age=60"
    assert [k["path"] for k in json.loads(body)["kits"]] == [f"/releases/{released.kit_path}/"]


def test_app_headers_metrics_and_health(served: Served) -> None:
    status, headers, _ = fetch(f"{served.base}/")
    assert status == 200
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN" and headers["x-content-type-options"] == "nosniff"
    assert headers["set-cookie"].startswith("par_route=")
    assert headers["server"] == "nginx"  # no version
    assert fetch(f"{served.base}/_stcore/metrics")[0] == 404
    status, _, body = fetch(f"{served.base}/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}


def _cookie_per_upstream(base: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for number in range(64):
        cookie = f"probe{number}"
        _, headers, _ = fetch(f"{base}/_stcore/health", {"Cookie": f"par_route={cookie}"})
        found.setdefault(headers["x-par-upstream"], cookie)
        if len(found) == 2:
            break
    return found


def test_two_app_processes_serve_the_same_published_numbers(served: Served, browser: Any) -> None:
    upstreams = _cookie_per_upstream(served.base)
    assert len(upstreams) == 2, upstreams
    with session_scope(get_public_engine()) as session:
        info = store.catalogue(session).get("PAR_INDEX", "province", 2024)
        assert info is not None
        tables = store.set_tables(session, info, store.units(session), None)
    expected = fmt.number(tables.national["PAR_INDEX"], "vi", 2)
    seen = {}
    for upstream, cookie in upstreams.items():
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        context.add_cookies([{"name": "par_route", "value": cookie, "url": served.base}])
        page = context.new_page()
        page.goto(f"{served.base}/?year=2024")
        wait_ready(page)
        seen[upstream] = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        context.close()
    assert set(seen.values()) == {expected}, seen


def test_public_pages_work_under_the_content_security_policy(served: Served, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    refused: dict[str, list[str]] = {}
    for path in PUBLIC_PAGES:
        page.goto(served.base + path)
        wait_ready(page)
        if path.startswith("/map"):
            page.frame_locator(MAP_FRAME).locator("path.prov").first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0, path
        found = page.evaluate("() => window.__csp || []")
        if found:
            refused[path] = found
    context.close()
    assert refused == {}


@pytest.mark.parametrize(
    "page_path",
    [
        "index.html",
        "vi/index.html",
        "en/index.html",
        "vi/ranking.html",
        "en/map.html",
        "vi/downloads.html",
        "vi/units/01.html",
        "en/units/64.html",
    ],
)
def test_kit_pages_pass_axe(released: Served, browser: Any, page_path: str) -> None:
    context = browser.new_context(bypass_csp=True)  # the kit's CSP allows no script: let axe in
    page = context.new_page()
    page.goto(f"{released.base}/releases/{released.kit_path}/{page_path}")
    assert page.locator("h1").count() == 1
    found = blocking(violations(page))
    context.close()
    assert not found, describe(found)


def test_kit_works_offline_from_files(released: Served, page: Any) -> None:
    """The released folder opened from disk (file://): pages, styles and images load with no server."""
    root = Path(released.folders.public) / released.kit_path
    page.goto((root / "vi" / "map.html").as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily").startswith('"DejaVu Sans"')
