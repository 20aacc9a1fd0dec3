"""Helpers for the public app's AppTests: run a page with URL parameters, collect everything it sent."""

from __future__ import annotations

import ast
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from backend.settings import REPO_ROOT

APP = str(REPO_ROOT / "dashboards" / "public_app.py")


def _registry() -> dict[str, tuple[str, str, str, bool]]:
    """``PAGES`` of dashboards/public_app.py: url path -> (file, title key, icon, shows result sets), read from
    the source (importing it would run it)."""
    tree = ast.parse((REPO_ROOT / "dashboards" / "public_app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "PAGES":
            assert node.value is not None
            return dict(ast.literal_eval(node.value))
    raise LookupError("PAGES not found in dashboards/public_app.py")


#: every page of the public app: url path -> file (the navigation registry of dashboards/public_app.py)
PAGES = {url: f"app_pages/{spec[0]}" for url, spec in _registry().items()}
#: the pages that show result sets (and so carry the demo banner when the sets are demo data)
RESULT_PAGES = [url for url, spec in _registry().items() if spec[3]]


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
