"""The leaders' approval panel of a stored set: map and ranking with rank intervals, last year through the
lineage, the previous version and its inputs, flags, quality, adjustments, who may not approve, next steps."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from backend.errors import PermissionDenied
from backend.models import ResultSet
from backend.services.panel import approval_panel
from tests.factories import make_user
from tests.factories_results import DRAFT_VALUE, make_results


def test_panel_of_an_approved_set(session: Session) -> None:
    made = make_results(session)
    approved = next(i for i in made.hidden_ids if session.get(ResultSet, i).status == "approved")  # type: ignore[union-attr]
    leader = make_user(session, "dung", "leader")
    panel = approval_panel(session, actor=leader, result_set_id=approved)
    ranking = panel.figures.ranking.table
    assert len(ranking) == 63 and panel.figures.map.table["code"].nunique() == 63
    assert panel.figures.previous_year is not None and panel.figures.previous_year.year == 2023
    assert panel.figures.last_year.previous is not None  # matched through the lineage
    diff = panel.figures.versions
    assert diff.previous is not None and diff.previous.version == 1
    assert len(diff.changed_units) == 63 and (diff.changes["new"] == DRAFT_VALUE).any()
    assert diff.inputs["input"].tolist() == ["not_recorded"]  # factory sets record no input digests
    assert list(panel.quality.columns) == [
        "scope_code",
        "name_vi",
        "name_en",
        "survey",
        "received",
        "valid",
        "valid_rate",
    ]
    assert panel.adjustments.empty and panel.open_assessments == 0
    assert "factory" in panel.involved and panel.actions == ["schedule", "publish", "return"]
    assert set(panel.figures.flags.columns) == {"scope_code", "flag", "score"}
    again = approval_panel(session, actor=leader, result_set_id=approved)
    assert again.figures is panel.figures  # the set's figures are built once (they never change)


def test_panel_is_refused_to_a_unit_officer(session: Session) -> None:
    made = make_results(session)
    officer = make_user(session, "hn", "unit_officer", scope="province_63:01")
    with pytest.raises(PermissionDenied):
        approval_panel(session, actor=officer, result_set_id=made.hidden_ids[0])
