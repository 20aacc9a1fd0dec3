"""Real browser (Debian chromium via Playwright) on the public app: the map shows 63 provinces for 2024 and
34 for 2025, a click on a province opens its profile, the language switch works, the CSV downloads."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import MAP_FRAME, wait_ready

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("public_browser")]


def open_map(page: Any, base: str, year: int) -> Any:
    page.goto(f"{base}/map?year={year}")
    wait_ready(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.prov").first.wait_for(timeout=60_000)
    return frame


@pytest.mark.parametrize("year,count", [(2024, 63), (2025, 34)])
def test_map_shows_the_provinces_of_the_year(page: Any, public_server: str, year: int, count: int) -> None:
    frame = open_map(page, public_server, year)
    assert frame.locator("path.prov").count() == count
    assert frame.locator("text=Quần đảo Hoàng Sa (Đà Nẵng)").count() == 1
    assert frame.locator("text=Quần đảo Trường Sa (Khánh Hòa)").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    # nothing was fetched from outside the app (no tiles, no CDN)
    assert page.evaluate(
        "() => performance.getEntriesByType('resource').every(e => e.name.startsWith(location.origin))"
    )


def test_click_on_a_province_opens_its_profile(page: Any, public_server: str) -> None:
    frame = open_map(page, public_server, 2024)
    time.sleep(1.0)  # let the component settle after its first round trip
    target = frame.locator("path.prov-64")  # Gia Lai: a compact shape, its box centre is inside it
    for _attempt in range(3):
        box = target.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            page.wait_for_function("() => location.pathname.endsWith('/province')", timeout=10_000)
            break
        except Exception:  # retry once the map has settled
            continue
    page.wait_for_selector("h1:has-text('Gia Lai')", timeout=30_000)  # page titles are h1 (issue 10)
    assert re.search(r"unit=province_63(%3A|:)64", page.url)
    assert "year=2024" in page.url


def test_language_switch(page: Any, public_server: str) -> None:
    page.goto(f"{public_server}/rankings?year=2024")
    wait_ready(page)
    page.wait_for_selector("h1:has-text('Xếp hạng Chỉ số CCHC (PAR INDEX) năm 2024')")
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.wait_for_selector("h1:has-text('PAR INDEX 2024 rankings: Provinces')", timeout=30_000)
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=10_000)
    assert page.get_by_text("DEMO DATA.").count() >= 1


def test_download_csv_of_the_rankings(page: Any, public_server: str) -> None:
    # the computed ranking: 2024 opens on the official layer, its own download (issue 10, point 5)
    page.goto(f"{public_server}/rankings?year=2024&lang=en&layer=results")
    wait_ready(page)
    page.wait_for_selector("h1:has-text('PAR INDEX 2024 rankings')")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="CSV (on screen)").click()
    download = info.value
    assert download.suggested_filename == "par_index_2024_rankings_province.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 63
    assert {"Rank", "Unit", "Score", "Note"} <= set(rows[0])
    assert any(row["Unit"] == "Ha Noi" for row in rows)
    assert all(not row["Unit"].startswith(("=", "+", "-", "@")) for row in rows)


def test_a_downloaded_file_links_only_known_parameters(page: Any, public_server: str) -> None:
    """An extra URL parameter never reaches a file's "Link" or its citation (issue 10, point 7)."""
    page.goto(f"{public_server}/rankings?year=2024&lang=en&layer=results&utm_source=x&note==1%2B1&unit=%3Cb%3E")
    wait_ready(page)
    page.wait_for_selector("h1:has-text('PAR INDEX 2024 rankings')")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Metadata and citation (CSV)").click()
    rows = dict(csv.reader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    link = rows["Link"]
    assert link.startswith(public_server + "/rankings?lang=en&index=par&year=2024")
    assert "utm_source" not in link and "note" not in link and "<b>" not in link and "%3C" not in link
    assert "utm_source" not in rows["How to cite"]
