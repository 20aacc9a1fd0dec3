"""The methodology and the published record as the public app shows them.

* :func:`methodology_view`: every stored framework, its areas with their maxima, every provisional element
  (path, value used, why unverified, the basis of the working assumption), and every visible result version
  (which one is shown, errata).
* :func:`record_view`: the official figures we hold as printed, each with its source; derived and uncertain
  figures flagged. Official only: no demo number is ever part of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from backend.i18n import t
from backend.ingest.published import aggregate_kind, national_mean_scope, strip_notes
from backend.published.sets import Catalogue

URL = re.compile(r"https?://\S+")
_LEGAL = re.compile(r"^(Quyết định|Nghị định|Thông tư|Nghị quyết)\s+(\S+)(?:\s+ngày\s+(\d{1,2}/\d{1,2}/\d{4}))?")
_NUMBER = re.compile(r"\d+/\d{0,4}/?[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
_LEGAL_KIND = {"Quyết định": "decision", "Nghị định": "decree", "Thông tư": "circular", "Nghị quyết": "resolution"}
SCOPE_UNIT_TYPE = {"province": "province", "ministry": "ministry"}


@dataclass(frozen=True)
class MethodologyView:
    frameworks: pd.DataFrame  # framework_id, code, version, index_code, unit_scope, years, status, titles, legal basis
    areas: pd.DataFrame  # framework_id, code, name_vi, name_en, max_points, provisional
    provisional: pd.DataFrame  # framework_id, path, value, basis_vi/en, assumption_basis_vi/en
    versions: pd.DataFrame  # every visible version: id, index_code, year, unit_scope, version, dataset_kind, ...


def methodology_view(
    frameworks: pd.DataFrame, criteria: pd.DataFrame, provisional: pd.DataFrame, catalogue: Catalogue
) -> MethodologyView:
    areas = criteria[criteria["level"] == "area"][
        ["framework_id", "code", "name_vi", "name_en", "max_points", "provisional"]
    ].reset_index(drop=True)
    versions = pd.DataFrame(
        [
            {
                "id": i.id,
                "index_code": i.index_code,
                "year": i.year,
                "unit_scope": i.unit_scope,
                "version": i.version,
                "dataset_kind": i.dataset_kind,
                "public_since": i.public_since,
                "shown": catalogue.is_current(i.id),
                "erratum": i.erratum,
            }
            for i in catalogue.versions
        ],
        columns=[
            "id",
            "index_code",
            "year",
            "unit_scope",
            "version",
            "dataset_kind",
            "public_since",
            "shown",
            "erratum",
        ],
    )
    return MethodologyView(frameworks, areas, provisional, versions)


@dataclass(frozen=True)
class RecordView:
    figures: pd.DataFrame  # the published record, filtered, with flags / source title / link columns
    years: list[int]
    unit_types: list[str]

    @property
    def n_derived(self) -> int:
        return int(self.figures["is_derived"].sum())

    @property
    def n_uncertain(self) -> int:
        return int(self.figures["is_uncertain"].sum())


def flag_text(derived: bool, uncertain: bool, lang: str) -> str:
    flags = []
    if uncertain:
        flags.append("⚠ " + t("record.flag.uncertain", lang))
    if derived:
        flags.append("△ " + t("record.flag.derived", lang))
    return " · ".join(flags)


def record_view(
    record: pd.DataFrame,
    lang: str,
    *,
    year: int | None = None,
    index: str | None = None,
    unit_type: str | None = None,
    unit_names: Mapping[int, str] | None = None,
    region_names: Mapping[str, str] | None = None,
) -> RecordView:
    """The record filtered by year, index (the metric or its sub-metrics) and unit type, each row with its
    unit's name in the reader's language (``unit_label``)."""
    sel = record
    if year is not None:
        sel = sel[sel["year"] == year]
    if index:
        sel = sel[(sel["metric"] == index) | sel["metric"].str.startswith(index + ".")]
    if unit_type:
        sel = sel[sel["unit_type"] == unit_type]
    sel = sel.assign(
        flags=[flag_text(d, u, lang) for d, u in zip(sel["is_derived"], sel["is_uncertain"], strict=False)],
        unit_label=[
            unit_label({str(k): v for k, v in r.items()}, lang, unit_names or {}, region_names or {})
            for r in sel.to_dict("records")
        ],
        source_title=[source_title(s) for s in sel["source"]],
        link=pd.Series([source_link(s) for s in sel["source"]], index=sel.index, dtype=object),
    )
    return RecordView(
        sel.reset_index(drop=True),
        sorted({int(y) for y in record["year"]}, reverse=True),
        sorted(record["unit_type"].unique()),
    )


_REGION_SHORT = {"ĐBSCL": "DBSCL"}


def unit_label(
    row: Mapping[str, object], lang: str, unit_names: Mapping[int, str], region_names: Mapping[str, str]
) -> str:
    """The name of a record row's unit in the reader's language: the matched unit's name, the region's name,
    or (aggregates) what the figure is ("Average of the 63 provinces"); the name as printed otherwise (and
    always in Vietnamese)."""
    printed = str(row["unit_name"])
    if lang == "vi":
        return printed
    unit_id = row.get("unit_id")
    if unit_id is not None and not pd.isna(unit_id) and int(unit_id) in unit_names:  # type: ignore[call-overload]
        return unit_names[int(unit_id)]  # type: ignore[call-overload]
    if row["unit_type"] == "region" and str(row.get("scope_code")) in region_names:
        return region_names[str(row["scope_code"])]
    if row["unit_type"] == "aggregate":
        scope = national_mean_scope(printed)
        if scope is not None:
            count = re.search(r"\d+", printed)
            return t(f"record.aggregate.mean_{scope}", lang, n=count.group(0) if count else "")
        kind = aggregate_kind(printed)
        if kind is not None:
            region = kind[1]
            return t(
                f"record.aggregate.{kind[0]}", lang, region=region_names.get(_REGION_SHORT.get(region, region), region)
            )
    return printed


def legal_basis_text(legal_basis: str, lang: str) -> str:
    """A framework's legal basis for the reader: as written in Vietnamese; in English its kind, number and
    date ("Decision 876/QĐ-BNV of 10/11/2022"), never the untranslated Vietnamese title."""
    if lang == "vi" or not legal_basis:
        return legal_basis
    match = _LEGAL.match(legal_basis)
    if not match:
        found = _NUMBER.search(legal_basis)
        return found.group(0) if found else t("legal.other", lang)
    kind, number, date = _LEGAL_KIND[match.group(1)], match.group(2), match.group(3)
    return t(f"legal.{kind}" + ("_dated" if date else ""), lang, number=number, date=date or "")


def source_title(source: str | None) -> str:
    """A source as cited, without its bracketed notes and its address (shown as a link beside it)."""
    return URL.sub("", strip_notes(source or "")).strip()


def source_link(source: str | None) -> str | None:
    """The address cited in a source text, if any."""
    match = URL.search(source or "")
    return match.group(0) if match else None


def never_published(index_code: str, unit_scope: str, year: int, record: pd.DataFrame) -> bool:
    """True when the ministry announced ``index_code`` for ``year`` (the record holds figures of it) but
    published no figure for this unit scope (e.g. no ministry ranking of 2024 was published [U])."""
    announced = record[(record["year"] == year) & (record["metric"] == index_code)]
    if announced.empty:
        return False
    return not (announced["unit_type"] == SCOPE_UNIT_TYPE.get(unit_scope, unit_scope)).any()
