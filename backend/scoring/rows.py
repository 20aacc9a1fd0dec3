"""Result-row assembly: computed figures → the long rows of a result set (pure: frames in, frame out).

Rows have the columns :data:`ROW_COLUMNS` (``backend.models.results.RESULT_ROW_FIELDS``) and the metric
names of backend/metrics.py. The rules, all read from the framework (:class:`RowRules`):

* ``value`` is stored at the framework's ``precision.compute_decimals`` (half-up,
  :mod:`backend.scoring.precision`), not at the printed precision: the scoring functions already compute at
  that precision, so this only removes the binary noise of sums; ``ci_low`` / ``ci_high`` likewise;
* ``rank`` (each rank metric, ranked units only) = :func:`backend.scoring.ranking.ranks` on decision keys
  at ``precision.rank_decimals`` with the framework's ``tie_rule``: units whose figures print the same
  share a rank;
* ``rank_low`` / ``rank_high`` = the percentile interval of the same ranks (same keys, same tie rule)
  computed on every bootstrap replicate, rounded outwards (:func:`backend.scoring.uncertainty.rank_interval`);
* ``grp`` (main metric, ranked units) = :func:`backend.scoring.ranking.assign_grades` at
  ``precision.grade_decimals``: a total printed 90.00 is in the group whose minimum is 90;
* overlap flags of the main metric: neighbours in the order of the same decision keys;
* averages: national (mean of the ranked units, or of all units) and per region, with percentile
  intervals when there are replicates.

:func:`sipas_rows` and :func:`par_rows` assemble every row of one index from its scoring result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend import metrics as m
from backend.frameworks.spec import FrameworkSpec, Grade
from backend.models.results import RESULT_ROW_FIELDS
from backend.scoring.par import ParResult
from backend.scoring.precision import round_half_up
from backend.scoring.ranking import assign_grades, mean_present, ranks
from backend.scoring.sipas import SipasReplicates, SipasResult
from backend.scoring.uncertainty import overlap_flags, percentile_interval, rank_interval

ROW_COLUMNS = list(RESULT_ROW_FIELDS)
#: default level of the bootstrap intervals
DEFAULT_LEVEL = 0.95


@dataclass(frozen=True)
class RowRules:
    """How figures are stored and decided: ``value_decimals`` (stored values), ``rank_decimals`` and
    ``grade_decimals`` (decision keys; None = the values as given), the tie rule, the grades and the
    interval level."""

    value_decimals: int | None = None
    rank_decimals: int | None = None
    grade_decimals: int | None = None
    tie_rule: str = "competition"
    grades: tuple[Grade, ...] = ()
    level: float = DEFAULT_LEVEL

    @classmethod
    def of(cls, spec: FrameworkSpec, level: float = DEFAULT_LEVEL) -> RowRules:
        """The rules of a framework: its ``precision``, ``tie_rule`` and ``grades``."""
        precision = spec.precision
        return cls(
            value_decimals=precision.compute_decimals,
            rank_decimals=precision.rank_decimals,
            grade_decimals=precision.grade_decimals,
            tie_rule=spec.tie_rule,
            grades=tuple(spec.grades),
            level=level,
        )

    def stored(self, values: np.ndarray) -> np.ndarray:
        """Values as stored: rounded half-up at ``value_decimals`` (unchanged when None)."""
        values = np.asarray(values, dtype=float)
        return values if self.value_decimals is None else round_half_up(values, self.value_decimals)

    def ranks(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Ranks of ``values`` (units, or replicates × units) on the rank keys with the tie rule."""
        return ranks(values, mask, decimals=self.rank_decimals, tie_rule=self.tie_rule)

    def interval(self, replicates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Percentile interval over axis 0 at the rules' level, as stored."""
        low, high = percentile_interval(replicates, self.level)
        return self.stored(low), self.stored(high)


def _unit_frame(units: pd.DataFrame, metric: str | Sequence[str], value: np.ndarray, n: np.ndarray) -> pd.DataFrame:
    """Rows of ``units`` (× metrics, unit-major) with their scope code, value and count."""
    metrics = [metric] if isinstance(metric, str) else list(metric)
    k = len(metrics)
    return pd.DataFrame(
        {
            "scope": "unit",
            "scope_code": np.repeat((units["kind"] + ":" + units["code"]).to_numpy(), k),
            "unit_id": np.repeat(units.index.to_numpy(), k),
            "metric": np.tile(metrics, len(units)),
            "value": value.ravel(),
            "n": np.repeat(n, k),
        }
    )


def _rank_columns(
    estimates: np.ndarray,
    replicates: np.ndarray | None,
    columns: Sequence[int],
    mask: np.ndarray,
    rules: RowRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank, rank_low, rank_high (units × metrics; NaN outside ``columns`` and for unranked units)."""
    rank = np.full(estimates.shape, np.nan)
    low, high = np.full_like(rank, np.nan), np.full_like(rank, np.nan)
    for j in columns:
        rank[:, j] = rules.ranks(estimates[:, j], mask)
        if replicates is not None:
            low[:, j], high[:, j] = rank_interval(rules.ranks(replicates[:, :, j], mask), rules.level)
            low[~mask, j] = high[~mask, j] = np.nan
    return rank, low, high


def unit_rows(
    units: pd.DataFrame,
    values: pd.DataFrame,
    max_values: pd.Series | None,
    n: pd.Series,
    *,
    ranked: pd.Series,
    rank_metrics: Sequence[str],
    main: str,
    rules: RowRules,
    replicates: np.ndarray | None = None,
) -> pd.DataFrame:
    """Long unit rows of ``values`` (units × metrics, rows in the order of ``units``): value, max, interval,
    rank (+ interval) on ``rank_metrics``, group on ``main``, n; overlap flags of ``main`` when there are
    ``replicates`` (replicates × units × metrics, at compute precision)."""
    metrics = list(values.columns)
    estimates = rules.stored(values.to_numpy(dtype=float))
    counts = n.reindex(units.index).fillna(0).to_numpy(dtype=float)
    mask = ranked.reindex(units.index).fillna(False).to_numpy(dtype=bool)
    long = _unit_frame(units, metrics, estimates, counts)
    long["max_value"] = (
        np.tile(max_values.reindex(metrics).to_numpy(dtype=float), len(units)) if max_values is not None else np.nan
    )
    ci_low = ci_high = np.full(estimates.shape, np.nan)
    if replicates is not None:
        ci_low, ci_high = rules.interval(replicates)
    rank, rank_low, rank_high = _rank_columns(
        estimates, replicates, [metrics.index(r) for r in rank_metrics], mask, rules
    )
    for col, arr in (
        ("ci_low", ci_low),
        ("ci_high", ci_high),
        ("rank", rank),
        ("rank_low", rank_low),
        ("rank_high", rank_high),
    ):
        long[col] = arr.ravel()
    j = metrics.index(main)
    if rules.grades:
        grp = assign_grades(pd.Series(estimates[:, j]), rules.grades, decimals=rules.grade_decimals)
        long.loc[long["metric"] == main, "grp"] = grp.where(pd.Series(mask), None).to_numpy()
    extra = []
    if replicates is not None and main in rank_metrics:
        prev, nxt = overlap_flags(estimates[:, j], ci_low[:, j], ci_high[:, j], mask, decimals=rules.rank_decimals)
        for side, flags in ((m.OVERLAP_PREV, prev), (m.OVERLAP_NEXT, nxt)):
            extra.append(_unit_frame(units, m.overlap_flag(main, side), flags, counts))
    return pd.concat([long, *extra], ignore_index=True)


def aggregate_rows(
    scope: str,
    code: str,
    values: pd.Series,
    n: int,
    max_values: pd.Series | None,
    replicates: np.ndarray | None,
    rules: RowRules,
) -> pd.DataFrame:
    """Rows of one aggregate (``scope`` ``national`` | ``region``): one per metric of ``values``, with the
    percentile interval of ``replicates`` (replicates × metrics) when given."""
    frame = pd.DataFrame(
        {"scope": scope, "scope_code": code, "metric": values.index, "value": rules.stored(values.to_numpy(float))}
    )
    frame["n"] = float(n)
    frame["max_value"] = max_values.reindex(values.index).to_numpy(dtype=float) if max_values is not None else np.nan
    if replicates is not None:
        frame["ci_low"], frame["ci_high"] = rules.interval(replicates)
    return frame


def mean_over(values: np.ndarray, include: np.ndarray, axis: int) -> np.ndarray:
    """Mean of the included positions along ``axis`` (NaN ignored): units (axis 0) or replicates × units
    (axis 1)."""
    return mean_present(np.compress(include, values, axis=axis), axis=axis)


def average_rows(
    units: pd.DataFrame,
    values: pd.DataFrame,
    ranked: pd.Series,
    max_values: pd.Series | None,
    replicates: np.ndarray | None,
    *,
    rules: RowRules,
    national_over_ranked: bool,
    national: bool = True,
    regions: bool = True,
) -> list[pd.DataFrame]:
    """The national average (of the ranked units when ``national_over_ranked``, else of all units) and the
    region averages (of the region's included units), with intervals over the replicates."""
    include = (
        ranked.reindex(units.index).fillna(False).to_numpy(dtype=bool)
        if national_over_ranked
        else np.ones(len(units), bool)
    )
    table = values.to_numpy(float)
    groups: list[tuple[str, str, np.ndarray]] = [("national", m.NATIONAL_CODE, include)] if national else []
    if regions:
        region = units["region"].reindex(values.index)
        for code in sorted(region.dropna().unique()):
            member = (region == code).to_numpy() & include
            if member.any():
                groups.append(("region", str(code), member))
    return [
        aggregate_rows(
            scope,
            code,
            pd.Series(mean_over(table, member, 0), index=values.columns),
            int(member.sum()),
            max_values,
            mean_over(replicates, member, 1) if replicates is not None else None,
            rules,
        )
        for scope, code, member in groups
    ]


def finish_rows(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """All rows of a result set in the columns of :data:`ROW_COLUMNS` (missing columns NaN)."""
    return pd.concat(list(frames), ignore_index=True).reindex(columns=ROW_COLUMNS)


# --------------------------------------------------------------------------------------------------
# the rows of each index
# --------------------------------------------------------------------------------------------------


def _national_estimate_rows(
    result: SipasResult, replicates: SipasReplicates | None, rules: RowRules
) -> list[pd.DataFrame]:
    """SIPAS national rows: the published figure (``<metric>``, by the framework's ``national_method``) and
    both estimates (``<metric>@mean_of_units``, ``<metric>@pooled``)."""
    national, published = result.national, result.plan.national_method
    n = int(result.units[result.plan.main].notna().sum())
    frames = []
    for method in (None, *m.NATIONAL_METHODS):
        values = national[method or published].copy()
        if method is not None:
            values.index = [m.national_method(metric, method) for metric in values.index]
        reps = replicates.national(method or published) if replicates is not None else None
        frames.append(aggregate_rows("national", m.NATIONAL_CODE, values, n, None, reps, rules))
    return frames


def sipas_rows(
    spec: FrameworkSpec,
    units: pd.DataFrame,
    result: SipasResult,
    ranked: pd.Series,
    replicates: SipasReplicates | None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Every SIPAS row: units (ranked on every metric above item level, grouped on the overall index),
    national (published and both estimates) and, unless the framework says ``region_average: none``,
    region averages of the ranked units. ``result`` has one row per unit of ``units``."""
    rules = RowRules.of(spec, level)
    unit_reps = replicates.units if replicates is not None else None
    frames = [
        unit_rows(
            units,
            result.units,
            None,
            result.n_forms,
            ranked=ranked,
            rank_metrics=list(result.plan.node_metrics),
            main=result.plan.main,
            rules=rules,
            replicates=unit_reps,
        ),
        *_national_estimate_rows(result, replicates, rules),
    ]
    if spec.settings.get("region_average") != "none":
        frames += average_rows(
            units, result.units, ranked, None, unit_reps, rules=rules, national_over_ranked=True, national=False
        )
    return finish_rows(frames)


def par_rows(
    spec: FrameworkSpec,
    units: pd.DataFrame,
    result: ParResult,
    ranked: pd.Series,
    replicates: np.ndarray | None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Every PAR INDEX row: units (ranked on every figure but the leaves, grouped on the index), the
    national average (of the ranked units when the framework says ``national_average:
    mean_of_ranked_units``) and region averages (unless ``region_average: none``)."""
    rules = RowRules.of(spec, level)
    table = result.table
    frames = [
        unit_rows(
            units,
            table,
            result.max_values,
            result.n_forms,
            ranked=ranked,
            rank_metrics=[c for c in table.columns if not c.startswith("PAR_INDEX.criterion.")],
            main=m.PAR,
            rules=rules,
            replicates=replicates,
        ),
        *average_rows(
            units,
            table,
            ranked,
            result.max_values,
            replicates,
            rules=rules,
            national_over_ranked=spec.settings.get("national_average") == "mean_of_ranked_units",
            regions=spec.settings.get("region_average") != "none",
        ),
    ]
    return finish_rows(frames)
