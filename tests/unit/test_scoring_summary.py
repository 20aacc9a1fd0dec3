"""The one standard yearly summary (backend/scoring/summary.py) on a tiny hand-computed year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backend.scoring.summary import standard_summary

UNITS = pd.DataFrame(
    {
        "unit_id": [1, 3, 2, 4, 9],
        "code": ["01", "03", "02", "04", "09"],
        "name_vi": ["Một", "Ba", "Hai", "Bốn", "Chín"],
        "name_en": ["One", "Three", "Two", "Four", "Nine"],
        "value": [90.0, 85.0, 80.0, 70.0, 99.0],
        "ranked": [True, True, True, True, False],
        "rank": pd.array([1, 2, 3, 4, None], dtype="Int64"),
        "tied": [False] * 5,
        "grp": ["A", "B", "B", "C", None],
        "change": [2.0, 0.004, -2.0, np.nan, np.nan],  # 4 was formed by a merger: not comparable
        "rank_change": pd.array([0, 0, -1, None, None], dtype="Int64"),
        "PAR_INDEX.area.A1": [10.0, 9.0, 8.0, 7.0, 5.0],
    }
)
REGIONS = pd.DataFrame({"region_code": ["N", "S"], "value": [85.0, 77.5], "n": [2, 2]})
PREVIOUS_REGIONS = pd.DataFrame({"region_code": ["N", "S"], "value": [85.0, 215 / 3], "n": [2, 3]})
COMPONENTS = [("PAR_INDEX.area.A1", 12.5)]


def _summary(**kwargs: object) -> object:
    return standard_summary(
        UNITS,
        index_code="PAR_INDEX",
        national={"PAR_INDEX": 81.25, "PAR_INDEX.area.A1": 8.5},
        previous_national={"PAR_INDEX": 77.0, "PAR_INDEX.area.A1": 8.6},
        regions=REGIONS,
        previous_regions=PREVIOUS_REGIONS,
        components=COMPONENTS,
        grade_order=("A", "B", "C"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_national_figure_and_above_it() -> None:
    s = _summary()
    assert s.n_units == 5 and s.n_ranked == 4  # the unranked unit is counted apart
    assert s.national == 81.25 and s.previous_national == 77.0 and s.national_change == pytest.approx(4.25)
    assert s.above_average == 2  # ranked units above the national figure


def test_moves_decided_at_the_published_precision() -> None:
    s = _summary()
    assert (s.rose, s.fell, s.unchanged, s.not_comparable) == (1, 1, 1, 2)  # +0.004 prints +0.00
    assert s.comparable and s.risers["unit_id"].tolist() == [1, 3] and s.fallers["unit_id"].tolist() == [2]
    assert _summary(decimals=3).rose == 2  # at three decimals +0.004 is a rise


def test_groups_regions_components_and_lists() -> None:
    s = _summary(top_n=2, bottom_n=1)
    assert s.groups == {"A": 1, "B": 2, "C": 1}
    regions = s.regions.set_index("region_code")
    assert regions.loc["S", "change"] == pytest.approx(77.5 - 215 / 3)
    comp = s.components.set_index("metric").loc["PAR_INDEX.area.A1"]
    assert comp["pct"] == pytest.approx(8.5 / 12.5 * 100) and comp["direction"] == "down"
    assert s.components_down == ["PAR_INDEX.area.A1"] and s.components_up == []
    assert s.component_leaders.set_index("metric").loc["PAR_INDEX.area.A1", "unit_id"] == 1
    assert s.top["unit_id"].tolist() == [1, 3] and s.bottom["unit_id"].tolist() == [4]


def test_ties_at_the_edge_of_a_list_are_all_shown() -> None:
    tied = UNITS.assign(rank=pd.array([1, 2, 3, 3, None], dtype="Int64"))
    s = standard_summary(tied, index_code="PAR_INDEX", national={"PAR_INDEX": 81.25}, bottom_n=1)
    assert s.bottom["unit_id"].tolist() == [2, 4]


def test_without_previous_year() -> None:
    s = standard_summary(
        UNITS.drop(columns=["change", "rank_change"]),
        index_code="PAR_INDEX",
        national={"PAR_INDEX": 81.25},
        components=COMPONENTS,
    )
    assert s.previous_national is None and s.national_change is None and not s.comparable
    assert s.not_comparable == 5 and s.rose == 0 and s.risers.empty
    assert s.components.set_index("metric").loc["PAR_INDEX.area.A1", "direction"] == "n/a"
    assert s.groups == {"A": 1, "B": 2, "C": 1}  # no declared order: sorted codes
