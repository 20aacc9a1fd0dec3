"""The one message catalogue of the project (Vietnamese and English) and ``t()``.

Backend messages, the public app and the internal app all read their texts from here. The catalogue of a
language is every YAML file in ``backend/i18n/<lang>/`` (one file per domain: ``public.yaml``,
``internal.yaml`` …), merged into one key space. Keys are dotted paths into the nested YAML
(``overview.title``); a top-level key may live in one file only. Placeholders use ``str.format`` syntax
(``{year}``). A key missing in a language falls back to Vietnamese, then to the key itself, so a page never
fails on a missing string; the test suite checks that both languages have exactly the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
CATALOGUE_DIR = Path(__file__).resolve().parent


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
    """Every message of ``lang`` (flattened keys). Two files may not define the same top-level key."""
    merged: dict[str, str] = {}
    owner: dict[str, str] = {}
    for path in sorted((CATALOGUE_DIR / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            tree = yaml.safe_load(handle) or {}
        for top in tree:
            if top in owner:
                raise ValueError(f"i18n: top-level key {top!r} is in both {owner[top]} and {path.name} ({lang})")
            owner[str(top)] = path.name
        merged.update(_flatten(tree))
    return merged


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


def both(key: str, **kwargs: Any) -> tuple[str, str]:
    """The message in Vietnamese and in English (for bilingual errors and files)."""
    return t(key, "vi", **kwargs), t(key, "en", **kwargs)


def bilingual(key: str, **kwargs: Any) -> str:
    """The message as one text in both languages, ``"<vi> / <en>"``: for texts stored or printed once for
    every reader (a note kept in the store, a problem line of a bilingual error, a prompt)."""
    return " / ".join(both(key, **kwargs))


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(normalise_lang(lang))


def translator(lang: str) -> Callable[..., str]:
    """``t`` bound to one language: ``tr = translator("en"); tr("overview.title")``."""
    lang = normalise_lang(lang)

    def bound(key: str, **kwargs: Any) -> str:
        return t(key, lang, **kwargs)

    return bound
