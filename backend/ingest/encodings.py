"""Text encodings of imported files: what is read, what is refused, and how (issue 8, point 2).

Read correctly: UTF-8 with or without a byte-order mark, UTF-16 (little or big endian, with a BOM or recognised by
its zero bytes) and Windows-1258 (the Windows Vietnamese code page, whose tone marks are combining characters:
the text is put in NFC so "Hà Nội" compares equal whatever produced it). Every text ends up NFC.

Refused, with what to convert: the legacy Vietnamese font encodings **TCVN3 (ABC)** and **VNI**. They reuse
Latin-1 code points for Vietnamese letters, so a file in them decodes "successfully" into nonsense ("Hµ Néi" for
Hà Nội in TCVN3, "Haø Noäi" in VNI). They are recognised by characters that never occur in Vietnamese text (µ ¶ ¸
¹ Ë Ö ø ä ï û …): many of them among the non-ASCII characters means a legacy file. VNI writes a letter as an ASCII
vowel followed by a mark character, TCVN3 as one character, so the share of marks that follow an ASCII vowel tells
which of the two it is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

from backend.errors import ValidationError

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
#: punctuation and symbols that Vietnamese text in Unicode may contain
_ALLOWED = set("“”‘’–—…•°€ \u00a0\u200b\ufeff")
#: at least this many legacy marks, making up at least this share of the non-ASCII characters → legacy file
MIN_MARKS = 3
MIN_MARK_SHARE = 0.2
#: share of marks that follow an ASCII vowel from which the file is taken to be VNI rather than TCVN3
VNI_SHARE = 0.5
#: bytes examined to recognise UTF-16 without a byte-order mark
_PROBE = 4096
#: characters examined to recognise a legacy encoding
SAMPLE = 1_000_000
#: a non-ASCII character and the ASCII vowel just before it, if any
_NON_ASCII = re.compile(r"([aeiouyAEIOUY]?)([^\x00-\x7f])")


@lru_cache(maxsize=1)
def vietnamese_letters() -> frozenset[str]:
    """Every precomposed Vietnamese letter (both cases): vowels with each tone, đ."""
    letters = {"đ", "Đ"}
    for vowel in _VOWELS:
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            letters.update({letter, letter.upper()})
    return frozenset(letters)


def legacy_encoding(text: str) -> str | None:
    """``"TCVN3"`` or ``"VNI"`` when ``text`` looks like a legacy Vietnamese encoding decoded as Latin-1, else None.
    A legacy file is legacy throughout, so the first :data:`SAMPLE` characters decide."""
    letters = vietnamese_letters()
    marks = after_vowel = non_ascii = 0
    for found in _NON_ASCII.finditer(text[:SAMPLE]):
        previous, ch = found.group(1), found.group(2)
        non_ascii += 1
        if ch not in letters and ch not in _ALLOWED:
            marks += 1
            after_vowel += bool(previous)
    if marks < MIN_MARKS or marks < MIN_MARK_SHARE * non_ascii:
        return None
    return "VNI" if after_vowel >= VNI_SHARE * marks else "TCVN3"


def _refuse(kind: str) -> ValidationError:
    return ValidationError.of("ingest.encoding.legacy", encoding=kind)


def _utf16_without_bom(data: bytes) -> str | None:
    """The byte order of UTF-16 text without a BOM (ASCII-heavy text: every other byte zero), else None."""
    probe = data[: _PROBE - _PROBE % 2]
    if len(probe) < 4:
        return None
    even = probe[0::2].count(0)
    odd = probe[1::2].count(0)
    half = len(probe) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """(NFC text, encoding name) of a text file's bytes; ValidationError for a legacy Vietnamese encoding or
    bytes that are not text."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8) :]
        text = _strict(body, "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        text = _strict(data, "utf-16")
    elif (order := _utf16_without_bom(data)) is not None:
        encoding = order
        text = _strict(data, order)
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1258", errors="replace"), "windows-1258"
    if "\x00" in text:
        raise ValidationError.of("ingest.encoding.binary")
    text = unicodedata.normalize("NFC", text)  # Windows-1258 tone marks are combining characters
    legacy = legacy_encoding(text)
    if legacy:
        raise _refuse(legacy)
    return text, encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError.of("ingest.encoding.broken", encoding=encoding, position=exc.start) from None
