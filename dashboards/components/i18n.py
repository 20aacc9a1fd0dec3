"""Message catalogues (dashboards/i18n/vi.yaml, en.yaml) and ``t()``.

Keys are dotted paths into the nested YAML (``overview.title``). Placeholders use ``str.format`` syntax
(``{year}``). A key missing in a language falls back to Vietnamese, then to the key itself, so a page never
fails on a missing string; the test suite checks that both catalogues have exactly the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "i18n"


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = "" if value is None else str(value)
    return flat


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    path = CATALOGUE_DIR / f"{lang}.yaml"
    with path.open(encoding="utf-8") as handle:
        return _flatten(yaml.safe_load(handle) or {})


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **kwargs: Any) -> str:
    lang = normalise_lang(lang)
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG).get(key, key)
    if kwargs:
        try:
            return text.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(normalise_lang(lang))


def translator(lang: str) -> Callable[..., str]:
    """``t`` bound to one language: ``tr = translator("en"); tr("overview.title")``."""
    lang = normalise_lang(lang)

    def bound(key: str, **kwargs: Any) -> str:
        return t(key, lang, **kwargs)

    return bound
