"""English pages show no untranslated Vietnamese (issue 10, point 10): legal titles, region names, unit names
and notes come in English; what stays Vietnamese is what may not be translated: a citation (the title of
a Vietnamese article, shown as its source) and a legal document's number (876/QĐ-BNV)."""

from __future__ import annotations

import re

import pytest

from tests.app.public_helpers import PAGES, dataframes, run_page

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
DOCUMENT_NUMBER = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
CITATION_COLUMNS = {"Source", "Link", "Note", "Source note"}


def _texts(at) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        texts += [e.value for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in dataframes(at):
        texts += [str(c) for c in frame.columns]
        for column in frame.columns:
            if str(column) not in CITATION_COLUMNS and frame[column].dtype == object:
                texts += [str(v) for v in frame[column].dropna().unique()]
    return [t for t in texts if not t.startswith("Source: ")]  # a citation line


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("params", [{"year": "2024"}, {"year": "2024", "layer": "results"}, {"index": "sipas"}])
def test_english_pages_show_no_untranslated_vietnamese(public_store, page: str, params: dict[str, str]) -> None:
    at = run_page(page, lang="en", **params)
    assert not at.exception
    leaks = [t for t in _texts(at) if VIETNAMESE.search(DOCUMENT_NUMBER.sub("", t))]
    assert not leaks, leaks[:5]
