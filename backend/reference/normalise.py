"""One normaliser for the names people type: "TP HCM", "tp. hồ chí minh", "Ho Chi Minh City",
"Tỉnh Bà Rịa – Vũng Tàu", "Dak Lak" … → (kind, code).

Lookup order (each step only if the previous found nothing):
1. the exact spelling in data/reference/name_variants.csv after NFC, trimming, collapsing spaces,
   casefolding and unifying dashes;
2. the same with administrative prefixes removed ("Tỉnh", "Thành phố", "TP.", "TP");
3. the same with diacritics removed (đ → d) and punctuation dropped.

Names that map to no unit, or to more than one unit of the requested kind at the requested date, are
reported as unmapped with the reason, never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from backend.i18n import bilingual, t

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_PREFIX = re.compile(r"^(tỉnh|tinh|thành phố|thanh pho|tp\.?|t\.p\.?)\s+", re.IGNORECASE)


def basic_key(name: str) -> str:
    """NFC, trim, collapse whitespace, unify dashes and spaces around them, casefold."""
    text = unicodedata.normalize("NFC", name).translate(_DASHES)
    text = re.sub(r"\s*-\s*", " - ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\.(?=\S)", ". ", text)  # "TP.HCM" -> "TP. HCM"
    return re.sub(r"\s+", " ", text).casefold()


def strip_prefix(key: str) -> str:
    return _PREFIX.sub("", key).strip()


def ascii_key(key: str) -> str:
    """Diacritics removed (đ → d), punctuation dropped, spaces collapsed."""
    text = key.replace("đ", "d").replace("Đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^0-9a-z&]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _keys(name: str) -> list[str]:
    key = basic_key(name)
    stripped = strip_prefix(key)
    return [key, stripped, ascii_key(key), ascii_key(stripped)]


@dataclass(frozen=True)
class UnitRef:
    kind: str
    code: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass
class NormaliseResult:
    mapped: dict[str, UnitRef] = field(default_factory=dict)
    unmapped: dict[str, str] = field(default_factory=dict)  # name -> reason

    def report(self, lang: str = "en") -> str:
        """How many names were mapped and, one line each, every name not mapped with its reason."""
        lines = [t("reference.normalised", lang, mapped=len(self.mapped), unmapped=len(self.unmapped))]
        lines += [
            "  " + t("reference.unmapped_line", lang, name=repr(name), reason=reason)
            for name, reason in sorted(self.unmapped.items())
        ]
        return "\n".join(lines)


class NameNormaliser:
    """Maps typed names to unit references using the name-variant table and unit validity periods."""

    def __init__(
        self,
        variants: Iterable[tuple[str, str, str]],
        validity: dict[tuple[str, str], tuple[dt.date | None, dt.date | None]],
    ):
        # stage -> key -> set of (kind, code)
        self._index: list[dict[str, set[tuple[str, str]]]] = [defaultdict(set) for _ in range(4)]
        self._validity = validity
        for code, kind, variant in variants:
            for stage, key in enumerate(_keys(variant)):
                if key:
                    self._index[stage][key].add((kind, code))

    @classmethod
    def from_reference_dir(cls, reference_dir: Path) -> NameNormaliser:
        return _cached_normaliser(str(reference_dir))

    def candidates(
        self, name: str, kinds: Iterable[str] | None = None, on: dt.date | None = None
    ) -> tuple[list[UnitRef], int]:
        """All units the name may mean (kind/date filtered) at the first matching stage, and that stage."""
        wanted = set(kinds) if kinds else None
        for stage, key in enumerate(_keys(name)):
            found = self._index[stage].get(key, set())
            refs = [self._ref(kind, code) for kind, code in found if wanted is None or kind in wanted]
            refs = [ref for ref in refs if ref.valid_on(on)]
            if refs:
                return sorted(refs, key=lambda r: (r.kind, r.code)), stage
        return [], -1

    def resolve(self, name: str, kinds: Iterable[str] | None = None, on: dt.date | None = None) -> UnitRef | None:
        """The one unit ``name`` means, or None if it maps to none or to several."""
        refs, _ = self.candidates(name, kinds, on)
        return refs[0] if len(refs) == 1 else None

    def normalise(
        self, names: Iterable[str], kinds: Iterable[str] | None = None, on: dt.date | None = None
    ) -> NormaliseResult:
        """Map many names; everything not mapped to exactly one unit is reported with a reason."""
        kinds = list(kinds) if kinds else None
        result = NormaliseResult()
        for name in dict.fromkeys(names):
            if not name or not str(name).strip():
                result.unmapped[name] = bilingual("reference.unmapped.empty")
                continue
            refs, _ = self.candidates(str(name), kinds, on)
            if len(refs) == 1:
                result.mapped[name] = refs[0]
            elif not refs:
                result.unmapped[name] = bilingual("reference.unmapped.unknown")
            else:
                options = ", ".join(f"{r.kind}:{r.code}" for r in refs)
                result.unmapped[name] = f"{bilingual('reference.unmapped.ambiguous')}: {options}"
        return result

    def _ref(self, kind: str, code: str) -> UnitRef:
        valid_from, valid_to = self._validity.get((kind, code), (None, None))
        return UnitRef(kind, code, valid_from, valid_to)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def _cached_normaliser(reference_dir: str) -> NameNormaliser:
    base = Path(reference_dir)
    validity: dict[tuple[str, str], tuple[dt.date | None, dt.date | None]] = {}

    def span(row: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
        start, end = row.get("valid_from") or "", row.get("valid_to") or ""
        return (dt.date.fromisoformat(start) if start else None, dt.date.fromisoformat(end) if end else None)

    for kind, filename in (
        ("province_63", "provinces_63.csv"),
        ("province_34", "provinces_34.csv"),
        ("ministry", "ministries.csv"),
    ):
        for row in _read(base / filename):
            validity[(kind, row["code"])] = span(row)
    variants = [(r["code"], r["kind"], r["variant"]) for r in _read(base / "name_variants.csv")]
    # the canonical names are variants too
    for kind, filename in (
        ("province_63", "provinces_63.csv"),
        ("province_34", "provinces_34.csv"),
        ("ministry", "ministries.csv"),
    ):
        for row in _read(base / filename):
            for column in ("name_vi", "full_name_vi", "name_en"):
                if row.get(column):
                    variants.append((row["code"], kind, row[column]))
    for filename in ("regions.csv",):
        for row in _read(base / filename):
            for column in ("name_vi", "name_en"):
                variants.append((row["region_code"], "region", row[column]))
    return NameNormaliser(variants, validity)
