"""The demo's samples: which villages and how many households a province's SIPAS survey reaches, and how many
officials' forms rate each unit (pure, seeded; no answers here: backend/demo/simulate.py draws those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backend.demo.spec import (
    COMMUNES_PER_DISTRICT,
    COMMUNES_PER_PROVINCE_2LEVEL,
    DISTRICTS_PER_PROVINCE,
    FORM_PREFIX,
    TWO_LEVEL_FROM_YEAR,
    VILLAGES_PER_COMMUNE,
    ScaleSpec,
    rng_for,
)

UnitKey = tuple[str, str]  # (unit kind, unit code): the identity of a unit across the reference lists


@dataclass(frozen=True)
class Village:
    district_code: str | None
    commune_code: str
    village_code: str
    respondents: int
    #: villages of the same commune that are in the frame but not sampled (used for out-of-frame forms)
    spare_villages: tuple[str, ...]


def sipas_plan(seed: int, scale: ScaleSpec, year: int, unit: UnitKey) -> list[Village]:
    """Sampled villages of one province and year, with respondents per village.

    Before 2025: 3 districts x 2 communes x 3 villages drawn from a synthetic frame; from 2025 (two-level local
    government, no districts): 6 communes x 3 villages. Codes are readable synthetic codes
    (``<province>.H<district>.X<commune>.T<village>``), never real GSO codes.
    """
    rng = rng_for(seed, "sipas-plan", year, unit[0], unit[1])
    low, high = scale.village_size
    code = unit[1]
    villages: list[Village] = []

    def add_commune(district: str | None, commune: str) -> None:
        frame = int(rng.integers(VILLAGES_PER_COMMUNE + 3, 13))
        chosen = np.sort(rng.choice(frame, VILLAGES_PER_COMMUNE, replace=False)) + 1
        spare = tuple(f"{commune}.T{v:02d}" for v in range(1, frame + 1) if v not in set(chosen.tolist()))
        for v in chosen.tolist():
            villages.append(Village(district, commune, f"{commune}.T{v:02d}", int(rng.integers(low, high + 1)), spare))

    if year >= TWO_LEVEL_FROM_YEAR:
        frame = int(rng.integers(40, 121))
        for c in (np.sort(rng.choice(frame, COMMUNES_PER_PROVINCE_2LEVEL, replace=False)) + 1).tolist():
            add_commune(None, f"{code}.X{c:03d}")
    else:
        frame = int(rng.integers(8, 16))
        for d in (np.sort(rng.choice(frame, DISTRICTS_PER_PROVINCE, replace=False)) + 1).tolist():
            district = f"{code}.H{d:02d}"
            communes = int(rng.integers(10, 26))
            for c in (np.sort(rng.choice(communes, COMMUNES_PER_DISTRICT, replace=False)) + 1).tolist():
                add_commune(district, f"{district}.X{c:02d}")
    return villages


def sipas_plan_size(seed: int, scale: ScaleSpec, year: int, unit: UnitKey) -> int:
    return sum(v.respondents for v in sipas_plan(seed, scale, year, unit))


def par_unit_counts(seed: int, scale: ScaleSpec, year: int, scope: str, units: Sequence[UnitKey]) -> list[int]:
    """PAR survey forms rating each unit: the scope's share of the yearly total split evenly, ±15 %."""
    if not units:
        return []
    share = scale.par_province_share if scope == "province" else 1.0 - scale.par_province_share
    per_unit = scale.par_forms_total * share / len(units)
    return [
        max(5, round(per_unit * float(rng_for(seed, "par-count", year, k[0], k[1]).uniform(0.85, 1.15)))) for k in units
    ]


def par_plan(
    seed: int, scale: ScaleSpec, year: int, scope: str, units: Sequence[UnitKey], groups: Sequence[Any]
) -> pd.DataFrame:
    """The planned PAR survey forms of a scope: each unit's :func:`par_unit_counts` split by the scope's respondent
    groups' shares (rounded), one row per planned form (``unit`` position, ``respondent_group``)."""
    counts = par_unit_counts(seed, scale, year, scope, units)
    scope_groups = [g for g in groups if g.scope == scope]
    total = sum(g.share for g in scope_groups)
    rows = [(u, g.code) for u, n in enumerate(counts) for g in scope_groups for _ in range(round(n * g.share / total))]
    return pd.DataFrame(rows, columns=["unit", "respondent_group"])


@dataclass
class SipasFrame:
    """One row per form of the year's sample, and one entry per sampled commune (its interviewer and unit)."""

    codes: list[str] = field(default_factory=list)
    unit: list[int] = field(default_factory=list)
    village: list[int] = field(default_factory=list)
    commune: list[int] = field(default_factory=list)
    districts: list[str | None] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    interviewer: list[str] = field(default_factory=list)
    spare: list[tuple[str, ...]] = field(default_factory=list)
    commune_interviewer: list[str] = field(default_factory=list)
    commune_unit: list[int] = field(default_factory=list)


def sipas_frame(seed: int, scale: ScaleSpec, year: int, units: Sequence[UnitKey]) -> SipasFrame:
    """The year's sample plan as rows: one interviewer per sampled commune."""
    out = SipasFrame()
    for u, key in enumerate(units):
        seq = 0
        commune_seen: dict[str, int] = {}
        for village in sipas_plan(seed, scale, year, key):
            if village.commune_code not in commune_seen:
                commune_seen[village.commune_code] = len(out.commune_interviewer)
                out.commune_interviewer.append(f"{FORM_PREFIX}-IV{year}-{key[1]}-{len(commune_seen)}")
                out.commune_unit.append(u)
            c = commune_seen[village.commune_code]
            for _ in range(village.respondents):
                seq += 1
                out.unit.append(u)
                out.village.append(len(out.spare))
                out.commune.append(c)
                out.codes.append(f"{FORM_PREFIX}-S{year}-{key[1]}-{seq:04d}")
                out.districts.append(village.district_code)
                out.communes.append(village.commune_code)
                out.villages.append(village.village_code)
                out.interviewer.append(out.commune_interviewer[c])
            out.spare.append(village.spare_villages)
    return out
