"""Accessible to every reader (issue 10, point 10), in a real browser: axe-core finds no serious or critical
WCAG 2.1 A/AA violation on any public page in either language (pages come from the navigation registry, so a
new page is covered automatically); the page declares its language; one h1 and a distinct title per page;
tables read as shown; a keyboard path from the map to a profile; Streamlit, Plotly and Leaflet texts in
Vietnamese on Vietnamese pages; the pages usable on a 390-pixel phone."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.app.public_helpers import PAGES
from tests.e2e.axe import blocking, describe, violations
from tests.e2e.conftest import MAP_FRAME, wait_ready, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("public_browser")]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def url(base: str, page: str, lang: str, **params: str) -> str:
    path = "" if page == "overview" else page
    query = "&".join(f"{k}={v}" for k, v in {"year": "2024", "lang": lang, **params}.items())
    return f"{base}/{path}?{query}"


def open_page(page: Any, address: str, *, settle: bool = True) -> None:
    """Open a page and wait for its h1; ``settle``: also until no rerun and no faded element (what axe measures),
    which also lets the page-head script (debounced on DOM changes) run."""
    page.goto(address)
    page.wait_for_selector("h1", timeout=60_000)
    if settle:
        wait_settled(page)
    else:
        wait_ready(page)
        time.sleep(0.8)  # the page-head script runs on DOM changes (debounced)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_passes_axe_and_declares_its_language(page: Any, public_server: str, name: str, lang: str) -> None:
    open_page(page, url(public_server, name, lang))
    if name == "map":
        page.frame_locator(MAP_FRAME).locator("path.prov").first.wait_for(timeout=60_000)
    # Streamlit serves lang="en"; the page-head script sets the reader's language once the page is drawn
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang, timeout=15_000)
    assert page.locator("h1").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    found = blocking(violations(page))
    assert not found, describe(found)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_has_a_distinct_title(page: Any, public_server: str, lang: str) -> None:
    titles = {}
    for name in PAGES:
        open_page(page, url(public_server, name, lang), settle=False)  # the title is set by the script's run
        titles[name] = page.title()
    assert len(set(titles.values())) == len(titles), titles
    assert all(("Chỉ số" in t) == (lang == "vi") for t in titles.values()), titles


def test_tables_read_as_shown(page: Any, public_server: str) -> None:
    """The screen reader's text of a table is the value shown (84,38), never the raw float (84.3798…)."""
    open_page(page, url(public_server, "rankings", "vi", layer="results"))
    twin = page.locator('[class*="st-key-sortable-rank_table"] .sr-only table')
    twin.first.wait_for(state="attached", timeout=30_000)
    assert twin.count() == 1 and twin.locator("caption").inner_text()
    cells = twin.locator("td").all_inner_texts()
    assert any("," in c for c in cells) and not any("." in c and c.replace(".", "").isdigit() for c in cells)
    # the raw grid text is not read twice (the page-head script hides it once the grid has drawn)
    page.wait_for_function(
        """() => { const t = document.querySelector('[class*="st-key-sortable-rank_table"] canvas table');
                   return t && t.getAttribute('aria-hidden') === 'true'; }""",
        timeout=15_000,
    )
    open_page(page, url(public_server, "overview", "vi"))
    page.wait_for_selector('[data-testid="stDataFrame"] canvas table td', state="attached", timeout=30_000)
    cells = page.locator('[data-testid="stDataFrame"] canvas table td').all_inner_texts()
    numbers = [c for c in cells if re.fullmatch(r"[+−-]?\d+[.,]\d+", c)]
    assert numbers and all(re.fullmatch(r"[+−]?\d+,\d{2}", c) for c in numbers), numbers[:10]
    chart = page.locator('[class*="st-key-chart-overview_regions"] [data-testid="stPlotlyChart"]')
    assert chart.get_attribute("role") == "figure" and "2024" in (chart.get_attribute("aria-label") or "")


