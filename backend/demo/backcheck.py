"""The demo's back-check calls: what re-interviewing a drawn sample would find, written in the outcome file layout
that back-check staff import (backend/services/backchecks.py), and the score of the checks against the truth.

The world is simulated with the ground truth the generator kept in the dataset's parameters (which interviewers
were planted with which pattern); the checks never read it. Honest forms: 10 % of numbers not reached; facts
repeated (a year of birth off by one now and then); opinions re-asked with test-retest noise (same answer 60 %,
±1 35 %, ±2 5 %). Forms of planted interviewers were made up in part: their numbers often reach nobody or a
respondent who says the interview did not happen, and what is re-asked often differs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from backend.demo.spec import rng_for

#: items re-asked by the demo's back-check calls (one per block of the questionnaire)
REASKED = ("POL.P1.C1", "POL.P4.C3", "SRV.E2.C4", "SRV.E3.C1", "OVERALL")
#: per planted pattern: shares of not reached, contradicts; share of re-asked answers that are made up
PLANTED = {
    "straight_lining": (0.25, 0.35, 0.8),
    "near_duplicates": (0.25, 0.35, 0.8),
    "many_per_day": (0.15, 0.4, 0.5),
    "outside_fieldwork": (0.25, 0.45, 0.5),
    "same_phone_prefix": (0.7, 0.2, 0.8),
}
HONEST = (0.10, 0.0, 0.0)


def truth(parameters: str | dict[str, Any]) -> dict[str, str]:
    """Planted interviewer code → pattern, from a demo dataset's parameters."""
    params = json.loads(parameters) if isinstance(parameters, str) else parameters
    return {
        str(t["interviewer_code"]): str(t["pattern"])
        for t in params.get("ground_truth", {}).get("suspicious_interviewers", [])
    }


def simulate_outcomes(
    cases: pd.DataFrame, survey_items: Sequence[str], values: np.ndarray, planted: dict[str, str], seed: int
) -> bytes:
    """The outcome file (CSV) of ``cases`` (columns form, form_code, interviewer, facts, row = position of the form
    in ``values``)."""
    rng = rng_for(seed, "demo-backcheck")
    reasked = [c for c in REASKED if c in survey_items]
    col_of = {c: survey_items.index(c) for c in reasked}
    rows = []
    for form_code, interviewer, facts_text, position in zip(
        cases["form_code"], cases["interviewer"], cases["facts"], cases["row"], strict=True
    ):
        lost, contra, made_up = PLANTED.get(planted.get(str(interviewer), ""), HONEST)
        draw = rng.random()
        outcome = "not_reached" if draw < lost else "contradicts" if draw < lost + contra else "confirmed"
        row: dict[str, Any] = {
            "form_code": form_code,
            "outcome": outcome,
            "checked_on": "",
            "checked_by": "demo",
            "note": "[DEMO]",
        }
        if outcome != "not_reached":
            facts = json.loads(facts_text) if isinstance(facts_text, str) else {}
            for code, value in facts.items():
                row[code] = _fact_again(rng, code, value, made_up)
            for code in reasked:
                original = int(values[int(position), col_of[code]])
                row[code] = _opinion_again(rng, original, made_up)
        rows.append(row)
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _fact_again(rng: np.random.Generator, code: str, value: Any, made_up: float) -> Any:
    if rng.random() < made_up * 0.6:  # the real respondent differs from the invented one
        if code == "gender":
            return "male" if value == "female" else "female"
        if code == "birth_year":
            return int(value) + int(rng.integers(3, 15)) * (1 if rng.random() < 0.5 else -1)
        return "other"
    if code == "birth_year" and rng.random() < 0.03:
        return int(value) + 1
    return value


def _opinion_again(rng: np.random.Generator, original: int, made_up: float) -> str:
    if original == 0:
        return ""
    if rng.random() < made_up:
        return str(int(rng.integers(1, 6)))
    step = rng.choice([0, 1, 2], p=[0.6, 0.35, 0.05]) * (1 if rng.random() < 0.5 else -1)
    return str(int(np.clip(original + step, 1, 5)))


def score(planted: dict[str, str], flagged: Iterable[str], interviewers: Iterable[str]) -> dict[str, int]:
    """How many planted and how many honest interviewers a check flagged."""
    everyone = {str(i) for i in interviewers}
    hit = {str(f) for f in flagged} & everyone
    bad = set(planted) & everyone
    return {
        "planted": len(bad),
        "planted_flagged": len(hit & bad),
        "honest": len(everyone - bad),
        "honest_flagged": len(hit - bad),
    }
