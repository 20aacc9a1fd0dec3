"""Ranking, classification groups, averages and year-on-year matching (methodology.md §1.4-1.5, §5.4).

* Ranking: competition ranking ("1, 2, 2, 4") on the unrounded value, highest first, ranked units
  only (framework setting ``tie_rule``; the official tie rule was not found [U]).
* Groups: the highest framework grade whose minimum the value reaches (provinces A ≥ 90, B 80-<90,
  C 70-<80 [C]); below every minimum → no group.
* Averages: national = arithmetic mean of the ranked units (2023 ministries: mean of the 17 totals
  = 84.378 → 84.38 [D]); region = mean of the region's units (method presumed [U]).
* Change against the previous year: a unit is matched to itself, else through the lineage table
  (``continues``/``renamed`` one-to-one → comparable; several predecessors merged into one → not
  comparable, or their mean when the user chooses ``rule="mean"``, labelled as such). Links of type
  ``split_part`` (a function moved elsewhere) do not make a predecessor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from backend.frameworks.spec import Grade
from backend.scoring.uncertainty import competition_ranks

PREDECESSOR_RELATIONS = ("continues", "renamed", "merged_into")
CHANGE_RULES = ("not_comparable", "mean")


def competition_rank(values: pd.Series, ranked: pd.Series | None = None) -> pd.Series:
    """Competition ranks (1, 2, 2, 4) of ``values`` (highest first); <NA> for unranked units or no value."""
    mask = None if ranked is None else ranked.reindex(values.index).fillna(False).to_numpy(dtype=bool)
    ranks = competition_ranks(values.to_numpy(dtype=float, na_value=np.nan), mask)
    return pd.Series(ranks, index=values.index, name="rank").astype("Int64")


def assign_grades(values: pd.Series, grades: Sequence[Grade]) -> pd.Series:
    """The grade code of each value: the first (highest) grade with value ≥ its minimum; None below all."""
    ordered = sorted(grades, key=lambda g: g.min, reverse=True)
    out = pd.Series([None] * len(values), index=values.index, dtype=object, name="grp")
    for grade in reversed(ordered):  # lowest first, so higher grades overwrite
        out[values.to_numpy(dtype=float, na_value=np.nan) >= grade.min] = grade.code
    return out


def mean_of_units(values: pd.Series, include: pd.Series | None = None) -> float:
    """Arithmetic mean of the (included) units' unrounded values, NaN ignored."""
    if include is not None:
        values = values[include.reindex(values.index).fillna(False).astype(bool)]
    return float(values.mean()) if values.notna().any() else float("nan")


def group_means(values: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Mean and count of ``values`` per group (e.g. region code); units without a group are left out."""
    frame = pd.DataFrame({"value": values, "group": groups.reindex(values.index)}).dropna(subset=["group"])
    out = frame.groupby("group", sort=True)["value"].agg(["mean", "count"])
    return out.rename(columns={"mean": "average", "count": "n"})


def predecessors(lineage: pd.DataFrame | None) -> dict[object, list[tuple[object, str]]]:
    """``{new unit: [(old unit, relation), …]}`` from a lineage table (``old_unit``, ``new_unit``,
    ``relation``), keeping only the relations that make a predecessor."""
    out: dict[object, list[tuple[object, str]]] = {}
    if lineage is None or lineage.empty:
        return out
    keep = lineage[lineage["relation"].isin(PREDECESSOR_RELATIONS)]
    for old, new, relation in keep[["old_unit", "new_unit", "relation"]].itertuples(index=False):
        if old != new:
            out.setdefault(new, []).append((old, relation))
    return out


def match_previous(
    current: pd.Series,
    previous: pd.Series,
    lineage: pd.DataFrame | None = None,
    rule: str = "not_comparable",
) -> pd.DataFrame:
    """Previous-year value of each current unit and the change.

    Returns (index = current units) ``previous``, ``change`` (= current − previous), ``comparable``
    (bool) and ``basis``: ``same_unit``, ``continues``, ``renamed``, ``merged_into`` (a single
    predecessor), ``merged:not_comparable`` or ``merged:mean`` (several predecessors), ``new`` (none).
    """
    if rule not in CHANGE_RULES:
        raise ValueError(f"rule must be one of {CHANGE_RULES}")
    links = predecessors(lineage)
    prev_values: list[float] = []
    comparable: list[bool] = []
    basis: list[str] = []
    prev_lookup: dict[Any, float] = {k: float(v) for k, v in previous.items()}
    for unit in current.index:
        if unit in prev_lookup:
            prev_values.append(prev_lookup[unit])
            comparable.append(True)
            basis.append("same_unit")
            continue
        olds = [(old, rel) for old, rel in links.get(unit, []) if old in prev_lookup]
        if len(olds) == 1:
            prev_values.append(prev_lookup[olds[0][0]])
            comparable.append(True)
            basis.append(olds[0][1])
        elif len(olds) > 1 and rule == "mean":
            prev_values.append(float(np.mean([prev_lookup[o] for o, _ in olds])))
            comparable.append(True)
            basis.append("merged:mean")
        elif len(olds) > 1:
            prev_values.append(np.nan)
            comparable.append(False)
            basis.append("merged:not_comparable")
        else:
            prev_values.append(np.nan)
            comparable.append(False)
            basis.append("new")
    frame = pd.DataFrame(
        {"previous": pd.to_numeric(pd.Series(prev_values, index=current.index), errors="coerce")},
        index=current.index,
    )
    frame["change"] = current.astype(float) - frame["previous"]
    frame["comparable"] = comparable
    frame["basis"] = basis
    return frame
