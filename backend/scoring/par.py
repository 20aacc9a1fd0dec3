"""PAR INDEX per unit (methodology.md §1.4; criteria_876.md; framework files).

Formulas (unrounded; rounding is for display only, methodology.md §1.4 item 5):

* appraised points of a self-assessed leaf (modes ``appraisal``, ``appraisal_socioeconomic``) =
  the appraisal score (điểm thẩm định) where one exists, else the self-assessment score
  (methodology.md §1.4 items 1-2);
* survey points of a leaf fed by the officials' survey (modes ``survey``, ``survey_leaders``) =
  max × score, where score ∈ [0, 1] follows the framework's ``survey_scoring`` and ``survey_mapping``:
  each valid answer to a mapped item gets ``answer_weights[value]``; an item's score is the mean weight of
  its valid answers (respondent groups pooled, or the weighted mean of the groups' scores); the leaf's
  score is the mean of its items' scores (``mean_of_items``) or the mean weight of all its answers
  (``pooled``) (methodology.md §2.2, unverified: every part of this is a framework setting);
* SIPAS points of the leaf ``survey_citizens_sipas`` = max × (the unit's SIPAS figure named in the
  mapping, %) / 100 (framework setting ``sipas_points``; criteria_876.md §A.4);
* a leaf with no score or no answers gets 0 points;
* area points = Σ leaf points of the area; block points = Σ leaf points per scoring mode; grouping parts
  = Σ over their modes; total = Σ all leaf points; index (%) = total / total_max × 100; component index
  (%) = area points / area max × 100 (methodology.md §1.4 item 4).

Every reported figure is a linear function of the leaf points (:func:`metric_matrix`), so bootstrap
replicates of the survey leaves give replicates of every figure by one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend import metrics as m
from backend.errors import ValidationError
from backend.frameworks.spec import ASSESSED_MODES, FrameworkSpec
from backend.scoring.answers import SurveyAnswers, group_sums, weighted_answers
from backend.scoring.uncertainty import STREAM_PAR_SURVEY, rng_for, weighted_unit_sums

#: tolerance when checking scores against maxima (scores are typed with 2-3 decimals)
_TOL = 1e-9


def leaf_table(spec: FrameworkSpec, year: int | None = None) -> pd.DataFrame:
    """The leaf criteria: ``code``, ``area``, ``mode``, ``max_points`` (effective), in framework order."""
    rows = [(leaf.code, leaf.area, leaf.mode, leaf.max_points) for leaf in spec.leaves(year)]
    return pd.DataFrame(rows, columns=["code", "area", "mode", "max_points"])


def appraised_points(scores: pd.DataFrame, leaves: pd.DataFrame) -> pd.DataFrame:
    """Points of the self-assessed leaves: appraisal score where there is one, else the self score.

    ``scores``: ``unit``, ``criterion`` (leaf code), ``self_score``, ``appraisal_score`` (NaN = none).
    Returns ``unit``, ``criterion``, ``points``, ``source`` (``appraisal`` | ``self`` | ``none``).
    Raises ValidationError (bilingual, listing the rows) when a score exceeds the leaf's maximum.
    """
    assessed = leaves.loc[leaves["mode"].isin(ASSESSED_MODES), ["code", "max_points"]]
    frame = scores.merge(assessed, left_on="criterion", right_on="code", how="inner")
    appraisal = pd.to_numeric(frame["appraisal_score"], errors="coerce")
    own = pd.to_numeric(frame["self_score"], errors="coerce")
    points = appraisal.where(appraisal.notna(), own)
    source = np.where(appraisal.notna(), "appraisal", np.where(own.notna(), "self", "none"))
    too_high = points > frame["max_points"] + _TOL
    if too_high.any():
        bad = frame.loc[too_high].head(10)
        listing = "; ".join(
            f"{r.unit}/{r.criterion}: {p:g} > {r.max_points:g}"
            for r, p in zip(bad.itertuples(), points[too_high].head(10), strict=True)
        )
        raise ValidationError(
            f"Điểm vượt quá điểm tối đa của tiêu chí ({int(too_high.sum())} dòng): {listing}.",
            f"Scores above the criterion's maximum ({int(too_high.sum())} rows): {listing}.",
            hint_vi="Sửa điểm tự đánh giá / thẩm định rồi tính lại.",
            hint_en="Correct the self-assessment / appraisal scores and compute again.",
        )
    return pd.DataFrame(
        {"unit": frame["unit"].to_numpy(), "criterion": frame["criterion"].to_numpy(), "points": points.fillna(0.0)}
    ).assign(source=source)


# --------------------------------------------------------------------------------------------------
# officials' survey → points
# --------------------------------------------------------------------------------------------------


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

    def columns(self, leaf: int, groups: Sequence[int] | None = None) -> np.ndarray:
        k = len(self.items)
        gs = self.leaf_groups[leaf] if groups is None else groups
        return np.array([g * k + i for g in gs for i in self.leaf_items[leaf]], dtype=int)


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


def sipas_leaf_points(sipas: pd.DataFrame, spec: FrameworkSpec, year: int | None = None) -> pd.DataFrame:
    """Points of the SIPAS-fed leaves: max × (unit's SIPAS metric %) / 100.

    ``sipas``: index unit, one column per SIPAS metric (e.g. ``SIPAS``). Returns ``unit``, ``criterion``,
    ``points`` (0 where the unit has no SIPAS figure).
    """
    rows = []
    for leaf in spec.leaves(year):
        mapping = spec.survey_mapping.get(leaf.code)
        if mapping is None or mapping.survey != "SIPAS" or mapping.metric is None:
            continue
        values = sipas[mapping.metric] if mapping.metric in sipas.columns else pd.Series(np.nan, index=sipas.index)
        points = (values.astype(float) * (leaf.max_points or 0.0) / 100.0).fillna(0.0)
        rows.append(pd.DataFrame({"unit": sipas.index, "criterion": leaf.code, "points": points.to_numpy()}))
    if not rows:
        return pd.DataFrame(columns=["unit", "criterion", "points"])
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------------------------------
# leaf points → every reported figure
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricMatrix:
    """``values = leaf_points @ matrix``: one column per metric, with its maximum."""

    leaves: tuple[str, ...]
    metrics: tuple[str, ...]
    matrix: np.ndarray
    max_values: np.ndarray

    def apply(self, leaf_points: np.ndarray) -> np.ndarray:
        return np.asarray(leaf_points, dtype=float) @ self.matrix


def metric_matrix(spec: FrameworkSpec, year: int | None = None) -> MetricMatrix:
    """The PAR figures as sums of leaf points: ``PAR_INDEX`` (index %), ``PAR_INDEX.total``, areas, blocks
    (scoring modes), grouping parts and leaves (metric names from backend/metrics.py)."""
    leaves = spec.leaves(year)
    codes = [leaf.code for leaf in leaves]
    columns: list[tuple[str, np.ndarray, float]] = []

    def add(metric: str, member: np.ndarray, maximum: float, scale: float = 1.0) -> None:
        columns.append((metric, member.astype(float) * scale, maximum))

    total = sum((leaf.max_points or 0.0) for leaf in leaves)
    ones = np.ones(len(leaves))
    add(m.PAR, ones, 100.0, 100.0 / spec.total_max)
    add(m.PAR_TOTAL, ones, spec.total_max)
    for area in spec.areas():
        member = np.array([leaf.area == area.code for leaf in leaves])
        add(
            m.par_area(area.code),
            member,
            float(sum(leaf.max_points or 0.0 for leaf in leaves if leaf.area == area.code)),
        )
    modes = [mode for mode in dict.fromkeys(leaf.mode for leaf in leaves) if mode is not None]
    for mode in modes:
        member = np.array([leaf.mode == mode for leaf in leaves])
        add(m.par_block(mode), member, float(sum(leaf.max_points or 0.0 for leaf in leaves if leaf.mode == mode)))
    for grouping in spec.groupings:
        for part in grouping.parts:
            member = np.array([leaf.mode in part.modes for leaf in leaves])
            add(m.par_grouping(grouping.code, part.code), member, part.max_points)
    for j, leaf in enumerate(leaves):
        member = np.zeros(len(leaves))
        member[j] = 1.0
        add(m.par_criterion(leaf.code), member, leaf.max_points or 0.0)
    assert abs(total - spec.total_max) < 1e-6 or not leaves
    return MetricMatrix(
        leaves=tuple(codes),
        metrics=tuple(c[0] for c in columns),
        matrix=np.column_stack([c[1] for c in columns]) if columns else np.zeros((len(leaves), 0)),
        max_values=np.array([c[2] for c in columns]),
    )


def leaf_points_wide(points: pd.DataFrame, units: Sequence[object], leaves: Sequence[str]) -> pd.DataFrame:
    """Long ``unit``, ``criterion``, ``points`` → units × leaves (0 where missing)."""
    if len(points):
        wide = points.pivot_table(index="unit", columns="criterion", values="points", aggfunc="sum")
    else:
        wide = pd.DataFrame()
    return wide.reindex(index=list(units), columns=list(leaves)).fillna(0.0).astype(float)


def par_table(leaf_points: pd.DataFrame, spec: FrameworkSpec, year: int | None = None) -> pd.DataFrame:
    """Every PAR figure per unit (index = units; columns = metrics of :func:`metric_matrix`)."""
    mm = metric_matrix(spec, year)
    wide = leaf_points.reindex(columns=list(mm.leaves)).fillna(0.0)
    return pd.DataFrame(mm.apply(wide.to_numpy()), index=wide.index, columns=list(mm.metrics))


def component_index(table: pd.DataFrame, spec: FrameworkSpec, year: int | None = None) -> pd.DataFrame:
    """Component index (%) per area = area points / area maximum × 100 (columns = area codes)."""
    mm = metric_matrix(spec, year)
    maxima = dict(zip(mm.metrics, mm.max_values, strict=True))
    out = {}
    for area in spec.areas():
        metric = m.par_area(area.code)
        out[area.code] = table[metric] / maxima[metric] * 100.0 if maxima[metric] else np.nan
    return pd.DataFrame(out, index=table.index)


@dataclass(frozen=True)
class ParResult:
    """PAR point estimates: leaf points (units × leaves), all figures (units × metrics), their maxima,
    valid survey forms per unit, and the prepared survey (for the bootstrap)."""

    units: tuple[object, ...]
    leaf_points: pd.DataFrame
    table: pd.DataFrame
    max_values: pd.Series
    n_forms: pd.Series
    survey: SurveyInputs | None


def score_par(
    spec: FrameworkSpec,
    year: int,
    units: Sequence[object],
    *,
    scores: pd.DataFrame,
    survey: SurveyAnswers | None = None,
    sipas: pd.DataFrame | None = None,
) -> ParResult:
    """PAR INDEX of ``units`` for ``year``: appraised + survey + SIPAS leaf points → every figure."""
    leaves = leaf_table(spec, year)
    parts = [appraised_points(scores, leaves)[["unit", "criterion", "points"]]]
    inputs = None
    n_forms = pd.Series(0, index=pd.Index(list(units), name="unit"), name="n")
    if survey is not None:
        inputs = prepare_survey(survey, spec, units, year)
        sp = survey_points(inputs)
        parts.append(sp[["unit", "criterion", "points"]])
        n_forms = sp.drop_duplicates("unit").set_index("unit")["n"].reindex(n_forms.index).fillna(0).astype(int)
    if sipas is not None:
        parts.append(sipas_leaf_points(sipas.reindex(list(units)), spec, year))
    points = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    wide = leaf_points_wide(points, units, leaves["code"].tolist())
    mm = metric_matrix(spec, year)
    return ParResult(
        units=tuple(units),
        leaf_points=wide,
        table=par_table(wide, spec, year),
        max_values=pd.Series(mm.max_values, index=list(mm.metrics)),
        n_forms=n_forms.rename("n"),
        survey=inputs,
    )


def par_replicates(
    result: ParResult,
    spec: FrameworkSpec,
    year: int,
    replicates: int,
    seed: int,
    sipas_replicates: np.ndarray | None = None,
) -> np.ndarray:
    """Bootstrap replicates of every PAR figure, shape (replicates, units, metrics).

    Appraised leaves are fixed; officials'-survey leaves are recomputed from forms resampled within each
    unit (stream STREAM_PAR_SURVEY); SIPAS-fed leaves take ``sipas_replicates`` (replicates × units, the
    unit's SIPAS metric %, e.g. from :func:`backend.scoring.sipas.sipas_replicates`) when given.
    """
    mm = metric_matrix(spec, year)
    base = np.broadcast_to(result.leaf_points.to_numpy(), (replicates, *result.leaf_points.shape)).copy()
    leaf_codes = list(mm.leaves)
    if result.survey is not None and len(result.survey.plan.leaves):
        inputs = result.survey
        form_unit, score_x, valid_x = inputs.expanded()
        sums = weighted_unit_sums(
            form_unit, None, [score_x, valid_x], len(inputs.units), replicates, rng_for(seed, STREAM_PAR_SURVEY)
        )
        fractions = survey_fractions(inputs.plan, sums[0], sums[1])
        points = np.nan_to_num(fractions * inputs.plan.max_points, nan=0.0)
        for j, code in enumerate(inputs.plan.leaves):
            base[:, :, leaf_codes.index(code)] = points[:, :, j]
    if sipas_replicates is not None:
        for leaf in spec.leaves(year):
            mapping = spec.survey_mapping.get(leaf.code)
            if mapping is not None and mapping.survey == "SIPAS":
                base[:, :, leaf_codes.index(leaf.code)] = np.nan_to_num(
                    sipas_replicates * (leaf.max_points or 0.0) / 100.0, nan=0.0
                )
    return mm.apply(base)
