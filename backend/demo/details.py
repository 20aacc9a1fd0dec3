"""Interview details of the demo's household forms: the respondent profile (facts) and interview times.

Pure and seeded, from streams of their own (``rng_for(seed, "sipas-profile" | "sipas-times", year)``), so adding
them changed no answer, date or phone drawn before. Profiles follow data/questionnaires/sipas.yaml: gender,
year of birth (age 18-80), and one to three services used (every demo household used a service, since every
demo form answers the service items). Interviews start between 07:30 and 16:30 Vietnam time on the day
collected and last a log-normal time around :data:`MEDIAN_MINUTES`; the forms of interviewers planted with a
fabrication pattern (:data:`FAST_PATTERNS`: answers copied or made up, or forty forms in a day) take a fraction
of that, as made-up interviews do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from backend.demo.spec import rng_for
from backend.frameworks.questionnaire import FactSpec

MEDIAN_MINUTES = 32.0
DURATION_SIGMA = 0.3
#: Patterns whose forms are made up quickly, and the share of the normal duration they take.
FAST_PATTERNS = ("straight_lining", "near_duplicates", "many_per_day")
FAST_FACTOR = 0.25
VIETNAM = dt.timezone(dt.timedelta(hours=7))


def profiles(seed: int, year: int, n: int, facts: Sequence[FactSpec]) -> list[str]:
    """JSON profile of each of ``n`` forms."""
    rng = rng_for(seed, "sipas-profile", year)
    out: dict[str, list[Any]] = {}
    for fact in facts:
        if fact.type == "integer" and fact.age is not None:
            ages = rng.integers(fact.age[0], min(fact.age[1], 80) + 1, size=n)
            out[fact.code] = (year - ages).tolist()
        elif fact.type == "select_one":
            codes = [c.code for c in fact.choices]
            out[fact.code] = [codes[i] for i in rng.integers(0, len(codes), size=n).tolist()]
        elif fact.type == "select_multiple":
            codes = [c.code for c in fact.choices if c.code != fact.exclusive]
            picks = []
            for k in rng.integers(1, 4, size=n).tolist():
                chosen = sorted(rng.choice(len(codes), size=k, replace=False).tolist())
                picks.append(" ".join(codes[i] for i in chosen))
            out[fact.code] = picks
    return [json.dumps({code: out[code][i] for code in out}, ensure_ascii=False) for i in range(n)]


def interview_times(
    seed: int, year: int, collected_on: Sequence[dt.date], fast: np.ndarray
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """Start and end (UTC) of each interview; ``fast`` marks the made-up ones."""
    rng = rng_for(seed, "sipas-times", year)
    n = len(collected_on)
    start_minutes = rng.integers(7 * 60 + 30, 16 * 60 + 30, size=n)
    minutes = MEDIAN_MINUTES * np.exp(rng.normal(0.0, DURATION_SIGMA, size=n))
    minutes = np.where(fast, minutes * FAST_FACTOR, minutes)
    starts, ends = [], []
    for day, begin, length in zip(collected_on, start_minutes.tolist(), minutes.tolist(), strict=True):
        local = dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(minutes=begin)
        start = local.astimezone(dt.UTC)
        starts.append(start)
        ends.append(start + dt.timedelta(seconds=round(length * 60)))
    return starts, ends


def fast_forms(forms: pd.DataFrame, suspicious: Sequence[dict[str, object]]) -> np.ndarray:
    """Forms of interviewers planted with a pattern of :data:`FAST_PATTERNS`."""
    codes = {str(s["interviewer_code"]) for s in suspicious if s["pattern"] in FAST_PATTERNS}
    return forms["interviewer_code"].isin(codes).to_numpy()
