"""THE one place that matches units across years and mergers (ARCHITECTURE.md decision 2).

Units have validity periods; the lineage table links a predecessor to a successor from an effective date
(63 → 34 provinces on 2025-07-01; ministries merged on 2025-03-01; Thừa Thiên Huế renamed). Everything that
asks "which unit of another year is the same unit" goes through :class:`Lineage`:

* :meth:`Lineage.predecessors` / :meth:`Lineage.successors`: direct links of the relations that carry a
  unit's identity (``continues``, ``renamed``, ``merged_into``); ``split_part`` (a function moved to
  another unit) never makes a predecessor.
* :meth:`Lineage.match`: for each current unit, its counterpart(s) among last year's units and the basis:
  ``same_unit``; ``continues`` / ``renamed`` / ``merged_into`` (exactly one predecessor present: one-to-one);
  ``merged`` (several predecessors present); ``new`` (none).
* :meth:`Lineage.previous_values`: last year's value of each current unit under a rule for merged units:
  ``not_comparable`` (no value), ``mean`` (simple mean of the predecessors) or ``weighted`` (mean weighted by
  the predecessors' valid forms; falls back to the simple mean when a weight is missing, and says so).
* :meth:`Lineage.map_unit`: a unit asked for in another year's list → its successor (or predecessor) in the
  list of the year shown.
* :meth:`Lineage.aggregate_history`: a unit's series over the years, with the years before it existed filled,
  under the same rule, from its predecessors.
* :meth:`Lineage.unit_change_years`: the years in which units of the given kinds merged (trend breaks).

Pure: built from the lineage frame (:func:`backend.reference.units.lineage_frame`), no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

IDENTITY_RELATIONS = ("continues", "renamed", "merged_into")
RULES = ("not_comparable", "mean", "weighted")
BASES = ("same_unit", "continues", "renamed", "merged_into", "merged", "new")
#: bases under which a unit is the same unit, one to one (its rank may be compared)
ONE_TO_ONE = ("same_unit", "continues", "renamed", "merged_into")


@dataclass(frozen=True)
class Link:
    old: int
    new: int
    relation: str
    effective: Any


@dataclass(frozen=True)
class Match:
    """A current unit's counterpart(s) last year. ``sources`` are previous units (empty for ``new``)."""

    unit: int
    basis: str
    sources: tuple[int, ...]

    @property
    def one_to_one(self) -> bool:
        return self.basis in ONE_TO_ONE


