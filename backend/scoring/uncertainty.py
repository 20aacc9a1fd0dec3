"""Sampling uncertainty: seeded cluster bootstrap, percentile intervals, rank intervals, overlap flags.

Design (methodology.md §3.4: villages within communes within districts within provinces). Provinces
(units) are strata and are resampled independently. Within a unit the bootstrap is two-stage: the
unit's communes are drawn with replacement (as many as it has), then, for each drawn commune, its
villages are drawn with replacement (as many as it has). A village keeps all its respondents. For
the PAR survey of officials (no villages) each form is its own cluster: forms are drawn with
replacement within the unit. The weight of a cluster in a replicate is the number of times it is drawn;
every statistic is recomputed from the weighted counts. Intervals are percentile intervals of the
replicates (95% by default). Everything is drawn from ``numpy.random.Generator`` seeded by
``(seed, stream)``, so the same inputs and seed always give the same intervals.

Vectorised: per unit, commune counts come from one ``integers`` draw of shape (replicates, communes),
village counts from one ``multinomial`` per commune with an array of trial counts (the sum of ``c``
independent uniform draws of ``n`` villages is multinomial with ``c × n`` trials), forms from one
``integers`` draw and a ``bincount``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from backend.scoring.precision import decision_keys

#: independent random streams per use, so adding one never shifts another
STREAM_SIPAS = 1
STREAM_PAR_SURVEY = 2


def rng_for(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stream)])


def _draw_counts(rng: np.random.Generator, replicates: int, n: int) -> np.ndarray:
    """How often each of ``n`` things is drawn in ``n`` draws with replacement, per replicate (R, n)."""
    if n == 1:
        return np.ones((replicates, 1), dtype=np.int64)
    draws = rng.integers(0, n, size=(replicates, n))
    offset = (np.arange(replicates) * n)[:, None]
    return np.bincount((draws + offset).ravel(), minlength=replicates * n).reshape(replicates, n)


def unit_weights(
    unit_index: np.ndarray, primary_index: np.ndarray | None, replicates: int, rng: np.random.Generator
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Bootstrap weights unit by unit: yields ``(unit, cluster positions, weights (replicates, clusters))``.

    ``unit_index[c]`` is the unit (stratum) of cluster ``c``; ``primary_index[c]`` its primary sampling
    unit (commune), or None for a one-stage bootstrap of the clusters themselves. Units are visited in
    increasing order, so the random stream is used in a fixed order.
    """
    unit_index = np.asarray(unit_index)
    order = np.argsort(unit_index, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(unit_index[order]) != 0, True])
    for a, b in itertools.pairwise(bounds):
        clusters = order[a:b]
        unit = int(unit_index[clusters[0]])
        if primary_index is None:
            yield unit, clusters, _draw_counts(rng, replicates, len(clusters)).astype(float)
            continue
        _, inverse = np.unique(np.asarray(primary_index)[clusters], return_inverse=True)
        n_primary = int(inverse.max()) + 1
        primary_counts = _draw_counts(rng, replicates, n_primary)
        weights = np.zeros((replicates, len(clusters)))
        for j in range(n_primary):
            members = np.flatnonzero(inverse == j)
            if len(members) == 1:
                weights[:, members[0]] = primary_counts[:, j]
            else:
                k = len(members)
                weights[:, members] = rng.multinomial(primary_counts[:, j] * k, np.full(k, 1.0 / k))
        yield unit, clusters, weights


def weighted_unit_sums(
    unit_index: np.ndarray,
    primary_index: np.ndarray | None,
    columns: list[np.ndarray],
    n_units: int,
    replicates: int,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """For each array in ``columns`` (clusters × k), its bootstrap sums per replicate and unit:
    shape (replicates, units, k). One set of weights is shared by all arrays."""
    out = [np.zeros((replicates, n_units, col.shape[1])) for col in columns]
    for unit, clusters, weights in unit_weights(unit_index, primary_index, replicates, rng):
        for target, col in zip(out, columns, strict=True):
            target[:, unit, :] = weights @ col[clusters]
    return out


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring NaN replicates (linear interpolation, as numpy's
    default quantile). NaN where no replicate has a value."""
    alpha = (1.0 - level) / 2.0
    data = np.sort(np.asarray(replicates, dtype=float), axis=0)  # NaN sort last
    n = (~np.isnan(data)).sum(axis=0)
    out = []
    for q in (alpha, 1.0 - alpha):
        pos = q * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        frac = pos - lo
        a = np.take_along_axis(data, lo[None, ...], axis=0)[0]
        b = np.take_along_axis(data, hi[None, ...], axis=0)[0]
        value = a + (b - a) * frac
        out.append(np.where(n > 0, value, np.nan))
    return out[0], out[1]


def rank_interval(rank_replicates: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval of ranks over axis 0: the lower and upper percentiles rounded outwards to whole ranks."""
    low, high = percentile_interval(rank_replicates, level)
    return np.floor(low), np.ceil(high)


def overlap_flags(
    estimate: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    ranked: np.ndarray | None = None,
    *,
    decimals: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each ranked unit: does its interval overlap that of the unit ranked just above (prev) /
    just below (next)? 1.0 yes, 0.0 no, NaN when there is no such neighbour or no interval.

    Neighbours are taken in the order of the point estimate (highest first; ties by position), compared
    as the ranks are: on decision keys at ``decimals`` (:func:`backend.scoring.precision.decision_keys`;
    None = the values as given).
    """
    estimate = np.asarray(estimate, dtype=float)
    keys = estimate if decimals is None else decision_keys(estimate, decimals)
    mask = ~(np.isnan(estimate) | np.isnan(low) | np.isnan(high))
    if ranked is not None:
        mask &= np.asarray(ranked, dtype=bool)
    prev = np.full(estimate.shape, np.nan)
    nxt = np.full(estimate.shape, np.nan)
    idx = np.flatnonzero(mask)
    order = idx[np.argsort(-keys[idx], kind="stable")]
    for upper, lower in itertools.pairwise(order):
        overlap = float(low[upper] <= high[lower] and low[lower] <= high[upper])
        nxt[upper] = overlap
        prev[lower] = overlap
    return prev, nxt
