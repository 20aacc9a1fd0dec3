"""The link written into downloads and citations carries only known, valid URL parameters (issue 10, point 7)."""

from __future__ import annotations

import pytest

from backend.published.links import URL_PARAMS, share_params, share_url

BASE = "https://chiso.example.gov.vn/rankings"


def test_known_parameters_are_kept_in_link_order() -> None:
    url = share_url(BASE, {"year": "2024", "lang": "en", "index": "par", "scope": "ministry"})
    assert url == f"{BASE}?lang=en&index=par&year=2024&scope=ministry"


def test_unknown_parameters_never_reach_the_link() -> None:
    url = share_url(BASE + "?old=1#frag", {"year": "2024", "utm_source": "x", "=cmd": "=1+1", "lang": "vi"})
    assert url == f"{BASE}?lang=vi&year=2024"


@pytest.mark.parametrize(
    "name,value",
    [
        ("year", "2024<script>"),
        ("lang", "fr"),
        ("unit", "province_63:01\r=1+1"),
        ("units", "province_63:01~=HYPERLINK(1)"),
        ("metric", "A3 onmouseover"),
        ("rule", "anything"),
        ("year", "=1+1"),
    ],
)
def test_invalid_values_are_dropped(name: str, value: str) -> None:
    assert name in URL_PARAMS
    assert share_params({name: value}) == {}
    assert share_url(BASE, {name: value, "lang": "en"}) == f"{BASE}?lang=en"


def test_valid_values_of_each_form() -> None:
    params = {
        "unit": "province_63:01",
        "units": "province_34:01~province_34:79~ministry:MOJ",
        "metric": "A3",
        "by": "index",
        "rule": "weighted",
        "ryear": "all",
        "layer": "official",
    }
    assert share_params(params) == params
    assert "units=province_34:01~province_34:79~ministry:MOJ" in share_url(BASE, params)


@pytest.mark.parametrize("base", ["javascript:alert(1)", "http://x/a b", "=1+1", ""])
def test_a_strange_base_address_is_left_out(base: str) -> None:
    assert share_url(base, {"lang": "vi"}) == "?lang=vi"
