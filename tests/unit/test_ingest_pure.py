"""Pure parts of data-in: personal data, encodings, separators and decimals, XLSX bounds, back-check sampling and
comparison, high-frequency checks on made-up forms."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backend.errors import DomainError, ValidationError
from backend.ingest import backcheck as bc
from backend.ingest.columns import detect_decimal, to_number
from backend.ingest.encodings import decode, legacy_encoding
from backend.ingest.quality import quality_report, thresholds
from backend.ingest.readers import Limits, detect_separator, read_table, safe_name
from backend.personal import Vault, create_key_file, mask, new_key, normalise_phone, vault

LIMITS = Limits(max_bytes=10_000_000, max_rows=1000, max_columns=100, max_expanded=50_000_000)


# --- personal data --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("912345678", "0912345678"),
        ("912345678.0", "0912345678"),
        ("024-3825-1234", "02438251234"),
        ("12345", None),
        ("", None),
    ],
)
def test_phone_numbers_are_normalised(typed: str, number: str | None) -> None:
    assert normalise_phone(typed) == number


def test_hash_is_keyed_and_stable_copy_is_random_and_authenticated() -> None:
    one, other = Vault(os.urandom(32)), Vault(os.urandom(32))
    assert one.hash("0912345678") == one.hash("0912345678") != other.hash("0912345678")
    a, b = one.encrypt("0912345678"), one.encrypt("0912345678")
    assert a != b and "0912345678" not in a and one.decrypt(a) == one.decrypt(b) == "0912345678"
    with pytest.raises(DomainError):
        other.decrypt(a)
    blob = bytearray(base64.urlsafe_b64decode(a[len("v1:") :]))
    blob[-1] ^= 0x01  # one bit of the tag changed (a changed base64 letter may only touch its padding bits)
    with pytest.raises(DomainError):
        one.decrypt("v1:" + base64.urlsafe_b64encode(bytes(blob)).decode("ascii"))
    assert one.seal("not a phone") == (None, None) and mask("0912345678") == "•" * 8


def test_no_key_no_phones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from backend.settings import get_settings

    monkeypatch.setenv("PERSONAL_DATA_KEY", "")
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(tmp_path / "missing.key"))
    get_settings.cache_clear()
    try:
        with pytest.raises(DomainError) as err:
            vault()
        assert "PERSONAL_DATA_KEY" in err.value.hint_en and "personal-key" in err.value.hint_vi
        assert create_key_file(tmp_path / "missing.key") and not create_key_file(tmp_path / "missing.key")
        assert stat.S_IMODE((tmp_path / "missing.key").stat().st_mode) == 0o600
        assert vault().decrypt(vault().encrypt("0912345678")) == "0912345678"
    finally:
        get_settings.cache_clear()


def test_a_malformed_key_is_refused() -> None:
    from backend.personal import _decode

    with pytest.raises(DomainError):
        _decode("short")
    assert len(_decode(new_key())) == 32


# --- encodings and CSV shape ----------------------------------------------------------------------------------
def test_legacy_detection_leaves_unicode_vietnamese_alone() -> None:
    text = "Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng, Nguyễn Thị Ánh, Thừa Thiên Huế, “Quảng Ngãi” – Kon Tum\n" * 20
    assert legacy_encoding(text) is None
    assert legacy_encoding("Hµ Néi, Thµnh phè Hå ChÝ Minh, §µ N½ng") == "TCVN3"
    assert legacy_encoding("Haø Noäi, Thaønh phoá Hoà Chí Minh, Ñaø Naüng") == "VNI"


def test_nfd_text_becomes_nfc_and_zero_bytes_are_refused() -> None:
    import unicodedata

    text, _ = decode(unicodedata.normalize("NFD", "Hà Nội").encode("utf-8"))
    assert text == unicodedata.normalize("NFC", "Hà Nội")
    with pytest.raises(ValidationError):
        decode(b"\x00\x01\x02\x03binary\x00" * 3 + b"\xff")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator(sep: str) -> None:
    text = "\n".join(sep.join(["a", "b c", "d", "1,5" if sep != "," else '"1,5"']) for _ in range(5))
    assert detect_separator(text) == sep


def test_decimal_comma() -> None:
    comma = pd.Series(["2,5", "1.234,5", "3"])
    assert detect_decimal([comma]) == ","
    assert detect_decimal([pd.Series(["2.5", "3"])]) == "."
    assert to_number(comma, ",").tolist() == [2.5, 1234.5, 3.0]


def test_file_names_are_labels_not_paths() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\data.csv") == "data.csv"
    assert safe_name("a\x00b\n.csv") == "ab.csv" and safe_name("") == "upload"


# --- XLSX bounds ----------------------------------------------------------------------------------------------
def _xlsx_with(sheet_xml: bytes) -> bytes:
    """A minimal workbook whose first sheet is ``sheet_xml`` (built from a real one)."""
    from openpyxl import Workbook

    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    return out.getvalue()


def test_a_huge_declared_sheet_is_not_opened() -> None:
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with pytest.raises(ValidationError) as err:
        read_table("big.xlsx", _xlsx_with(sheet), LIMITS)
    assert "1048576" in err.value.en and "16384" in err.value.en


def test_a_zip_bomb_is_not_inflated() -> None:
    padding = b" " * 5_000_000  # whitespace inflates 1000-fold
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + padding
        + b"<sheetData/></worksheet>"
    )
    data = _xlsx_with(sheet)
    assert len(data) < 100_000 < 1_000_000 < len(sheet)
    small = Limits(max_bytes=10_000_000, max_rows=1000, max_columns=100, max_expanded=1_000_000)
    with pytest.raises(ValidationError) as err:
        read_table("bomb.xlsx", data, small)
    assert err.value.en.startswith("The XLSX file would expand")


def test_too_many_rows_in_a_sheet_stop_the_reading() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 3000))
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )
    with pytest.raises(ValidationError):
        read_table("rows.xlsx", _xlsx_with(sheet), LIMITS)


def test_a_file_named_xlsx_that_is_not_one() -> None:
    with pytest.raises(ValidationError):
        read_table("x.xlsx", b"form_code\nF1\n", LIMITS)


# --- back-check sampling and comparison -----------------------------------------------------------------------
def _forms() -> pd.DataFrame:
    rows = [
        (f, unit, f"IV{unit}-{k}")
        for f, (unit, k, size) in enumerate(
            (u, k, s) for u in range(3) for k, s in enumerate((40, 12, 3)) for _ in range(s)
        )
    ]
    return pd.DataFrame(rows, columns=["form", "unit", "interviewer"])


def test_sample_proportions_minimum_and_seed() -> None:
    forms = _forms()
    chosen = bc.draw_sample(forms, share=0.1, min_per_interviewer=5, seed=7)
    picked = forms[forms["form"].isin(chosen)].groupby("interviewer").size()
    sizes = forms.groupby("interviewer").size()
    for interviewer, size in sizes.items():
        expected = min(size, max(5, int(np.ceil(0.1 * size))))
        assert picked.get(interviewer, 0) == expected
    assert chosen == bc.draw_sample(forms, share=0.1, min_per_interviewer=5, seed=7)
    assert chosen != bc.draw_sample(forms, share=0.1, min_per_interviewer=5, seed=8)
    big = pd.DataFrame({"form": range(10_000), "unit": 0, "interviewer": "A"})
    assert len(bc.draw_sample(big, share=0.25, min_per_interviewer=5, seed=1)) == 2500


def test_comparison_by_question_type_and_flags() -> None:
    cases = pd.DataFrame(
        {
            "case": [1, 2, 3],
            "form": [10, 11, 12],
            "outcome": ["confirmed", "contradicts", "not_reached"],
            "facts": ['{"gender": "male", "birth_year": 1980}', '{"gender": "female"}', None],
            "interviewer": ["A", "A", "B"],
        }
    )
    originals = pd.DataFrame(
        {"form": [10, 11, 12], "facts": ['{"gender": "male", "birth_year": 1980}', '{"gender": "male"}', None]}
    )
    answers = pd.DataFrame({"case": [1, 1, 2], "item": ["Q1", "Q2", "Q1"], "value": [4, 1, 5]})
    values = {10: {"Q1": 5, "Q2": 4}, 11: {"Q1": 5}}
    result = bc.compare(cases, originals, answers, values, tolerance=1)
    facts = result[result["type"] == "fact"]
    opinions = result[result["type"] == "opinion"]
    assert facts["mismatch"].tolist() == [False, False, True]
    assert opinions.set_index(["case", "question"])["mismatch"].to_dict() == {
        (1, "Q1"): False,
        (1, "Q2"): True,
        (2, "Q1"): False,
    }
    table = bc.rates(cases, result, "interviewer")
    assert table.loc["A", "contradicts"] == 0.5 and table.loc["B", "not_reached"] == 1.0
    assert bc.binomial_tail(0, 5, 0.1) == 1.0 and bc.binomial_tail(5, 5, 0.5) == pytest.approx(1 / 32)


# --- high-frequency checks ------------------------------------------------------------------------------------
def _survey(n_per: int = 12) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    rows, values = [], []
    start = dt.datetime(2024, 9, 1, 1, 0, tzinfo=dt.UTC)
    for k in range(16):
        for i in range(n_per):
            day = dt.date(2024, 9, 1 + i % 10)
            minutes = 30 + rng.normal(0, 4)
            rows.append(
                {
                    "form_code": f"F{k}-{i}",
                    "province": "P1" if k < 4 or 8 <= k < 12 else "P2",
                    "commune": f"C{k // 2}",
                    "interviewer": f"IV{k}",
                    "collected_on": day,
                    "started_at": start,
                    "finished_at": start + dt.timedelta(minutes=minutes),
                    "phone_hash": f"h{k}-{i}",
                    "status": "valid",
                }
            )
            values.append(rng.integers(1, 6, size=30))
    return pd.DataFrame(rows), np.array(values, dtype=np.int8)


def test_each_check_finds_its_pattern_and_nothing_else() -> None:
    forms, values = _survey()
    clean = quality_report(forms, values, (dt.date(2024, 8, 15), dt.date(2024, 10, 31)))
    assert clean.flags.empty, clean.flags
    # IV1 straight-lines, IV2 is too fast and works in one day, IV3 copies one template, IV4 leaves answers empty,
    # IV5 dates forms after the fieldwork, IV6 answers 5 to everything in a 1..5 spread province, IV7 re-uses phones
    rows = lambda k: (forms["interviewer"] == f"IV{k}").to_numpy()  # noqa: E731
    values[rows(1)] = 3
    forms.loc[rows(2), "finished_at"] = forms.loc[rows(2), "started_at"] + dt.timedelta(minutes=4)
    forms.loc[rows(2), "collected_on"] = dt.date(2024, 9, 3)
    values[rows(3)] = values[np.flatnonzero(rows(3))[0]]
    values[np.flatnonzero(rows(4))[:8], :20] = 0
    forms.loc[rows(5), "collected_on"] = dt.date(2024, 11, 20)
    values[rows(6)] = np.where(np.random.default_rng(1).random((12, 30)) < 0.8, 5, 4)
    forms.loc[rows(7), "phone_hash"] = "same"
    report = quality_report(forms, values, (dt.date(2024, 8, 15), dt.date(2024, 10, 31)))
    by = report.flags[report.flags["level"] == "interviewer"].groupby("check")["key"].apply(set).to_dict()
    assert "IV1" in by["straight_lining"] and "IV2" in by["duration"] and "IV2" in by["forms_per_day"]
    assert "IV3" in by["near_duplicates"] and "IV4" in by["dont_know"] and by["outside_fieldwork"] == {"IV5"}
    assert "IV6" in by["distribution"] and by["same_respondent"] == {"IV7"}
    assert not {"IV0", "IV8", "IV9", "IV10", "IV11", "IV12", "IV13", "IV14", "IV15"} & set().union(*by.values())
    flag = report.flags[(report.flags["check"] == "outside_fieldwork") & (report.flags["level"] == "interviewer")].iloc[
        0
    ]
    assert sorted(flag["forms"]) == sorted(forms.loc[rows(5), "form_code"])
    assert {"interviewer", "commune", "province"} == set(report.metrics)
    assert thresholds()["high_frequency"]["straight_lining"]["min_items"] == 10
