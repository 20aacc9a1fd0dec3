"""Calibration targets of the demo: what the published record says the figures look like, in one place.

The demo generator reads its levels only from here (:func:`demo_targets`). For each index and unit scope with a
published record (SIPAS provinces, PAR INDEX provinces, PAR INDEX ministries) and each evaluation year, a
:class:`Target` gives the national mean, the spread (standard deviation over the ranked units), the range (min,
max), how many published rows were used and where each number comes from. The targets are derived from
``data/published/*.csv`` when asked for (nothing is copied by hand), by these rules:

1. **Rows.** Rows of the index (``SIPAS`` / ``PAR_INDEX``) for provinces or ministries with a score, evaluation
   years from 2022 (the household SIPAS design and 876/QĐ-BNV; earlier years used other methods). Each row's unit
   is resolved with the one name normaliser; a unit gets one score, the mean of its rows' scores, and one rank,
   the mean of its rows' ranks (the two files repeat many rows). Rows marked **derived** are used: their score is
   arithmetic on printed numbers (±0.01) or their rank is read from a printed list order, and leaving them out
   would drop a third of some years' mid-table units. Rows marked **uncertain** are used too: where two rows of
   a unit disagree they differ only on the rank or by at most 0.13 points (Hòa Bình PAR 2023), and the mean of
   the unit's versions keeps it without choosing a side. (Leaving both kinds out moves no target mean by more
   than 0.05, no spread by more than 0.1 and no bound by more than 0.2 points: a test checks it.)
2. **Mean.** The published national average (an ``aggregate`` row "Trung bình …" of the index and scope) when
   there is one; else the mean of a complete table (every ranked unit has a score); else the intercept of the
   rank fit (rule 3).
3. **Spread.** A complete table: the population SD of its scores. Otherwise the **rank fit**: the least-squares
   line ``score = a + b·z`` with ``z = Φ⁻¹((N − rank + 0.5) / N)`` (N = ranked units of the year) over the units
   with a score and a rank, when there are at least :data:`MIN_FIT_ROWS` of them with at least
   :data:`MIN_PER_HALF` in each half of the table; the spread is ``b``. The published rows over-represent the top
   and the bottom of each table, so their plain SD overstates the spread (SIPAS 2023: 5.3 against 3.6); the fit
   uses where the rows sit, and its intercept lands within 0.35 points of every published national average
   (a test checks it).
4. **Range.** max = the score of the unit ranked 1 (or an aggregate "Cao nhất cả nước" row); min = the score of
   the unit ranked N (or "Thấp nhất cả nước"). An extreme that is not published is estimated as
   ``mean ± SD·Φ⁻¹(1 − 0.5/N)`` (where the fit puts rank 1 or N), never less extreme than a published score.
5. **Borrowing.** A mean or spread a year cannot give comes from the nearest year that gives it (the earlier on a
   tie); a scope with no published figure in a year takes the whole target of the nearest year; a year after the
   record (2025: no result published yet) takes the last record year's target. Each source text says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from backend.demo.spec import FIRST_DEMO_YEAR
from backend.ingest.published import PublishedRow, aggregate_kind, national_mean_scope, read_published
from backend.models import Unit
from backend.reference.loader import unit_rows
from backend.reference.normalise import NameNormaliser

#: The index and unit scopes the record covers (index code, unit scope, normaliser kind of its units).
SCOPES: tuple[tuple[str, str, str], ...] = (
    ("SIPAS", "province", "province_63"),
    ("PAR_INDEX", "province", "province_63"),
    ("PAR_INDEX", "ministry", "ministry"),
)
#: Rank fit: fewest units with score and rank, and fewest in each half of the table (rule 3).
MIN_FIT_ROWS = 8
MIN_PER_HALF = 2


@dataclass(frozen=True)
class Target:
    """What the demo figures of one index, unit scope and year should look like (over the ranked units)."""

    index: str
    scope: str
    year: int
    mean: float
    sd: float
    low: float
    high: float
    #: published rows with a score read for this index, scope and year (both files, repeats included)
    n_rows: int
    #: distinct units among them, and units in the rank fit
    n_units: int
    n_fit: int
    mean_source: str
    sd_source: str
    low_source: str
    high_source: str
    #: the record year the numbers come from (``year`` itself unless the whole target is borrowed)
    basis_year: int

    def as_dict(self) -> dict[str, object]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class _Stats:
    """What one year's rows give (None where they give nothing)."""

    n_rows: int
    n_units: int
    n_ranked: int
    mean: tuple[float, str] | None = None
    sd: tuple[float, str] | None = None
    high: tuple[float, str] | None = None
    low: tuple[float, str] | None = None
    fit: tuple[float, float, int] | None = None
    score_range: tuple[float, float] | None = None


