"""Domain errors built from the one catalogue: both languages, the hint when there is one."""

from __future__ import annotations

from backend.errors import DomainError, NotFoundError, ValidationError
from backend.i18n import bilingual
from backend.services.compute import NoInputsError


def test_error_from_the_catalogue_with_hint_and_values() -> None:
    error = NotFoundError.of("errors.result_set_not_found", id=7)
    assert isinstance(error, NotFoundError) and isinstance(error, DomainError)
    assert "7" in error.message("vi") and "7" in error.message("en") and error.vi != error.en
    assert error.hint_en and error.hint_en in error.message("en")


def test_validation_error_keeps_its_problems() -> None:
    error = ValidationError.of("errors.invalid_input", problems=["row 2: x / x"])
    assert error.problems == ["row 2: x / x"] and "row 2" in error.message("en")


def test_one_text_in_both_languages_puts_vietnamese_first() -> None:
    assert bilingual("reference.unmapped.empty") == "tên trống / empty name"
    assert bilingual("reference.year_note_34") == "34 tỉnh, thành phố từ 01/07/2025 / 34 provinces from 2025-07-01"


def test_an_error_subclass_of_a_service_comes_from_the_catalogue_too() -> None:
    error = NoInputsError.of("compute.nothing_to_compute", dataset="demo", year=2031)
    assert isinstance(error, ValidationError) and error.problems == []
    assert error.message("vi") == "Không có gì để tính cho năm 2031 trong bộ dữ liệu 'demo'."
    assert error.message("en") == "Nothing to compute for 2031 in dataset 'demo'."
