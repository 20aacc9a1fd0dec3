"""axe-core in the browser tests (one helper for the public app's and the press kit's tests).

axe-core comes from the npm registry, pinned in tests/e2e/package.json and installed by `make test`
(``npm install --prefix tests/e2e``), and is injected into the page from that local file with Playwright's
``add_script_tag`` — nothing is fetched by the page. :func:`serious_violations` runs it with the WCAG 2.1 A/AA
rules and returns the violations whose impact is serious or critical, each with its rule id, help text and
the first failing elements, so an assertion message says what to fix.

    from tests.e2e.axe import serious_violations
    assert serious_violations(page) == []

A page whose Content-Security-Policy forbids scripts (the press kit) needs a browser context opened with
``browser.new_context(bypass_csp=True)`` for axe to be injected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_path() -> Path:
    """The local axe.min.js; skips the test when missing (fails when PAR_REQUIRE_BROWSER is set)."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} missing: npm install --prefix tests/e2e"
        if os.environ.get("PAR_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def run_axe(page: Any, *, tags: list[str] | None = None, context: str | None = None) -> dict[str, Any]:
    """axe's full result for the current page (``context``: a CSS selector to limit it, e.g. one frame)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path()))
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return result


def serious_violations(page: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """The serious and critical violations: ``[{id, impact, help, nodes: [html…]}]`` (empty = none)."""
    result = run_axe(page, **kwargs)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:160] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