def extreme_z(n_units: int) -> float:
    """``Φ⁻¹(1 − 0.5/N)``: where the rank fit puts the first (and, negated, the last) of N units."""
    return NormalDist().inv_cdf(1.0 - 0.5 / max(n_units, 1))


def rank_fit(scores: np.ndarray, ranks: np.ndarray, n_units: int) -> tuple[float, float]:
    """Least-squares ``score = a + b·z(rank)``, ``z = Φ⁻¹((N − rank + 0.5)/N)``: (a, b) ≈ (mean, SD) of the table."""
    z = np.array([NormalDist().inv_cdf((n_units - r + 0.5) / n_units) for r in ranks])
    b, a = np.polyfit(z, np.asarray(scores, dtype=float), 1)
    return float(a), float(b)


def _where(row: PublishedRow) -> str:
    return f"{row.source_file}:{row.row_number}"


def _ranked_units(units: Sequence[Unit], scope: str, year: int) -> int:
    """Units ranked in ``year`` (valid on 31 December): provinces, or ministries with ``par_ranked``."""
    day = dt.date(year, 12, 31)
    kinds = ("province_63", "province_34") if scope == "province" else ("ministry",)
    return sum(
        1
        for u in units
        if u.kind in kinds
        and u.valid_from <= day
        and (u.valid_to is None or u.valid_to >= day)
        and (scope == "province" or u.par_ranked)
    )


def _unit_table(rows: Iterable[PublishedRow], normaliser: NameNormaliser, kind: str) -> pd.DataFrame:
    """One score and rank per unit (means over its rows; rule 1)."""
    records = []
    for row in rows:
        ref = normaliser.resolve(row.unit_name, [kind], on=dt.date(row.year, 12, 31))
        key = ref.code if ref is not None else row.unit_name
        records.append({"unit": key, "name": row.unit_name, "score": row.score, "rank": row.rank})
    frame = pd.DataFrame(records, columns=["unit", "name", "score", "rank"]).astype({"score": float, "rank": float})
    return frame.groupby("unit").agg(name=("name", "first"), score=("score", "mean"), rank=("rank", "mean"))


