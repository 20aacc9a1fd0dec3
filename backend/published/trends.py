"""Trend series over every published year, with breaks where the method or the list of units changed.

Across the 2025 reorganisation a unit's line is, by the user's choice (labelled), either not continued
(``not_comparable``) or filled from its predecessors (``mean`` / ``weighted`` by valid forms) through
:meth:`backend.reference.lineage.Lineage.aggregate_history`. Method breaks come from the framework files
(``spec.method_breaks``: the legal changes of method) and from a change of framework between two
consecutive published years; unit breaks from the lineage.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from backend.frameworks.spec import FrameworkSpec
from backend.published.profile import history_frame
from backend.published.tables import SetTables
from backend.reference.lineage import Lineage

UNIT_KINDS = {"province": ("province_63", "province_34"), "ministry": ("ministry",)}


@dataclass(frozen=True)
class Break:
    year: int
    kind: str  # method | units
    label: str


@dataclass(frozen=True)
class TrendView:
    sets: tuple[SetTables, ...]
    metric: str
    national: pd.DataFrame  # year, value, n
    series: pd.DataFrame  # unit_id, year, value, rank, n_ranked, source (own | aggregate), rule_used, members
    breaks: tuple[Break, ...]
    rule: str
    continued: dict[int, tuple[tuple[int, str], ...]]  # a chosen unit that ended → (successor, relation)

    @property
    def first_year(self) -> int:
        return self.sets[0].info.year

    @property
    def last_year(self) -> int:
        return self.sets[-1].info.year


def trend_breaks(
    sets: Sequence[SetTables],
    specs: Mapping[int, FrameworkSpec | None],
    lineage: Lineage,
    unit_kinds: Mapping[int, str],
) -> tuple[Break, ...]:
    """Where the line must carry a marker, within the span of the published years."""
    if not sets:
        return ()
    lo, hi = sets[0].info.year, sets[-1].info.year
    found: dict[tuple[int, str], str] = {}
    for before, after in itertools.pairwise(sets):
        if before.info.framework_code != after.info.framework_code:
            found[(after.info.year, "method")] = after.info.legal_basis or after.info.framework_code
    for tables in sets:
        spec = specs.get(tables.info.framework_id)
        for brk in spec.method_breaks if spec is not None else ():
            if lo < brk.year <= hi:
                found.setdefault((brk.year, "method"), brk.label)
    scope = sets[0].info.unit_scope
    for year in lineage.unit_change_years(unit_kinds, UNIT_KINDS.get(scope, ())):
        if lo < year <= hi:
            found.setdefault((year, "units"), "")
    return tuple(Break(year, kind, label) for (year, kind), label in sorted(found.items()))


def trend_view(
    sets: Sequence[SetTables],
    specs: Mapping[int, FrameworkSpec | None],
    lineage: Lineage,
    unit_kinds: Mapping[int, str],
    *,
    metric: str | None = None,
    unit_ids: Sequence[int] = (),
    rule: str = "not_comparable",
) -> TrendView:
    """National and per-unit series of ``metric`` (default: the index) over ``sets`` (oldest first)."""
    sets = tuple(sets)
    code = metric or (sets[0].info.index_code if sets else "")
    history = history_frame(sets, code)
    national = pd.DataFrame(
        {
            "year": [s.info.year for s in sets],
            "value": [s.national.get(code) for s in sets],
            "n": [s.n_ranked for s in sets],
        }
    ).dropna(subset=["value"])
    series = lineage.aggregate_history(history, list(unit_ids), rule)
    ended = {}
    for unit in unit_ids:
        later = lineage.successor_links(int(unit))
        if later and not ((series["unit_id"] == unit) & (series["year"] >= max(s.info.year for s in sets))).any():
            ended[int(unit)] = later
    return TrendView(
        sets=sets,
        metric=code,
        national=national.reset_index(drop=True),
        series=series,
        breaks=trend_breaks(sets, specs, lineage, unit_kinds),
        rule=rule,
        continued=ended,
    )
