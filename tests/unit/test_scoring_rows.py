"""Result-row assembly (backend/scoring/rows.py): stored values at compute precision; ranks, rank intervals,
groups and overlap flags decided on the framework's decision keys (hand examples and engine properties)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend import metrics as m
from backend.frameworks import FrameworkSpec, Grade, parse_framework_text
from backend.scoring.par import score_par
from backend.scoring.rows import ROW_COLUMNS, RowRules, average_rows, par_rows, unit_rows

GRADES = (Grade("A", 90, "A", "A"), Grade("B", 80, "B", "B"))
#: ten two-decimal leaves (max 10 each) that add up to exactly 90.00, though their float sum in this order is
#: 89.99999999999999 (here also as the engine's matrix product; BLAS may add in another order elsewhere)
AT_THRESHOLD = [9.44, 9.64, 9.37, 8.94, 9.19, 8.36, 8.4, 9.52, 8.97, 8.17]
#: the default framework precision: compute at 4 decimals, rank and grade on the published 2 decimals
RULES = RowRules(value_decimals=4, rank_decimals=2, grade_decimals=2, grades=GRADES)


def _units(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": "province_63",
            "code": [f"{i:02d}" for i in range(1, n + 1)],
            "region": ["N", "N", "S", "S", "S"][:n],
        },
        index=pd.Index(range(101, 101 + n), name="unit"),
    )


def _main(rows: pd.DataFrame, metric: str = m.PAR) -> pd.DataFrame:
    return rows[(rows["scope"] == "unit") & (rows["metric"] == metric)].set_index("scope_code")


def test_float_sum_below_a_threshold_is_stored_graded_and_ranked_at_the_declared_precision() -> None:
    total = 0.0
    for leaf in AT_THRESHOLD:
        total += leaf
    assert total < 90  # what binary floating point makes of 90.00
    units = _units(4)
    values = pd.DataFrame({m.PAR: [total, 85.554, 85.546, 79.99]}, index=units.index)
    rows = unit_rows(
        units,
        values,
        pd.Series({m.PAR: 100.0}),
        pd.Series(0, index=units.index),
        ranked=pd.Series(True, index=units.index),
        rank_metrics=[m.PAR],
        main=m.PAR,
        rules=RULES,
    )
    main = _main(rows)
    assert main["value"].tolist() == [90.0, 85.554, 85.546, 79.99]  # compute precision, not the printed 85.55
    assert main["grp"].fillna("-").tolist() == ["A", "B", "B", "-"]
    assert main["rank"].tolist() == [1, 2, 2, 4]  # 85.55 and 85.55 print the same: one rank (competition)
    # the decision keys alone (values kept as given) decide the same way
    raw = unit_rows(
        units,
        values,
        None,
        pd.Series(0, index=units.index),
        ranked=pd.Series(True, index=units.index),
        rank_metrics=[m.PAR],
        main=m.PAR,
        rules=replace(RULES, value_decimals=None),
    )
    assert _main(raw)["value"].iloc[0] == total and _main(raw)["grp"].iloc[0] == "A"
    assert _main(raw)["rank"].tolist() == [1, 2, 2, 4]


def test_ranks_on_the_computed_precision_and_the_dense_rule() -> None:
    units = _units(4)
    values = pd.DataFrame({m.PAR: [90.0, 85.554, 85.546, 79.99]}, index=units.index)
    args = (units, values, None, pd.Series(0, index=units.index))
    kw = {"ranked": pd.Series(True, index=units.index), "rank_metrics": [m.PAR], "main": m.PAR}
    computed = unit_rows(*args, **kw, rules=replace(RULES, rank_decimals=4))  # type: ignore[arg-type]
    assert _main(computed)["rank"].tolist() == [1, 2, 3, 4]
    dense = unit_rows(*args, **kw, rules=replace(RULES, tie_rule="dense"))  # type: ignore[arg-type]
    assert _main(dense)["rank"].tolist() == [1, 2, 2, 3]


def test_rank_intervals_and_overlap_flags_use_the_same_keys() -> None:
    units = _units(3)
    estimate = np.array([85.554, 85.546, 70.0])
    # in every replicate units 1 and 2 print the same (85.55 or 85.56) but differ at 4 decimals
    reps = np.array([[85.554, 85.546, 70.0], [85.5551, 85.555, 72.0], [85.5561, 85.5599, 69.0]])[:, :, None]
    rows = unit_rows(
        units,
        pd.DataFrame({m.PAR: estimate}, index=units.index),
        None,
        pd.Series([10, 10, 10], index=units.index),
        ranked=pd.Series(True, index=units.index),
        rank_metrics=[m.PAR],
        main=m.PAR,
        rules=RULES,
        replicates=reps,
    )
    main = _main(rows)
    assert main["rank"].tolist() == [1, 1, 3]
    assert main["rank_low"].tolist() == [1, 1, 3] and main["rank_high"].tolist() == [1, 1, 3]
    assert main["ci_low"].iloc[2] == pytest.approx(69.05) and main["ci_high"].iloc[2] == pytest.approx(71.9)
    # on the computed precision the replicates order units 1 and 2 differently: wider rank intervals
    fine = _main(
        unit_rows(
            units,
            pd.DataFrame({m.PAR: estimate}, index=units.index),
            None,
            pd.Series([10, 10, 10], index=units.index),
            ranked=pd.Series(True, index=units.index),
            rank_metrics=[m.PAR],
            main=m.PAR,
            rules=replace(RULES, rank_decimals=4),
            replicates=reps,
        )
    )
    assert fine["rank_low"].tolist()[:2] == [1, 1] and fine["rank_high"].tolist()[:2] == [2, 2]
    # overlap flags: neighbours in the order of the decision keys (tie kept in unit order)
    nxt = _main(rows, m.overlap_flag(m.PAR, m.OVERLAP_NEXT))["value"]
    prev = _main(rows, m.overlap_flag(m.PAR, m.OVERLAP_PREV))["value"]
    assert nxt.tolist()[:2] == [1.0, 0.0] and np.isnan(nxt.iloc[2])
    assert np.isnan(prev.iloc[0]) and prev.tolist()[1:] == [1.0, 0.0]


def test_unranked_units_get_no_rank_group_or_interval() -> None:
    units = _units(3)
    rows = unit_rows(
        units,
        pd.DataFrame({m.PAR: [95.0, 91.0, 60.0]}, index=units.index),
        None,
        pd.Series(0, index=units.index),
        ranked=pd.Series([False, True, True], index=units.index),
        rank_metrics=[m.PAR],
        main=m.PAR,
        rules=RULES,
        replicates=np.array([[[95.0], [91.0], [60.0]], [[94.0], [92.0], [61.0]]]),
    )
    main = _main(rows)
    assert pd.isna(main["rank"].iloc[0]) and pd.isna(main["grp"].iloc[0]) and pd.isna(main["rank_low"].iloc[0])
    assert main["rank"].tolist()[1:] == [1, 2] and main["grp"].fillna("-").tolist()[1:] == ["A", "-"]


def test_averages_are_stored_at_compute_precision() -> None:
    units = _units(5)
    values = pd.DataFrame({m.PAR: [80.0, 90.0, 70.0, 71.0, 73.00005]}, index=units.index)
    ranked = pd.Series([True, True, True, True, False], index=units.index)
    frames = average_rows(units, values, ranked, None, None, rules=RULES, national_over_ranked=True)
    national, north, south = (f.set_index("metric") for f in frames)
    assert national.at[m.PAR, "value"] == 77.75 and national.at[m.PAR, "n"] == 4
    assert north.at[m.PAR, "value"] == 85.0 and south.at[m.PAR, "value"] == 70.5
    every = average_rows(units, values, ranked, None, None, rules=RULES, national_over_ranked=False, regions=False)
    assert len(every) == 1 and every[0]["value"].item() == round((80 + 90 + 70 + 71 + 73.00005) / 5, 4)


# -- engine level: score_par → par_rows on generated two-decimal leaf scores ---------------------------

TEN_LEAVES = (
    """
