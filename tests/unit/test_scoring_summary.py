"""The standard yearly summary on a tiny hand-computed pair of years (with a merger)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backend.scoring.summary import standard_summary

CURRENT = pd.DataFrame(
    {
        "value": [90.0, 80.0, 85.0, 70.0, 99.0],
        "ranked": [True, True, True, True, False],
        "grp": ["A", "B", "B", "C", None],
        "region": ["N", "N", "S", "S", "N"],
        "name_vi": ["Một", "Hai", "Ba", "Bốn", "Chín"],
        "name_en": ["One", "Two", "Three", "Four", "Nine"],
        "component:A1": [100.0, 90.0, 80.0, 70.0, 50.0],
        "component:A2": [50.0, 60.0, 70.0, 80.0, 50.0],
    },
    index=[1, 2, 3, 4, 9],
)
PREVIOUS = pd.DataFrame(
    {
        "value": [88.0, 82.0, 85.0, 60.0, 70.0],
        "ranked": True,
        "grp": ["B", "B", "B", None, "C"],
        "region": ["N", "N", "S", "S", "S"],
        "component:A1": [90.0, 90.0, 80.0, 60.0, 60.0],
        "component:A2": [70.0, 70.0, 70.0, 70.0, 70.0],
    },
    index=[1, 2, 5, 10, 11],
)
LINEAGE = pd.DataFrame(
    [(5, 3, "renamed"), (10, 4, "merged_into"), (11, 4, "merged_into")],
    columns=["old_unit_id", "new_unit_id", "relation"],
)


def test_averages_and_above_average() -> None:
    out = standard_summary(CURRENT, PREVIOUS, lineage=LINEAGE)
    assert out["n_units"] == 4  # the unranked unit is left out
    assert out["average"] == pytest.approx(81.25)
    assert out["previous_average"] == pytest.approx(77.0)
    assert out["average_change"] == pytest.approx(4.25)
    assert out["above_average"] == {"count": 2, "units": [1, 3]}


def test_risers_fallers_and_not_comparable() -> None:
    out = standard_summary(CURRENT, PREVIOUS, lineage=LINEAGE)
    assert out["rose"]["count"] == 1 and out["rose"]["largest"]["unit"] == 1 and out["rose"]["largest"]["change"] == 2
    assert out["fell"]["count"] == 1 and out["fell"]["largest"]["name_en"] == "Two"
    assert out["unchanged"] == 1  # renamed unit 5 → 3, same value
    assert out["not_comparable"] == 1  # unit 4 = 10 + 11 merged
    moves = out["moves"].set_index("unit")
    assert moves.loc[3, "basis"] == "renamed" and moves.loc[4, "basis"] == "merged"
    assert moves.loc[1, "rank"] == 1 and moves.loc[1, "previous_rank"] == 1 and moves.loc[1, "rank_change"] == 0
    assert moves.loc[3, "previous_rank"] == 2 and moves.loc[3, "rank_change"] == 0
    merged = standard_summary(CURRENT, PREVIOUS, lineage=LINEAGE, change_rule="mean")
    assert merged["rose"]["count"] == 2 and merged["rose"]["largest"]["unit"] == 4  # 70 − mean(60, 70) = +5
    assert merged["rose"]["smallest"]["unit"] == 1


def test_groups_regions_components_and_lists() -> None:
    out = standard_summary(CURRENT, PREVIOUS, lineage=LINEAGE, top_n=2)
    groups = out["groups"].set_index("grp")
    assert groups["count"].to_dict() == {"A": 1, "B": 2, "C": 1}
    assert groups["previous_count"].to_dict() == {"A": 0, "B": 3, "C": 1}
    regions = out["regions"].set_index("region")
    assert regions.loc["N", "average"] == 85.0 and regions.loc["S", "average"] == 77.5
    assert regions.loc["S", "previous_average"] == pytest.approx(215 / 3)
    comps = out["components"].set_index("component")
    assert comps.loc["A1", "average"] == 85.0 and comps.loc["A1", "previous_average"] == 76.0
    assert out["components_up"] == ["A1"] and out["components_down"] == ["A2"]
    leaders = out["component_leaders"].set_index("component")
    assert leaders.loc["A1", "unit"] == 1 and leaders.loc["A2", "unit"] == 4
    assert out["top"]["unit"].tolist() == [1, 3] and out["bottom"]["unit"].tolist() == [2, 4]
    assert out["top"]["rank"].tolist() == [1, 2]


def test_without_previous_year() -> None:
    out = standard_summary(CURRENT)
    assert out["previous_average"] is None and out["average_change"] is None
    assert out["not_comparable"] == 4 and out["rose"]["count"] == 0
    assert np.isnan(out["components"].set_index("component").loc["A1", "change"])
