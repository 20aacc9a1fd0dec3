"""Administrative units with validity periods, their lineage, and the socio-economic regions.

Unit identity is not geography: a unit is identified by (kind, code) where kind says which list it
belongs to (``province_63``, ``province_34``, ``ministry``). The 63- and 34-province lists reuse codes
with different meanings, so the kind is part of the key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

UNIT_KINDS = ("province_63", "province_34", "ministry")
LINEAGE_RELATIONS = ("merged_into", "renamed", "split_part", "continues")


class Region(SQLModel, table=True):
    """A socio-economic region. ``scheme`` is ``gso6`` (the six used in MOHA reports) or ``nq306``."""

    __tablename__ = "region"
    __table_args__ = (UniqueConstraint("scheme", "code", name="uq_region_scheme_code"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme: str = Field(max_length=16)
    code: str
    name_vi: str
    name_en: str
    sort_order: int
    note: str = ""


class UnitBase(SQLModel):
    kind: str = Field(max_length=16, index=True)
    code: str
    name_vi: str
    name_en: str
    full_name_vi: str = ""
    unit_type: str = Field(description="city | province | ministry | ministry_level_agency")
    region_code: str | None = Field(default=None, description="GSO six-region code")
    region_code_nq306: str | None = None
    iso_3166_2: str | None = Field(default=None, max_length=8)
    valid_from: dt.date
    valid_to: dt.date | None = None
    par_assessed: bool = True
    par_ranked: bool = True
    flags_basis: str = ""
    note: str = ""


class Unit(UnitBase, table=True):
    """A province (63 or 34 list) or a ministry / ministry-level agency, as it existed in a period."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_unit_kind_code"),
        CheckConstraint("kind IN ('province_63','province_34','ministry')", name="ck_unit_kind"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_unit_validity"),
    )

    id: int | None = Field(default=None, primary_key=True)

    @property
    def is_province(self) -> bool:
        return self.kind.startswith("province")

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class UnitLineage(SQLModel, table=True):
    """One predecessor → successor link (old unit → new unit) effective on a date."""

    __tablename__ = "unit_lineage"
    __table_args__ = (
        UniqueConstraint(
            "old_unit_id",
            "new_unit_id",
            "relation",
            "effective",
            name="uq_lineage_link",
        ),
        CheckConstraint(
            "relation IN ('merged_into','renamed','split_part','continues')",
            name="ck_lineage_relation",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    old_unit_id: int = Field(foreign_key="unit.id", index=True)
    new_unit_id: int = Field(foreign_key="unit.id", index=True)
    effective: dt.date
    relation: str = Field(max_length=16)
    note: str = ""


class EvaluationYear(SQLModel, table=True):
    """An evaluation year and the date on which its unit lists are resolved.

    ``reference_date`` is the last day of the year: 2024 → 63 provinces, 22 ministry units;
    2025 → 34 provinces, the ministries formed on 2025-03-01.
    """

    __tablename__ = "evaluation_year"

    year: int = Field(primary_key=True)
    reference_date: dt.date
    province_kind: str = Field(max_length=16)
    note: str = ""