schema: 1
code: TEN_LEAVES
version: "test"
index_code: PAR_INDEX
unit_scope: ministry
years: {from: 2023, to: 2023}
status: official
title_vi: "Mười tiêu chí"
title_en: "Ten criteria"
total_max: 100
criteria:
  - code: ALL
    name_vi: "Toàn bộ"
    name_en: "All"
    max_points: 100
    children:
"""
    + "".join(
        f'      - {{code: L{i}, name_vi: "L{i}", name_en: "L{i}", mode: appraisal, max_points: 10}}\n'
        for i in range(10)
    )
    + """
groupings:
  published:
    name_vi: "Công bố"
    name_en: "Published"
    parts:
      appraisal: {name_vi: "Thẩm định", name_en: "Appraised", modes: [appraisal], max_points: 100}
settings:
  grades: {value: [{code: A, min: 90, name_vi: "A", name_en: "A"}]}
  unranked_units: {value: []}
  tie_rule: {value: competition}
  national_average: {value: mean_of_ranked_units}
  region_average: {value: none}
  survey_mapping: {value: {}}
  survey_scoring: {value: {answer_weights: {1: 0, 5: 1}}}
  precision: {value: {compute_decimals: 4, publish_decimals: 2, grades_on: published, ranks_on: published, rounding: half_up}}
