"""The one ranking (tie rule, declared precision, unranked units), groups and averages; exact decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.frameworks import Grade
from backend.scoring.precision import Precision, decision_keys, round_half_up, threshold_key
from backend.scoring.ranking import assign_grades, group_means, mean_of_units, rank_series, ranks, tied

GRADES = [Grade("A", 90, "A", "A"), Grade("B", 80, "B", "B"), Grade("C", 70, "C", "C")]


def test_competition_ranking_with_ties_and_unranked_units() -> None:
    values = pd.Series([90.0, 85.5, 85.5, 80.0, 99.0, np.nan], index=list("abcdef"))
    ranked = pd.Series([True, True, True, True, False, True], index=list("abcdef"))
    ranks = rank_series(values, ranked)
    assert ranks.tolist()[:4] == [1, 2, 2, 4]
    assert ranks.isna().tolist()[4:] == [True, True]  # unranked; no value


def test_ranking_at_the_published_precision_ties_what_prints_the_same() -> None:
    values = pd.Series([85.554, 85.546, 85.544])
    assert rank_series(values, decimals=2).tolist() == [1, 1, 3]  # 85.55, 85.55, 85.54
    assert rank_series(values).tolist() == [1, 2, 3]  # undeclared precision: as given
    assert tied(rank_series(values, decimals=2)).tolist() == [True, True, False]


def test_dense_tie_rule() -> None:
    values = pd.Series([90.0, 85.5, 85.5, 80.0])
    assert rank_series(values, tie_rule="dense").tolist() == [1, 2, 2, 3]
    with pytest.raises(ValueError):
        rank_series(values, tie_rule="olympic")


def test_float_sum_at_a_threshold_gets_the_higher_group() -> None:
    # 0.1 added 900 times is 89.99999999999986 in binary floating point, though it is exactly 90.00
    total = sum([0.1] * 900)
    assert total < 90
    grades = assign_grades(pd.Series([total]), GRADES, decimals=2)
    assert grades.tolist() == ["A"]
    assert assign_grades(pd.Series([total]), GRADES).tolist() == ["B"]  # what a plain float comparison does


def test_half_up_rounding_absorbs_float_noise() -> None:
    assert round_half_up([89.995, 0.125, -0.125, 2.675], 2).tolist() == [90.0, 0.13, -0.13, 2.68]
    assert decision_keys([90.0, float("nan")], 2)[0] == 9000
    assert threshold_key(90, 2) == 9000 and threshold_key(79.995, 2) == 8000
    assert Precision().rank_decimals == 2 and Precision(ranks_on="computed").rank_decimals == 4
    partial = Precision.from_setting({"ranks_on": "computed"})  # missing keys take the defaults
    assert (partial.rank_decimals, partial.grade_decimals, partial.compute_decimals) == (4, 2, 4)
    with pytest.raises(ValueError):
        Precision(publish_decimals=5, compute_decimals=2)


def test_grades_boundaries() -> None:
    values = pd.Series([90.0, 89.999, 80.0, 79.99, 70.0, 69.99])
    assert assign_grades(values, GRADES).tolist() == ["A", "B", "B", "C", "C", None]


def test_averages() -> None:
    values = pd.Series([80.0, 90.0, 100.0], index=[1, 2, 3])
    assert mean_of_units(values, pd.Series([True, True, False], index=[1, 2, 3])) == 85.0
    means = group_means(values, pd.Series(["N", "N", "S"], index=[1, 2, 3]))
    assert means.loc["N", "average"] == 85.0 and means.loc["S", "n"] == 1


# -- properties ------------------------------------------------------------------------------------

values_strategy = st.lists(st.sampled_from([70.0, 80.0, 85.5, 90.0, 95.25]), min_size=1, max_size=25)


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, ranked_bits=st.lists(st.booleans(), min_size=25, max_size=25))
def test_rank_is_one_plus_number_strictly_better(values: list[float], ranked_bits: list[bool]) -> None:
    series = pd.Series(values)
    ranked = pd.Series(ranked_bits[: len(values)])
    ranks = rank_series(series, ranked)
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
    assert rank_series(series).equals(rank_series(shuffled).reindex(series.index))


two_decimals = st.integers(min_value=0, max_value=10_000).map(lambda c: c / 100)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(two_decimals, min_size=1, max_size=40), seed=st.integers(0, 1000))
def test_equal_totals_share_a_rank_whatever_the_order_of_addition(parts: list[float], seed: int) -> None:
    """Two units whose two-decimal leaf scores are the same multiset add them in different orders (different
    float results); at the declared precision they must share a rank and a group."""
    rng = np.random.default_rng(seed)
    shuffled = list(rng.permutation(parts))
    a, b = sum(parts), sum(shuffled)
    values = pd.Series([a, b, a + 0.01])
    r = rank_series(values, decimals=2)
    assert r[0] == r[1] == 2 and r[2] == 1
    grades = [Grade("A", round(a, 2), "A", "A")]
    assert assign_grades(values, grades, decimals=2).tolist() == ["A", "A", "A"]


@settings(max_examples=200, deadline=None)
@given(cents=st.lists(st.integers(0, 10_000), min_size=2, max_size=30))
def test_threshold_equal_total_gets_the_higher_group(cents: list[int]) -> None:
    """Leaf scores that add up exactly to a grade's minimum (in hundredths) are in that grade."""
    total_cents = sum(cents)
    total = sum(c / 100 for c in cents)  # float sum: may fall a hair below the exact total
    grade = Grade("A", total_cents / 100, "A", "A")
    assert assign_grades(pd.Series([total]), [grade], decimals=2).tolist() == ["A"]


def test_ranks_on_replicates() -> None:
    reps = np.array([[1.0, 2.0, 2.0], [3.0, 1.0, np.nan]])
    assert ranks(reps).tolist()[0] == [3.0, 1.0, 1.0]
    assert ranks(reps, decimals=2).tolist()[1][:2] == [1.0, 2.0]
