"""Helpers for the public app's AppTests: run a page with URL parameters, collect everything it sent."""

from __future__ import annotations

from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from backend.settings import REPO_ROOT

APP = str(REPO_ROOT / "dashboards" / "public_app.py")
PAGES = {
    "overview": "app_pages/overview.py",
    "map": "app_pages/map.py",
    "rankings": "app_pages/rankings.py",
    "trends": "app_pages/trends.py",
    "province": "app_pages/province.py",
    "ministry": "app_pages/ministry.py",
    "compare": "app_pages/compare.py",
    "methodology": "app_pages/methodology.py",
    "record": "app_pages/record.py",
}


def run_page(page: str, **params: str) -> AppTest:
    """The public app opened on ``page`` with the given query parameters (as a shared link would)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(PAGES[page])
    return at.run()


def protos(node: Any) -> list[Any]:
    """Every element message the page produced (text, tables, charts, components)."""
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        found.append(proto)
    children = getattr(node, "children", None) or {}
    for child in children.values():
        found.extend(protos(child))
    return found


def page_text(at: AppTest) -> str:
    return "\n".join(str(p) for p in protos(at._tree))


def dataframes(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]
