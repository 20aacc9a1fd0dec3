"""Calibration by construction: unit figures drawn to the targets, and the latent shifts that make the scoring
engine compute exactly those figures from the simulated answers.

How the demo lands on the published record (backend/demo/calibration.py):

1. **Unit figures.** For one index, scope and year, every unit's latent score (its persistent quality, see
   :class:`backend.demo.simulate.Latent`) is standardised over the ranked units and mapped by
   :func:`unit_figures`: linear in the middle, squeezed smoothly (tanh) into the target's [min, max], with the
   offset and slope solved so that the ranked units' mean and SD are the target's. So every year's figures
   have the published mean, spread and range whatever the seed, and a unit's rank persists with its quality.
2. **Survey shifts.** The answers of a unit are ``z = shift_u + village + respondent + item + noise`` cut into
   1..5; :func:`fit_shifts` bisects each unit's ``shift_u`` on the realised draws until the figure the scoring
   engine computes from those answers (a :class:`FigureModel`: the framework's own plan, e.g. SIPAS = % of 4-5
   answers to the overall question, PAR survey points = max × mean answer weight) equals the unit's figure.
   Survey sampling noise is therefore not added on top of the target (it is inside the published spread).
3. **PAR INDEX.** A unit's PAR figure is split into its SIPAS points (from its computed SIPAS), survey points
   (:func:`survey_fractions_for`: the officials rate a little below the appraisal, as in the published 2023 ministry
   table: survey 81 % of its maximum, appraisal 86 %) and appraisal points, which take the exact remainder
   (backend/demo/assessment.py bisects each unit's achievement on its own draws).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend import metrics as m
from backend.demo.calibration import Target
from backend.frameworks.spec import ASSESSED_MODES, FrameworkSpec
from backend.scoring.answers import group_sums, weighted_answers
from backend.scoring.par import sipas_leaf_points
from backend.scoring.par_survey import SurveyInputs, build_survey_plan, survey_fractions
from backend.scoring.sipas import SipasPlan, build_plan, evaluate

#: Survey share of maximum = mean achievement − SURVEY_GAP + SURVEY_SLOPE × (unit − mean) + N(0, SURVEY_SD):
#: 2023 ministries, published: survey 25.5 / 31.5 ≈ 0.81 (SD 0.04), appraisal 58.9 / 68.5 ≈ 0.86 (SD 0.05).
SURVEY_GAP = 0.05
SURVEY_SLOPE = 0.5
SURVEY_SD = 0.015
#: Bisection range and steps of a unit's latent shift (z units).
SHIFT_RANGE = (-8.0, 8.0)
SHIFT_STEPS = 26


def _squeeze(x: np.ndarray, centre: float, low: float, high: float) -> np.ndarray:
    """Identity near ``centre``; above it ``c + (high − c)·tanh((x − c)/(high − c))``, below it the mirror
    image towards ``low``: never outside (low, high), close to linear within a half-range of the centre."""
    up, down = max(high - centre, 1e-9), max(centre - low, 1e-9)
    return np.where(x >= centre, centre + up * np.tanh((x - centre) / up), centre - down * np.tanh((centre - x) / down))


def unit_figures(scores: Sequence[float], target: Target, ranked: Sequence[bool] | None = None) -> np.ndarray:
    """Figures of units with latent ``scores``: ``squeeze(m + s·z)`` with z the scores standardised over the
    ranked units, and (m, s) solved so that the ranked units' mean and population SD equal the target's; every
    figure lies within [target.low, target.high]."""
    x = np.asarray(scores, dtype=float)
    mask = np.ones(len(x), bool) if ranked is None else np.asarray(ranked, dtype=bool)
    if not mask.any() or len(x) == 0:
        return np.full(len(x), target.mean)
    spread = x[mask].std()
    z = (x - x[mask].mean()) / spread if spread > 0 else np.zeros_like(x)
    offset, slope = target.mean, target.sd
    for _ in range(200):
        y = _squeeze(offset + slope * z, target.mean, target.low, target.high)
        mean, sd = y[mask].mean(), y[mask].std()
        if abs(mean - target.mean) < 1e-6 and (sd == 0 or abs(sd - target.sd) < 1e-6):
            break
        offset += target.mean - mean
        if sd > 0:
            slope = min(slope * target.sd / sd, 50.0 * max(target.sd, 1e-6))
    return _squeeze(offset + slope * z, target.mean, target.low, target.high)


def fit_shifts(
    figure_at: Callable[[np.ndarray], np.ndarray],
    targets: np.ndarray,
    *,
    bounds: tuple[float, float] = SHIFT_RANGE,
    steps: int = SHIFT_STEPS,
) -> np.ndarray:
    """Per-unit shifts with ``figure_at(shifts)[u]`` as close to ``targets[u]`` as the data allow.

    ``figure_at`` must give each unit's figure from its own shift only, non-decreasing in it (a step function
    is fine: the shift on the closer side of the step is kept). Units whose figure is undefined (NaN) keep the
    middle of the range.
    """
    targets = np.asarray(targets, dtype=float)
    low = np.full(len(targets), bounds[0])
    high = np.full(len(targets), bounds[1])
    for _ in range(steps):
        mid = (low + high) / 2.0
        below = figure_at(mid) < targets  # NaN compares False: the bracket closes on the upper side
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    at_low, at_high = figure_at(low), figure_at(high)
    keep_low = np.abs(at_low - targets) <= np.abs(at_high - targets)
    return np.where(np.isnan(at_high) & np.isnan(at_low), (bounds[0] + bounds[1]) / 2.0, np.where(keep_low, low, high))


@dataclass(frozen=True)
class ParBudget:
    """What each unit must earn besides its SIPAS points (``rest``), and the maxima it earns them on: the
    self-assessed leaves (``assessed``) and the officials' survey leaves (``survey``)."""

    rest: np.ndarray
    assessed: float
    survey: float

    @property
    def ratio(self) -> np.ndarray:
        """Each unit's share of the non-SIPAS maximum."""
        total = self.assessed + self.survey
        return self.rest / total if total > 0 else np.zeros_like(self.rest)

    def appraisal(self, survey_share: np.ndarray) -> np.ndarray:
        """Appraisal points left once the survey earns ``survey_share`` of its maximum (within [0, assessed])."""
        return np.clip(self.rest - np.nan_to_num(survey_share) * self.survey, 0.0, self.assessed)


