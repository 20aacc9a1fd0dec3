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


def trend_notes(view: TrendView, lang: str) -> list[str]:
    """What the chart's markers and the chosen rule mean, in the reader's language: each break, the rule,
    chosen units that ended (and what took them over), and every aggregate with its members and rule."""
    from backend.i18n import t
    from backend.published.about import legal_basis_text

    last = view.sets[-1] if view.sets else None
    name = (lambda u: last.unit_name(u, lang)) if last is not None else (lambda u: str(u))
    notes = [
        t("trends.note_units", lang, year=b.year)
        if b.kind == "units"
        else t("trends.note_method", lang, year=b.year, label=legal_basis_text(b.label, lang))
        for b in view.breaks
    ]
    notes.append(t(f"trends.rule_explain.{view.rule}", lang))
    for unit, links in view.continued.items():
        key = "trends.note_continues" if {r for _, r in links} <= {"continues", "renamed"} else "trends.note_successor"
        notes.append(t(key, lang, name=name(unit), successors=", ".join(name(u) for u, _ in links)))
    aggregated = view.series[view.series["source"] == "aggregate"]
    for aggregate_unit, group in aggregated.groupby("unit_id"):
        members = sorted({m for ms in group["members"] for m in ms})
        notes.append(
            t(
                "trends.note_aggregate",
                lang,
                name=name(aggregate_unit),
                members=", ".join(name(m) for m in members),
                rule=t(f"trends.rule_label.{group['rule_used'].iloc[0]}", lang),
            )
        )
    return notes


def unit_options(history: pd.DataFrame, units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Every unit with a figure in ``history``: scope code → "name (first–last year of validity)", in the
    reader's alphabetical order."""
    from backend.published.fmt import vi_sort_key

    present = units[units["unit_id"].isin(set(history["unit_id"].astype(int)))]
    labels = {}
    for row in present.to_dict("records"):
        start = pd.Timestamp(row["valid_from"]).year
        end = pd.Timestamp(row["valid_to"]).year if row["valid_to"] is not None and pd.notna(row["valid_to"]) else ""
        labels[str(row["scope_code"])] = f"{row['name_vi' if lang == 'vi' else 'name_en']} ({start}–{end})"
    return dict(sorted(labels.items(), key=lambda item: vi_sort_key(item[1])))
