"""The official record as a layer of the main pages: the figures the ministry published, as printed.

The published record (data/published/*.csv, table ``published_figure``) holds, per index, year and unit, the
score and the rank a cited source printed, with its derived / uncertain flags. The map, the rankings, the
trends and the profiles show it as an "official, as published" layer beside the computed result set. Rules:

1. **As printed, never recomputed.** A unit's figure is the score and the rank of its rows of the index itself
   (``metric`` = the index code; sub-metrics are not components of our frameworks), matched to the unit by the
   id the loader resolved (backend/reference/normalise.py). Nothing is averaged, ranked or filled in.
2. **Conflicts stay visible.** When a unit's rows print different scores or ranks, every distinct value is
   kept (``scores``, ``ranks``, in file order); the first is shown first and the unit is flagged uncertain.
3. **Flags follow the figure.** A figure is *derived* when every row printing the shown score (or rank) is
   marked derived; *uncertain* when any of the unit's rows is marked uncertain or its rows disagree.
4. **No data is no data.** A unit of the year's list without a published figure is kept with empty values
   (``has_figure`` false): never a demo value, never zero.
5. **Never mixed.** The layer carries only record values; pages show it apart from the result set's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backend.ingest.published import national_mean_scope
from backend.published.about import source_link, source_title
from backend.published.fmt import vi_sort_key

SCOPE_UNIT_TYPE = {"province": "province", "ministry": "ministry"}
LAYER_COLUMNS = [
    "unit_id",
    "scope_code",
    "code",
    "name_vi",
    "name_en",
    "has_figure",
    "score",
    "rank",
    "scores",
    "ranks",
    "derived",
    "uncertain",
    "conflict",
    "note",
    "source_title",
    "link",
    "n_rows",
]


@dataclass(frozen=True)
class RecordLayer:
    """The published figures of one index, unit scope and year, one line per unit of the year's list."""

    index_code: str
    unit_scope: str
    year: int
    table: pd.DataFrame  # LAYER_COLUMNS; units with a figure first (by published rank), then the others
    national: float | None  # the published national average of the scope, if printed
    national_source: str

    @property
    def has_figures(self) -> bool:
        return bool(self.table["has_figure"].any())

    @property
    def n_with_figure(self) -> int:
        return int(self.table["has_figure"].sum())

    @property
    def n_derived(self) -> int:
        return int((self.table["has_figure"] & self.table["derived"]).sum())

    @property
    def n_uncertain(self) -> int:
        return int((self.table["has_figure"] & self.table["uncertain"]).sum())


def index_rows(record: pd.DataFrame, index_code: str, unit_scope: str, year: int | None = None) -> pd.DataFrame:
    """The record's rows of the index itself for units of ``unit_scope`` (and ``year``), matched to a unit."""
    unit_type = SCOPE_UNIT_TYPE.get(unit_scope, unit_scope)
    rows = record[(record["metric"] == index_code) & (record["unit_type"] == unit_type) & record["unit_id"].notna()]
    if year is not None:
        rows = rows[rows["year"] == year]
    return rows


def _distinct(values: Iterable[Any]) -> tuple[float, ...]:
    out: list[float] = []
    for value in values:
        if value is not None and not pd.isna(value) and float(value) not in out:
            out.append(float(value))
    return tuple(out)


def _all_derived(rows: pd.DataFrame, column: str, value: float | None) -> bool:
    if value is None:
        return False
    carrying = rows[rows[column].astype("float64") == value]
    return bool(len(carrying)) and bool(carrying["is_derived"].all())


def unit_figure(rows: pd.DataFrame) -> dict[str, object]:
    """One unit's published figure from its rows of one index and year (rules 1-3)."""
    rows = rows.sort_values(["source_file_order", "row_number"]) if "source_file_order" in rows else rows
    scores = _distinct(rows["score"])
    ranks = _distinct(rows["rank"])
    score = scores[0] if scores else None
    rank = ranks[0] if ranks else None
    conflict = len(scores) > 1 or len(ranks) > 1
    titles = list(dict.fromkeys(source_title(s) for s in rows["source"]))
    links = [link for link in (source_link(s) for s in rows["source"]) if link]
    notes = [str(n) for n in dict.fromkeys(rows["note"]) if isinstance(n, str) and n]
    return {
        "has_figure": bool(scores or ranks),
        "score": np.nan if score is None else score,
        "rank": rank,
        "scores": scores,
        "ranks": tuple(int(r) for r in ranks),
        "derived": _all_derived(rows, "score", score) or _all_derived(rows, "rank", rank),
        "uncertain": bool(rows["is_uncertain"].any()) or conflict,
        "conflict": conflict,
        "note": " | ".join(notes),
        "source_title": " · ".join(titles),
        "link": links[0] if links else None,
        "n_rows": len(rows),
    }