def par_budget(spec: FrameworkSpec | None, year: int, figures: np.ndarray, sipas: np.ndarray | None) -> ParBudget:
    """Split unit PAR INDEX ``figures`` (%) by the framework: points = index × total_max / 100, less the points of
    the SIPAS-fed leaves computed by the engine from the units' ``sipas`` figures. Without a framework: the
    index as a share of the self-assessed leaves (no survey part)."""
    figures = np.asarray(figures, dtype=float)
    if spec is None:
        return ParBudget(rest=figures, assessed=100.0, survey=0.0)
    leaves = spec.leaves(year)
    par_survey = {c for c, mp in spec.survey_mapping.items() if mp.survey == "PAR_SURVEY"}
    assessed = sum(leaf.max_points or 0.0 for leaf in leaves if leaf.mode in ASSESSED_MODES)
    survey = sum(leaf.max_points or 0.0 for leaf in leaves if leaf.code in par_survey)
    points = figures * spec.total_max / 100.0
    if sipas is not None and len(figures):
        frame = pd.DataFrame({m.SIPAS: np.asarray(sipas, dtype=float)}, index=pd.RangeIndex(len(figures)))
        earned = sipas_leaf_points(frame, spec, year)
        if len(earned):
            points = points - earned.groupby("unit")["points"].sum().reindex(frame.index).fillna(0.0).to_numpy()
    return ParBudget(rest=points, assessed=float(assessed), survey=float(survey))


def survey_fractions_for(ratio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Target share of the survey points' maximum per unit, from its share of the non-SIPAS maximum (rule 3)."""
    ratio = np.asarray(ratio, dtype=float)
    centre = ratio.mean() if len(ratio) else 0.0
    noise = rng.normal(0.0, SURVEY_SD, len(ratio))
    return np.clip(centre - SURVEY_GAP + SURVEY_SLOPE * (ratio - centre) + noise, 0.05, 0.99)


@dataclass(frozen=True)
class FigureModel:
    """How the scoring engine turns one survey's answers into each unit's figure (what the shifts are fitted to).

    ``columns``: the positions, in the simulated item list, of the items the figure reads (-1: an item the
    simulation does not ask, read as no answer). ``compute(values, unit, group, n_units)``: ``values`` are the
    answers to those columns (forms × columns, 0 = none), ``unit`` and ``group`` the form's unit position and
    respondent group; returns the figure per unit (NaN without answers).
    """

    columns: np.ndarray
    compute: Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]
    #: code of the framework the model comes from ("" = the generator's default)
    framework: str

    def take(self, values: np.ndarray) -> np.ndarray:
        """The answers to :attr:`columns` (zeros for items not simulated)."""
        if values.shape[1] == 0:
            return np.zeros((len(values), len(self.columns)), dtype=np.int8)
        out = values[:, np.clip(self.columns, 0, None)]
        out[:, self.columns < 0] = 0
        return out

    def figures(self, values: np.ndarray, unit: np.ndarray, group: np.ndarray, n_units: int) -> np.ndarray:
        return self.compute(self.take(values), unit, group, n_units)


