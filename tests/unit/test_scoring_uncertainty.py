"""Cluster bootstrap, percentile and rank intervals, overlap flags (hand examples and properties)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend import metrics as m
from backend.frameworks import load_framework_file
from backend.scoring.answers import SurveyAnswers
from backend.scoring.ranking import ranks as rank_values
from backend.scoring.sipas import build_plan, score_sipas, sipas_replicates
from backend.scoring.uncertainty import (
    overlap_flags,
    percentile_interval,
    rank_interval,
    rng_for,
    unit_weights,
)
from backend.settings import REPO_ROOT

SPEC = load_framework_file(REPO_ROOT / "data" / "frameworks" / "sipas_1001.yaml").sipas
assert SPEC is not None
PLAN = build_plan(SPEC, 2023)


def test_two_stage_weights_respect_the_design() -> None:
    # one province: commune 0 has villages 0, 1; commune 1 has village 2; commune 2 has villages 3, 4, 5
    unit = np.zeros(6, dtype=int)
    commune = np.array([0, 0, 1, 2, 2, 2])
    ((_, clusters, weights),) = list(unit_weights(unit, commune, 500, rng_for(1, 1)))
    assert clusters.tolist() == [0, 1, 2, 3, 4, 5]
    drawn = np.stack([weights[:, :2].sum(1) / 2, weights[:, 2], weights[:, 3:].sum(1) / 3], axis=1)
    assert np.allclose(drawn, np.round(drawn))  # each drawn commune brings as many villages as it has
    assert np.all(drawn.sum(axis=1) == 3)  # as many communes drawn as the province has
    assert weights.min() >= 0 and weights.std(axis=0).min() > 0


def test_one_stage_weights_and_seeds() -> None:
    unit = np.array([0, 0, 0, 1, 1])
    first = list(unit_weights(unit, None, 200, rng_for(5, 2)))
    assert [u for u, _, _ in first] == [0, 1]
    assert all(np.all(w.sum(axis=1) == len(c)) for _, c, w in first)
    again = list(unit_weights(unit, None, 200, rng_for(5, 2)))
    other = list(unit_weights(unit, None, 200, rng_for(6, 2)))
    assert all(np.array_equal(a[2], b[2]) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a[2], b[2]) for a, b in zip(first, other, strict=True))


def test_percentile_interval_matches_numpy_and_ignores_nan() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(size=(1000, 4, 3))
    data[rng.random(data.shape) < 0.1] = np.nan
    low, high = percentile_interval(data)
    assert np.allclose(low, np.nanquantile(data, 0.025, axis=0))
    assert np.allclose(high, np.nanquantile(data, 0.975, axis=0))
    empty_low, _ = percentile_interval(np.full((10, 2), np.nan))
    assert np.isnan(empty_low).all()


def test_rank_intervals_and_overlap_flags_by_hand() -> None:
    assert rank_values(np.array([3.0, 5.0, 5.0, 1.0])).tolist() == [3, 1, 1, 4]
    ranks = np.array([[1, 2], [1, 2], [2, 1], [1, 2]], dtype=float)
    low, high = rank_interval(ranks, level=0.5)
    assert low.tolist() == [1, 1] and high.tolist() == [2, 2]
    estimate = np.array([90.0, 85.0, 70.0, 95.0])
    lo = np.array([88.0, 84.0, 60.0, 94.0])
    hi = np.array([92.0, 89.0, 80.0, 96.0])
    prev, nxt = overlap_flags(estimate, lo, hi, np.array([True, True, True, False]))
    assert np.isnan(prev[0]) and prev[1] == 1.0 and prev[2] == 0.0
    assert nxt[0] == 1.0 and nxt[1] == 0.0 and np.isnan(nxt[2]) and np.isnan(nxt[3])


def _village_data(pos: list[list[int]], sizes: list[list[int]]) -> SurveyAnswers:
    """Forms answering only OVERALL: per province, per village, ``pos`` satisfied of ``sizes`` respondents;
    two villages per commune."""
    rows, values = [], []
    form = 0
    for p, (pos_p, size_p) in enumerate(zip(pos, sizes, strict=True)):
        for v, (k, n) in enumerate(zip(pos_p, size_p, strict=True)):
            for i in range(n):
                rows.append((form, f"P{p}", f"c{v // 2}", f"v{v}"))
                values.append(5 if i < k else 2)
                form += 1
    forms = pd.DataFrame(rows, columns=["form", "unit", "commune", "village"]).assign(group=None)
    matrix = np.zeros((len(rows), len(PLAN.items)), dtype=np.int8)
    matrix[:, PLAN.items.index("OVERALL")] = values
    return SurveyAnswers(forms, PLAN.items, matrix)


def test_identical_villages_give_a_zero_width_interval() -> None:
    data = _village_data([[3, 3, 3, 3]], [[4, 4, 4, 4]])
    result = score_sipas(data, SPEC, 2023)
    reps = sipas_replicates(result, 300, seed=11)
    low, high = percentile_interval(reps.units)
    j = PLAN.position(m.SIPAS)
    assert low[0, j] == high[0, j] == result.units.iloc[0][m.SIPAS] == 75.0


@st.composite
def _provinces(draw: st.DrawFn) -> tuple[list[list[int]], list[list[int]]]:
    n_prov = draw(st.integers(2, 4))
    pos, sizes = [], []
    for _ in range(n_prov):
        n_vill = draw(st.integers(1, 6))
        size = draw(st.lists(st.integers(1, 12), min_size=n_vill, max_size=n_vill))
        sizes.append(size)
        pos.append([draw(st.integers(0, s)) for s in size])
    return pos, sizes


@settings(max_examples=40, deadline=None)
@given(case=_provinces(), seed=st.integers(0, 1000))
def test_intervals_are_ordered_nested_and_inside_the_village_range(
    case: tuple[list[list[int]], list[list[int]]], seed: int
) -> None:
    pos, sizes = case
    result = score_sipas(_village_data(pos, sizes), SPEC, 2023)
    reps = sipas_replicates(result, 200, seed=seed)
    j = PLAN.position(m.SIPAS)
    low, high = percentile_interval(reps.units[:, :, j], 0.95)
    low50, high50 = percentile_interval(reps.units[:, :, j], 0.50)
    for p, (pos_p, size_p) in enumerate(zip(pos, sizes, strict=True)):
        ratios = [100 * k / n for k, n in zip(pos_p, size_p, strict=True)]
        assert 0 <= low[p] <= high[p] <= 100
        assert min(ratios) - 1e-9 <= low[p] and high[p] <= max(ratios) + 1e-9  # a replicate mixes villages
        assert low[p] <= low50[p] + 1e-9 and high50[p] <= high[p] + 1e-9  # the 50% interval sits in the 95%
    ranks = rank_values(reps.units[:, :, j])
    r_low, r_high = rank_interval(ranks)
    assert np.all(r_low >= 1) and np.all(r_high <= len(pos)) and np.all(r_low <= r_high)
    # same seed, same replicates
    assert np.array_equal(sipas_replicates(result, 200, seed=seed).units, reps.units, equal_nan=True)


@settings(max_examples=25, deadline=None)
@given(case=_provinces())
def test_national_replicates_match_their_definitions(case: tuple[list[list[int]], list[list[int]]]) -> None:
    result = score_sipas(_village_data(*case), SPEC, 2023)
    reps = sipas_replicates(result, 50, seed=1)
    j = PLAN.position(m.SIPAS)
    assert np.allclose(reps.mean_of_units[:, j], np.nanmean(reps.units[:, :, j], axis=1))
    assert reps.pooled.shape == (50, len(PLAN.metrics))


def test_point_estimate_is_inside_the_interval_for_a_realistic_sample() -> None:
    rng = np.random.default_rng(0)
    sizes = [[30] * 6 for _ in range(5)]
    pos = [[int(rng.binomial(30, p)) for _ in range(6)] for p in (0.7, 0.75, 0.8, 0.85, 0.9)]
    result = score_sipas(_village_data(pos, sizes), SPEC, 2023)
    reps = sipas_replicates(result, 1000, seed=2)
    j = PLAN.position(m.SIPAS)
    low, high = percentile_interval(reps.units[:, :, j])
    estimate = result.units[m.SIPAS].to_numpy()
    assert np.all((low <= estimate) & (estimate <= high))
    assert np.all(high - low > 0)  # between-village variation gives a real interval


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95])
def test_percentile_interval_level(level: float) -> None:
    data = np.arange(101, dtype=float)[:, None]
    low, high = percentile_interval(data, level)
    assert low[0] == pytest.approx(50 * (1 - level)) and high[0] == pytest.approx(100 - 50 * (1 - level))