def _ordered(record: pd.DataFrame) -> pd.DataFrame:
    """The record in file order (the known table first), so "first printed version" is well defined."""
    from backend.ingest.published import FILES

    order = {name: i for i, name in enumerate(FILES)}
    return record.assign(source_file_order=record["source_file"].map(order).fillna(len(FILES)))


def _empty_line() -> dict[str, object]:
    return {
        "has_figure": False,
        "score": np.nan,
        "rank": None,
        "scores": (),
        "ranks": (),
        "derived": False,
        "uncertain": False,
        "conflict": False,
        "note": "",
        "source_title": "",
        "link": None,
        "n_rows": 0,
    }


def national_average(record: pd.DataFrame, index_code: str, unit_scope: str, year: int) -> tuple[float | None, str]:
    """The published national average of the scope for the year ("Trung bình …" row), with its source."""
    rows = record[(record["metric"] == index_code) & (record["year"] == year) & (record["unit_type"] == "aggregate")]
    for row in rows.to_dict("records"):
        if national_mean_scope(str(row["unit_name"])) == unit_scope and pd.notna(row["score"]):
            return float(row["score"]), source_title(row["source"])
    return None, ""


def record_layer(
    record: pd.DataFrame,
    index_code: str,
    unit_scope: str,
    year: int,
    units: pd.DataFrame,
    all_units: pd.DataFrame | None = None,
) -> RecordLayer:
    """The layer of one index, scope and year over the year's list of units (``units``: ``unit_id``,
    ``scope_code``, ``code``, ``name_vi``, ``name_en``). A unit with published rows that is not in the list
    is added from ``all_units`` (the reference table) when given: its figure is official all the same."""
    rows = index_rows(_ordered(record), index_code, unit_scope, year)
    by_unit: dict[int, pd.DataFrame] = {int(str(u)): group for u, group in rows.groupby("unit_id")}
    columns = ["unit_id", "scope_code", "code", "name_vi", "name_en"]
    listed = units[columns].copy()
    listed["unit_id"] = listed["unit_id"].astype(int)
    if all_units is not None:
        extra = all_units[all_units["unit_id"].astype(int).isin(set(by_unit) - set(listed["unit_id"]))]
        listed = pd.concat([listed, extra[columns].astype({"unit_id": int})], ignore_index=True)
    lines: list[dict[str, object]] = []
    for unit in listed.to_dict("records"):
        group = by_unit.get(int(str(unit["unit_id"])))
        figure = unit_figure(group) if group is not None else _empty_line()
        lines.append({str(k): v for k, v in unit.items()} | figure)
    table = pd.DataFrame(lines, columns=LAYER_COLUMNS)
    table["rank"] = table["rank"].astype("Int64")
    table["score"] = table["score"].astype("float64")
    table = _sorted(table)
    national, national_source = national_average(record, index_code, unit_scope, year)
    return RecordLayer(index_code, unit_scope, year, table, national, national_source)


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    """Units with a figure first, by published rank, then score (highest first), then name; the others by name."""
    key = [
        (
            0 if has else 1,
            rank if pd.notna(rank) else 10_000,
            -score if pd.notna(score) else 0.0,
            vi_sort_key(str(name)),
        )
        for has, rank, score, name in zip(
            table["has_figure"], table["rank"], table["score"], table["name_vi"], strict=False
        )
    ]
    order = sorted(range(len(table)), key=lambda i: key[i])
    return table.iloc[order].reset_index(drop=True)


def unit_history(record: pd.DataFrame, index_code: str, unit_scope: str, unit_ids: Sequence[int]) -> pd.DataFrame:
    """The published figures of some units over every year of the record: one line per unit and year with
    ``year`` and the columns of :func:`unit_figure`, newest year first."""
    rows = index_rows(_ordered(record), index_code, unit_scope)
    rows = rows[rows["unit_id"].astype(int).isin([int(u) for u in unit_ids])]
    lines = [
        {"unit_id": int(str(unit)), "year": int(str(year)), **unit_figure(group)}
        for (unit, year), group in rows.groupby(["unit_id", "year"])
    ]
    columns = ["unit_id", "year", *LAYER_COLUMNS[5:]]
    frame = pd.DataFrame(lines, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    return frame.sort_values(["year", "unit_id"], ascending=[False, True]).reset_index(drop=True)
