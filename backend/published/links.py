"""The public app's shareable link: which URL parameters exist and what values they may take.

Every choice that defines a view lives in the query string (``?lang=en&index=par&year=2024&unit=province_63:01``,
see dashboards/components/widgets.py). A link written into a downloaded file or a citation carries only these
parameters, each with a value of its own form, in a fixed order; anything else a visitor put in the address
(an unknown parameter, a value with markup, a spreadsheet formula) never reaches a file (issue 10, point 7).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping

_UNIT = r"(?:province_63|province_34|ministry):[A-Za-z0-9_]{1,16}"
_METRIC = r"[A-Za-z0-9_]{1,40}"

#: parameter -> the form of its value (the whole value must match); the order is the order in a link
URL_PARAMS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in (
        ("lang", r"vi|en"),
        ("index", r"par|sipas"),
        ("year", r"(?:19|20)\d\d"),
        ("scope", r"province|ministry"),
        ("layer", r"official|results"),
        ("unit", _UNIT),
        ("units", rf"{_UNIT}(?:~{_UNIT}){{0,7}}"),
        ("metric", _METRIC),
        ("by", _METRIC),
        ("colour", r"group|quantile"),
        ("rule", r"not_comparable|mean|weighted"),
        ("ryear", r"all|(?:19|20)\d\d"),
        ("rindex", r"all|PAR_INDEX|SIPAS"),
        ("rtype", r"all|[a-z_]{1,20}"),
        ("set", r"[1-9]\d{0,8}"),  # a visible older version by id (errata link to it)
    )
}
_BASE = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~\-/]*)?")


def share_params(params: Mapping[str, str]) -> dict[str, str]:
    """The known parameters of ``params`` whose value has the right form, in link order."""
    out = {}
    for name, pattern in URL_PARAMS.items():
        value = params.get(name)
        if isinstance(value, str) and pattern.fullmatch(value):
            out[name] = value
    return out


def page_query(params: Mapping[str, str], **changes: str | None) -> str:
    """``?known=valid&…`` for a link within the app: ``params`` as :func:`share_params` keeps them, with
    ``changes`` applied (None removes a parameter)."""
    kept = share_params(params)
    for name, value in changes.items():
        kept.pop(name, None)
        if value is not None:
            kept[name] = value
    return "?" + urllib.parse.urlencode(share_params(kept), safe=":~")


def share_url(base: str, params: Mapping[str, str]) -> str:
    """``base?known=valid&…``: the page address without its own query or fragment (empty when it is not a
    plain http(s) address), then the known, valid parameters, URL-encoded."""
    page = (base or "").split("#", 1)[0].split("?", 1)[0]
    if not _BASE.fullmatch(page):
        page = ""
    query = urllib.parse.urlencode(share_params(params), safe=":~")
    return f"{page}?{query}" if query else page
