"""axe-core in the browser tests: run the WCAG 2.1 A/AA rules on a Playwright page (and its iframes) and
report what a screen-reader or keyboard user would hit.

axe-core comes from the npm registry, pinned in tests/e2e/package.json and installed by ``make test``
(``npm ci --prefix tests/e2e``); nothing is fetched from a CDN at test time. Reusable by any browser test
(the public app, the press kit): ``violations(page)`` returns axe's violations, ``blocking(...)`` keeps the
serious and critical ones, ``describe(...)`` makes an assertion message a person can act on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA (axe's tags)
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """The axe-core script; skips the test when it is missing (fails when PAR_REQUIRE_BROWSER is set)."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} missing: run `npm ci --prefix tests/e2e` (make test does)"
        if os.environ.get("PAR_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def violations(
    page: Any, *, tags: Sequence[str] = WCAG_AA, exclude: Sequence[str] = (), frames: bool = True
) -> list[dict[str, Any]]:
    """axe's violations of ``tags`` on the page as it is now, iframes included (axe is injected into every
    frame, so it can look inside the map and other components). ``exclude``: CSS selectors left out."""
    source = axe_source()
    targets = page.frames if frames else [page.main_frame]
    for frame in targets:
        try:
            if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
                frame.add_script_tag(content=source)
        except Exception:  # a frame that navigated away or closed: the main run reports it as not analysed
            continue
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    context = {"exclude": [[selector] for selector in exclude]} if exclude else {"include": [["html"]]}
    result = page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    return list(result["violations"])


def blocking(found: Iterable[dict[str, Any]], impacts: Sequence[str] = BLOCKING) -> list[dict[str, Any]]:
    """The violations whose impact is serious or critical."""
    return [v for v in found if v.get("impact") in impacts]


def describe(found: Iterable[dict[str, Any]], limit: int = 5) -> str:
    """Rule, impact, help and the first offending elements of each violation, one per paragraph."""
    parts = []
    for v in found:
        nodes = v.get("nodes", [])
        where = "; ".join(
            f"{' > '.join(map(str, n.get('target', [])))}: {n.get('failureSummary', '').splitlines()[-1:]}"
            for n in nodes[:limit]
        )
        parts.append(f"[{v.get('impact')}] {v['id']} ({len(nodes)}×): {v.get('help')}\n    {where}")
    return "\n".join(parts)
