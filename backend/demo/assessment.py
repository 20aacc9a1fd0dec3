"""Pure simulation of self-assessment scores, BNV appraisal and evidence (no database).

What is simulated, and why (methodology.md §1.4, §4.2):

* Every assessed unit self-scores every self-assessed leaf criterion (mode ``appraisal`` or
  ``appraisal_socioeconomic``) between 0 and its maximum, and cites evidence documents (tài liệu kiểm chứng).
* The unit's true achievement ratio on a leaf is ``sigmoid(base + criterion difficulty + noise)``; the unit's
  ``base`` is bisected on its own draws so that its appraised points (what the scoring engine adds up) equal the
  target the generator gives it (the PAR INDEX figure drawn from the published record, less its survey and
  SIPAS points: backend/demo/fit.py), so the same latent quality drives the survey answers and the appraisal
  points. Half of the small leaves (≤ 1 point) are all-or-nothing.
* Units over-score some criteria (each unit has its own propensity, 5-20 %); BNV adjusts those down to the true
  score with a reason in Vietnamese; everything else is accepted as self-scored.
* About 3 % of scores have no evidence: the unit explains why in ``self_comment``; BNV accepts the explanation
  about half of the time (still adjusting an over-score down to the true score) and otherwise halves the true
  score.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from backend.demo.sample import UnitKey
from backend.demo.simulate import _scalar_normal
from backend.demo.spec import DEMO_LABEL, rng_for

#: Appraisal happens in office hours in Vietnam (UTC+7); stored as an aware datetime (UTC in the store).
VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
CRITERION_SD = 0.6
NOISE_SD = 0.8
#: Share of small leaves (max ≤ BINARY_MAX_POINTS) scored all-or-nothing (e.g. "plan issued on time": 0 or max).
BINARY_SHARE = 0.5
BINARY_MAX_POINTS = 1.0
NO_EVIDENCE_RATE = 0.03
EXPLANATION_ACCEPTED_RATE = 0.5
#: Bisection range and steps of a unit's base logit.
BASE_RANGE = (-10.0, 14.0)
BASE_STEPS = 32

ADJUST_REASONS = (
    "Tài liệu kiểm chứng chưa đáp ứng yêu cầu của tiêu chí.",
    "Văn bản được ban hành chậm so với thời hạn quy định.",
    "Số liệu báo cáo không khớp với số liệu của cơ quan quản lý ngành.",
    "Chưa hoàn thành đầy đủ nhiệm vụ theo kế hoạch năm.",
    "Tài liệu kiểm chứng thuộc năm đánh giá trước, không tính cho năm này.",
    "Tỷ lệ thực hiện thấp hơn mức đơn vị tự đánh giá.",
)
NO_EVIDENCE_EXPLANATIONS = (
    "Nội dung đã thực hiện nhưng được lồng ghép trong báo cáo chung, không có văn bản riêng.",
    "Trong năm không phát sinh nhiệm vụ thuộc tiêu chí này; đơn vị tự chấm theo hướng dẫn.",
    "Tài liệu đang được số hóa, đơn vị sẽ bổ sung trong quá trình thẩm định.",
)
NO_EVIDENCE_CUT = "Không có tài liệu kiểm chứng; giải trình của đơn vị chưa thuyết phục."
NO_EVIDENCE_ACCEPTED = "Chấp nhận giải trình của đơn vị."
#: Title of a demo evidence document, in Vietnamese as the units write them (label, document type, subject, year).
EVIDENCE_TITLE = "{label} {name} về {subject} năm {year}"
DOC_TYPES = (("QĐ", "Quyết định"), ("KH", "Kế hoạch"), ("BC", "Báo cáo"), ("TB", "Thông báo"), ("CT", "Chỉ thị"))
#: Issuer abbreviation in document numbers (e.g. 123/QĐ-BTP); provinces issue as UBND.
MINISTRY_ISSUER: Mapping[str, str] = {
    "MOFA": "BNG",
    "MOHA": "BNV",
    "MOHA_2025": "BNV",
    "MOJ": "BTP",
    "MPI": "BKHĐT",
    "MOF": "BTC",
    "MOF_2025": "BTC",
    "MOIT": "BCT",
    "MARD": "BNNPTNT",
    "MAE": "BNNMT",
    "MOT": "BGTVT",
    "MOC": "BXD",
    "MOC_2025": "BXD",
    "MONRE": "BTNMT",
    "MIC": "BTTTT",
    "MOLISA": "BLĐTBXH",
    "MOCST": "BVHTTDL",
    "MOST": "BKHCN",
    "MOST_2025": "BKHCN",
    "MOET": "BGDĐT",
    "MOH": "BYT",
    "CEMA": "UBDT",
    "MERA": "BDTTG",
    "SBV": "NHNN",
    "GI": "TTCP",
}


@dataclass(frozen=True)
class Leaf:
    """A self-assessed leaf criterion of a framework."""

    criterion_id: int
    code: str
    name_vi: str
    max_points: float
    mode: str


@dataclass(frozen=True)
class EvidenceSim:
    ref_code: str
    title: str
    issued_on: dt.date
    location: str


@dataclass
class ScoreSim:
    unit: int  # index into the unit list
    leaf: int  # index into the leaf list
    self_score: float
    self_comment: str
    appraisal_score: float
    appraisal_comment: str
    appraised_at: dt.datetime
    evidence: list[EvidenceSim] = field(default_factory=list)


def _step(max_points: float) -> float:
    return 0.25 if math.isclose(max_points * 4, round(max_points * 4), abs_tol=1e-9) else 0.01


def _quantise(value: float, max_points: float) -> float:
    step = _step(max_points)
    return round(min(max_points, max(0.0, math.floor(value / step + 0.5) * step)), 4)


def _quantise_all(values: np.ndarray, maxima: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """:func:`_quantise` over arrays of leaves."""
    return np.round(np.minimum(maxima, np.maximum(0.0, np.floor(values / steps + 0.5) * steps)), 4)


def issuer(unit: UnitKey) -> str:
    return MINISTRY_ISSUER.get(unit[1], "BO") if unit[0] == "ministry" else "UBND"


@dataclass(frozen=True)
class _UnitDraws:
    """One unit's draws over the leaves: noise of the logit, six uniforms per leaf, its inflation propensity."""

    noise: np.ndarray
    uniforms: np.ndarray
    inflate_p: float