def test_keyboard_path_from_the_map_to_a_profile(page: Any, public_server: str) -> None:
    open_page(page, url(public_server, "map", "vi"))
    frame = page.frame_locator(MAP_FRAME)
    province = frame.locator("path.prov-64")  # Gia Lai
    province.wait_for(timeout=60_000)
    assert province.get_attribute("tabindex") == "0" and province.get_attribute("role") == "button"
    assert "Gia Lai" in (province.get_attribute("aria-label") or "")
    names = frame.locator("path.prov").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(names) == 63 and all(names)
    province.focus()
    time.sleep(0.5)
    assert frame.locator(".leaflet-tooltip").count() >= 1  # focus shows the figures
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.pathname.endsWith('/province')", timeout=20_000)
    page.wait_for_selector("h1:has-text('Gia Lai')", timeout=30_000)
    # and the chooser before the map is a shorter path: one field, then a link
    open_page(page, url(public_server, "map", "en"))
    assert page.get_by_label("Province").count() >= 1


def test_vietnamese_pages_localise_built_in_texts(page: Any, public_server: str) -> None:
    open_page(page, url(public_server, "map", "vi", layer="results"))
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.prov").first.wait_for(timeout=60_000)
    assert frame.locator("a.leaflet-control-zoom-in").get_attribute("title") == "Phóng to"
    assert frame.locator("a.leaflet-control-zoom-out").get_attribute("title") == "Thu nhỏ"
    assert page.get_by_text("Choose an option", exact=True).count() == 0
    assert page.locator('iframe[title="Bản đồ tương tác các tỉnh, thành phố"]').count() == 1
    open_page(page, url(public_server, "overview", "vi"))
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    titles = chart.locator(".modebar-btn").evaluate_all("els => els.map(e => e.getAttribute('data-title'))")
    assert titles and "Tải ảnh PNG của biểu đồ" in titles, titles
    assert not {"Download plot as a PNG", "Fullscreen", "Autoscale", "Reset axes"} & set(titles), titles
    toolbar = page.locator('[data-testid="stElementToolbar"] button').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert not ({"Download as CSV", "Search", "Fullscreen"} & set(toolbar))


def test_focus_is_visible(page: Any, public_server: str) -> None:
    open_page(page, url(public_server, "overview", "vi"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    width = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert width == "3px"


@pytest.mark.parametrize("name", ["overview", "map", "rankings", "province"])
def test_usable_on_a_390_pixel_phone(browser: Any, public_server: str, name: str) -> None:
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    try:
        open_page(phone, url(public_server, name, "vi", **({"layer": "results"} if name == "rankings" else {})))
        assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        heading = phone.locator("h1").bounding_box()
        assert heading is not None and heading["x"] >= 0 and heading["x"] + heading["width"] <= 391
        for chart in phone.locator('[data-testid="stPlotlyChart"]').all()[:2]:
            title, bar = chart.locator(".gtitle").first.bounding_box(), chart.locator(".modebar").first.bounding_box()
            if title and bar:  # the toolbar never covers the chart's title
                assert title["x"] + title["width"] <= bar["x"] or bar["y"] >= title["y"] + title["height"]
        if name == "rankings":  # the score column is on screen, not squeezed out
            assert phone.locator('[data-testid="stDataFrame"]').first.bounding_box()["width"] <= 391
        if name == "province":
            bars = phone.locator('[class*="st-key-chart-profile_components"] .barlayer .point path').first
            box = bars.bounding_box()
            assert box is not None and box["width"] >= 120  # bars keep their width beside wrapped labels
        if name == "map":
            frame = phone.frame_locator(MAP_FRAME)
            target = frame.locator("path.prov-64")
            target.wait_for(timeout=60_000)
            target.tap()
            time.sleep(1.5)
            assert phone.url.split("?")[0].endswith("/map")  # a first tap shows the figures, it does not leave
            assert frame.locator(".leaflet-tooltip").count() >= 1
            target.tap()
            phone.wait_for_function("() => location.pathname.endsWith('/province')", timeout=20_000)
    finally:
        context.close()
