"""PAR INDEX per unit (methodology.md §1.4; criteria_876.md; framework files).

Formulas:

* appraised points of a self-assessed leaf (modes ``appraisal``, ``appraisal_socioeconomic``) =
  the appraisal score (điểm thẩm định) where one exists, else the self-assessment score
  (methodology.md §1.4 items 1-2);
* survey points of a leaf fed by the officials' survey (modes ``survey``, ``survey_leaders``) =
  max × score (:mod:`backend.scoring.par_survey`; methodology.md §2.2, unverified: framework settings);
* SIPAS points of the leaf ``survey_citizens_sipas`` = max × (the unit's SIPAS figure named in the
  mapping, %, at ``compute_decimals``) / 100 (framework setting ``sipas_points``; criteria_876.md §A.4);
* a leaf with no score or no answers gets 0 points;
* exact at the declared precision (framework setting ``precision``, :mod:`backend.scoring.precision`):
  every leaf's points are rounded half-up at ``compute_decimals`` before they are added up, so figures
  are sums of decimal numbers and decisions on them (ranks, groups) are exact;
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
from backend.scoring.answers import SurveyAnswers
from backend.scoring.par_survey import SurveyInputs, prepare_survey, survey_point_replicates, survey_points
from backend.scoring.precision import round_half_up

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
        raise ValidationError.of("scoring.above_maximum", n=int(too_high.sum()), scores=listing)
    return pd.DataFrame(
        {"unit": frame["unit"].to_numpy(), "criterion": frame["criterion"].to_numpy(), "points": points.fillna(0.0)}
    ).assign(source=source)


def sipas_points(percent: np.ndarray, max_points: float, decimals: int) -> np.ndarray:
    """Points of a SIPAS-fed leaf from the unit's SIPAS figure (%): max × (figure rounded half-up at
    ``decimals``) / 100; 0 where there is no figure. Works on any shape (units, replicates × units)."""
    return np.nan_to_num(round_half_up(percent, decimals) * max_points / 100.0, nan=0.0)


def sipas_leaf_points(sipas: pd.DataFrame, spec: FrameworkSpec, year: int | None = None) -> pd.DataFrame:
    """Points of the SIPAS-fed leaves (:func:`sipas_points` at the framework's ``compute_decimals``).

    ``sipas``: index unit, one column per SIPAS metric (e.g. ``SIPAS``). Returns ``unit``, ``criterion``,
    ``points`` (0 where the unit has no SIPAS figure).
    """
    rows = []
    for leaf in spec.leaves(year):
        mapping = spec.survey_mapping.get(leaf.code)
        if mapping is None or mapping.survey != "SIPAS" or mapping.metric is None:
            continue
        values = sipas[mapping.metric] if mapping.metric in sipas.columns else pd.Series(np.nan, index=sipas.index)
        points = sipas_points(values.to_numpy(dtype=float), leaf.max_points or 0.0, spec.precision.compute_decimals)
        rows.append(pd.DataFrame({"unit": sipas.index, "criterion": leaf.code, "points": points}))
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


def round_leaf_points(leaf_points: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Units × leaves points rounded half-up at ``decimals`` (the declared ``compute_decimals``)."""
    rounded = round_half_up(leaf_points.to_numpy(dtype=float), decimals)
    return pd.DataFrame(rounded, index=leaf_points.index, columns=leaf_points.columns)


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
    """PAR INDEX of ``units`` for ``year``: appraised + survey + SIPAS leaf points, each rounded half-up at
    the framework's ``precision.compute_decimals``, → every figure."""
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
    wide = round_leaf_points(leaf_points_wide(points, units, leaves["code"].tolist()), spec.precision.compute_decimals)
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
    unit (:func:`backend.scoring.par_survey.survey_point_replicates`); SIPAS-fed leaves take
    ``sipas_replicates`` (replicates × units, the unit's SIPAS metric %, e.g. from
    :func:`backend.scoring.sipas.sipas_replicates`) when given. Every leaf is rounded half-up at
    ``compute_decimals`` before the figures are added up, as in :func:`score_par`.
    """
    mm = metric_matrix(spec, year)
    decimals = spec.precision.compute_decimals
    base = np.broadcast_to(result.leaf_points.to_numpy(), (replicates, *result.leaf_points.shape)).copy()
    leaf_codes = list(mm.leaves)
    if result.survey is not None and len(result.survey.plan.leaves):
        points = round_half_up(survey_point_replicates(result.survey, replicates, seed), decimals)
        for j, code in enumerate(result.survey.plan.leaves):
            base[:, :, leaf_codes.index(code)] = points[:, :, j]
    if sipas_replicates is not None:
        for leaf in spec.leaves(year):
            mapping = spec.survey_mapping.get(leaf.code)
            if mapping is not None and mapping.survey == "SIPAS":
                leaf_reps = sipas_points(sipas_replicates, leaf.max_points or 0.0, decimals)
                base[:, :, leaf_codes.index(leaf.code)] = round_half_up(leaf_reps, decimals)
    return mm.apply(base)