@dataclass(frozen=True)
class _Leaves:
    """The leaves as arrays: maxima, rounding steps, difficulty, whether all-or-nothing."""

    maxima: np.ndarray
    steps: np.ndarray
    difficulty: np.ndarray
    binary: np.ndarray

    def scores(self, base: float, d: _UnitDraws) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(true, self, appraisal) scores of every leaf for the unit's ``base`` logit.

        True: all-or-nothing leaves score the maximum with probability ``ratio``, the others a rounded share of
        it. Self: an over-scored leaf (propensity ``inflate_p``) claims 20-60 % of the maximum more (the maximum
        if all-or-nothing). Appraisal: the true score; without evidence, the true score if the explanation is
        accepted, else half of it. Non-decreasing in ``base``, with no jump larger than a rounding step except
        on all-or-nothing leaves (so the bisection of :meth:`fit_base` lands within about one step).
        """
        mx, u = self.maxima, d.uniforms
        ratio = 1.0 / (1.0 + np.exp(-(base + self.difficulty + d.noise)))
        true = np.where(self.binary, np.where(u[:, 0] < ratio, mx, 0.0), _quantise_all(mx * ratio, mx, self.steps))
        inflated = (u[:, 2] < d.inflate_p) & (true < mx)
        bump = np.maximum(self.steps, (0.2 + 0.4 * u[:, 3]) * mx)
        claimed = np.where(self.binary, mx, _quantise_all(true + bump, mx, self.steps))
        own = np.where(inflated, claimed, true)
        kept = (u[:, 1] >= NO_EVIDENCE_RATE) | (u[:, 5] < EXPLANATION_ACCEPTED_RATE)
        return true, own, np.where(kept, true, _quantise_all(true / 2.0, mx, self.steps))

    def fit_base(self, target: float, d: _UnitDraws) -> float:
        """The base logit whose appraisal points come closest to ``target`` (bisection on the unit's draws)."""
        low, high = BASE_RANGE
        for _ in range(BASE_STEPS):
            mid = (low + high) / 2.0
            if self.scores(mid, d)[2].sum() < target:
                low = mid
            else:
                high = mid
        gap_low = abs(self.scores(low, d)[2].sum() - target)
        return low if gap_low <= abs(self.scores(high, d)[2].sum() - target) else high


def _leaf_arrays(seed: int, scope: str, leaves: Sequence[Leaf]) -> _Leaves:
    maxima = np.array([float(leaf.max_points) for leaf in leaves])
    return _Leaves(
        maxima=maxima,
        steps=np.array([_step(m) for m in maxima]),
        difficulty=np.array([CRITERION_SD * _scalar_normal(seed, "criterion", scope, leaf.code) for leaf in leaves]),
        binary=np.array(
            [
                float(leaf.max_points) <= BINARY_MAX_POINTS
                and float(rng_for(seed, "criterion-binary", scope, leaf.code).random()) < BINARY_SHARE
                for leaf in leaves
            ]
        ),
    )


def simulate_assessment(
    seed: int,
    year: int,
    scope: str,
    units: Sequence[UnitKey],
    targets: Sequence[float],
    leaves: Sequence[Leaf],
) -> list[ScoreSim]:
    """One score (with appraisal and evidence) per (unit, leaf), units in the given order, leaves within;
    each unit's appraisal points add up to (as close as the leaves' rounding allows) its ``targets`` entry."""
    if not units or not leaves:
        return []
    arrays = _leaf_arrays(seed, scope, leaves)
    out: list[ScoreSim] = []
    for u, (key, target) in enumerate(zip(units, targets, strict=True)):
        rng = rng_for(seed, "assessment", year, key[0], key[1])
        inflate_p = 0.05 + 0.15 / (1.0 + math.exp(-_scalar_normal(seed, "inflation", key[0], key[1])))
        draws = _UnitDraws(rng.normal(0.0, NOISE_SD, len(leaves)), rng.random((len(leaves), 6)), inflate_p)
        target = min(max(float(target), 0.0), float(arrays.maxima.sum()))
        if arrays.scores(BASE_RANGE[1], draws)[2].sum() < target:
            # a halved score would keep the unit below its figure: BNV accepts its explanations instead
            draws.uniforms[:, 5] = 0.0
        base = arrays.fit_base(target, draws)
        true, own, appraisal = arrays.scores(base, draws)
        for c, leaf in enumerate(leaves):
            out.append(_score(u, c, leaf, key, year, float(true[c]), float(own[c]), float(appraisal[c]), draws, rng))
    return out


def _score(
    u: int,
    c: int,
    leaf: Leaf,
    key: UnitKey,
    year: int,
    true_score: float,
    self_score: float,
    appraisal: float,
    draws: _UnitDraws,
    rng: np.random.Generator,
) -> ScoreSim:
    """The comments, appraisal time and evidence documents of one score."""
    pick = draws.uniforms[c, 4]
    appraisal_comment = ADJUST_REASONS[int(pick * len(ADJUST_REASONS))] if self_score > true_score else ""
    self_comment = ""
    has_evidence = draws.uniforms[c, 1] >= NO_EVIDENCE_RATE
    if not has_evidence:
        self_comment = NO_EVIDENCE_EXPLANATIONS[int(pick * len(NO_EVIDENCE_EXPLANATIONS))]
        accepted = draws.uniforms[c, 5] < EXPLANATION_ACCEPTED_RATE
        verdict = NO_EVIDENCE_ACCEPTED if accepted else NO_EVIDENCE_CUT
        appraisal_comment = f"{verdict} {appraisal_comment}".strip() if accepted else verdict
    appraised_at = dt.datetime(year + 1, 2, 1, 8, 0, tzinfo=VIETNAM_TZ) + dt.timedelta(
        days=int(rng.integers(0, 45)), minutes=int(rng.integers(0, 9 * 60))
    )
    evidence: list[EvidenceSim] = []
    if has_evidence:
        k = int(rng.integers(1, 4))
        numbers = (rng.choice(3000, k, replace=False) + 1).tolist()
        for j, number in enumerate(numbers):
            abbr, name = DOC_TYPES[int(rng.integers(len(DOC_TYPES)))]
            subject = leaf.name_vi[:1].lower() + leaf.name_vi[1:] if leaf.name_vi else leaf.code
            evidence.append(
                EvidenceSim(
                    ref_code=f"{number}/{abbr}-{issuer(key)}",
                    title=EVIDENCE_TITLE.format(label=DEMO_LABEL, name=name, subject=subject, year=year),
                    issued_on=dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365))),
                    location=f"demo://evidence/{year}/{key[0]}-{key[1]}/{leaf.code}/{j + 1}.pdf",
                )
            )
    return ScoreSim(u, c, self_score, self_comment, appraisal, appraisal_comment, appraised_at, evidence)
