"""Steps of the seed: one transaction each, and a failure names the step in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.commands.seed import SeedStepError, step
from backend.db import get_engine
from backend.errors import DomainError
from backend.models import Region


def test_a_domain_error_keeps_its_own_words() -> None:
    error = SeedStepError(("số liệu đã công bố", "published record"), DomainError("Tệp hỏng.", "Broken file."))
    assert "“số liệu đã công bố”" in error.message("vi") and "Tệp hỏng." in error.message("vi")
    assert "“published record”" in error.message("en") and "Broken file." in error.message("en")
    assert "Broken" not in error.message("vi")


def test_a_database_error_shows_the_driver_reason() -> None:
    class StringDataRightTruncation(Exception):
        pass

    cause = DBAPIError("INSERT …", {}, StringDataRightTruncation("value too long for type character varying(32)"))
    message = SeedStepError(("x", "published record"), cause).message("en")
    assert "StringDataRightTruncation: value too long for type character varying(32)." in message


def test_a_failed_step_writes_nothing(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SeedStepError) as caught, step("reference") as session:
        session.add(Region(scheme="gso6", code="ZZ", name_vi="x", name_en="x", sort_order=99))
        session.flush()
        raise OSError("disk full")
    assert "OSError: disk full" in caught.value.message("en") and "“reference data”" in caught.value.message("en")
    with get_engine(store_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM region WHERE code = 'ZZ'")).scalar() == 0
    with step("reference") as session:
        session.add(Region(scheme="gso6", code="ZZ", name_vi="x", name_en="x", sort_order=99))
    with get_engine(store_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM region WHERE code = 'ZZ'")).scalar() == 1
    assert "→ reference data / dữ liệu tham chiếu …" in capsys.readouterr().err
