"""Comparing a published set with the previous year's: which units are compared, through which link, and
the change of score and rank.

Rules (one home; every page, the summary and the report use them):

* the previous set is the current visible set of the same index and unit scope for the latest earlier year;
* units are matched through :class:`backend.reference.lineage.Lineage` (itself; a continuing, renamed or
  single merged predecessor: one to one; several predecessors: ``merged``, compared only under the
  user-chosen ``mean`` / ``weighted`` rule; none: ``new``);
* ``reason`` says what changed: ``no_previous``, ``units_changed`` (a new list of units: no unit in common),
  ``partly_units_changed``, or ``""``; ``method_changed`` when the framework differs;
* a rank change is given only for one-to-one matches and only when both years rank the same number of
  units (63 → 34 ranks say nothing about moving up or down).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backend.published.sets import ResultSetInfo
from backend.published.tables import SetTables
from backend.reference.lineage import ONE_TO_ONE, Lineage

CHANGE_COLUMNS = ["prev_value", "change", "prev_rank", "rank_change", "basis", "prev_unit_id", "rule_used", "members"]


@dataclass(frozen=True)
class Comparison:
    """How a set compares with the previous year's; ``changes`` is indexed by unit id."""

    previous: ResultSetInfo | None
    reason: str
    method_changed: bool
    rank_comparable: bool
    rule: str
    changes: pd.DataFrame

    @property
    def comparable(self) -> bool:
        """Unit-level changes exist for at least some units."""
        return self.previous is not None and bool(self.changes["change"].notna().any())

    @property
    def previous_year(self) -> int | None:
        return self.previous.year if self.previous is not None else None


def empty_changes(unit_ids: pd.Index | list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.Index([int(u) for u in unit_ids], name="unit_id"))
    frame["prev_value"] = np.nan
    frame["change"] = np.nan
    frame["prev_rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["rank_change"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["basis"] = ""
    frame["prev_unit_id"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["rule_used"] = ""
    frame["members"] = [() for _ in range(len(frame))]
    return frame


def compare(
    current: SetTables,
    previous: SetTables | None,
    lineage: Lineage,
    *,
    metric: str | None = None,
    rule: str = "not_comparable",
) -> Comparison:
    """Changes of ``metric`` (default: the index) per unit against ``previous`` (see the module rules)."""
    units = current.units
    ids = units["unit_id"].astype(int)
    if previous is None:
        return Comparison(None, "no_previous", False, False, rule, empty_changes(list(ids)))
    cur_ids, prev_ids = set(ids), set(previous.units["unit_id"].astype(int))
    reason = "units_changed" if not cur_ids & prev_ids else "partly_units_changed" if cur_ids != prev_ids else ""
    method_changed = current.info.framework_code != previous.info.framework_code
    column = current.column(metric or current.info.index_code)
    prev_column = previous.column(metric or previous.info.index_code)
    cur_values = (
        pd.Series(units[column].to_numpy(dtype=float), index=ids) if column in units else pd.Series(np.nan, index=ids)
    )
    prev_table = previous.units
    prev_values = (
        pd.Series(prev_table[prev_column].to_numpy(dtype=float), index=prev_table["unit_id"].astype(int))
        if prev_column in prev_table
        else pd.Series(dtype=float)
    )
    weights = pd.Series(prev_table["n"].to_numpy(dtype=float, na_value=np.nan), index=prev_table["unit_id"].astype(int))
    matched = lineage.previous_values(cur_values, prev_values, rule, weights=weights)
    rank_comparable = current.n_ranked == previous.n_ranked and current.n_ranked > 0
    prev_rank = dict(zip(prev_table["unit_id"].astype(int), previous.ranks_of(prev_column), strict=False))
    cur_rank = dict(zip(ids, current.ranks_of(column), strict=False))
    changes = empty_changes(list(ids))
    changes["prev_value"] = matched["previous"].to_numpy()
    changes["change"] = matched["change"].to_numpy()
    changes["basis"] = matched["basis"].to_numpy()
    changes["rule_used"] = matched["rule_used"].to_numpy()
    changes["members"] = list(matched["sources"])
    changes["prev_unit_id"] = matched["source"].to_numpy()
    prev_ranks, moves = [], []
    for unit, basis, source in zip(ids, matched["basis"], matched["source"], strict=True):
        before = prev_rank.get(int(source)) if basis in ONE_TO_ONE and pd.notna(source) else None
        now = cur_rank.get(int(unit))
        prev_ranks.append(None if before is None or pd.isna(before) else int(before))
        usable = rank_comparable and prev_ranks[-1] is not None and now is not None and pd.notna(now)
        moves.append(int(prev_ranks[-1]) - int(now) if usable else None)  # type: ignore[arg-type]
    changes["prev_rank"] = pd.array(prev_ranks, dtype="Int64")
    changes["rank_change"] = pd.array(moves, dtype="Int64")
    return Comparison(previous.info, reason, method_changed, rank_comparable, rule, changes)


def with_changes(tables: SetTables, comparison: Comparison) -> pd.DataFrame:
    """The unit table with the comparison's columns added (same row order)."""
    extra = comparison.changes.reindex(tables.units["unit_id"].astype(int))
    out = tables.units.copy()
    for column in CHANGE_COLUMNS:
        out[column] = extra[column].to_numpy()
    out["prev_rank"] = out["prev_rank"].astype("Int64")
    out["rank_change"] = out["rank_change"].astype("Int64")
    out["prev_unit_id"] = out["prev_unit_id"].astype("Int64")
    return out