def _year_stats(
    rows: list[PublishedRow], aggregates: list[PublishedRow], units: pd.DataFrame, n_ranked: int, scope: str
) -> _Stats:
    """Mean, spread and extremes that one year's rows give by themselves (rules 2-4)."""
    stats = _Stats(n_rows=len(rows), n_units=len(units), n_ranked=n_ranked)
    if len(units):
        stats.score_range = (float(units["score"].min()), float(units["score"].max()))
    complete = len(units) >= n_ranked > 0
    for row in aggregates:
        if row.is_uncertain or row.score is None:
            continue
        if national_mean_scope(row.unit_name) == scope:
            stats.mean = (row.score, f"published national average '{row.unit_name}' ({_where(row)})")
        elif aggregate_kind(row.unit_name) == ("national_max", ""):
            stats.high = (row.score, f"published maximum '{row.unit_name}' ({_where(row)})")
        elif aggregate_kind(row.unit_name) == ("national_min", ""):
            stats.low = (row.score, f"published minimum '{row.unit_name}' ({_where(row)})")
    ranked = units.dropna(subset=["rank"])
    halves = (ranked["rank"] <= n_ranked / 2).sum(), (ranked["rank"] > n_ranked / 2).sum()
    if complete:
        values = units["score"].to_numpy()
        if stats.mean is None:
            stats.mean = (float(values.mean()), f"mean of the complete table ({len(units)} units)")
        stats.sd = (float(values.std()), f"SD of the complete table ({len(units)} units)")
    elif len(ranked) >= MIN_FIT_ROWS and min(halves) >= MIN_PER_HALF:
        a, b = rank_fit(ranked["score"].to_numpy(), ranked["rank"].to_numpy(), n_ranked)
        stats.fit = (a, b, len(ranked))
        if stats.mean is None:
            stats.mean = (a, f"intercept of the rank fit over {len(ranked)} units")
        stats.sd = (b, f"slope of the rank fit over {len(ranked)} units")
    top = ranked[ranked["rank"] == 1]
    if stats.high is None and len(top):
        stats.high = (float(top["score"].max()), f"published score of rank 1 ({top['name'].iloc[0]})")
    bottom = ranked[ranked["rank"] == n_ranked]
    if stats.low is None and len(bottom):
        stats.low = (float(bottom["score"].min()), f"published score of rank {n_ranked} ({bottom['name'].iloc[0]})")
    return stats


def _nearest(stats: Mapping[int, _Stats], year: int, attr: str) -> tuple[int, tuple[float, str]] | None:
    """The nearest other year whose rows give ``attr`` (the earlier on a tie)."""
    for other in sorted(stats, key=lambda y: (abs(y - year), y)):
        value = getattr(stats[other], attr)
        if other != year and value is not None:
            return other, value
    return None


def _target(index: str, scope: str, year: int, stats: Mapping[int, _Stats]) -> Target:
    """Rules 2-5 for one year whose scope has published rows."""
    own = stats[year]
    values: dict[str, tuple[float, str]] = {}
    for attr in ("mean", "sd"):
        value = getattr(own, attr)
        if value is None:
            found = _nearest(stats, year, attr)
            if found is None:
                raise ValueError(f"no published {attr} for {index} {scope} in any year")
            value = (found[1][0], f"borrowed from {found[0]}: {found[1][1]}")
        values[attr] = value
    mean, sd = values["mean"][0], values["sd"][0]
    z = extreme_z(own.n_ranked)
    low_seen, high_seen = own.score_range or (mean, mean)
    high = own.high or (max(mean + sd * z, high_seen), f"estimated: mean + SD × {z:.2f} (rank 1 not published)")
    low = own.low or (
        min(mean - sd * z, low_seen),
        f"estimated: mean − SD × {z:.2f} (rank {own.n_ranked} not published)",
    )
    return Target(
        index=index,
        scope=scope,
        year=year,
        mean=mean,
        sd=sd,
        low=low[0],
        high=high[0],
        n_rows=own.n_rows,
        n_units=own.n_units,
        n_fit=own.fit[2] if own.fit else 0,
        mean_source=values["mean"][1],
        sd_source=values["sd"][1],
        low_source=low[1],
        high_source=high[1],
        basis_year=year,
    )


def derive_targets(
    published_dir: Path, reference_dir: Path, *, use_flagged: bool = True
) -> dict[tuple[str, str, int], Target]:
    """Targets per (index, scope, year) for every record year from :data:`FIRST_DEMO_YEAR` (rules 1-5);
    ``use_flagged=False`` leaves out the rows marked derived or uncertain (to measure what rule 1 changes)."""
    record = [
        r
        for r in read_published(published_dir)
        if r.year >= FIRST_DEMO_YEAR and (use_flagged or not (r.is_derived or r.is_uncertain))
    ]
    normaliser = NameNormaliser.from_reference_dir(reference_dir)
    reference_units = unit_rows(reference_dir)
    years = sorted({r.year for r in record})
    out: dict[tuple[str, str, int], Target] = {}
    for index, scope, kind in SCOPES:
        stats: dict[int, _Stats] = {}
        for year in years:
            rows = [
                r
                for r in record
                if r.year == year and r.metric == index and r.unit_type == scope and r.score is not None
            ]
            if not rows:
                continue
            aggregates = [r for r in record if r.year == year and r.metric == index and r.unit_type == "aggregate"]
            units = _unit_table(rows, normaliser, kind)
            stats[year] = _year_stats(rows, aggregates, units, _ranked_units(reference_units, scope, year), scope)
        for year in years:
            if year in stats:
                out[(index, scope, year)] = _target(index, scope, year, stats)
        for year in years:
            if year not in stats and stats:
                basis = min(stats, key=lambda y: (abs(y - year), y))
                out[(index, scope, year)] = _borrowed(out[(index, scope, basis)], year, "no published figure")
    return out


