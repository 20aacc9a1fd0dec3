"""Ranking (competition, unranked units), groups, averages and year-on-year matching through lineage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.frameworks import Grade
from backend.scoring.ranking import assign_grades, competition_rank, group_means, match_previous, mean_of_units

GRADES = [Grade("A", 90, "A", "A"), Grade("B", 80, "B", "B"), Grade("C", 70, "C", "C")]


def test_competition_ranking_with_ties_and_unranked_units() -> None:
    values = pd.Series([90.0, 85.5, 85.5, 80.0, 99.0, np.nan], index=list("abcdef"))
    ranked = pd.Series([True, True, True, True, False, True], index=list("abcdef"))
    ranks = competition_rank(values, ranked)
    assert ranks.tolist()[:4] == [1, 2, 2, 4]
    assert ranks.isna().tolist()[4:] == [True, True]  # unranked; no value


def test_ranking_uses_unrounded_values() -> None:
    ranks = competition_rank(pd.Series([85.554, 85.546]))
    assert ranks.tolist() == [1, 2]  # both print as 85.55


def test_grades_boundaries() -> None:
    values = pd.Series([90.0, 89.999, 80.0, 79.99, 70.0, 69.99])
    assert assign_grades(values, GRADES).tolist() == ["A", "B", "B", "C", "C", None]


def test_averages() -> None:
    values = pd.Series([80.0, 90.0, 100.0], index=[1, 2, 3])
    assert mean_of_units(values, pd.Series([True, True, False], index=[1, 2, 3])) == 85.0
    means = group_means(values, pd.Series(["N", "N", "S"], index=[1, 2, 3]))
    assert means.loc["N", "average"] == 85.0 and means.loc["S", "n"] == 1


LINEAGE = pd.DataFrame(
    [
        (5, 3, "renamed"),
        (10, 4, "merged_into"),
        (11, 4, "merged_into"),
        (12, 2, "split_part"),  # a function moved: not a predecessor
        (2, 2, "continues"),
    ],
    columns=["old_unit", "new_unit", "relation"],
)


def test_match_previous_through_lineage() -> None:
    current = pd.Series({1: 90.0, 2: 80.0, 3: 85.0, 4: 70.0, 6: 75.0})
    previous = pd.Series({1: 88.0, 2: 82.0, 5: 85.0, 10: 60.0, 11: 70.0, 12: 50.0})
    out = match_previous(current, previous, LINEAGE)
    assert out.loc[1, "change"] == 2.0 and out.loc[1, "basis"] == "same_unit"
    assert out.loc[2, "previous"] == 82.0  # itself, not the split part
    assert out.loc[3, "change"] == 0.0 and out.loc[3, "basis"] == "renamed"
    assert np.isnan(out.loc[4, "change"]) and not out.loc[4, "comparable"]
    assert out.loc[4, "basis"] == "merged:not_comparable"
    assert out.loc[6, "basis"] == "new"
    mean = match_previous(current, previous, LINEAGE, rule="mean")
    assert mean.loc[4, "previous"] == 65.0 and mean.loc[4, "basis"] == "merged:mean" and mean.loc[4, "comparable"]


# -- properties ------------------------------------------------------------------------------------

values_strategy = st.lists(st.sampled_from([70.0, 80.0, 85.5, 90.0, 95.25]), min_size=1, max_size=25)


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, ranked_bits=st.lists(st.booleans(), min_size=25, max_size=25))
def test_rank_is_one_plus_number_strictly_better(values: list[float], ranked_bits: list[bool]) -> None:
    series = pd.Series(values)
    ranked = pd.Series(ranked_bits[: len(values)])
    ranks = competition_rank(series, ranked)
    ranked_values = series[ranked]
    for i in series.index:
        if not ranked[i]:
            assert pd.isna(ranks[i])
            continue
        assert ranks[i] == 1 + int((ranked_values > series[i]).sum())
    # equal values share a rank; the next distinct value skips as many places as were tied
    r = ranks.dropna().astype(int)
    for rank in r.unique():
        tied = int((r == rank).sum())
        higher = int((r > rank).sum())
        if higher:
            assert r[r > rank].min() == rank + tied


@settings(max_examples=50, deadline=None)
@given(values=values_strategy, seed=st.integers(0, 10_000))
def test_rank_does_not_depend_on_order(values: list[float], seed: int) -> None:
    series = pd.Series(values, index=[f"u{i}" for i in range(len(values))])
    shuffled = series.sample(frac=1.0, random_state=seed)
    assert competition_rank(series).equals(competition_rank(shuffled).reindex(series.index))


def test_match_previous_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError):
        match_previous(pd.Series({1: 1.0}), pd.Series({1: 1.0}), None, rule="sum")
