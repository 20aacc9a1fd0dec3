"""Parameters of the demo generator: scales, calendar, labels, and the seeded random streams.

Everything random in the demo is drawn from a NumPy generator keyed by ``(seed, stage, key…)`` through
:func:`rng_for`. Keys are strings or integers hashed with CRC-32, so a stream never depends on dict or set
order, on the other years requested or on the clock: the same seed and parameters give the same data.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass

import numpy as np

from backend.errors import DomainError

#: Name of the one demo dataset (``dataset.name``); a second run finds it by this name.
DEMO_DATASET_NAME = "demo"
#: Bump when the simulation changes: stored data made by another version counts as "different parameters".
GENERATOR_VERSION = 5
#: First evaluation year of the household SIPAS design and of 876/QĐ-BNV (methodology.md §0, §3.1).
FIRST_DEMO_YEAR = 2022
#: Label put in front of every human-readable demo text (survey names, interviewer names, evidence titles).
DEMO_LABEL = "[DEMO]"
#: Prefix of every form code.
FORM_PREFIX = "DEMO"
#: Respondent phones are "0000" + 6 digits: shaped like a Vietnamese 10-digit number (leading 0, digits only)
#: but with no operator prefix, so no real subscriber can ever be reached by a back-check call or SMS.
PHONE_PREFIX = "0000"
PHONE_RANDOM_DIGITS = 6

SIPAS_GROUP = "household"


@dataclass(frozen=True)
class ScaleSpec:
    """Sizes of one scale. The SIPAS design is the one implied by the 2024 sample (methodology.md §3.4)."""

    name: str
    #: SIPAS respondents per sampled village, drawn uniformly in [low, high] (full: mean 32 → ~576 a province).
    village_size: tuple[int, int]
    #: PAR sociological survey forms a year across all units and groups (2023: 49,458 official forms).
    par_forms_total: int
    #: Share of the PAR survey forms that rate provinces (the rest rate ministries).
    par_province_share: float
    #: Suspicious interviewers planted per pattern and year.
    suspicious_per_pattern: int


SCALES: dict[str, ScaleSpec] = {
    "full": ScaleSpec(
        "full", village_size=(29, 35), par_forms_total=50_000, par_province_share=0.76, suspicious_per_pattern=2
    ),
    "small": ScaleSpec(
        "small", village_size=(4, 6), par_forms_total=2_500, par_province_share=0.76, suspicious_per_pattern=1
    ),
}

# SIPAS sample design: before 2025, 3 districts x 2 communes x 3 villages per province; from 2025-07-01 there are
# no districts, so 6 communes x 3 villages (the same 18 villages a province).
DISTRICTS_PER_PROVINCE = 3
COMMUNES_PER_DISTRICT = 2
COMMUNES_PER_PROVINCE_2LEVEL = 6
VILLAGES_PER_COMMUNE = 3
#: First evaluation year surveyed under the two-level local government (no districts).
TWO_LEVEL_FROM_YEAR = 2025


def sipas_fieldwork(year: int) -> tuple[dt.date, dt.date]:
    """SIPAS household fieldwork window, from the questionnaire file (data/questionnaires/sipas.yaml): the
    national window is not published [U]; mid-August to October is assumed, which for 2025 falls after the 34
    provinces took effect (2025-07-01)."""
    from backend.frameworks.questionnaire import default_dir, fieldwork_window

    return fieldwork_window(default_dir(), "SIPAS", year)


def par_fieldwork(year: int) -> tuple[dt.date, dt.date]:
    """Electronic survey of officials; window from data/questionnaires/par_survey.yaml (assumed [U])."""
    from backend.frameworks.questionnaire import default_dir, fieldwork_window

    return fieldwork_window(default_dir(), "PAR_SURVEY", year)


def rng_for(seed: int, *keys: str | int) -> np.random.Generator:
    """A NumPy generator for one stream: the seed plus CRC-32 of each key (stable across runs and platforms)."""
    words = [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF]
    words += [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(words))


def parse_years(text: str | list[int] | tuple[int, ...] | range) -> list[int]:
    """``"2022-2025"``, ``"2023"``, ``"2022,2024"`` (or a list of ints) → sorted distinct years ≥ 2022."""
    if isinstance(text, list | tuple | range):
        years = {int(y) for y in text}
    else:
        years = set()
        for part in str(text).replace(" ", "").split(","):
            if not part:
                continue
            match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
            if match is None:
                raise DomainError.of("demo_data.years_unreadable", text=text)
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if last < first:
                first, last = last, first
            years.update(range(first, last + 1))
    if not years:
        raise DomainError.of("demo_data.no_years")
    too_early = sorted(y for y in years if y < FIRST_DEMO_YEAR)
    if too_early:
        raise DomainError.of("demo_data.year_too_early", first=FIRST_DEMO_YEAR, year=too_early[0])
    return sorted(years)


def scale_spec(scale: str) -> ScaleSpec:
    try:
        return SCALES[scale]
    except KeyError:
        raise DomainError.of("demo_data.unknown_scale", scale=scale) from None


def check_seed(seed: int) -> int:
    if int(seed) < 0 or int(seed) >= 2**63:
        raise DomainError.of("demo_data.bad_seed")
    return int(seed)
