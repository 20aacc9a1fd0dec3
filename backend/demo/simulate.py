"""Pure simulation of survey forms and answers (NumPy/pandas in, NumPy/pandas out; no database).

What is simulated, and why
--------------------------
* **Latent quality of a unit** (:class:`Latent`). Each province and ministry gets a seeded quality
  ``base ~ N(0, 1)`` that persists over the years, plus a small yearly drift, so province differences persist
  (year-to-year rank correlation stays high) without being frozen. A unit formed by a merger (the 34 provinces of
  2025, the ministries of 2025-03-01) takes the mean of its predecessors' qualities weighted by their number of
  forms, so trends across the merger make sense. A soft cap (``2·tanh(q/2)``) avoids implausible outliers.
* **Answers** follow an ordered-probit model: for form *f* and item *i*,
  ``z = mu(unit, year) + village + leniency_f + block + item + noise``; the answer is 1..5 by cutting ``z`` at
  :data:`THRESHOLDS`, and "satisfied" (4 or 5) means ``z > 0``. The respondent-level leniency makes answers of one
  respondent correlated; the village effect makes the cluster sample clustered; block and item effects give
  stable item difficulties (participation in policy making is rated lowest, civil servants' conduct highest).
  About 3 % of answers are "no answer" (0 here, NULL in the store), with a propensity that varies by respondent.
  The constants are calibrated so that the share of 4-5 answers per province lies around 75-92 % with a national
  figure of about 82-84 % in 2023, as published (SIPAS 2023: 75.03-90.61, national 82.66), with a gentle
  national upward trend of :data:`TREND_PER_YEAR` z-units a year.
* **Field problems**: ~1.2 % of household forms are invalid, each consistent with its reason
  (``incomplete``: most answers empty; ``duplicate_respondent``: copies another form of the village, phone
  included; ``out_of_frame``: village outside the sampled frame; ``failed_backcheck``), giving the published
  valid rate of about 98.8 % (2023: 98.84 %). A few interviewers per year are planted with a suspicious pattern
  (:data:`SUSPICIOUS_PATTERNS`) and returned as ground truth for back-check code.

The module is deterministic: every draw comes from :func:`backend.demo.spec.rng_for` keyed by stage, year and
unit code, and units are processed in the order given (the caller sorts them by code).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from backend.demo.questionnaire import GroupSpec, ItemSpec
from backend.demo.spec import (
    COMMUNES_PER_DISTRICT,
    COMMUNES_PER_PROVINCE_2LEVEL,
    DEMO_LABEL,
    DISTRICTS_PER_PROVINCE,
    FIRST_DEMO_YEAR,
    FORM_PREFIX,
    PHONE_PREFIX,
    PHONE_RANDOM_DIGITS,
    SIPAS_GROUP,
    TWO_LEVEL_FROM_YEAR,
    VILLAGES_PER_COMMUNE,
    ScaleSpec,
    par_fieldwork,
    rng_for,
    sipas_fieldwork,
)

UnitKey = tuple[str, str]  # (unit kind, unit code): the identity of a unit across the reference lists

# --- answer model ---------------------------------------------------------------------------------------------
#: Cut points of the latent z between answers 1|2, 2|3, 3|4, 4|5. "Satisfied" (4-5) is z > 0.
THRESHOLDS = np.array([-2.0, -1.0, 0.0, 1.35])
#: Mean z of the SIPAS household answers in 2022 for an average province (≈ 81.5 % satisfied).
SIPAS_MU0 = 0.95
#: Mean z of the PAR survey answers of officials (officials rate a little higher than households).
PAR_MU0 = 1.05
#: z-units per unit of (capped) latent quality: province sd ≈ 3.3 points, range ≈ 72-91 % satisfied.
SIGMA_Q = 0.15
#: National trend, z-units a year (≈ +0.7 percentage points of satisfied answers a year).
TREND_PER_YEAR = 0.05
#: Year-specific drift of a unit's quality, in sd of the base quality (keeps ranks persistent, not frozen).
DRIFT_SD = 0.3
#: Soft cap of the quality (sd units), see :meth:`Latent.quality`.
Q_CAP = 2.0
#: Own shock of a merged unit, in sd of the base quality.
MERGER_SHOCK_SD = 0.15
LENIENCY_SD = 0.75
NOISE_SD = 0.7
VILLAGE_SD = 0.15
ITEM_SD = 0.12
#: Mean share of "no answer"; the per-respondent propensity is Beta(0.6, 19.4) (mean 3 %).
NULL_BETA = (0.6, 19.4)

#: Block effects in z: stable item difficulty by questionnaire block (design choice, not published).
SIPAS_BLOCK_EFFECT: Mapping[str, float] = {
    "POL.C1": 0.0,
    "POL.C2": -0.35,
    "POL.C3": 0.05,
    "POL.C4": 0.1,
    "SRV.E1": 0.15,
    "SRV.E2": 0.1,
    "SRV.E3": 0.2,
    "SRV.E4": 0.2,
    "SRV.E5": -0.2,
    "OVERALL": 0.05,
}
#: How each PAR respondent group tends to rate (officials of a ministry rate their own ministry higher).
PAR_GROUP_EFFECT: Mapping[str, float] = {
    "hdnd_deputy": -0.1,
    "dept_leader": 0.15,
    "division_head": 0.0,
    "local_leader": -0.15,
    "ministry_official": 0.35,
    "local_dept_leader": -0.2,
    "association": -0.1,
}

# --- field problems -------------------------------------------------------------------------------------------
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
#: Days an interviewer spends in a commune (forms are left 1-2 days with a household and collected).
COMMUNE_VISIT_DAYS = 10

_SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Kim", "Xuân", "Hoài")
_GIVEN = (
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Vân",
    "Yến",
)


def z_to_answer(z: np.ndarray) -> np.ndarray:
    """Ordered-probit cut: latent z → answer 1..5 (int8)."""
    return (1 + np.searchsorted(THRESHOLDS, z, side="left")).astype(np.int8)


def year_offset(year: int) -> float:
    return TREND_PER_YEAR * (year - FIRST_DEMO_YEAR)


def _scalar_normal(seed: int, *keys: str | int) -> float:
    return float(rng_for(seed, *keys).standard_normal())


class Latent:
    """Seeded latent quality of units; merged units inherit a weighted mix of their predecessors.

    ``predecessors`` maps a unit to its predecessors and their weights (number of forms of each predecessor in
    its last evaluation year). A unit without predecessors keeps its own base quality.
    """

    def __init__(self, seed: int, predecessors: Mapping[UnitKey, Sequence[tuple[UnitKey, float]]] | None = None):
        self.seed = seed
        self.predecessors = dict(predecessors or {})

    def base(self, key: UnitKey) -> float:
        return _scalar_normal(self.seed, "latent-base", key[0], key[1])

    def raw_quality(self, key: UnitKey, year: int, _depth: int = 0) -> float:
        """Quality of ``key`` in ``year`` in sd units before the soft cap (no national trend)."""
        preds = [(k, w) for k, w in self.predecessors.get(key, ()) if k != key and w > 0]
        if preds and _depth < 5:
            total = sum(w for _, w in preds)
            mixed = sum(w * self.raw_quality(k, year, _depth + 1) for k, w in preds) / total
            if len(preds) == 1:  # a unit that continues one predecessor keeps its quality
                return mixed
            return mixed + MERGER_SHOCK_SD * _scalar_normal(self.seed, "latent-merger", key[0], key[1])
        return self.base(key) + DRIFT_SD * _scalar_normal(self.seed, "latent-drift", key[0], key[1], year)

    def quality(self, key: UnitKey, year: int) -> float:
        """Quality used by the answer and appraisal models: ``Q_CAP·tanh(raw / Q_CAP)``, a soft cap that keeps the
        rare draw beyond ±2.5 sd from making an implausible outlier (published provinces stay within ~75-91 %)."""
        return Q_CAP * math.tanh(self.raw_quality(key, year) / Q_CAP)


# --- SIPAS sample plan ----------------------------------------------------------------------------------------
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


# --- batches --------------------------------------------------------------------------------------------------
@dataclass
class FormBatch:
    """Forms of one survey (or one part of it) with the answers to one list of items.

    ``forms`` columns: form_code, respondent_group, unit (index into the caller's unit list), district_code,
    commune_code, village_code, interviewer_code, collected_on, status, invalid_reason, respondent_phone.
    ``values[f, i]`` is the answer of form f to item i (1..5, 0 = no answer).
    """

    forms: pd.DataFrame
    item_codes: list[str]
    values: np.ndarray


@dataclass
class SipasYear:
    batch: FormBatch
    interviewers: list[tuple[str, str]]  # (code, name)
    suspicious: list[dict[str, object]] = field(default_factory=list)


def _item_effects(seed: int, items: Sequence[ItemSpec], blocks: Mapping[str, float], family: str) -> np.ndarray:
    """Stable per-item difficulty: a block effect (design) + a small seeded effect per item code."""
    return np.array(
        [
            blocks.get(item.block, 0.0)
            + 0.1 * _scalar_normal(seed, "block", family, item.block)
            + ITEM_SD * _scalar_normal(seed, "item", family, item.code)
            for item in items
        ]
    )


def _phones(rng: np.random.Generator, n: int) -> list[str]:
    numbers = rng.integers(0, 10**PHONE_RANDOM_DIGITS, n)
    return [f"{PHONE_PREFIX}{x:0{PHONE_RANDOM_DIGITS}d}" for x in numbers.tolist()]


def _null_mask(rng: np.random.Generator, n_forms: int, n_items: int) -> np.ndarray:
    propensity = rng.beta(*NULL_BETA, size=n_forms)
    return rng.random((n_forms, n_items)) < propensity[:, None]


def interviewer_name(seed: int, code: str) -> str:
    rng = rng_for(seed, "interviewer-name", code)
    surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
    middle = _MIDDLE[int(rng.integers(len(_MIDDLE)))]
    given = _GIVEN[int(rng.integers(len(_GIVEN)))]
    return f"{DEMO_LABEL} {surname} {middle} {given}"


def _pick_reasons(rng: np.random.Generator, n: int, reasons: Sequence[tuple[str, float]]) -> list[str]:
    names = [r for r, _ in reasons]
    probs = np.array([p for _, p in reasons])
    return [names[i] for i in rng.choice(len(names), size=n, p=probs / probs.sum()).tolist()]


def simulate_sipas(
    seed: int,
    scale: ScaleSpec,
    year: int,
    units: Sequence[UnitKey],
    quality: Sequence[float],
    items: Sequence[ItemSpec],
) -> SipasYear:
    """SIPAS household forms and answers of one year for ``units`` (with their latent ``quality``)."""
    start, end = sipas_fieldwork(year)
    window = (end - start).days
    n_items = len(items)

    # -- sample plan: one row per form, one interviewer per sampled commune
    unit_idx: list[int] = []
    village_idx: list[int] = []
    commune_idx: list[int] = []
    codes: list[str] = []
    districts: list[str | None] = []
    communes: list[str] = []
    villages: list[str] = []
    spare_by_village: list[tuple[str, ...]] = []
    interviewer_codes: list[str] = []
    commune_interviewer: list[str] = []
    commune_unit: list[int] = []
    n_villages = 0
    for u, key in enumerate(units):
        seq = 0
        commune_seen: dict[str, int] = {}
        for village in sipas_plan(seed, scale, year, key):
            if village.commune_code not in commune_seen:
                commune_seen[village.commune_code] = len(commune_interviewer)
                commune_interviewer.append(f"{FORM_PREFIX}-IV{year}-{key[1]}-{len(commune_seen)}")
                commune_unit.append(u)
            c = commune_seen[village.commune_code]
            spare_by_village.append(village.spare_villages)
            for _ in range(village.respondents):
                seq += 1
                unit_idx.append(u)
                village_idx.append(n_villages)
                commune_idx.append(c)
                codes.append(f"{FORM_PREFIX}-S{year}-{key[1]}-{seq:04d}")
                districts.append(village.district_code)
                communes.append(village.commune_code)
                villages.append(village.village_code)
                interviewer_codes.append(commune_interviewer[c])
            n_villages += 1
    n = len(codes)
    u_arr = np.array(unit_idx, dtype=np.int64)
    v_arr = np.array(village_idx, dtype=np.int64)
    c_arr = np.array(commune_idx, dtype=np.int64)

    # -- dates: each commune is visited for COMMUNE_VISIT_DAYS inside the fieldwork window
    rng = rng_for(seed, "sipas-field", year)
    visit_start = rng.integers(0, window - COMMUNE_VISIT_DAYS + 2, size=len(commune_interviewer))
    day = visit_start[c_arr] + rng.integers(0, COMMUNE_VISIT_DAYS, size=n)
    phones = _phones(rng, n)

    # -- answers
    rng = rng_for(seed, "sipas-answers", year)
    mu = SIPAS_MU0 + SIGMA_Q * np.asarray(quality, dtype=float) + year_offset(year)
    z = (
        mu[u_arr][:, None]
        + rng.normal(0.0, VILLAGE_SD, n_villages)[v_arr][:, None]
        + rng.normal(0.0, LENIENCY_SD, n)[:, None]
        + _item_effects(seed, items, SIPAS_BLOCK_EFFECT, "SIPAS")[None, :]
        + rng.normal(0.0, NOISE_SD, (n, n_items))
    )
    values = z_to_answer(z)
    values[_null_mask(rng, n, n_items)] = 0

    status = np.array(["valid"] * n, dtype=object)
    reason = np.array([None] * n, dtype=object)
    day_arr = day.astype(np.int64)

    # -- suspicious interviewers (ground truth for back-check code)
    rng = rng_for(seed, "sipas-suspicious", year)
    n_suspicious = min(len(SUSPICIOUS_PATTERNS) * scale.suspicious_per_pattern, len(units))
    chosen_units = rng.choice(len(units), n_suspicious, replace=False).tolist() if n_suspicious else []
    suspicious: list[dict[str, object]] = []
    suspicious_form = np.zeros(n, dtype=bool)
    for j, u in enumerate(chosen_units):
        pattern = SUSPICIOUS_PATTERNS[j % len(SUSPICIOUS_PATTERNS)]
        own = [c for c, cu in enumerate(commune_unit) if cu == u]
        c = own[int(rng.integers(len(own)))]
        rows = np.flatnonzero(c_arr == c)
        suspicious_form[rows] = True
        if pattern == "straight_lining":
            values[rows, :] = rng.choice(np.array([3, 4, 5], dtype=np.int8), size=len(rows), p=[0.1, 0.5, 0.4])[:, None]
        elif pattern == "many_per_day":
            day_arr[rows] = int(rng.integers(0, window + 1))
        elif pattern == "outside_fieldwork":
            day_arr[rows] = window + rng.integers(5, 41, size=len(rows))
        elif pattern == "same_phone_prefix":
            stem = f"{PHONE_PREFIX}{int(rng.integers(0, 1000)):03d}"
            for r in rows.tolist():
                phones[r] = f"{stem}{int(rng.integers(0, 1000)):03d}"
        elif pattern == "near_duplicates":
            template = values[rows[0]].copy()
            template[template == 0] = 4
            stem = phones[rows[0]][:-2]
            for k, r in enumerate(rows.tolist()):
                row = template.copy()
                flips = rng.choice(n_items, size=int(rng.integers(0, 3)), replace=False)
                row[flips] = np.clip(row[flips] + rng.choice(np.array([-1, 1], dtype=np.int8), size=len(flips)), 1, 5)
                values[r] = row
                phones[r] = f"{stem}{k % 100:02d}"
        caught = rows[rng.random(len(rows)) < SUSPICIOUS_CAUGHT_RATE]
        status[caught] = "invalid"
        reason[caught] = "failed_backcheck"
        suspicious.append(
            {
                "year": year,
                "interviewer_code": commune_interviewer[c],
                "pattern": pattern,
                "unit_kind": units[u][0],
                "unit_code": units[u][1],
                "forms": len(rows),
            }
        )

    # -- invalid forms among the others, each consistent with its reason
    rng = rng_for(seed, "sipas-invalid", year)
    candidates = np.flatnonzero(~suspicious_form & (rng.random(n) < SIPAS_INVALID_RATE))
    for r, why in zip(candidates.tolist(), _pick_reasons(rng, len(candidates), SIPAS_INVALID_REASONS), strict=True):
        status[r] = "invalid"
        reason[r] = why
        if why == "incomplete":
            values[r, rng.random(n_items) < rng.uniform(0.5, 0.9)] = 0
        elif why == "duplicate_respondent":
            other = r - 1 if r > 0 and v_arr[r - 1] == v_arr[r] else r + 1
            if 0 <= other < n and v_arr[other] == v_arr[r]:
                values[r] = values[other]
                phones[r] = phones[other]
        elif why == "out_of_frame":
            spare = spare_by_village[int(v_arr[r])]
            if spare:
                villages[r] = spare[int(rng.integers(len(spare)))]

    forms = pd.DataFrame(
        {
            "form_code": codes,
            "respondent_group": SIPAS_GROUP,
            "unit": u_arr,
            "district_code": districts,
            "commune_code": communes,
            "village_code": villages,
            "interviewer_code": interviewer_codes,
            "collected_on": [start + dt.timedelta(days=int(d)) for d in day_arr.tolist()],
            "status": status,
            "invalid_reason": reason,
            "respondent_phone": phones,
        }
    )
    interviewers = [(code, interviewer_name(seed, code)) for code in commune_interviewer]
    return SipasYear(FormBatch(forms, [i.code for i in items], values), interviewers, suspicious)


def simulate_par(
    seed: int,
    scale: ScaleSpec,
    year: int,
    scope: str,
    units: Sequence[UnitKey],
    quality: Sequence[float],
    groups: Sequence[GroupSpec],
    items: Sequence[ItemSpec],
) -> FormBatch:
    """PAR sociological survey forms (electronic, no interviewer) rating the ``scope`` units of one year.

    Each unit gets :func:`par_unit_counts` forms split across the scope's respondent groups by their shares; only
    the items asked to those groups (PRV.* or MIN.*) are answered.
    """
    scope_groups = [g for g in groups if g.scope == scope]
    scope_items = [i for i in items if scope_groups and scope_groups[0].code in i.groups]
    tag = "T" if scope == "province" else "B"
    counts = par_unit_counts(seed, scale, year, scope, units)
    rng = rng_for(seed, "par-forms", year, scope)
    shares = np.array([g.share for g in scope_groups])
    shares = shares / shares.sum()
    unit_idx: list[int] = []
    group_idx: list[int] = []
    codes: list[str] = []
    for u, (key, count) in enumerate(zip(units, counts, strict=True)):
        per_group = rng.multinomial(count, shares)
        seq = 0
        for g, k in enumerate(per_group.tolist()):
            for _ in range(k):
                seq += 1
                unit_idx.append(u)
                group_idx.append(g)
                codes.append(f"{FORM_PREFIX}-P{year}-{tag}-{key[1]}-{seq:05d}")
    n = len(codes)
    n_items = len(scope_items)
    u_arr = np.array(unit_idx, dtype=np.int64)
    g_arr = np.array(group_idx, dtype=np.int64)
    start, end = par_fieldwork(year)
    day = rng.integers(0, (end - start).days + 1, size=n)

    rng = rng_for(seed, "par-answers", year, scope)
    mu = PAR_MU0 + SIGMA_Q * np.asarray(quality, dtype=float) + year_offset(year)
    group_effect = np.array([PAR_GROUP_EFFECT.get(g.code, 0.0) for g in scope_groups])
    z = (
        (mu[u_arr] + group_effect[g_arr])[:, None]
        + rng.normal(0.0, LENIENCY_SD, n)[:, None]
        + _item_effects(seed, scope_items, {}, "PAR")[None, :]
        + rng.normal(0.0, NOISE_SD, (n, n_items))
    )
    values = z_to_answer(z)
    values[_null_mask(rng, n, n_items)] = 0

    status = np.array(["valid"] * n, dtype=object)
    reason = np.array([None] * n, dtype=object)
    rng = rng_for(seed, "par-invalid", year, scope)
    candidates = np.flatnonzero(rng.random(n) < PAR_INVALID_RATE)
    for r, why in zip(candidates.tolist(), _pick_reasons(rng, len(candidates), PAR_INVALID_REASONS), strict=True):
        status[r] = "invalid"
        reason[r] = why
        if why == "incomplete":
            values[r, rng.random(n_items) < rng.uniform(0.5, 0.9)] = 0
        elif r > 0 and u_arr[r - 1] == u_arr[r]:
            values[r] = values[r - 1]

    forms = pd.DataFrame(
        {
            "form_code": codes,
            "respondent_group": [scope_groups[g].code for g in group_idx],
            "unit": u_arr,
            "district_code": None,
            "commune_code": None,
            "village_code": None,
            "interviewer_code": None,
            "collected_on": [start + dt.timedelta(days=int(d)) for d in day.tolist()],
            "status": status,
            "invalid_reason": reason,
            "respondent_phone": None,
        }
    )
    return FormBatch(forms, [i.code for i in scope_items], values)
