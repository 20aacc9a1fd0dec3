"""The normaliser maps the names people type to unit codes and reports what it cannot map."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.reference.normalise import NameNormaliser, ascii_key, basic_key
from backend.settings import REPO_ROOT

BEFORE = dt.date(2024, 12, 31)
AFTER = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def normaliser() -> NameNormaliser:
    return NameNormaliser.from_reference_dir(REPO_ROOT / "data" / "reference")


@pytest.mark.parametrize(
    "typed",
    [
        "TP HCM",
        "Thành phố Hồ Chí Minh",
        "Ho Chi Minh City",
        "tp. hồ chí minh",
        "thanh pho ho chi minh",
        "TP.HCM",
        "  Sài   Gòn ",
    ],
)
def test_ho_chi_minh_city_spellings(normaliser: NameNormaliser, typed: str) -> None:
    ref = normaliser.resolve(typed, ["province_63"], on=BEFORE)
    assert ref is not None and (ref.kind, ref.code) == ("province_63", "79")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Tỉnh Bà Rịa – Vũng Tàu", "77"),
        ("Bà Rịa-Vũng Tàu", "77"),
        ("ba ria vung tau", "77"),
        ("Đắc Lắc", "66"),
        ("Dak Lak", "66"),
        ("Hoà Bình", "17"),
        ("Hòa Bình", "17"),
        ("Kontum", "62"),
        ("THỪA THIÊN HUẾ", "46"),
        ("Huế", "46"),
    ],
)
def test_province_variants(normaliser: NameNormaliser, typed: str, code: str) -> None:
    ref = normaliser.resolve(typed, ["province_63"], on=BEFORE)
    assert ref is not None and ref.code == code


def test_same_name_resolves_by_date(normaliser: NameNormaliser) -> None:
    # Lào Cai is code 10 in the 63 list and 15 in the 34 list; Bộ Tài chính is MOF before, MOF_2025 after 2025-03-01.
    assert normaliser.resolve("Lào Cai", ["province_63", "province_34"], on=BEFORE).code == "10"  # type: ignore[union-attr]
    assert normaliser.resolve("Lào Cai", ["province_63", "province_34"], on=AFTER).code == "15"  # type: ignore[union-attr]
    assert normaliser.resolve("Bộ Tài chính", ["ministry"], on=dt.date(2023, 12, 31)).code == "MOF"  # type: ignore[union-attr]
    assert normaliser.resolve("BTC", ["ministry"], on=dt.date(2025, 12, 31)).code == "MOF_2025"  # type: ignore[union-attr]


def test_unmapped_and_ambiguous_are_reported_not_guessed(normaliser: NameNormaliser) -> None:
    result = normaliser.normalise(
        ["Hà Nội", "Vũng Tàu", "Lào Cai", "", "Atlantis"], kinds=["province_63", "province_34"]
    )
    # Hà Nội is code 01 in both lists: without a date it is ambiguous between the two lists
    assert result.unmapped["Hà Nội"] == "không rõ / ambiguous: province_34:01, province_63:01"
    dated = normaliser.normalise(["Hà Nội"], kinds=["province_63", "province_34"], on=AFTER)
    assert dated.mapped["Hà Nội"].kind == "province_34"
    assert "Vũng Tàu" in result.unmapped and "no known unit" in result.unmapped["Vũng Tàu"]
    assert "ambiguous" in result.unmapped["Lào Cai"] and "province_34:15" in result.unmapped["Lào Cai"]
    assert "Atlantis" in result.unmapped and "" in result.unmapped
    assert "unmapped 5" in result.report()


def test_every_reference_variant_maps_back_to_its_unit(normaliser: NameNormaliser) -> None:
    import csv

    with (REPO_ROOT / "data" / "reference" / "name_variants.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    wrong = []
    for row in rows:
        refs, _ = normaliser.candidates(row["variant"], [row["kind"]])
        if (row["kind"], row["code"]) not in {(r.kind, r.code) for r in refs}:
            wrong.append(row)
    assert not wrong, wrong[:5]


def test_keys() -> None:
    assert basic_key("  Tỉnh   Bà Rịa – Vũng Tàu ") == "tỉnh bà rịa - vũng tàu"
    assert basic_key("TP.HCM") == "tp. hcm"
    assert ascii_key("đắk lắk") == "dak lak"
