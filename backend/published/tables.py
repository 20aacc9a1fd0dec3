"""One published result set, ready to show: :class:`SetTables` (units × metrics, national and region rows,
metric names and maxima, the methodology settings that decide ranks and groups).

Pure: built from the set's rows, the unit table and the set's framework spec by :func:`build_set_tables`.
Which metrics are the index's components and which are detail, the tie rule, the precision of decisions and
the order of groups all come from the framework file (:class:`backend.frameworks.FrameworkSpec`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backend.frameworks.spec import FrameworkSpec, Precision
from backend.i18n import has, t
from backend.published.sets import ResultSetInfo
from backend.scoring.ranking import rank_series, tied

#: the per-unit columns of :attr:`SetTables.units`, before one column per other metric
UNIT_COLUMNS = [
    "unit_id",
    "scope_code",
    "kind",
    "code",
    "name_vi",
    "name_en",
    "region_code",
    "value",
    "max_value",
    "ci_low",
    "ci_high",
    "rank",
    "rank_low",
    "rank_high",
    "grp",
    "n",
    "tied",
    "ranked",
]


@dataclass(frozen=True)
class MetricInfo:
    """A reported figure: its code in the result rows, its names, its maximum and its role."""

    code: str
    label_vi: str
    label_en: str
    max_value: float | None
    role: str  # index | component | detail

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    @property
    def short(self) -> str:
        """The last part of the code (``A3`` of ``PAR_INDEX.area.A3``), used in links."""
        return "index" if self.role == "index" else self.code.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class SetTables:
    """Everything of one visible result set that a page, a report or a download needs."""

    info: ResultSetInfo
    units: pd.DataFrame  # UNIT_COLUMNS + one column per other metric; ordered by rank, unranked last
    rows: pd.DataFrame  # every row of the set (exports)
    metrics: tuple[MetricInfo, ...]  # the index first, then components, then detail
    national: Mapping[str, float]
    regions: pd.DataFrame  # region_code, metric, value, n
    precision: Precision = field(default_factory=Precision)
    tie_rule: str = "competition"
    grade_order: tuple[str, ...] = ()
    names: Mapping[int, tuple[str, str]] = field(default_factory=dict)  # every unit id → (vi, en)
    region_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # GSO region code → (vi, en)

    def unit_name(self, unit_id: Any, lang: str) -> str:
        """A unit's name (any unit of the reference table: predecessors and successors too)."""
        pair = self.names.get(int(unit_id)) if unit_id is not None and not pd.isna(unit_id) else None
        return "" if pair is None else pair[0 if lang == "vi" else 1]

    def unit_names(self, ids: Sequence[Any], lang: str) -> dict[int, str]:
        return {int(i): self.unit_name(i, lang) for i in ids if i is not None and not pd.isna(i)}

    def region_name(self, code: Any, lang: str) -> str:
        pair = self.region_names.get(str(code)) if isinstance(code, str) else None
        return "" if pair is None else pair[0 if lang == "vi" else 1]

    @property
    def index(self) -> MetricInfo:
        return self.metrics[0]

    @property
    def components(self) -> tuple[MetricInfo, ...]:
        return tuple(m for m in self.metrics if m.role == "component")

    @property
    def detail(self) -> tuple[MetricInfo, ...]:
        return tuple(m for m in self.metrics if m.role == "detail")

    @property
    def n_ranked(self) -> int:
        return int(self.units["ranked"].sum())

    def metric(self, code_or_short: str) -> MetricInfo:
        """A metric by its code or its short name (``index`` is the index); the index if unknown."""
        for info in self.metrics:
            if code_or_short in (info.code, info.short):
                return info
        return self.index

    def column(self, metric: MetricInfo | str) -> str:
        """The unit-table column holding ``metric`` (a metric, its code or its short name; the index is
        ``value``)."""
        if isinstance(metric, MetricInfo):
            code = metric.code
        else:
            known = [m for m in self.metrics if metric in (m.code, m.short)]
            code = known[0].code if known else metric
        return "value" if code == self.info.index_code else code

    def region_value(self, region: Any, metric: str) -> float:
        sel = self.regions[(self.regions["region_code"] == region) & (self.regions["metric"] == metric)]
        return float(sel["value"].iloc[0]) if not sel.empty else float("nan")

    def ranks_of(self, metric: MetricInfo | str) -> pd.Series:
        """Ranks of every unit on ``metric``: the stored rank for the index; for another metric, the one
        ranking (tie rule, declared precision) among ranked units. Index = the unit table's index."""
        column = self.column(metric)
        if column == "value":
            return self.units["rank"].astype("Int64")
        values = (
            self.units[column].where(self.units["ranked"]) if column in self.units else self.units["value"] * np.nan
        )
        return rank_series(values, decimals=self.precision.rank_decimals, tie_rule=self.tie_rule)


def metric_label(code: str, spec: FrameworkSpec | None, lang: str) -> str:
    """Display name of a metric: the framework's criterion or node name (``A3. Cải cách TTHC``), else the
    catalogue's ``metric.<code>``, else the code."""
    if has(f"metric.{code}", lang):
        return t(f"metric.{code}", lang)
    if spec is not None:
        parts = code.split(".", 2)
        candidates = ([parts[2]] if len(parts) == 3 else []) + [code.rsplit(".", 1)[-1]]
        names = {c.code: (c.name_vi, c.name_en) for c in spec.criteria}
        for candidate in candidates:
            if candidate in names:
                name = names[candidate][0 if lang == "vi" else 1]
                return f"{candidate}. {name}" if candidate[:1].isalpha() and candidate[1:2].isdigit() else name
    return code


