"""PAR INDEX: the officials' survey → points of the survey-fed leaves (methodology.md §2.2; framework files).

Points of a leaf fed by the officials' survey (modes ``survey``, ``survey_leaders``) = max × score, where
score ∈ [0, 1] follows the framework's ``survey_scoring`` and ``survey_mapping``: each valid answer to a
mapped item gets ``answer_weights[value]``; an item's score is the mean weight of its valid answers
(respondent groups pooled, or the weighted mean of the groups' scores); the leaf's score is the mean of its
items' scores (``mean_of_items``) or the mean weight of all its answers (``pooled``). Unverified: every part
of this is a framework setting. A leaf without answers gets 0 points. The points returned here are
unrounded; :mod:`backend.scoring.par` rounds every leaf at the declared precision before adding them up.

The same arithmetic runs on summed weights per unit (point estimates) and per bootstrap replicate
(:func:`survey_point_replicates`: forms resampled with replacement within each unit, stream
``STREAM_PAR_SURVEY``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.frameworks.spec import FrameworkSpec
from backend.scoring.answers import SurveyAnswers, group_sums, weighted_answers
from backend.scoring.uncertainty import STREAM_PAR_SURVEY, rng_for, weighted_unit_sums


@dataclass(frozen=True)
class SurveyPlan:
    """Which answer columns feed which survey leaf. Columns are (group, item) pairs, group-major:
    column ``g * len(items) + k`` holds the answers of respondent group ``groups[g]`` to ``items[k]``."""

    leaves: tuple[str, ...]
    max_points: np.ndarray
    groups: tuple[str, ...]
    items: tuple[str, ...]
    leaf_items: tuple[tuple[int, ...], ...]
    leaf_groups: tuple[tuple[int, ...], ...]
    aggregation: str
    group_weights: np.ndarray
    answer_weights: dict[int, float]


def build_survey_plan(spec: FrameworkSpec, groups: Sequence[str], year: int | None = None) -> SurveyPlan:
    """The plan for the officials' survey leaves of ``spec``; ``groups`` = respondent groups in the data."""
    scoring = spec.survey_scoring
    leaves = [
        leaf
        for leaf in spec.leaves(year)
        if leaf.code in spec.survey_mapping and spec.survey_mapping[leaf.code].survey == "PAR_SURVEY"
    ]
    items: list[str] = []
    for leaf in leaves:
        for item in spec.survey_mapping[leaf.code].items:
            if item not in items:
                items.append(item)
    all_groups = sorted(set(groups) | {g for leaf in leaves for g in spec.survey_mapping[leaf.code].respondent_groups})
    leaf_items = tuple(tuple(items.index(i) for i in spec.survey_mapping[leaf.code].items) for leaf in leaves)
    leaf_groups = tuple(
        tuple(all_groups.index(g) for g in (spec.survey_mapping[leaf.code].respondent_groups or all_groups))
        for leaf in leaves
    )
    weights = dict(scoring.group_weights) if scoring else {}
    return SurveyPlan(
        leaves=tuple(leaf.code for leaf in leaves),
        max_points=np.array([leaf.max_points or 0.0 for leaf in leaves]),
        groups=tuple(all_groups),
        items=tuple(items),
        leaf_items=leaf_items,
        leaf_groups=leaf_groups,
        aggregation=scoring.item_aggregation if scoring else "mean_of_items",
        group_weights=np.array([weights.get(g, 0.0) for g in all_groups]) if weights else np.array([]),
        answer_weights=dict(scoring.answer_weights) if scoring else {},
    )


