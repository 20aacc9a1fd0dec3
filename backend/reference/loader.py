"""Load data/reference/*.csv into the store. Idempotent: rows are matched on their natural keys
(region scheme+code, unit kind+code, lineage link, year) and updated in place, never duplicated."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from backend.errors import ValidationError
from backend.i18n import bilingual, t
from backend.models import EvaluationYear, Region, Unit, UnitLineage

FIRST_YEAR = 2012  # first PAR INDEX evaluation year
LAST_YEAR = 2030  # last year of the 876/QĐ-BNV period
PROVINCES_34_FROM = dt.date(2025, 7, 1)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as dicts of strings (codes keep their leading zeros)."""
    if not path.exists():
        raise ValidationError.of("reference.file_missing", name=path.name)
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _bool(value: str) -> bool:
    return value.strip().lower() == "true"


@dataclass
class LoadReport:
    regions: int = 0
    units: int = 0
    lineage: int = 0
    years: int = 0

    def text(self, lang: str = "en") -> str:
        """The row counts, in ``lang``."""
        return t(
            "reference.report", lang, regions=self.regions, units=self.units, lineage=self.lineage, years=self.years
        )

    def __str__(self) -> str:
        return self.text()


def _upsert(session: Session, existing: object | None, new: object) -> object:
    if existing is None:
        session.add(new)
        return new
    for key, value in new.model_dump(exclude={"id"}).items():  # type: ignore[attr-defined]
        setattr(existing, key, value)
    return existing


def unit_rows(reference_dir: Path) -> list[Unit]:
    """Unit objects (not yet in a session) from the provinces and ministries files."""
    units: list[Unit] = []
    for kind, filename, default_from, basis in (
        ("province_63", "provinces_63.csv", dt.date(2008, 8, 1), ""),
        ("province_34", "provinces_34.csv", PROVINCES_34_FROM, "provisional"),
    ):
        for row in read_csv(reference_dir / filename):
            units.append(
                Unit(
                    kind=kind,
                    code=row["code"],
                    name_vi=row["name_vi"],
                    name_en=row["name_en"],
                    full_name_vi=row["full_name_vi"],
                    unit_type=row["kind"],
                    region_code=row["region_code"],
                    region_code_nq306=row.get("region_code_nq306") or None,
                    iso_3166_2=row.get("iso_3166_2") or None,
                    valid_from=_date(row["valid_from"]) or default_from,
                    valid_to=_date(row["valid_to"]),
                    flags_basis=basis,
                    note=row["note"],
                )
            )
    for row in read_csv(reference_dir / "ministries.csv"):
        units.append(
            Unit(
                kind="ministry",
                code=row["code"],
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                full_name_vi=row["name_vi"],
                unit_type=row["kind"],
                valid_from=_date(row["valid_from"]) or dt.date(FIRST_YEAR, 1, 1),
                valid_to=_date(row["valid_to"]),
                par_assessed=_bool(row["par_assessed"]),
                par_ranked=_bool(row["par_ranked"]),
                flags_basis=row.get("par_flags_basis", ""),
            )
        )
    return units


def load_reference(session: Session, reference_dir: Path) -> LoadReport:
    """Load or refresh every reference table; returns the row counts now in the store."""
    report = LoadReport()
    for scheme, filename in (("gso6", "regions.csv"), ("nq306", "regions_nq306.csv")):
        for row in read_csv(reference_dir / filename):
            existing = session.exec(
                select(Region).where(Region.scheme == scheme, Region.code == row["region_code"])
            ).first()
            _upsert(
                session,
                existing,
                Region(
                    scheme=scheme,
                    code=row["region_code"],
                    name_vi=row["name_vi"],
                    name_en=row["name_en"],
                    sort_order=int(row["sort_order"]),
                    note=row.get("note", ""),
                ),
            )
            report.regions += 1

    by_key: dict[tuple[str, str], Unit] = {(u.kind, u.code): u for u in session.exec(select(Unit)).all()}
    for unit in unit_rows(reference_dir):
        by_key[(unit.kind, unit.code)] = _upsert(session, by_key.get((unit.kind, unit.code)), unit)  # type: ignore[assignment]
        report.units += 1
    session.flush()

    existing_links: dict[tuple[int, int, str, dt.date], UnitLineage] = {
        (link.old_unit_id, link.new_unit_id, link.relation, link.effective): link
        for link in session.exec(select(UnitLineage)).all()
    }
    problems: list[str] = []
    for number, row in enumerate(read_csv(reference_dir / "unit_lineage.csv"), start=2):
        old = by_key.get((row["old_kind"], row["old_code"]))
        new = by_key.get((row["new_kind"], row["new_code"]))
        if old is None or new is None:
            old_unit, new_unit = f"{row['old_kind']}:{row['old_code']}", f"{row['new_kind']}:{row['new_code']}"
            problems.append(bilingual("reference.lineage_unknown_unit", line=number, old=old_unit, new=new_unit))
            continue
        assert old.id is not None and new.id is not None
        effective = dt.date.fromisoformat(row["effective"])
        key = (old.id, new.id, row["relation"], effective)
        link = UnitLineage(
            old_unit_id=old.id, new_unit_id=new.id, effective=effective, relation=row["relation"], note=row["note"]
        )
        existing_links[key] = _upsert(session, existing_links.get(key), link)  # type: ignore[assignment]
        report.lineage += 1
    if problems:
        raise ValidationError.of("reference.lineage_invalid", problems=problems)

    years = {y.year: y for y in session.exec(select(EvaluationYear)).all()}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        reference_date = dt.date(year, 12, 31)
        kind = "province_34" if reference_date >= PROVINCES_34_FROM else "province_63"
        note = bilingual("reference.year_note_34") if kind == "province_34" else ""
        _upsert(
            session,
            years.get(year),
            EvaluationYear(year=year, reference_date=reference_date, province_kind=kind, note=note),
        )
        report.years += 1
    session.flush()
    return report
