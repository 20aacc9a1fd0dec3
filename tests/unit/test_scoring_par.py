"""PAR INDEX formulas on tiny hand-computed tables (876 provincial framework, working maxima)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from backend import metrics as m
from backend.errors import ValidationError
from backend.frameworks import FrameworkSpec, SurveyMapping, SurveyScoring, load_framework_file
from backend.scoring.answers import SurveyAnswers
from backend.scoring.par import appraised_points, component_index, leaf_table, metric_matrix, par_replicates, score_par
from backend.scoring.par_survey import prepare_survey, survey_points
from backend.settings import REPO_ROOT

SPEC = load_framework_file(REPO_ROOT / "data" / "frameworks" / "par_province_876.yaml")
LEAVES = leaf_table(SPEC)

SCORES = pd.DataFrame(
    [
        ("U1", "A1.APP", 9.0, 8.5),  # appraisal score wins
        ("U1", "A2.APP", 6.0, np.nan),  # no appraisal: the self score
        ("U1", "A8.SE", 5.0, 0.0),  # an appraisal of 0 is a score, not a missing one
        ("U1", "A2.SRV", 3.0, 3.0),  # survey leaves are not self-scored: ignored
        ("U2", "A3.APP", 12.0, 12.5),
    ],
    columns=["unit", "criterion", "self_score", "appraisal_score"],
)

FORMS = pd.DataFrame(
    {"form": [1, 2, 3], "unit": ["U1", "U1", "U2"], "group": ["dept_leader", "hdnd_deputy", "dept_leader"]}
)
ANSWERS = pd.DataFrame(
    [
        (1, "PRV.A2.Q1", 5),
        (1, "PRV.A2.Q2", 3),
        (1, "PRV.A2.Q3", None),
        (2, "PRV.A2.Q1", 1),
        (2, "PRV.A2.Q2", 4),
        (2, "PRV.A2.Q3", 4),
        (3, "PRV.A5.Q1", 4),
    ],
    columns=["form", "item", "value"],
)
ITEMS = tuple(f"PRV.A{a}.Q{q}" for a in range(1, 8) for q in range(1, 4))


def _survey() -> SurveyAnswers:
    return SurveyAnswers.from_long(FORMS, ANSWERS, ITEMS)


def _points(spec: FrameworkSpec) -> dict[tuple[str, str], float]:
    frame = survey_points(prepare_survey(_survey(), spec, ["U1", "U2"]))
    return {(r.unit, r.criterion): r.points for r in frame.itertuples()}


def test_appraised_points_prefer_the_appraisal_score() -> None:
    pts = appraised_points(SCORES, LEAVES).set_index(["unit", "criterion"])
    assert pts.loc[("U1", "A1.APP"), "points"] == 8.5 and pts.loc[("U1", "A1.APP"), "source"] == "appraisal"
    assert pts.loc[("U1", "A2.APP"), "points"] == 6.0 and pts.loc[("U1", "A2.APP"), "source"] == "self"
    assert pts.loc[("U1", "A8.SE"), "points"] == 0.0
    assert ("U1", "A2.SRV") not in pts.index


def test_score_above_maximum_is_a_clear_error() -> None:
    too_high = pd.DataFrame([("U1", "A1.APP", 9.0, 9.6)], columns=SCORES.columns)
    with pytest.raises(ValidationError) as info:
        appraised_points(too_high, LEAVES)
    assert "U1/A1.APP: 9.6 > 9.5" in info.value.message("en")
    assert "vượt quá" in info.value.message("vi")


def test_survey_points_mean_of_items_pooled_groups() -> None:
    # weights 1→0, 3→0.5, 4→0.75, 5→1; items: Q1 (1+0)/2, Q2 (0.5+0.75)/2, Q3 0.75/1 → mean 0.625
    pts = _points(SPEC)
    assert pts[("U1", "A2.SRV")] == pytest.approx(3.5 * 0.625)
    assert pts[("U2", "A5.SRV")] == pytest.approx(5.5 * 0.75)
    assert pts[("U1", "A5.SRV")] == 0.0  # no answers, no points
    assert pts[("U1", "A1.SRV")] == 0.0  # working maximum 0


def test_survey_points_pooled_answers() -> None:
    scoring = replace(SPEC.survey_scoring, item_aggregation="pooled")  # type: ignore[type-var]
    pts = _points(replace(SPEC, survey_scoring=scoring))
    assert pts[("U1", "A2.SRV")] == pytest.approx(3.5 * (1 + 0 + 0.5 + 0.75 + 0.75) / 5)


def test_survey_points_respondent_group_filter_and_weights() -> None:
    mapping = dict(SPEC.survey_mapping)
    mapping["A2.SRV"] = replace(mapping["A2.SRV"], respondent_groups=("dept_leader",))
    pts = _points(replace(SPEC, survey_mapping=mapping))
    assert pts[("U1", "A2.SRV")] == pytest.approx(3.5 * (1 + 0.5) / 2)
    assert SPEC.survey_scoring is not None
    weighted = SurveyScoring(SPEC.survey_scoring.answer_weights, "mean_of_items", {"dept_leader": 3, "hdnd_deputy": 1})
    pts = _points(replace(SPEC, survey_scoring=weighted))
    # dept_leader: mean(1, 0.5) = 0.75; hdnd_deputy: mean(0, 0.75, 0.75) = 0.5 → (3·0.75 + 1·0.5) / 4
    assert pts[("U1", "A2.SRV")] == pytest.approx(3.5 * 0.6875)


def test_score_par_totals_areas_blocks_groupings_and_index() -> None:
    sipas = pd.DataFrame({m.SIPAS: [82.5, np.nan]}, index=["U1", "U2"])
    result = score_par(SPEC, 2023, ["U1", "U2"], scores=SCORES, survey=_survey(), sipas=sipas)
    u1 = result.table.loc["U1"]
    a2_survey = 3.5 * 0.625
    sipas_points = 10 * 82.5 / 100
    total = 8.5 + 6.0 + 0.0 + a2_survey + sipas_points
    assert u1[m.PAR_TOTAL] == pytest.approx(total)
    assert u1[m.PAR] == pytest.approx(total)  # total_max 100
    assert u1[m.par_area("A2")] == pytest.approx(6.0 + a2_survey)
    assert u1[m.par_area("A8")] == pytest.approx(sipas_points)
    assert u1[m.par_block("appraisal")] == pytest.approx(14.5)
    assert u1[m.par_block("survey_leaders")] == pytest.approx(a2_survey)
    assert u1[m.PAR_PUBLISHED_APPRAISAL] == pytest.approx(14.5)
    assert u1[m.PAR_PUBLISHED_IMPACT] == pytest.approx(a2_survey + sipas_points)
    assert u1[m.par_grouping("de_an", "survey")] == pytest.approx(a2_survey + sipas_points)
    assert u1[m.par_criterion("A1.APP")] == 8.5
    assert result.table.loc["U2", m.par_area("A8")] == 0.0  # no SIPAS figure
    assert result.n_forms.to_dict() == {"U1": 2, "U2": 1}
    comp = component_index(result.table, SPEC)
    assert comp.at["U1", "A2"] == pytest.approx((6.0 + a2_survey) / 10 * 100)
    assert comp.at["U1", "A6"] == 0.0
    assert result.max_values[m.par_area("A6")] == 12.75 and result.max_values[m.PAR] == 100


def test_metric_matrix_maxima_follow_the_framework() -> None:
    mm = metric_matrix(SPEC)
    maxima = dict(zip(mm.metrics, mm.max_values, strict=True))
    assert maxima[m.PAR_PUBLISHED_APPRAISAL] == 61.5 and maxima[m.PAR_PUBLISHED_IMPACT] == 38.5
    assert maxima[m.par_block("survey_leaders")] == 22 and maxima[m.par_area("A8")] == 16.5
    full = mm.apply(np.array([[leaf.max_points for leaf in SPEC.leaves()]]))
    assert full[0, mm.metrics.index(m.PAR)] == pytest.approx(100.0)


def test_par_replicates_keep_appraisal_fixed_and_are_seeded() -> None:
    sipas = pd.DataFrame({m.SIPAS: [82.5, 90.0]}, index=["U1", "U2"])
    result = score_par(SPEC, 2023, ["U1", "U2"], scores=SCORES, survey=_survey(), sipas=sipas)
    sipas_reps = np.array([[80.0, 90.0], [85.0, 90.0], [82.5, 90.0]])
    reps = par_replicates(result, SPEC, 2023, 3, seed=7, sipas_replicates=sipas_reps)
    assert reps.shape == (3, 2, len(result.table.columns))
    cols = list(result.table.columns)
    assert np.all(reps[:, 0, cols.index(m.par_block("appraisal"))] == 14.5)
    assert np.allclose(reps[:, 0, cols.index(m.par_block("survey_citizens_sipas"))], sipas_reps[:, 0] / 10)
    again = par_replicates(result, SPEC, 2023, 3, seed=7, sipas_replicates=sipas_reps)
    assert np.array_equal(reps, again)


def test_sipas_mapping_metric_is_configurable() -> None:
    mapping = dict(SPEC.survey_mapping)
    mapping["A8.SIPAS"] = SurveyMapping("A8.SIPAS", "SIPAS", metric=m.SIPAS_SERVICES)
    spec = replace(SPEC, survey_mapping=mapping)
    sipas = pd.DataFrame({m.SIPAS: [50.0], m.SIPAS_SERVICES: [90.0]}, index=["U1"])
    result = score_par(spec, 2023, ["U1"], scores=SCORES.iloc[:0], sipas=sipas)
    assert result.table.at["U1", m.par_area("A8")] == pytest.approx(9.0)


def test_leaf_points_are_rounded_at_compute_precision_before_they_are_added() -> None:
    assert SPEC.survey_scoring is not None
    weighted = SurveyScoring(SPEC.survey_scoring.answer_weights, "mean_of_items", {"dept_leader": 3, "hdnd_deputy": 1})
    spec = replace(SPEC, survey_scoring=weighted)
    sipas = pd.DataFrame({m.SIPAS: [82.55555, np.nan]}, index=["U1", "U2"])
    result = score_par(spec, 2023, ["U1", "U2"], scores=SCORES, survey=_survey(), sipas=sipas)
    assert result.leaf_points.at["U1", "A2.SRV"] == 2.4063  # 3.5 × 0.6875 = 2.40625, half up at 4 decimals
    assert result.leaf_points.at["U1", "A8.SIPAS"] == 8.2556  # 10 × 82.5556 % (the percentage at 4 decimals)
    assert result.table.at["U1", m.par_area("A2")] == pytest.approx(6.0 + 2.4063, abs=1e-12)
    coarse = replace(spec, settings={**spec.settings, "precision": {"compute_decimals": 2}})
    result = score_par(coarse, 2023, ["U1", "U2"], scores=SCORES, survey=_survey(), sipas=sipas)
    assert result.leaf_points.at["U1", "A2.SRV"] == 2.41 and result.leaf_points.at["U1", "A8.SIPAS"] == 8.26
    reps = par_replicates(result, coarse, 2023, 20, seed=3, sipas_replicates=np.full((20, 2), 82.555))
    survey_leaf = reps[:, :, list(result.table.columns).index(m.par_criterion("A2.SRV"))]
    hundredths = survey_leaf * 100
    assert np.allclose(hundredths, np.round(hundredths), rtol=0, atol=1e-9)  # every replicate leaf in hundredths
    assert len(np.unique(survey_leaf[:, 0])) > 1  # … and the replicates do vary
    assert np.all(reps[:, 0, list(result.table.columns).index(m.par_criterion("A8.SIPAS"))] == 8.26)
