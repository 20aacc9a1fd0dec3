"""Number, date and name formatting for the two languages, and Vietnamese sort keys (one home for both apps,
the report and the press kit).

Numbers go through Babel: ``vi`` writes ``84,38`` and ``1.234,50`` (decimal comma), ``en`` ``84.38``.
Missing values are never shown as 0: they become an explicit "no data" text.

Sorting: Python's ``sorted()`` orders by code points, which puts "Đà Nẵng" after "Yên Bái" and "Ấn" after
"Z". :func:`vi_sort_key` implements the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s
t u ư v x y) with tones as a secondary difference (ngang, huyền, hỏi, ngã, sắc, nặng), so lists sort as a
Vietnamese reader expects without needing ICU.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_decimal

from backend.scoring.precision import round_value

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
TIMEZONE = "Asia/Ho_Chi_Minh"
DASH = "–"


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))  # NaN / pd.NA
    except (TypeError, ValueError):
        return True


def number(value: Any, lang: str, decimals: int = 2, *, missing: str = DASH) -> str:
    """``84,38`` (vi) / ``84.38`` (en); ``missing`` for None/NaN."""
    if is_missing(value):
        return missing
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # rounded half-up first, as every rank and group is decided (backend.scoring.precision): what prints
    # the same is equal; Babel's own rounding (half-even) would then have nothing left to round
    shown = round_value(float(value), decimals)
    return format_decimal(shown, format=pattern, locale=LOCALES.get(lang, "vi_VN"))


def signed(value: Any, lang: str, decimals: int = 2, *, missing: str = DASH) -> str:
    """A change with its sign: ``+1,32`` / ``−0,40`` / ``0,00``."""
    if is_missing(value):
        return missing
    rounded = round_value(float(value), decimals)
    text = number(abs(rounded), lang, decimals)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "−" + text
    return text


def integer(value: Any, lang: str, *, missing: str = DASH) -> str:
    return number(value, lang, 0, missing=missing)


def rank_text(rank: Any, n: Any, lang: str, *, tied: bool = False, unranked: str = DASH) -> str:
    """``5/63`` (``=5/63`` when tied); ``unranked`` when the unit has no rank."""
    if is_missing(rank):
        return unranked
    prefix = "=" if tied else ""
    if is_missing(n):
        return f"{prefix}{int(rank)}"
    return f"{prefix}{int(rank)}/{int(n)}"


def metric_delta(value: Any, lang: str, decimals: int = 2) -> str | None:
    """A change for ``st.metric(delta=…)``: Streamlit picks the arrow and colour from a leading ASCII "-",
    so negatives must not use the typographic minus of :func:`signed`. None when missing (no delta shown)."""
    if is_missing(value):
        return None
    text = signed(value, lang, decimals)
    return "-" + text[1:] if text.startswith("−") else text


def rank_metric_delta(change: Any) -> str | None:
    """A rank change for ``st.metric``: ``+3`` when the unit moved up 3 places, ``-3`` when it fell."""
    if is_missing(change):
        return None
    change = int(change)
    return f"+{change}" if change > 0 else str(change)


def rank_change_arrow(change: Any) -> str:
    """Arrow for a rank change (positive = moved up, i.e. to a smaller rank number)."""
    if is_missing(change):
        return ""
    change = int(change)
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "= 0"


def date_text(value: dt.date | dt.datetime | None, lang: str) -> str:
    if value is None or is_missing(value):
        return DASH
    if isinstance(value, dt.datetime):
        return format_datetime(
            value if value.tzinfo else value.replace(tzinfo=dt.UTC),
            "dd/MM/yyyy HH:mm" if lang == "vi" else "d MMM yyyy, HH:mm",
            tzinfo=get_timezone(TIMEZONE),
            locale=LOCALES.get(lang, "vi_VN"),
        )
    return format_date(value, "dd/MM/yyyy" if lang == "vi" else "d MMM yyyy", locale=LOCALES.get(lang, "vi_VN"))


# ---- Vietnamese collation --------------------------------------------------------------------------------

_BASE = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_MODIFIERS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn (resolved per base below)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letter_rank(base: str, modifier: str | None) -> float:
    if modifier == "\u0306" and base == "a":
        letter = "ă"
    elif modifier == "\u0302" and base in "aeo":
        letter = {"a": "â", "e": "ê", "o": "ô"}[base]
    elif modifier == "\u031b" and base in "ou":
        letter = {"o": "ơ", "u": "ư"}[base]
    else:
        letter = base
    position = _BASE.find(letter)
    if position >= 0:
        return float(position)
    # letters outside the Vietnamese alphabet (f, j, w, z) sort next to their Latin neighbours
    if "a" <= letter <= "z":
        before = [i for i, ch in enumerate(_BASE) if ch < letter and ch.isascii()]
        return (before[-1] if before else -1) + 0.5
    return 100.0 + ord(letter)


def vi_sort_key(text: str) -> tuple[tuple[float, ...], tuple[int, ...], str]:
    """Sort key: letters of the Vietnamese alphabet first, then tones, then the raw text as a tie-break."""
    letters: list[float] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text or "").casefold():
        if ch == "đ":
            letters.append(float(_BASE.index("đ")))
            tones.append(0)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if base.isspace() or (not base.isalnum()):
            letters.append(-2.0 if base.isspace() else -1.0)
            tones.append(0)
            continue
        if base.isdigit():
            letters.append(-0.5 + int(base) / 100)
            tones.append(0)
            continue
        modifier = next((m for m in marks if m in _MODIFIERS), None)
        tone = next((_TONES[m] for m in marks if m in _TONES), 0)
        letters.append(_letter_rank(base, modifier))
        tones.append(tone)
    return tuple(letters), tuple(tones), text


def sort_names(names: Iterable[str], lang: str) -> list[str]:
    """Names in the order a reader of ``lang`` expects (Vietnamese alphabet in vi; accents ignored in en)."""
    if lang == "vi":
        return sorted(names, key=vi_sort_key)
    return sorted(names, key=lambda s: (vi_sort_key(s)[0], s))


def name_key(lang: str) -> Any:
    """A key function for pandas ``sort_values(key=...)`` on a name column."""
    import pandas as pd

    def key(series: pd.Series) -> pd.Series:
        return series.map(lambda s: vi_sort_key(str(s)) if lang == "vi" else (vi_sort_key(str(s))[0], str(s)))

    return key