class Lineage:
    """The lineage links, indexed both ways. Build with :meth:`from_frame`."""

    def __init__(self, links: Iterable[Link]) -> None:
        self.links = tuple(links)
        self._back: dict[int, list[tuple[int, str]]] = {}
        self._forward: dict[int, list[tuple[int, str]]] = {}
        for link in self.links:
            if link.relation not in IDENTITY_RELATIONS or link.old == link.new:
                continue
            self._back.setdefault(link.new, []).append((link.old, link.relation))
            self._forward.setdefault(link.old, []).append((link.new, link.relation))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame | None) -> Lineage:
        """From columns ``old_unit_id``, ``new_unit_id``, ``relation`` (and optionally ``effective``)."""
        if frame is None or frame.empty:
            return cls(())
        effective = frame["effective"] if "effective" in frame else pd.Series([None] * len(frame), index=frame.index)
        return cls(
            Link(int(o), int(n), str(r), e)
            for o, n, r, e in zip(frame["old_unit_id"], frame["new_unit_id"], frame["relation"], effective, strict=True)
        )

    # -- direct links -------------------------------------------------------------------------------------
    def predecessors(self, unit: int) -> tuple[int, ...]:
        return tuple(old for old, _ in self._back.get(int(unit), []))

    def successors(self, unit: int) -> tuple[int, ...]:
        return tuple(new for new, _ in self._forward.get(int(unit), []))

    def successor_links(self, unit: int) -> tuple[tuple[int, str], ...]:
        """(successor, relation) pairs of ``unit`` (relation: continues, renamed or merged_into)."""
        return tuple(self._forward.get(int(unit), []))

    # -- matching last year ---------------------------------------------------------------------------------
    def match(self, current: Iterable[int], previous: Collection[int]) -> dict[int, Match]:
        """Each current unit's counterpart among ``previous`` units (see the module docstring)."""
        before = {int(u) for u in previous}
        out: dict[int, Match] = {}
        for unit in (int(u) for u in current):
            if unit in before:
                out[unit] = Match(unit, "same_unit", (unit,))
                continue
            present = [(old, rel) for old, rel in self._back.get(unit, []) if old in before]
            if len(present) == 1:
                out[unit] = Match(unit, present[0][1], (present[0][0],))
            elif present:
                out[unit] = Match(unit, "merged", tuple(sorted(old for old, _ in present)))
            else:
                out[unit] = Match(unit, "new", ())
        return out

    def previous_values(
        self,
        current: pd.Series,
        previous: pd.Series,
        rule: str = "not_comparable",
        weights: pd.Series | None = None,
    ) -> pd.DataFrame:
        """Last year's value of each current unit (index = current units) and the change.

        Columns: ``previous``, ``change`` (current − previous), ``comparable`` (bool), ``basis`` (see
        :data:`BASES`), ``rule_used`` (for merged units: the rule, or ``mean_fallback`` when ``weighted`` had no
        weights), ``source`` (the one previous unit for one-to-one matches, else <NA>), ``sources`` (tuple).
        ``weights``: valid forms of the previous units, for ``weighted``.
        """
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
        prev = {int(k): float(v) for k, v in zip(previous.index, previous.to_numpy(), strict=True) if pd.notna(v)}
        w = {} if weights is None else dict(zip(weights.index.astype(int), weights.astype(float), strict=True))
        matches = self.match(current.index, prev)
        records = []
        for unit in current.index:
            found = matches[int(unit)]
            value, rule_used = np.nan, ""
            if found.one_to_one:
                value = prev[found.sources[0]]
            elif found.basis == "merged" and rule != "not_comparable":
                value, rule_used = _aggregate([prev[s] for s in found.sources], [w.get(s) for s in found.sources], rule)
            elif found.basis == "merged":
                rule_used = "not_comparable"
            records.append(
                {
                    "previous": value,
                    "comparable": not np.isnan(value),
                    "basis": found.basis,
                    "rule_used": rule_used,
                    "source": found.sources[0] if found.one_to_one else pd.NA,
                    "sources": found.sources,
                }
            )
        frame = pd.DataFrame(records, index=current.index)
        if frame.empty:
            frame = pd.DataFrame(columns=["previous", "comparable", "basis", "rule_used", "source", "sources"])
        frame["previous"] = pd.to_numeric(frame["previous"], errors="coerce").astype(float)
        frame["change"] = current.astype(float) - frame["previous"]
        frame["source"] = frame["source"].astype("Int64")
        return frame[["previous", "change", "comparable", "basis", "rule_used", "source", "sources"]]

    # -- across years ---------------------------------------------------------------------------------------
    def map_unit(self, unit: int, candidates: Collection[int], prefer: Mapping[int, str] | None = None) -> int | None:
        """``unit`` itself if it is among ``candidates``; else the nearest successor among them (following
        links forward), else the nearest predecessor (backward); None if neither reaches the candidates.
        Among several at the same distance, one whose ``prefer`` label equals that of ``unit`` (e.g. the same
        code) wins, then the smallest id."""
        unit = int(unit)
        wanted = {int(c) for c in candidates}
        if unit in wanted:
            return unit
        for step in (self.successors, self.predecessors):
            frontier, seen = [unit], {unit}
            while frontier:
                nxt = [o for u in frontier for o in step(u) if o not in seen]
                seen.update(nxt)
                hits = sorted({u for u in nxt if u in wanted})
                if hits:
                    label = (prefer or {}).get(unit)
                    same = [h for h in hits if label is not None and (prefer or {}).get(h) == label]
                    return (same or hits)[0]
                frontier = nxt
        return None

    def aggregate_history(
        self, history: pd.DataFrame, units: Sequence[int], rule: str = "not_comparable"
    ) -> pd.DataFrame:
        """Each unit's values over the years; under ``mean`` / ``weighted``, the years before the unit existed
        are filled with the aggregate of its predecessors (``not_comparable``: left empty).

        ``history``: rows of one metric over years (``year``, ``unit_id``, ``value``, optionally ``n``, ``rank``,
        ``n_ranked``). Returns ``unit_id``, ``year``, ``value``, ``rank``, ``n_ranked``, ``source`` (``own`` |
        ``aggregate``), ``rule_used``, ``members`` (predecessor ids aggregated).
        """
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
        records: list[dict[str, Any]] = []
        for unit in (int(u) for u in units):
            own = history[history["unit_id"] == unit]
            for rec in own.to_dict("records"):
                records.append(
                    {
                        "unit_id": unit,
                        "year": int(rec["year"]),
                        "value": rec["value"],
                        "rank": rec.get("rank", pd.NA),
                        "n_ranked": rec.get("n_ranked"),
                        "source": "own",
                        "rule_used": "",
                        "members": (),
                    }
                )
            members = self.predecessors(unit)
            if rule == "not_comparable" or not members:
                continue
            own_years = set(own["year"].astype(int))
            before = history[history["unit_id"].isin(members) & ~history["year"].isin(own_years)]
            for year, group in before.groupby("year"):
                group = group.dropna(subset=["value"])
                if group.empty:
                    continue
                weights = group["n"].tolist() if "n" in group else [None] * len(group)
                value, used = _aggregate(group["value"].astype(float).tolist(), weights, rule)
                records.append(
                    {
                        "unit_id": unit,
                        "year": int(str(year)),
                        "value": value,
                        "rank": pd.NA,
                        "n_ranked": None,
                        "source": "aggregate",
                        "rule_used": used,
                        "members": tuple(int(m) for m in group["unit_id"]),
                    }
                )
        columns = ["unit_id", "year", "value", "rank", "n_ranked", "source", "rule_used", "members"]
        frame = pd.DataFrame(records, columns=columns)
        return frame.sort_values(["unit_id", "year"]).reset_index(drop=True)

    def unit_change_years(self, kinds: Mapping[int, str], wanted_kinds: Collection[str]) -> list[int]:
        """Years in which a unit of one of ``wanted_kinds`` (``kinds``: unit id → kind) merged into or
        continued as another unit: where a trend line crosses a change of the list of units."""
        years = {
            pd.Timestamp(link.effective).year
            for link in self.links
            if link.relation in ("merged_into", "continues")
            and link.old != link.new
            and kinds.get(link.old) in wanted_kinds
            and link.effective is not None
        }
        return sorted(years)


def _aggregate(values: Sequence[float], weights: Sequence[Any], rule: str) -> tuple[float, str]:
    """Simple mean, or the mean weighted by valid forms (falls back to the simple mean, labelled)."""
    if rule == "weighted":
        usable = [w for w in weights if w is not None and not pd.isna(w)]
        if len(usable) == len(values) and sum(float(w) for w in usable) > 0:
            return float(np.average(values, weights=[float(w) for w in usable])), "weighted"
        return float(np.mean(values)), "mean_fallback"
    return float(np.mean(values)), "mean"
