"""Pure simulation of survey forms and answers (NumPy/pandas in, NumPy/pandas out; no database).

What is simulated, and why
--------------------------
* **Latent quality of a unit** (:class:`Latent`). Each province and ministry gets a seeded quality
  ``base ~ N(0, 1)`` that persists over the years, plus a small yearly drift, so province differences persist
  (year-to-year rank correlation stays high) without being frozen; each index adds its own persistent
  component (a province's SIPAS and PAR INDEX agree, not perfectly). A unit formed by a merger (the 34 provinces
  of 2025, the ministries of 2025-03-01) takes the mean of its predecessors' qualities weighted by their number
  of forms, so trends across the merger make sense. A soft cap (``2·tanh(q/2)``) avoids implausible outliers.
* **Levels come from the published record**, not from constants here: the generator turns the qualities into
  each unit's figure for the year (backend/demo/fit.py, targets from backend/demo/calibration.py) and passes
  those figures in; this module fits each unit's answer level so that the scoring engine's figure from the
  simulated answers equals it.
* **Answers** follow an ordered-probit model: for form *f* and item *i*,
  ``z = shift(unit) + village + leniency_f + block + item + noise``; the answer is 1..5 by cutting ``z`` at
  :data:`THRESHOLDS` ("satisfied", 4 or 5, means ``z > 0``). The respondent-level leniency makes answers of one
  respondent correlated; the village effect makes the cluster sample clustered; block and item effects give
  stable item difficulties (participation in policy making is rated lowest, civil servants' conduct highest).
  About 3 % of answers are "no answer" (0 here, NULL in the store), with a propensity that varies by respondent.
* **Field problems** (invalid forms, suspicious interviewers): backend/demo/field.py; a province's level is fitted
  again around a suspicious interviewer's planted answers, so they do not move its figure. Sample plans (which
  villages, how many forms): backend/demo/sample.py.

The module is deterministic: every draw comes from :func:`backend.demo.spec.rng_for` keyed by stage, year and
unit code, and units are processed in the order given (the caller sorts them by code).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backend.demo import field as fieldwork
from backend.demo.fit import FigureModel, fit_shifts
from backend.demo.sample import UnitKey, par_unit_counts, sipas_frame
from backend.demo.spec import FORM_PREFIX, SIPAS_GROUP, ScaleSpec, par_fieldwork, rng_for, sipas_fieldwork
from backend.frameworks.questionnaire import GroupSpec, ItemSpec

# --- answer model ---------------------------------------------------------------------------------------------
#: Cut points of the latent z between answers 1|2, 2|3, 3|4, 4|5. "Satisfied" (4-5) is z > 0.
THRESHOLDS = np.array([-2.0, -1.0, 0.0, 1.35])
#: Year-specific drift of a unit's quality, in sd of the base quality (keeps ranks persistent, not frozen).
DRIFT_SD = 0.3
#: Soft cap of the quality (sd units), see :meth:`Latent.quality`.
Q_CAP = 2.0
#: Own shock of a merged unit, in sd of the base quality.
MERGER_SHOCK_SD = 0.15
#: SD of a unit's persistent index-specific component (SIPAS, PAR INDEX), in sd of the base quality: a province's
#: two indices correlate at about 1 / (1 + 0.6²) ≈ 0.74 (a design choice; the record has too few pairs to fit it).
INDEX_SD = 0.6
LENIENCY_SD = 0.75
NOISE_SD = 0.7
VILLAGE_SD = 0.15
ITEM_SD = 0.12
#: Mean share of "no answer"; the per-respondent propensity is Beta(0.6, 19.4) (mean 3 %).
NULL_BETA = (0.6, 19.4)

#: Block effects in z: stable item difficulty by questionnaire block (design choice, not published).
SIPAS_BLOCK_EFFECT: Mapping[str, float] = {
    "POL.C1": 0.0,
    "POL.C2": -0.35,
    "POL.C3": 0.05,
    "POL.C4": 0.1,
    "SRV.E1": 0.15,
    "SRV.E2": 0.1,
    "SRV.E3": 0.2,
    "SRV.E4": 0.2,
    "SRV.E5": -0.2,
    "OVERALL": 0.05,
}
#: How each PAR respondent group tends to rate (officials of a ministry rate their own ministry higher).
PAR_GROUP_EFFECT: Mapping[str, float] = {
    "hdnd_deputy": -0.1,
    "dept_leader": 0.15,
    "division_head": 0.0,
    "local_leader": -0.15,
    "ministry_official": 0.35,
    "local_dept_leader": -0.2,
    "association": -0.1,
}
#: Days an interviewer spends in a commune (forms are left 1-2 days with a household and collected).
COMMUNE_VISIT_DAYS = 10


def z_to_answer(z: np.ndarray) -> np.ndarray:
    """Ordered-probit cut: latent z → answer 1..5 (int8): 1 + the number of cut points below z (four vectorised
    comparisons: ten times faster than ``np.searchsorted``, which matters inside the shift bisection)."""
    answer = np.ones(np.shape(z), dtype=np.int8)
    for cut in THRESHOLDS:
        answer += z > cut
    return answer


def _scalar_normal(seed: int, *keys: str | int) -> float:
    return float(rng_for(seed, *keys).standard_normal())


class Latent:
    """Seeded latent quality of units; merged units inherit a weighted mix of their predecessors.

    ``predecessors`` maps a unit to its predecessors and their weights (number of forms of each predecessor in
    its last evaluation year). A unit without predecessors keeps its own base quality.
    """

    def __init__(self, seed: int, predecessors: Mapping[UnitKey, Sequence[tuple[UnitKey, float]]] | None = None):
        self.seed = seed
        self.predecessors = dict(predecessors or {})

    def base(self, key: UnitKey) -> float:
        return _scalar_normal(self.seed, "latent-base", key[0], key[1])

    def raw_quality(self, key: UnitKey, year: int, index: str | None = None, _depth: int = 0) -> float:
        """Quality of ``key`` in ``year`` in sd units before the soft cap; with ``index``, plus the unit's
        persistent component for that index (``INDEX_SD`` × a seeded normal)."""
        preds = [(k, w) for k, w in self.predecessors.get(key, ()) if k != key and w > 0]
        if preds and _depth < 5:
            total = sum(w for _, w in preds)
            mixed = sum(w * self.raw_quality(k, year, index, _depth + 1) for k, w in preds) / total
            if len(preds) == 1:  # a unit that continues one predecessor keeps its quality
                return mixed
            return mixed + MERGER_SHOCK_SD * _scalar_normal(self.seed, "latent-merger", key[0], key[1])
        own = self.base(key) + DRIFT_SD * _scalar_normal(self.seed, "latent-drift", key[0], key[1], year)
        if index is not None:
            own += INDEX_SD * _scalar_normal(self.seed, "latent-index", index, key[0], key[1])
        return own

    def quality(self, key: UnitKey, year: int, index: str | None = None) -> float:
        """Quality used by the figure model: ``Q_CAP·tanh(raw / Q_CAP)``, a soft cap that keeps the rare draw
        beyond ±2.5 sd from making an implausible outlier."""
        return Q_CAP * math.tanh(self.raw_quality(key, year, index) / Q_CAP)


# --- batches --------------------------------------------------------------------------------------------------
@dataclass
class FormBatch:
    """Forms of one survey (or one part of it) with the answers to one list of items.

    ``forms`` columns: form_code, respondent_group, unit (index into the caller's unit list), district_code,
    commune_code, village_code, interviewer_code, collected_on, status, invalid_reason, respondent_phone.
    ``values[f, i]`` is the answer of form f to item i (1..5, 0 = no answer).
    """

    forms: pd.DataFrame
    item_codes: list[str]
    values: np.ndarray


@dataclass
class SipasYear:
    batch: FormBatch
    interviewers: list[tuple[str, str]]  # (code, name)
    suspicious: list[dict[str, object]] = field(default_factory=list)


def _item_effects(seed: int, items: Sequence[ItemSpec], blocks: Mapping[str, float], family: str) -> np.ndarray:
    """Stable per-item difficulty: a block effect (design) + a small seeded effect per item code."""
    return np.array(
        [
            blocks.get(item.block, 0.0)
            + 0.1 * _scalar_normal(seed, "block", family, item.block)
            + ITEM_SD * _scalar_normal(seed, "item", family, item.code)
            for item in items
        ]
    )


def _null_mask(rng: np.random.Generator, n_forms: int, n_items: int) -> np.ndarray:
    propensity = rng.beta(*NULL_BETA, size=n_forms)
    return rng.random((n_forms, n_items)) < propensity[:, None]


def fitted_answers(
    rest: np.ndarray,
    empty: np.ndarray,
    unit: np.ndarray,
    group: np.ndarray,
    figures: Sequence[float] | np.ndarray,
    model: FigureModel,
    *,
    kept: np.ndarray | None = None,
    kept_values: np.ndarray | None = None,
    valid: np.ndarray | None = None,
) -> np.ndarray:
    """Answers ``z_to_answer(shift[unit] + rest)`` (``empty`` cells 0) with each unit's shift fitted so that
    ``model`` computes ``figures[unit]`` from them (backend/demo/fit.py), over the ``valid`` forms only; the
    ``kept`` forms keep their ``kept_values`` (e.g. a suspicious interviewer's copied answers)."""
    n_units = len(figures)
    use = np.ones(len(unit), bool) if valid is None else np.asarray(valid, bool)
    held = np.zeros(len(unit), bool) if kept is None or kept_values is None else np.asarray(kept, bool)

    def answers(shift: np.ndarray, part: np.ndarray, blank: np.ndarray, rows: np.ndarray, fixed: Any) -> np.ndarray:
        values = z_to_answer(part + shift[unit[rows]][:, None])
        values[blank] = 0
        if fixed is not None:
            values[held[rows]] = fixed[held[rows]]
        return values

    pick = np.clip(model.columns, 0, None)
    part, blank = rest[use][:, pick], empty[use][:, pick] | (model.columns < 0)[None, :]
    fixed = model.take(kept_values[use]) if kept_values is not None and held.any() else None

    def figure_at(shift: np.ndarray) -> np.ndarray:
        return model.compute(answers(shift, part, blank, use, fixed), unit[use], group[use], n_units)

    shift = fit_shifts(figure_at, np.asarray(figures))
    return answers(shift, rest, empty, np.ones(len(unit), bool), kept_values if held.any() else None)


def simulate_sipas(
    seed: int,
    scale: ScaleSpec,
    year: int,
    units: Sequence[UnitKey],
    figures: Sequence[float] | np.ndarray,
    items: Sequence[ItemSpec],
    model: FigureModel,
) -> SipasYear:
    """SIPAS household forms and answers of one year for ``units``, each province's answer level fitted so that
    ``model`` (the SIPAS framework's figure) gives its ``figures`` entry before field problems are added."""
    start, end = sipas_fieldwork(year)
    window = (end - start).days
    n_items = len(items)
    plan = sipas_frame(seed, scale, year, units)
    n = len(plan.codes)
    u_arr = np.array(plan.unit, dtype=np.int64)
    v_arr = np.array(plan.village, dtype=np.int64)
    c_arr = np.array(plan.commune, dtype=np.int64)

    # -- dates: each commune is visited for COMMUNE_VISIT_DAYS inside the fieldwork window
    rng = rng_for(seed, "sipas-field", year)
    visit_start = rng.integers(0, window - COMMUNE_VISIT_DAYS + 2, size=len(plan.commune_interviewer))
    day = visit_start[c_arr] + rng.integers(0, COMMUNE_VISIT_DAYS, size=n)
    phones = fieldwork.phones(rng, n)

    # -- answers: everything but the province's shift, then the shifts fitted to the figures
    rng = rng_for(seed, "sipas-answers", year)
    rest = (
        rng.normal(0.0, VILLAGE_SD, len(plan.spare))[v_arr][:, None]
        + rng.normal(0.0, LENIENCY_SD, n)[:, None]
        + _item_effects(seed, items, SIPAS_BLOCK_EFFECT, "SIPAS")[None, :]
        + rng.normal(0.0, NOISE_SD, (n, n_items))
    )
    empty = _null_mask(rng, n, n_items)
    values = fitted_answers(rest, empty, u_arr, np.zeros(n, dtype=np.int64), figures, model)

    forms = fieldwork.FieldForms(
        values,
        np.array(["valid"] * n, dtype=object),
        np.array([None] * n, dtype=object),
        day.astype(np.int64),
        phones,
        list(plan.villages),
    )
    suspicious, planted = fieldwork.plant_suspicious(
        seed, scale, year, units, c_arr, plan.commune_interviewer, plan.commune_unit, window, forms
    )
    if planted.any():  # refit around the planted answers, so that they do not move the province's figure
        valid = forms.status == "valid"
        forms.values = fitted_answers(
            rest,
            empty,
            u_arr,
            np.zeros(n, np.int64),
            figures,
            model,
            kept=planted,
            kept_values=forms.values,
            valid=valid,
        )
    fieldwork.mark_invalid_sipas(seed, year, v_arr, plan.spare, planted, forms)

    frame = pd.DataFrame(
        {
            "form_code": plan.codes,
            "respondent_group": SIPAS_GROUP,
            "unit": u_arr,
            "district_code": plan.districts,
            "commune_code": plan.communes,
            "village_code": forms.villages,
            "interviewer_code": plan.interviewer,
            "collected_on": [start + dt.timedelta(days=int(d)) for d in forms.day.tolist()],
            "status": forms.status,
            "invalid_reason": forms.reason,
            "respondent_phone": forms.phones,
        }
    )
    interviewers = [(code, fieldwork.interviewer_name(seed, code)) for code in plan.commune_interviewer]
    return SipasYear(FormBatch(frame, [i.code for i in items], forms.values), interviewers, suspicious)


def simulate_par(
    seed: int,
    scale: ScaleSpec,
    year: int,
    scope: str,
    units: Sequence[UnitKey],
    fractions: Sequence[float] | np.ndarray,
    groups: Sequence[GroupSpec],
    items: Sequence[ItemSpec],
    model: FigureModel,
) -> FormBatch:
    """PAR sociological survey forms (electronic, no interviewer) rating the ``scope`` units of one year.

    Each unit gets :func:`par_unit_counts` forms split across the scope's respondent groups by their shares; only
    the items asked to those groups (PRV.* or MIN.*) are answered. Each unit's answer level is fitted so that
    ``model`` (the framework's survey points as a share of their maximum) gives its ``fractions`` entry.
    """
    scope_groups = [g for g in groups if g.scope == scope]
    scope_items = [i for i in items if scope_groups and scope_groups[0].code in i.groups]
    tag = "T" if scope == "province" else "B"
    counts = par_unit_counts(seed, scale, year, scope, units)
    rng = rng_for(seed, "par-forms", year, scope)
    shares = np.array([g.share for g in scope_groups])
    shares = shares / shares.sum()
    unit_idx: list[int] = []
    group_idx: list[int] = []
    codes: list[str] = []
    for u, (key, count) in enumerate(zip(units, counts, strict=True)):
        per_group = rng.multinomial(count, shares)
        seq = 0
        for g, k in enumerate(per_group.tolist()):
            for _ in range(k):
                seq += 1
                unit_idx.append(u)
                group_idx.append(g)
                codes.append(f"{FORM_PREFIX}-P{year}-{tag}-{key[1]}-{seq:05d}")
    n = len(codes)
    n_items = len(scope_items)
    u_arr = np.array(unit_idx, dtype=np.int64)
    g_arr = np.array(group_idx, dtype=np.int64)
    start, end = par_fieldwork(year)
    day = rng.integers(0, (end - start).days + 1, size=n)

    rng = rng_for(seed, "par-answers", year, scope)
    group_effect = np.array([PAR_GROUP_EFFECT.get(g.code, 0.0) for g in scope_groups])
    rest = (
        group_effect[g_arr][:, None]
        + rng.normal(0.0, LENIENCY_SD, n)[:, None]
        + _item_effects(seed, scope_items, {}, "PAR")[None, :]
        + rng.normal(0.0, NOISE_SD, (n, n_items))
    )
    values = fitted_answers(rest, _null_mask(rng, n, n_items), u_arr, g_arr, fractions, model)
    status, reason = fieldwork.mark_invalid_par(seed, year, scope, u_arr, values)

    forms = pd.DataFrame(
        {
            "form_code": codes,
            "respondent_group": [scope_groups[g].code for g in group_idx],
            "unit": u_arr,
            "district_code": None,
            "commune_code": None,
            "village_code": None,
            "interviewer_code": None,
            "collected_on": [start + dt.timedelta(days=int(d)) for d in day.tolist()],
            "status": status,
            "invalid_reason": reason,
            "respondent_phone": None,
        }
    )
    return FormBatch(forms, [i.code for i in scope_items], values)


def batch_figures(batch: FormBatch, model: FigureModel, groups: Sequence[str], n_units: int) -> np.ndarray:
    """The figure ``model`` computes per unit from the batch's valid forms (what the scoring engine will see)."""
    valid = (batch.forms["status"] == "valid").to_numpy()
    unit = batch.forms["unit"].to_numpy(dtype=np.int64)[valid]
    group = pd.Index(list(groups)).get_indexer(pd.Index(batch.forms["respondent_group"].astype(str)))[valid]
    return model.figures(batch.values[valid], unit, group.astype(np.int64), n_units)
