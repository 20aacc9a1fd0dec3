"""Versions of a result set: what changed between two versions, which inputs caused it, and the erratum of
a correction.

Rules:

* the *previous version* of a set is the one with the same dataset, index, year and unit scope and the
  highest lower version number;
* a figure changed when its value differs by more than 1e-9 or its rank differs, or when it exists in one
  version only;
* the inputs that caused a change are read from what each set stored when it was computed: the digest of
  each kind of input (survey answers, assessment scores, SIPAS feeding the PAR INDEX), the framework's
  content hash, the run parameters, and the digest of each unit's assessment scores (sets computed before
  this was recorded say "not recorded");
* the erratum of a correction stores what changed (at most :data:`ERRATUM_ROWS` figures of the index,
  largest changes first, and the counts), written once when the correction is published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from backend.models import ResultSet, Unit
from backend.services.results import result_rows

ERRATUM_ROWS = 20
_KEY = ["scope", "scope_code", "metric"]
#: run parameters compared between versions (besides digests and the framework)
_RUN = ("bootstrap", "seed", "tie_rule", "precision", "framework_version")


def previous_version(session: Session, result_set: ResultSet) -> ResultSet | None:
    """The same dataset, index, year and unit scope, the highest lower version (None for version 1)."""
    return session.exec(
        select(ResultSet)
        .where(
            ResultSet.dataset_id == result_set.dataset_id,
            ResultSet.index_code == result_set.index_code,
            ResultSet.year == result_set.year,
            ResultSet.unit_scope == result_set.unit_scope,
            ResultSet.version < result_set.version,
        )
        .order_by(col(ResultSet.version).desc())
    ).first()


def row_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The figures that differ between two versions' rows (frames of ``results.result_rows``): scope,
    scope_code, metric, old, new, change, old_rank, new_rank; largest absolute change first."""
    left = before[[*_KEY, "value", "rank"]].rename(columns={"value": "old", "rank": "old_rank"})
    right = after[[*_KEY, "value", "rank"]].rename(columns={"value": "new", "rank": "new_rank"})
    merged = left.merge(right, on=_KEY, how="outer", indicator=True)
    old = merged["old"].to_numpy(dtype=float, na_value=np.nan)
    new = merged["new"].to_numpy(dtype=float, na_value=np.nan)
    value_changed = ~np.isclose(old, new, rtol=0.0, atol=1e-9, equal_nan=True)
    old_rank = merged["old_rank"].astype("Int64")
    new_rank = merged["new_rank"].astype("Int64")
    rank_changed = (old_rank.fillna(-1) != new_rank.fillna(-1)).to_numpy()
    changed = value_changed | rank_changed | (merged["_merge"] != "both").to_numpy()
    out = merged.loc[changed, [*_KEY, "old", "new", "old_rank", "new_rank"]].copy()
    out["change"] = out["new"] - out["old"]
    out["old_rank"] = out["old_rank"].astype("Int64")
    out["new_rank"] = out["new_rank"].astype("Int64")
    order = out["change"].abs().fillna(np.inf).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _parameters(result_set: ResultSet) -> dict[str, Any]:
    try:
        value = json.loads(result_set.parameters or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def input_changes(old: ResultSet, new: ResultSet) -> pd.DataFrame:
    """Which inputs differ between two versions: rows of (input, detail), where ``input`` is a kind of input
    (``par_survey``, ``assessments``, ``sipas``, ``framework``, a run parameter) or ``unit`` (a unit whose
    assessment scores changed, ``detail`` its code) or ``not_recorded``."""
    before, after = _parameters(old), _parameters(new)
    rows: list[tuple[str, str]] = []
    if "input_digests" not in before or "input_digests" not in after:
        rows.append(("not_recorded", ""))
    else:
        digests_old, digests_new = before["input_digests"], after["input_digests"]
        for kind in sorted(set(digests_old) | set(digests_new)):
            if digests_old.get(kind) != digests_new.get(kind):
                rows.append((kind, ""))
        units_old, units_new = before.get("unit_input_digests", {}), after.get("unit_input_digests", {})
        for unit in sorted(set(units_old) | set(units_new)):
            if units_old.get(unit) != units_new.get(unit):
                rows.append(("unit", unit))
    if before.get("framework_content_hash") != after.get("framework_content_hash"):
        rows.append(("framework", f"{old.framework_version} → {new.framework_version}"))
    for name in _RUN:
        if name != "framework_version" and before.get(name) != after.get(name):
            rows.append((name, f"{before.get(name)} → {after.get(name)}"))
    return pd.DataFrame(rows, columns=["input", "detail"])


@dataclass(frozen=True)
class VersionDiff:
    """One version against the previous one: changed figures, changed units, the inputs behind them."""

    previous: ResultSet | None
    changes: pd.DataFrame
    inputs: pd.DataFrame

    @property
    def changed_units(self) -> list[str]:
        unit_rows = self.changes[self.changes["scope"] == "unit"]
        return sorted(set(unit_rows["scope_code"]))


def version_diff(session: Session, result_set: ResultSet) -> VersionDiff:
    """The set against its previous version (empty frames for a first version)."""
    previous = previous_version(session, result_set)
    if previous is None:
        empty = pd.DataFrame(columns=[*_KEY, "old", "new", "old_rank", "new_rank", "change"])
        return VersionDiff(None, empty, pd.DataFrame(columns=["input", "detail"]))
    changes = row_changes(result_rows(session, int(previous.id or 0)), result_rows(session, int(result_set.id or 0)))
    return VersionDiff(previous, changes, input_changes(previous, result_set))


def erratum_changes(session: Session, old: ResultSet, new: ResultSet) -> str:
    """JSON of what a correction changed against the set it supersedes (see the module rules)."""
    changes = row_changes(result_rows(session, int(old.id or 0)), result_rows(session, int(new.id or 0)))
    index_rows = changes[(changes["scope"] == "unit") & (changes["metric"] == new.index_code)]
    codes = [str(c) for c in index_rows["scope_code"].head(ERRATUM_ROWS)]
    names = _unit_names(session, codes)
    listed = [
        {
            "unit": str(r.scope_code),
            "name_vi": names.get(str(r.scope_code), ("", ""))[0],
            "name_en": names.get(str(r.scope_code), ("", ""))[1],
            "old": _number(r.old),
            "new": _number(r.new),
        }
        for r in index_rows.head(ERRATUM_ROWS).itertuples()
    ]
    unit_changes = changes[changes["scope"] == "unit"]
    summary = {
        "superseded_id": old.id,
        "superseded_version": old.version,
        "changed_units": int(unit_changes["scope_code"].nunique()),
        "changed_figures": len(changes),
        "index_changes": listed,
    }
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _unit_names(session: Session, scope_codes: list[str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for code in scope_codes:
        kind, _, unit_code = code.partition(":")
        unit = session.exec(select(Unit).where(Unit.kind == kind, Unit.code == unit_code)).first()
        if unit is not None:
            out[code] = (unit.name_vi, unit.name_en)
    return out