reporting:
  components: [areas]
  detail: [blocks]
"""
)
SPEC = parse_framework_text(TEN_LEAVES, "ten_leaves.yaml")
UNITS = pd.DataFrame(
    {"kind": "ministry", "code": ["A", "B", "C"], "region": None, "par_ranked": True},
    index=pd.Index([1, 2, 3], name="unit"),
)


def _engine_rows(spec: FrameworkSpec, leaves: dict[int, list[int]]) -> pd.DataFrame:
    """Appraisal scores in hundredths per unit → score_par → par_rows (no bootstrap)."""
    scores = pd.DataFrame(
        [(unit, f"L{i}", np.nan, cents / 100) for unit, row in leaves.items() for i, cents in enumerate(row)],
        columns=["unit", "criterion", "self_score", "appraisal_score"],
    )
    result = score_par(spec, 2023, UNITS.index.tolist(), scores=scores)
    rows = par_rows(spec, UNITS, result, UNITS["par_ranked"], None)
    assert list(rows.columns) == ROW_COLUMNS
    return _main(rows)


leaf_cents = st.lists(st.integers(0, 1000), min_size=10, max_size=10)


@settings(max_examples=150, deadline=None)
@given(cents=leaf_cents, seed=st.integers(0, 10_000), other=leaf_cents)
def test_engine_equal_totals_share_a_rank(cents: list[int], seed: int, other: list[int]) -> None:
    """Units A and B have the same leaf scores on different leaves (so the float sums differ in order): they
    share a rank and a group, whatever unit C scores."""
    shuffled = [int(c) for c in np.random.default_rng(seed).permutation(cents)]
    main = _engine_rows(SPEC, {1: cents, 2: shuffled, 3: other})
    a, b, c = (main.loc[f"ministry:{code}"] for code in "ABC")
    assert a["value"] == b["value"] == sum(cents) / 100  # stored at compute precision, exactly
    assert a["rank"] == b["rank"] and a["grp"] == b["grp"]
    better = int(sum(other) > sum(cents))
    assert a["rank"] == 1 + better and c["rank"] == (1 if sum(other) >= sum(cents) else 3)


@settings(max_examples=150, deadline=None)
@given(cents=leaf_cents, decimals=st.sampled_from([{}, {"ranks_on": "computed", "grades_on": "computed"}]))
def test_engine_total_at_a_threshold_gets_the_higher_group(cents: list[int], decimals: dict[str, str]) -> None:
    """A total equal to a grade's minimum (exact in hundredths) is in that grade, on the published or the
    computed precision, with the framework's precision setting absent or present."""
    grades = (Grade("A", sum(cents) / 100, "A", "A"), Grade("B", 0, "B", "B"))
    spec = replace(
        SPEC, grades=grades, settings={**SPEC.settings, "precision": decimals} if decimals else SPEC.settings
    )
    main = _engine_rows(spec, {1: cents, 2: list(reversed(cents)), 3: [max(c - 1, 0) for c in cents]})
    assert main.loc["ministry:A", "grp"] == main.loc["ministry:B", "grp"] == "A"
    assert main.loc["ministry:C", "grp"] == ("A" if sum(cents) == 0 else "B")


def test_engine_example_at_the_threshold() -> None:
    leaves = [round(x * 100) for x in AT_THRESHOLD]
    assert sum(AT_THRESHOLD) < 90
    main = _engine_rows(SPEC, {1: leaves, 2: leaves[::-1], 3: [900] * 10})
    assert main["value"].tolist() == [90.0, 90.0, 90.0]
    assert main["grp"].tolist() == ["A", "A", "A"] and main["rank"].tolist() == [1, 1, 1]


def test_row_rules_follow_the_framework_precision_and_tie_rule() -> None:
    default = RowRules.of(SPEC)
    assert (default.value_decimals, default.rank_decimals, default.grade_decimals) == (4, 2, 2)
    assert default.tie_rule == "competition" and [g.code for g in default.grades] == ["A"]
    declared = {"compute_decimals": 3, "publish_decimals": 1, "grades_on": "computed", "ranks_on": "published"}
    spec = replace(SPEC, settings={**SPEC.settings, "precision": declared, "tie_rule": "dense"})
    rules = RowRules.of(spec, level=0.9)
    assert (rules.value_decimals, rules.rank_decimals, rules.grade_decimals) == (3, 1, 3)
    assert rules.tie_rule == "dense" and rules.level == 0.9
    assert spec.parameters()["precision"] == {**declared, "rounding": "half_up"}
    assert spec.parameters()["tie_rule"] == "dense"