def _columns(wanted: Sequence[str], items: Sequence[str]) -> np.ndarray:
    return pd.Index(list(items)).get_indexer(pd.Index(list(wanted))).astype(np.int64)


def _main_items(plan: SipasPlan) -> list[int]:
    """Positions (in ``plan.items``) of the items the plan's main figure is computed from."""
    nodes = plan.nodes

    def items_of(j: int) -> set[int]:
        node = nodes[j]
        if node.kind in ("item", "pooled"):
            return set(node.items)
        return set().union(*(items_of(c) for c in node.children)) if node.children else set(node.items)

    return sorted(items_of(plan.position(plan.main)))


def sipas_model(spec: FrameworkSpec | None, year: int, items: Sequence[str]) -> FigureModel:
    """The SIPAS figure of the framework (its plan for ``year``: positive categories, aggregation, overall
    method); without a framework the generator's default, the % of 4-5 answers over all items. Only the items
    the main figure reads are evaluated (with the overall question, one column)."""
    if spec is None or spec.sipas is None:
        return FigureModel(np.arange(len(items), dtype=np.int64), _pooled_positive, "")
    plan = build_plan(spec.sipas, year)
    main = plan.position(plan.main)
    used = _main_items(plan)
    positive = np.zeros(256, dtype=bool)
    positive[[int(v) & 0xFF for v in plan.positive]] = True

    def compute(values: np.ndarray, unit: np.ndarray, _group: np.ndarray, n_units: int) -> np.ndarray:
        pos = np.zeros((n_units, len(plan.items)))
        val = np.zeros_like(pos)
        pos[:, used] = group_sums(unit, positive[values.astype(np.uint8)], n_units)
        val[:, used] = group_sums(unit, values != 0, n_units)
        return np.asarray(evaluate(plan, pos, val)[:, main])

    return FigureModel(_columns([plan.items[k] for k in used], items), compute, spec.code)


def _pooled_positive(values: np.ndarray, unit: np.ndarray, _group: np.ndarray, n_units: int) -> np.ndarray:
    pos = group_sums(unit, values >= 4, n_units).sum(axis=1)
    val = group_sums(unit, values != 0, n_units).sum(axis=1)
    return np.divide(100.0 * pos, val, out=np.full(n_units, np.nan), where=val > 0)


def par_survey_model(spec: FrameworkSpec | None, year: int, items: Sequence[str], groups: Sequence[str]) -> FigureModel:
    """The share of the survey leaves' maximum a unit earns (Σ points / Σ maxima) under the framework's
    ``survey_mapping`` and ``survey_scoring``; without them the generator's default, the mean answer weight
    (1 → 0, 5 → 1) over all items."""
    if spec is None or not spec.survey_mapping:
        return FigureModel(np.arange(len(items), dtype=np.int64), _mean_weight, "")
    plan = build_survey_plan(spec, sorted(set(groups)), year)
    total = float(plan.max_points.sum())
    if not plan.leaves or total <= 0:
        return FigureModel(np.arange(len(items), dtype=np.int64), _mean_weight, "")
    group_pos = pd.Index(list(plan.groups)).get_indexer(pd.Index(list(groups)))

    def compute(values: np.ndarray, unit: np.ndarray, group: np.ndarray, n_units: int) -> np.ndarray:
        score, valid = weighted_answers(values, plan.answer_weights)
        inputs = SurveyInputs(plan, tuple(range(n_units)), unit, group_pos[group], score, valid.astype(float))
        s, v, _ = inputs.unit_sums()
        fractions = survey_fractions(plan, s, v)
        answered = ~np.isnan(fractions).all(axis=1)
        points = np.nan_to_num(fractions) @ plan.max_points
        return np.where(answered, points / total, np.nan)

    return FigureModel(_columns(plan.items, items), compute, spec.code)


def _mean_weight(values: np.ndarray, unit: np.ndarray, _group: np.ndarray, n_units: int) -> np.ndarray:
    valid = values != 0
    weight = np.where(valid, (values.astype(float) - 1.0) / 4.0, 0.0)
    total = group_sums(unit, weight, n_units).sum(axis=1)
    count = group_sums(unit, valid, n_units).sum(axis=1)
    return np.divide(total, count, out=np.full(n_units, np.nan), where=count > 0)
