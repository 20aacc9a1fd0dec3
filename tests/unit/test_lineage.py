"""The one lineage module: predecessors, successors, matching last year under every rule, mapping a unit
across years, aggregating a history, and the years where the list of units changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backend.reference.lineage import Lineage

LINEAGE = Lineage.from_frame(
    pd.DataFrame(
        [
            (5, 3, "renamed", "2025-01-01"),
            (10, 4, "merged_into", "2025-07-01"),
            (11, 4, "merged_into", "2025-07-01"),
            (12, 2, "split_part", "2025-03-01"),  # a function moved: not a predecessor
            (2, 2, "continues", "2025-07-01"),
            (20, 21, "continues", "2025-07-01"),
        ],
        columns=["old_unit_id", "new_unit_id", "relation", "effective"],
    )
)


def test_direct_links() -> None:
    assert set(LINEAGE.predecessors(4)) == {10, 11}
    assert LINEAGE.predecessors(2) == ()  # split_part and a self link do not count
    assert LINEAGE.successors(10) == (4,)
    assert LINEAGE.successors(12) == ()


def test_previous_values_under_each_rule() -> None:
    current = pd.Series({1: 90.0, 2: 80.0, 3: 85.0, 4: 70.0, 6: 75.0})
    previous = pd.Series({1: 88.0, 2: 82.0, 5: 85.0, 10: 60.0, 11: 70.0, 12: 50.0})
    out = LINEAGE.previous_values(current, previous)
    assert out.loc[1, "change"] == 2.0 and out.loc[1, "basis"] == "same_unit"
    assert out.loc[2, "previous"] == 82.0  # itself, not the split part
    assert out.loc[3, "change"] == 0.0 and out.loc[3, "basis"] == "renamed" and out.loc[3, "source"] == 5
    assert np.isnan(out.loc[4, "change"]) and not out.loc[4, "comparable"]
    assert out.loc[4, "basis"] == "merged" and out.loc[4, "sources"] == (10, 11)
    assert out.loc[6, "basis"] == "new" and pd.isna(out.loc[6, "source"])
    mean = LINEAGE.previous_values(current, previous, "mean")
    assert mean.loc[4, "previous"] == 65.0 and mean.loc[4, "rule_used"] == "mean" and mean.loc[4, "comparable"]
    weighted = LINEAGE.previous_values(current, previous, "weighted", weights=pd.Series({10: 300, 11: 100}))
    assert weighted.loc[4, "previous"] == 62.5 and weighted.loc[4, "rule_used"] == "weighted"
    fallback = LINEAGE.previous_values(current, previous, "weighted", weights=pd.Series({10: 300}))
    assert fallback.loc[4, "previous"] == 65.0 and fallback.loc[4, "rule_used"] == "mean_fallback"


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError):
        LINEAGE.previous_values(pd.Series({1: 1.0}), pd.Series({1: 1.0}), "sum")


def test_map_unit_forward_then_backward() -> None:
    assert LINEAGE.map_unit(1, {1, 4}) == 1
    assert LINEAGE.map_unit(10, {4, 21}) == 4  # merged into 4
    assert LINEAGE.map_unit(4, {10, 11, 3}) == 10  # a predecessor, smallest id
    assert LINEAGE.map_unit(4, {10, 11}, prefer={4: "x", 11: "x", 10: "y"}) == 11  # same label wins
    assert LINEAGE.map_unit(99, {4}) is None


def test_aggregate_history() -> None:
    history = pd.DataFrame(
        {
            "year": [2024, 2024, 2025, 2024],
            "unit_id": [10, 11, 4, 1],
            "value": [60.0, 70.0, 72.0, 80.0],
            "n": [300, 100, 500, 50],
        }
    )
    none = LINEAGE.aggregate_history(history, [4], "not_comparable")
    assert none["year"].tolist() == [2025]
    mean = LINEAGE.aggregate_history(history, [4], "mean")
    assert mean.set_index("year").loc[2024, "value"] == 65.0
    assert mean.set_index("year").loc[2024, "members"] == (10, 11)
    weighted = LINEAGE.aggregate_history(history, [4], "weighted")
    assert weighted.set_index("year").loc[2024, "value"] == 62.5


def test_unit_change_years() -> None:
    kinds = {10: "province_63", 11: "province_63", 2: "ministry", 20: "ministry", 5: "province_63"}
    assert LINEAGE.unit_change_years(kinds, {"province_63"}) == [2025]
    assert LINEAGE.unit_change_years(kinds, {"ministry"}) == [2025]
    assert LINEAGE.unit_change_years(kinds, {"province_34"}) == []
