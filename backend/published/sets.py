"""Visible result sets as typed values: :class:`ResultSetInfo` (one set) and :class:`Catalogue` (what is shown).

A set is *visible* when it is published and its embargo has passed (the one rule, applied by the store
query in :mod:`backend.services.public_query`); the catalogue holds every visible version and, per index,
unit scope and year, the one *current* set that pages show: official data before demo data, then the newest
version, then the latest publication. Older visible versions stay reachable by id (citations, errata).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from backend.demo.source import source_text

INDEXES = ("PAR_INDEX", "SIPAS")
SCOPES = ("province", "ministry")


def _when(value: Any) -> dt.datetime | None:
    if value is None or (not isinstance(value, dt.datetime) and pd.isna(value)):
        return None
    moment = pd.Timestamp(value).to_pydatetime()
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class ResultSetInfo:
    """One visible result set: what it is, where its data and method come from, when it was published."""

    id: int
    index_code: str
    year: int
    unit_scope: str
    version: int
    dataset_name: str
    dataset_kind: str
    framework_id: int
    framework_code: str
    framework_version: str
    framework_status: str
    framework_title_vi: str
    framework_title_en: str
    legal_basis: str
    inputs_hash: str
    computed_at: dt.datetime | None
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    supersedes_id: int | None
    erratum: str
    dataset_source_vi: str = ""
    dataset_source_en: str = ""
    erratum_changes: str = ""  # JSON of what a correction changed (backend/services/versions.py)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ResultSetInfo:
        source_vi, source_en = source_text(
            {"kind": record["dataset_kind"], "parameters": record.get("dataset_parameters") or "{}"}
        )
        supersedes = record.get("supersedes_id")
        return cls(
            id=int(record["id"]),
            index_code=str(record["index_code"]),
            year=int(record["year"]),
            unit_scope=str(record["unit_scope"]),
            version=int(record["version"]),
            dataset_name=str(record["dataset_name"]),
            dataset_kind=str(record["dataset_kind"]),
            framework_id=int(record["framework_id"]),
            framework_code=str(record["framework_code"]),
            framework_version=str(record["framework_version"]),
            framework_status=str(record["framework_status"]),
            framework_title_vi=str(record.get("framework_title_vi") or ""),
            framework_title_en=str(record.get("framework_title_en") or ""),
            legal_basis=str(record.get("legal_basis") or ""),
            inputs_hash=str(record.get("inputs_hash") or ""),
            computed_at=_when(record.get("computed_at")),
            publish_at=_when(record.get("publish_at")),
            published_at=_when(record.get("published_at")),
            supersedes_id=None if supersedes is None or pd.isna(supersedes) else int(supersedes),
            erratum=str(record.get("erratum") or ""),
            erratum_changes=str(record.get("erratum_changes") or ""),
            dataset_source_vi=source_vi,
            dataset_source_en=source_en,
        )

    @property
    def is_demo(self) -> bool:
        return self.dataset_kind == "demo"

    @property
    def is_provisional(self) -> bool:
        return self.framework_status == "provisional"

    @property
    def public_since(self) -> dt.datetime | None:
        """When the set became public: its embargo time, else its publication time."""
        return self.publish_at or self.published_at

    def framework_title(self, lang: str) -> str:
        return self.framework_title_vi if lang == "vi" else self.framework_title_en

    def dataset_source(self, lang: str) -> str:
        """Where the figures come from: the ministry, or for demo data the generator that made them."""
        return self.dataset_source_vi if lang == "vi" else self.dataset_source_en


@dataclass(frozen=True)
class Catalogue:
    """Every visible version, and the current set per (index, scope, year)."""

    versions: tuple[ResultSetInfo, ...]
    current: tuple[ResultSetInfo, ...]

    @classmethod
    def from_sets(cls, sets: Iterable[ResultSetInfo]) -> Catalogue:
        versions = tuple(sorted(sets, key=lambda s: (s.index_code, s.unit_scope, s.year, s.version, s.id)))
        chosen: dict[tuple[str, str, int], ResultSetInfo] = {}
        for info in versions:
            key = (info.index_code, info.unit_scope, info.year)
            if key not in chosen or _preference(info) > _preference(chosen[key]):
                chosen[key] = info
        return cls(versions, tuple(chosen[k] for k in sorted(chosen)))

    @property
    def empty(self) -> bool:
        return not self.current

    def indexes(self) -> list[str]:
        present = {s.index_code for s in self.current}
        return [code for code in INDEXES if code in present]

    def years(self, index_code: str) -> list[int]:
        """Years with a current set of the index, newest first."""
        return sorted({s.year for s in self.current if s.index_code == index_code}, reverse=True)

    def scopes(self, index_code: str, year: int | None = None) -> list[str]:
        present = {s.unit_scope for s in self.current if s.index_code == index_code and year in (None, s.year)}
        return [scope for scope in SCOPES if scope in present]

    def get(self, index_code: str, unit_scope: str, year: int) -> ResultSetInfo | None:
        return next(
            (s for s in self.current if (s.index_code, s.unit_scope, s.year) == (index_code, unit_scope, year)),
            None,
        )

    def series(self, index_code: str, unit_scope: str) -> tuple[ResultSetInfo, ...]:
        """The current sets of one index and scope, oldest year first."""
        return tuple(s for s in self.current if s.index_code == index_code and s.unit_scope == unit_scope)

    def previous(self, info: ResultSetInfo) -> ResultSetInfo | None:
        """The current set of the same index and scope for the latest earlier year."""
        earlier = [s for s in self.series(info.index_code, info.unit_scope) if s.year < info.year]
        return earlier[-1] if earlier else None

    def superseded_by(self, info: ResultSetInfo) -> ResultSetInfo | None:
        """The newest visible correction of ``info`` (a version whose ``supersedes_id`` is its id), or None."""
        newer = [s for s in self.versions if s.supersedes_id == info.id]
        return max(newer, key=lambda s: s.version) if newer else None

    def by_id(self, set_id: int) -> ResultSetInfo | None:
        return next((s for s in self.versions if s.id == set_id), None)

    def is_current(self, set_id: int) -> bool:
        return any(s.id == set_id for s in self.current)


def _preference(info: ResultSetInfo) -> tuple[int, int, dt.datetime, int]:
    """Official before demo, then the newest version, the latest publication, the highest id."""
    since = info.published_at or info.publish_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    return (int(info.dataset_kind == "official"), info.version, since, info.id)
