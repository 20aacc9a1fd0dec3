"""Field problems of the demo surveys: invalid forms and suspicious interviewers (moved out of simulate.py).

* ~1.2 % of household forms are invalid, each consistent with its reason (``incomplete``: most answers empty;
  ``duplicate_respondent``: copies another form of the village, phone included; ``out_of_frame``: village outside
  the sampled frame; ``failed_backcheck``), giving the published valid rate of about 98.8 % (2023: 98.84 %).
* A few interviewers a year are planted with a suspicious pattern (:data:`SUSPICIOUS_PATTERNS`) and returned as
  ground truth for back-check code; the simulated back-check already caught some of their forms.

Every draw comes from :func:`backend.demo.spec.rng_for` keyed by stage and year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backend.demo.spec import DEMO_LABEL, PHONE_PREFIX, PHONE_RANDOM_DIGITS, ScaleSpec, rng_for

#: Share of normal household forms that are invalid, and the reasons' shares.
SIPAS_INVALID_RATE = 0.008
SIPAS_INVALID_REASONS: tuple[tuple[str, float], ...] = (
    ("incomplete", 0.45),
    ("duplicate_respondent", 0.2),
    ("out_of_frame", 0.2),
    ("failed_backcheck", 0.15),
)
PAR_INVALID_RATE = 0.006
PAR_INVALID_REASONS: tuple[tuple[str, float], ...] = (("incomplete", 0.7), ("duplicate_respondent", 0.3))
#: Share of a suspicious interviewer's forms that the (simulated) back-check already caught.
SUSPICIOUS_CAUGHT_RATE = 0.15
SUSPICIOUS_PATTERNS: tuple[str, ...] = (
    "straight_lining",  # every form: the same answer on every item (zero within-form variance), none empty
    "many_per_day",  # all forms collected on one day (normal: spread over ~10 days)
    "outside_fieldwork",  # forms dated after the fieldwork window
    "same_phone_prefix",  # all respondent phones share one prefix (normal: random)
    "near_duplicates",  # respondents with nearly identical answers and phones one digit apart
)

_SURNAMES = (
    *("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"),
    *("Dương", "Lý"),
)
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Kim", "Xuân", "Hoài")
_GIVEN = (
    *("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan"),
    *("Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung"),
    *("Tuấn", "Vân", "Yến"),
)


@dataclass
class FieldForms:
    """The mutable per-form columns field problems act on (one entry per form, in form order)."""

    values: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    day: np.ndarray
    phones: list[str]
    villages: list[str]


def interviewer_name(seed: int, code: str) -> str:
    rng = rng_for(seed, "interviewer-name", code)
    surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
    middle = _MIDDLE[int(rng.integers(len(_MIDDLE)))]
    given = _GIVEN[int(rng.integers(len(_GIVEN)))]
    return f"{DEMO_LABEL} {surname} {middle} {given}"


def phones(rng: np.random.Generator, n: int) -> list[str]:
    numbers = rng.integers(0, 10**PHONE_RANDOM_DIGITS, n)
    return [f"{PHONE_PREFIX}{x:0{PHONE_RANDOM_DIGITS}d}" for x in numbers.tolist()]


def pick_reasons(rng: np.random.Generator, n: int, reasons: Sequence[tuple[str, float]]) -> list[str]:
    names = [r for r, _ in reasons]
    probs = np.array([p for _, p in reasons])
    return [names[i] for i in rng.choice(len(names), size=n, p=probs / probs.sum()).tolist()]


def plant_suspicious(
    seed: int,
    scale: ScaleSpec,
    year: int,
    units: Sequence[tuple[str, str]],
    commune_of_form: np.ndarray,
    commune_interviewer: Sequence[str],
    commune_unit: Sequence[int],
    window: int,
    forms: FieldForms,
) -> tuple[list[dict[str, object]], np.ndarray]:
    """Give one commune's interviewer per chosen unit a suspicious pattern; returns the ground truth and the
    mask of the forms concerned."""
    rng = rng_for(seed, "sipas-suspicious", year)
    n_items = forms.values.shape[1]
    n_suspicious = min(len(SUSPICIOUS_PATTERNS) * scale.suspicious_per_pattern, len(units))
    chosen_units = rng.choice(len(units), n_suspicious, replace=False).tolist() if n_suspicious else []
    truth: list[dict[str, object]] = []
    mask = np.zeros(len(forms.status), dtype=bool)
    for j, u in enumerate(chosen_units):
        pattern = SUSPICIOUS_PATTERNS[j % len(SUSPICIOUS_PATTERNS)]
        own = [c for c, cu in enumerate(commune_unit) if cu == u]
        c = own[int(rng.integers(len(own)))]
        rows = np.flatnonzero(commune_of_form == c)
        mask[rows] = True
        _apply_pattern(pattern, rows, rng, window, n_items, forms)
        caught = rows[rng.random(len(rows)) < SUSPICIOUS_CAUGHT_RATE]
        forms.status[caught] = "invalid"
        forms.reason[caught] = "failed_backcheck"
        truth.append(
            {
                "year": year,
                "interviewer_code": commune_interviewer[c],
                "pattern": pattern,
                "unit_kind": units[u][0],
                "unit_code": units[u][1],
                "forms": len(rows),
            }
        )
    return truth, mask


def _apply_pattern(
    pattern: str, rows: np.ndarray, rng: np.random.Generator, window: int, n_items: int, forms: FieldForms
) -> None:
    values = forms.values
    if pattern == "straight_lining":
        values[rows, :] = rng.choice(np.array([3, 4, 5], dtype=np.int8), size=len(rows), p=[0.1, 0.5, 0.4])[:, None]
    elif pattern == "many_per_day":
        forms.day[rows] = int(rng.integers(0, window + 1))
    elif pattern == "outside_fieldwork":
        forms.day[rows] = window + rng.integers(5, 41, size=len(rows))
    elif pattern == "same_phone_prefix":
        stem = f"{PHONE_PREFIX}{int(rng.integers(0, 1000)):03d}"
        for r in rows.tolist():
            forms.phones[r] = f"{stem}{int(rng.integers(0, 1000)):03d}"
    elif pattern == "near_duplicates":
        template = values[rows[0]].copy()
        template[template == 0] = 4
        stem = forms.phones[rows[0]][:-2]
        for k, r in enumerate(rows.tolist()):
            row = template.copy()
            flips = rng.choice(n_items, size=int(rng.integers(0, 3)), replace=False)
            row[flips] = np.clip(row[flips] + rng.choice(np.array([-1, 1], dtype=np.int8), size=len(flips)), 1, 5)
            values[r] = row
            forms.phones[r] = f"{stem}{k % 100:02d}"


def mark_invalid_sipas(
    seed: int,
    year: int,
    village_of_form: np.ndarray,
    spare: Sequence[tuple[str, ...]],
    skip: np.ndarray,
    forms: FieldForms,
) -> None:
    """Make ~:data:`SIPAS_INVALID_RATE` of the forms not in ``skip`` invalid, each consistent with its reason."""
    rng = rng_for(seed, "sipas-invalid", year)
    n, n_items = forms.values.shape
    candidates = np.flatnonzero(~skip & (rng.random(n) < SIPAS_INVALID_RATE))
    for r, why in zip(candidates.tolist(), pick_reasons(rng, len(candidates), SIPAS_INVALID_REASONS), strict=True):
        forms.status[r] = "invalid"
        forms.reason[r] = why
        if why == "incomplete":
            forms.values[r, rng.random(n_items) < rng.uniform(0.5, 0.9)] = 0
        elif why == "duplicate_respondent":
            other = r - 1 if r > 0 and village_of_form[r - 1] == village_of_form[r] else r + 1
            if 0 <= other < n and village_of_form[other] == village_of_form[r]:
                forms.values[r] = forms.values[other]
                forms.phones[r] = forms.phones[other]
        elif why == "out_of_frame":
            choices = spare[int(village_of_form[r])]
            if choices:
                forms.villages[r] = choices[int(rng.integers(len(choices)))]


def mark_invalid_par(
    seed: int, year: int, scope: str, unit_of_form: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Status and reason of each PAR survey form: ~:data:`PAR_INVALID_RATE` invalid (incomplete or duplicate)."""
    n, n_items = values.shape
    status = np.array(["valid"] * n, dtype=object)
    reason = np.array([None] * n, dtype=object)
    rng = rng_for(seed, "par-invalid", year, scope)
    candidates = np.flatnonzero(rng.random(n) < PAR_INVALID_RATE)
    for r, why in zip(candidates.tolist(), pick_reasons(rng, len(candidates), PAR_INVALID_REASONS), strict=True):
        status[r] = "invalid"
        reason[r] = why
        if why == "incomplete":
            values[r, rng.random(n_items) < rng.uniform(0.5, 0.9)] = 0
        elif r > 0 and unit_of_form[r - 1] == unit_of_form[r]:
            values[r] = values[r - 1]
    return status, reason