def _borrowed(target: Target, year: int, why: str) -> Target:
    note = f"{why} for {year}: the {target.basis_year} target"
    return replace(
        target,
        year=year,
        n_rows=0,
        n_units=0,
        n_fit=0,
        mean_source=f"{note} ({target.mean_source})",
        sd_source=f"{note} ({target.sd_source})",
        low_source=f"{note} ({target.low_source})",
        high_source=f"{note} ({target.high_source})",
    )


@lru_cache(maxsize=4)
def _cached(published_dir: str, reference_dir: str) -> dict[tuple[str, str, int], Target]:
    return derive_targets(Path(published_dir), Path(reference_dir))


def demo_targets(published_dir: Path, reference_dir: Path) -> dict[tuple[str, str, int], Target]:
    """:func:`derive_targets`, computed once per process for the same folders."""
    return _cached(str(published_dir), str(reference_dir))


def target_for(targets: Mapping[tuple[str, str, int], Target], index: str, scope: str, year: int) -> Target:
    """The target of ``year``; after the last record year, that year's target (rule 5, e.g. 2025 ← 2024)."""
    if (index, scope, year) in targets:
        return targets[(index, scope, year)]
    years = sorted(y for i, s, y in targets if i == index and s == scope)
    if not years:
        raise KeyError(f"no calibration target for {index} {scope}")
    basis = max((y for y in years if y <= year), default=years[0])
    return _borrowed(targets[(index, scope, basis)], year, "no published record")


def targets_frame(targets: Iterable[Target]) -> pd.DataFrame:
    """The targets as a table (one row per index, scope and year), e.g. for ``python -m backend demo --targets``."""
    return pd.DataFrame([t.as_dict() for t in targets]).sort_values(["index", "scope", "year"]).reset_index(drop=True)


# --- how close the computed demo must come (the calibration tests, `demo --check`, the calibration bench) ------
#: the national mean (mean over the ranked units) within this many points of the target mean;
MEAN_TOLERANCE = 1.0
#: the spread (population SD over the ranked units) within this share of the target SD;
SD_TOLERANCE = 0.35
#: no unit more than this many points below the target min or above the target max.
RANGE_TOLERANCE = 0.75


def check_figures(values: Sequence[float], target: Target) -> list[str]:
    """What is wrong with the ranked units' computed ``values`` against ``target`` (empty when calibrated)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    where = f"{target.index} {target.scope} {target.year}"
    if len(x) == 0:
        return [f"{where}: no figures"]
    problems = []
    if abs(x.mean() - target.mean) > MEAN_TOLERANCE:
        problems.append(f"{where}: mean {x.mean():.2f}, target {target.mean:.2f} ± {MEAN_TOLERANCE}")
    if abs(x.std() - target.sd) > SD_TOLERANCE * target.sd:
        problems.append(f"{where}: SD {x.std():.2f}, target {target.sd:.2f} ± {SD_TOLERANCE:.0%}")
    if x.min() < target.low - RANGE_TOLERANCE:
        problems.append(f"{where}: min {x.min():.2f} below {target.low:.2f} − {RANGE_TOLERANCE}")
    if x.max() > target.high + RANGE_TOLERANCE:
        problems.append(f"{where}: max {x.max():.2f} above {target.high:.2f} + {RANGE_TOLERANCE}")
    return problems
