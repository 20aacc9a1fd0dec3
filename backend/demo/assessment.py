"""Pure simulation of self-assessment scores, BNV appraisal and evidence (no database).

What is simulated, and why (methodology.md §1.4, §4.2):

* Every assessed unit self-scores every self-assessed leaf criterion (mode ``appraisal`` or
  ``appraisal_socioeconomic``) between 0 and its maximum, and cites evidence documents (tài liệu kiểm chứng).
* The unit's true achievement ratio is ``sigmoid(A0 + A_Q·quality + trend + criterion difficulty + noise)``, so the
  same latent quality that drives the survey answers drives the appraisal points (about 85-90 % of the maximum on
  average, as the published "điểm thẩm định" 54-57 of 61.5). Half of the small leaves (≤ 1 point) are
  all-or-nothing.
* Units over-score some criteria (each unit has its own propensity, 5-20 %); BNV adjusts those down to the true
  score with a reason in Vietnamese; everything else is accepted as self-scored.
* About 3 % of scores have no evidence: the unit explains why in ``self_comment``; BNV accepts the explanation
  about half of the time and otherwise cuts the score.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from backend.demo.simulate import UnitKey, _scalar_normal
from backend.demo.spec import DEMO_LABEL, FIRST_DEMO_YEAR, rng_for

#: Appraisal happens in office hours in Vietnam (UTC+7); stored as an aware datetime (UTC in the store).
VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
A0 = 2.0
A_Q = 0.4
A_TREND = 0.1
CRITERION_SD = 0.6
NOISE_SD = 0.8
#: Share of small leaves (max ≤ BINARY_MAX_POINTS) scored all-or-nothing (e.g. "plan issued on time": 0 or max).
BINARY_SHARE = 0.5
BINARY_MAX_POINTS = 1.0
NO_EVIDENCE_RATE = 0.03
EXPLANATION_ACCEPTED_RATE = 0.5

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


def issuer(unit: UnitKey) -> str:
    return MINISTRY_ISSUER.get(unit[1], "BO") if unit[0] == "ministry" else "UBND"


def simulate_assessment(
    seed: int,
    year: int,
    scope: str,
    units: Sequence[UnitKey],
    quality: Sequence[float],
    leaves: Sequence[Leaf],
) -> list[ScoreSim]:
    """One score (with appraisal and evidence) per (unit, leaf), units in the given order, leaves within."""
    if not units or not leaves:
        return []
    difficulty = np.array([CRITERION_SD * _scalar_normal(seed, "criterion", scope, leaf.code) for leaf in leaves])
    binary = np.array(
        [
            float(leaf.max_points) <= BINARY_MAX_POINTS
            and float(rng_for(seed, "criterion-binary", scope, leaf.code).random()) < BINARY_SHARE
            for leaf in leaves
        ]
    )
    out: list[ScoreSim] = []
    for u, (key, q) in enumerate(zip(units, quality, strict=True)):
        rng = rng_for(seed, "assessment", year, key[0], key[1])
        inflate_p = 0.05 + 0.15 / (1.0 + math.exp(-_scalar_normal(seed, "inflation", key[0], key[1])))
        logits = A0 + A_Q * q + A_TREND * (year - FIRST_DEMO_YEAR) + difficulty + rng.normal(0.0, NOISE_SD, len(leaves))
        ratio = 1.0 / (1.0 + np.exp(-logits))
        draws = rng.random((len(leaves), 6))
        for c, leaf in enumerate(leaves):
            mx = float(leaf.max_points)
            # all-or-nothing leaves score the maximum with probability `ratio`, the others a rounded share of it
            true_score = (mx if draws[c, 0] < ratio[c] else 0.0) if binary[c] else _quantise(mx * float(ratio[c]), mx)
            self_score, appraisal, self_comment, appraisal_comment = true_score, true_score, "", ""
            has_evidence = draws[c, 1] >= NO_EVIDENCE_RATE
            if draws[c, 2] < inflate_p and true_score < mx:
                bump = max(_step(mx), (0.2 + 0.4 * float(draws[c, 3])) * mx)
                self_score = mx if binary[c] else _quantise(true_score + bump, mx)
                appraisal_comment = ADJUST_REASONS[int(draws[c, 4] * len(ADJUST_REASONS))]
            if not has_evidence:
                self_comment = NO_EVIDENCE_EXPLANATIONS[int(draws[c, 4] * len(NO_EVIDENCE_EXPLANATIONS))]
                if draws[c, 5] < EXPLANATION_ACCEPTED_RATE and self_score == true_score:
                    appraisal, appraisal_comment = self_score, NO_EVIDENCE_ACCEPTED
                else:
                    appraisal, appraisal_comment = _quantise(true_score / 2.0, mx), NO_EVIDENCE_CUT
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
                            title=f"{DEMO_LABEL} {name} về {subject} năm {year}",
                            issued_on=dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365))),
                            location=f"demo://evidence/{year}/{key[0]}-{key[1]}/{leaf.code}/{j + 1}.pdf",
                        )
                    )
            out.append(ScoreSim(u, c, self_score, self_comment, appraisal, appraisal_comment, appraised_at, evidence))
    return out
