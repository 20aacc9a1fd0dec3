"""Domain errors built from the one catalogue: both languages, the hint when there is one."""

from __future__ import annotations

from backend.errors import DomainError, NotFoundError, ValidationError


def test_error_from_the_catalogue_with_hint_and_values() -> None:
    error = NotFoundError.of("errors.result_set_not_found", id=7)
    assert isinstance(error, NotFoundError) and isinstance(error, DomainError)
    assert "7" in error.message("vi") and "7" in error.message("en") and error.vi != error.en
    assert error.hint_en and error.hint_en in error.message("en")


def test_validation_error_keeps_its_problems() -> None:
    error = ValidationError.of("errors.invalid_input", problems=["row 2: x / x"])
    assert error.problems == ["row 2: x / x"] and "row 2" in error.message("en")