def weigh_answers(data: SurveyAnswers, plan: SurveyPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per form and plan item: the answer's weight and whether it is valid (forms × items each), and the
    position of the form's respondent group in ``plan.groups`` (-1 when not in the plan)."""
    values = np.zeros((len(data.forms), len(plan.items)), dtype=np.int8)
    for k, item in enumerate(plan.items):
        if item in data.items:
            values[:, k] = data.values[:, data.items.index(item)]
    score, valid = weighted_answers(values, plan.answer_weights)
    group_pos = pd.Index(list(plan.groups)).get_indexer(pd.Index(data.forms["group"].astype(str)))
    return score, valid.astype(float), group_pos


def expand_by_group(
    score: np.ndarray, valid: np.ndarray, group_pos: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """The (group, item) column layout of :class:`SurveyPlan` per form: a form fills only its group's
    block (two arrays of forms × groups·items)."""
    k = score.shape[1]
    score_x = np.zeros((len(score), n_groups * k))
    valid_x = np.zeros_like(score_x)
    for g in range(n_groups):
        rows = group_pos == g
        score_x[rows, g * k : (g + 1) * k] = score[rows]
        valid_x[rows, g * k : (g + 1) * k] = valid[rows]
    return score_x, valid_x


def _mean_last(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    present = ~np.isnan(values)
    w = np.ones(values.shape[-1]) if weights is None else weights
    total = (np.where(present, values, 0.0) * w).sum(axis=-1)
    count = (present * w).sum(axis=-1)
    return np.divide(total, count, out=np.full_like(total, np.nan), where=count > 0)


def _fraction(plan: SurveyPlan, leaf: int, score: np.ndarray, valid: np.ndarray, groups: Sequence[int]) -> np.ndarray:
    k = len(plan.items)
    items = list(plan.leaf_items[leaf])
    s = sum(score[..., [g * k + i for i in items]] for g in groups)
    v = sum(valid[..., [g * k + i for i in items]] for g in groups)
    s, v = np.asarray(s, dtype=float), np.asarray(v, dtype=float)
    if plan.aggregation == "pooled":
        tot_s, tot_v = s.sum(axis=-1), v.sum(axis=-1)
        return np.divide(tot_s, tot_v, out=np.full_like(tot_s, np.nan), where=tot_v > 0)
    per_item = np.divide(s, v, out=np.full_like(s, np.nan), where=v > 0)
    return _mean_last(per_item)


def survey_fractions(plan: SurveyPlan, score_sums: np.ndarray, valid_sums: np.ndarray) -> np.ndarray:
    """Score in [0, 1] of every survey leaf from summed answer weights / valid counts per (group, item)
    column, shape (..., columns) → (..., leaves); NaN where a leaf has no valid answer."""
    out = np.full((*score_sums.shape[:-1], len(plan.leaves)), np.nan)
    for leaf in range(len(plan.leaves)):
        groups = plan.leaf_groups[leaf]
        if plan.group_weights.size == 0:
            out[..., leaf] = _fraction(plan, leaf, score_sums, valid_sums, groups)
        else:
            per_group = np.stack([_fraction(plan, leaf, score_sums, valid_sums, [g]) for g in groups], axis=-1)
            out[..., leaf] = _mean_last(per_group, plan.group_weights[list(groups)])
    return out


@dataclass(frozen=True)
class SurveyInputs:
    """The officials' survey prepared for scoring: per form and plan item the answer weight and the
    valid flag, the form's unit (position in ``units``) and respondent group (position in
    ``plan.groups``)."""

    plan: SurveyPlan
    units: tuple[object, ...]
    form_unit: np.ndarray
    form_group: np.ndarray
    score: np.ndarray
    valid: np.ndarray

    def _known(self) -> np.ndarray:
        return (self.form_unit >= 0) & (self.form_group >= 0)

    def unit_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Summed weights and valid counts per unit in the (group, item) columns, and forms per unit."""
        n, g, k = len(self.units), len(self.plan.groups), len(self.plan.items)
        known = self._known()
        key = self.form_unit[known] * g + self.form_group[known]
        s = group_sums(key, self.score[known], n * g).reshape(n, g * k)
        v = group_sums(key, self.valid[known], n * g).reshape(n, g * k)
        return s, v, np.bincount(self.form_unit[self.form_unit >= 0], minlength=n)

    def expanded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit of each form, per-form (group, item) weights, valid flags), for the bootstrap."""
        known = self._known()
        score_x, valid_x = expand_by_group(
            self.score[known], self.valid[known], self.form_group[known], len(self.plan.groups)
        )
        return self.form_unit[known], score_x, valid_x


def prepare_survey(
    data: SurveyAnswers, spec: FrameworkSpec, units: Sequence[object], year: int | None = None
) -> SurveyInputs:
    """Keep the forms about ``units`` and weigh their answers for :func:`survey_fractions`."""
    data = data.subset_units(units)
    plan = build_survey_plan(spec, sorted(data.forms["group"].dropna().astype(str).unique()), year)
    score, valid, group_pos = weigh_answers(data, plan)
    form_unit = pd.Index(list(units)).get_indexer(pd.Index(data.forms["unit"]))
    return SurveyInputs(plan, tuple(units), form_unit, group_pos, score, valid)


def survey_points(inputs: SurveyInputs) -> pd.DataFrame:
    """Points of the survey leaves per unit: ``unit``, ``criterion``, ``fraction`` (0-1, NaN = no
    answers), ``points`` (= max × fraction; 0 without answers), ``n`` (valid forms of the unit)."""
    s, v, n = inputs.unit_sums()
    fractions = survey_fractions(inputs.plan, s, v)
    frame = pd.DataFrame(fractions, index=pd.Index(list(inputs.units), name="unit"), columns=list(inputs.plan.leaves))
    long = frame.reset_index().melt(id_vars="unit", var_name="criterion", value_name="fraction")
    maxima = dict(zip(inputs.plan.leaves, inputs.plan.max_points, strict=True))
    long["points"] = (long["fraction"] * long["criterion"].map(maxima)).fillna(0.0)
    long["n"] = long["unit"].map(dict(zip(inputs.units, n, strict=True)))
    return long


def survey_point_replicates(inputs: SurveyInputs, replicates: int, seed: int) -> np.ndarray:
    """Bootstrap replicates of the survey leaves' points, shape (replicates, units, plan leaves): forms drawn
    with replacement within each unit (stream ``STREAM_PAR_SURVEY``), points = max × score (0 without
    answers), unrounded like :func:`survey_points`."""
    form_unit, score_x, valid_x = inputs.expanded()
    sums = weighted_unit_sums(
        form_unit, None, [score_x, valid_x], len(inputs.units), replicates, rng_for(seed, STREAM_PAR_SURVEY)
    )
    fractions = survey_fractions(inputs.plan, sums[0], sums[1])
    return np.nan_to_num(fractions * inputs.plan.max_points, nan=0.0)