def _metric_infos(info: ResultSetInfo, rows: pd.DataFrame, spec: FrameworkSpec | None) -> tuple[MetricInfo, ...]:
    maxima = rows.dropna(subset=["max_value"]).drop_duplicates("metric").set_index("metric")["max_value"]
    present = set(rows["metric"])

    def make(code: str, role: str) -> MetricInfo:
        maximum = float(maxima[code]) if code in maxima.index else None
        return MetricInfo(code, metric_label(code, spec, "vi"), metric_label(code, spec, "en"), maximum, role)

    index = MetricInfo(
        info.index_code, t(f"index.{info.index_code}", "vi"), t(f"index.{info.index_code}", "en"), None, "index"
    )
    if info.index_code in maxima.index:
        index = MetricInfo(index.code, index.label_vi, index.label_en, float(maxima[info.index_code]), "index")
    components = [c for c in (spec.component_metrics() if spec else []) if c in present]
    detail = [d for d in (spec.detail_metrics() if spec else []) if d in present and d not in components]
    return (index, *(make(c, "component") for c in components), *(make(d, "detail") for d in detail))


def build_set_tables(
    info: ResultSetInfo,
    rows: pd.DataFrame,
    units: pd.DataFrame,
    spec: FrameworkSpec | None,
    region_table: pd.DataFrame | None = None,
) -> SetTables:
    """The ready tables of one set. ``rows``: its result rows; ``units``: the unit reference table
    (``unit_id``, ``kind``, ``code``, names, ``region_code``); ``spec``: its framework (None if the store
    holds no text for it: then only the index is shown, with no components); ``region_table``: the region table
    (``scheme``, ``code``, names), for region names."""
    metrics = _metric_infos(info, rows, spec)
    unit_rows = rows[rows["scope"] == "unit"]
    main = unit_rows[unit_rows["metric"] == info.index_code]
    base = main[
        [
            "unit_id",
            "scope_code",
            "value",
            "max_value",
            "ci_low",
            "ci_high",
            "rank",
            "rank_low",
            "rank_high",
            "grp",
            "n",
        ]
    ].copy()
    meta = units[["unit_id", "kind", "code", "name_vi", "name_en", "region_code"]]
    table = base.merge(meta, on="unit_id", how="left")
    wanted = [m.code for m in metrics[1:]]
    others = unit_rows[unit_rows["metric"].isin(wanted)]
    if not others.empty:
        wide = others.pivot_table(index="unit_id", columns="metric", values="value", aggfunc="first")
        table = table.merge(wide, left_on="unit_id", right_index=True, how="left")
    table["ranked"] = table["rank"].notna()
    table["rank"] = table["rank"].astype("Int64")
    table["tied"] = tied(table["rank"])
    table = table.sort_values(["ranked", "rank", "code"], ascending=[False, True, True], na_position="last")
    ordered = [c for c in UNIT_COLUMNS if c in table.columns] + [c for c in wanted if c in table.columns]
    national_rows = rows[rows["scope"] == "national"]
    national = {
        str(m): float(v) for m, v in zip(national_rows["metric"], national_rows["value"], strict=False) if pd.notna(v)
    }
    regions = rows[rows["scope"] == "region"][["scope_code", "metric", "value", "n"]].rename(
        columns={"scope_code": "region_code"}
    )
    return SetTables(
        info=info,
        units=table[ordered].reset_index(drop=True),
        rows=rows.reset_index(drop=True),
        metrics=metrics,
        national=national,
        regions=regions.reset_index(drop=True),
        precision=spec.precision if spec else Precision(),
        tie_rule=spec.tie_rule if spec else "competition",
        grade_order=tuple(g.code for g in spec.grade_order()) if spec else (),
        names={
            int(u): (vi, en) for u, vi, en in zip(units["unit_id"], units["name_vi"], units["name_en"], strict=False)
        },
        region_names={}
        if region_table is None
        else {
            str(c): (vi, en)
            for c, vi, en, scheme in zip(
                region_table["code"],
                region_table["name_vi"],
                region_table["name_en"],
                region_table["scheme"],
                strict=False,
            )
            if scheme == "gso6"
        },
    )


def percent_of_max(value: Any, max_value: Any) -> float:
    """A value in % of its maximum (values already in % or with no maximum are returned as they are)."""
    if value is None or pd.isna(value):
        return float("nan")
    if max_value is None or pd.isna(max_value) or float(max_value) in (0.0, 100.0):
        return float(value)
    return float(value) / float(max_value) * 100.0


def ranked_table(tables: SetTables, metric: MetricInfo | str) -> pd.DataFrame:
    """The unit table ordered on ``metric`` with ``sort_rank`` and ``sort_tied`` (the published rank for the
    index; the one ranking among ranked units for another metric), unranked units last."""
    out = tables.units.copy()
    out["sort_rank"] = tables.ranks_of(metric).to_numpy()
    out["sort_rank"] = out["sort_rank"].astype("Int64")
    out["sort_tied"] = tied(out["sort_rank"])
    return out.sort_values(["sort_rank", "code"], na_position="last").reset_index(drop=True)
