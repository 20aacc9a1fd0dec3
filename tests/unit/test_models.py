"""Model-level facts other modules rely on."""

from __future__ import annotations

from backend.models import ResultRow
from backend.models.results import RESULT_ROW_FIELDS


def test_result_row_fields_match_the_table() -> None:
    columns = [c.name for c in ResultRow.__table__.columns if c.name not in ("id", "result_set_id")]  # type: ignore[attr-defined]
    assert list(RESULT_ROW_FIELDS) == columns
