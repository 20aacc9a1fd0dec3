"""Typed, validated view of one framework file (methodology as data).

A :class:`FrameworkSpec` is what scoring reads: the criteria tree with the maxima actually used, the
settings actually used, and the list of everything provisional (so the methodology page can show it).
It is immutable and carries the sha256 of the file it came from.

Terms:

* *official* value: what the framework file says in its official part; ``None`` when the legal text
  was not found.
* *effective* value: the official value, or else the value of the matching working assumption.
* *provisional*: unverified; either the official value itself is marked provisional or it is null
  and a working assumption is used in its place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

INDEX_CODES = ("PAR_INDEX", "SIPAS")
UNIT_SCOPES = ("province", "ministry")

#: scoring modes allowed on the leaves of a criteria tree, per index and unit scope
LEAF_MODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("PAR_INDEX", "province"): ("appraisal", "appraisal_socioeconomic", "survey_leaders", "survey_citizens_sipas"),
    ("PAR_INDEX", "ministry"): ("appraisal", "survey"),
    ("SIPAS", "province"): ("sipas",),
}
#: modes whose points units self-assess (AssessmentScore rows)
ASSESSED_MODES = ("appraisal", "appraisal_socioeconomic")
#: modes whose points come from a survey through ``survey_mapping``
SURVEY_MODES = ("survey", "survey_leaders", "survey_citizens_sipas")


ROUNDINGS = ("half_up",)
BASES = ("published", "computed")


@dataclass(frozen=True)
class Precision:
    """How results are computed, published and decided (framework setting ``precision``)."""

    compute_decimals: int = 4
    publish_decimals: int = 2
    grades_on: str = "published"
    ranks_on: str = "published"
    rounding: str = "half_up"

    @classmethod
    def from_setting(cls, raw: Mapping[str, Any] | None) -> Precision:
        """From the framework setting's value (a mapping); missing keys take the defaults above."""
        if not raw:
            return cls()
        known = {k: raw.get(k) for k in ("compute_decimals", "publish_decimals", "grades_on", "ranks_on", "rounding")}
        return cls(**{k: v for k, v in known.items() if v is not None})

    def __post_init__(self) -> None:
        if not (0 <= self.publish_decimals <= self.compute_decimals <= 9):
            raise ValueError("need 0 <= publish_decimals <= compute_decimals <= 9")
        if self.grades_on not in BASES or self.ranks_on not in BASES:
            raise ValueError(f"grades_on / ranks_on must be one of {BASES}")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {ROUNDINGS}")

    def decimals_for(self, basis: str) -> int:
        return self.publish_decimals if basis == "published" else self.compute_decimals

    @property
    def grade_decimals(self) -> int:
        return self.decimals_for(self.grades_on)

    @property
    def rank_decimals(self) -> int:
        return self.decimals_for(self.ranks_on)


@dataclass(frozen=True)
class ProvisionalItem:
    """One unverified element of a framework, as shown on the methodology page.

    ``path`` names it the way the file does (``criteria.A6.max_points``, ``settings.positive_categories``,
    ``status``); ``value`` is the value used in computing; ``basis_*`` says why the official value is
    unknown or unverified; ``assumption_basis_*`` explains the working assumption used, when one is.
    """

    path: str
    value: Any
    basis_vi: str
    basis_en: str
    from_working_assumption: bool
    assumption_basis_vi: str = ""
    assumption_basis_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "value": self.value,
            "basis_vi": self.basis_vi,
            "basis_en": self.basis_en,
            "from_working_assumption": self.from_working_assumption,
            "assumption_basis_vi": self.assumption_basis_vi,
            "assumption_basis_en": self.assumption_basis_en,
        }


@dataclass(frozen=True)
class CriterionSpec:
    """A node of the criteria tree. ``max_points`` is the effective maximum (``official_max`` may be None)."""

    code: str
    parent: str | None
    level: str
    name_vi: str
    name_en: str
    official_max: float | None
    max_points: float | None
    mode: str | None
    provisional: bool
    area: str
    sort_order: int
    children: tuple[str, ...] = ()
    confidence: str = ""
    source: str = ""
    basis_vi: str = ""
    basis_en: str = ""
    from_year: int | None = None
    to_year: int | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def in_year(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class GroupingPart:
    code: str
    name_vi: str
    name_en: str
    modes: tuple[str, ...]
    max_points: float


@dataclass(frozen=True)
class Grouping:
    """One way of reporting the 100 points (e.g. ``published``: 61.5 appraisal + 38.5 impact)."""

    code: str
    name_vi: str
    name_en: str
    parts: tuple[GroupingPart, ...]


@dataclass(frozen=True)
class Grade:
    """A classification band: index ≥ ``min`` (the highest band whose minimum is reached)."""

    code: str
    min: float
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class SurveyMapping:
    """Where a survey-fed leaf criterion takes its points from.

    ``survey='PAR_SURVEY'``: the answers to ``items`` (optionally only from ``respondent_groups``);
    ``survey='SIPAS'``: the unit's SIPAS figure ``metric`` (a name from backend/metrics.py).
    """

    criterion: str
    survey: str
    items: tuple[str, ...] = ()
    respondent_groups: tuple[str, ...] = ()
    metric: str | None = None


@dataclass(frozen=True)
class SurveyScoring:
    """How PAR survey answers become points: points = max × score, score in [0, 1].

    ``answer_weights`` maps each answer value to its weight in [0, 1]; ``item_aggregation`` is
    ``mean_of_items`` (each question weighs the same) or ``pooled`` (each answer weighs the same);
    ``group_weights`` is empty for pooled respondent groups, else the weight of each group's mean.
    """

    answer_weights: Mapping[int, float]
    item_aggregation: str
    group_weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SipasNode:
    code: str
    name_vi: str
    name_en: str
    from_year: int | None = None
    to_year: int | None = None
    contents: tuple[SipasNode, ...] = ()
    provisional: bool = False

    def in_year(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class SipasItem:
    """One SIPAS question: ``area`` policy | services | overall; ``group`` is the policy group or the
    service element; ``content`` the policy content or the element's content."""

    code: str
    area: str
    group: str | None
    content: str | None
    from_year: int | None = None
    to_year: int | None = None

    def in_year(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class SipasSpec:
    """SIPAS structure and settings (effective values)."""

    policy_code: str
    policy_name_vi: str
    policy_name_en: str
    services_code: str
    services_name_vi: str
    services_name_en: str
    overall_code: str
    overall_item: str
    overall_name_vi: str
    overall_name_en: str
    policy_groups: tuple[SipasNode, ...]
    policy_contents: tuple[SipasNode, ...]
    service_elements: tuple[SipasNode, ...]
    items: tuple[SipasItem, ...]
    scale_min: int
    scale_max: int
    positive_categories: tuple[int, ...]
    node_aggregation: str
    overall_method: str
    national_method: str

    def items_for_year(self, year: int) -> tuple[SipasItem, ...]:
        return tuple(item for item in self.items if item.in_year(year))


@dataclass(frozen=True)
class FrameworkSpec:
    """One validated framework file. Build it with :func:`backend.frameworks.load_framework_file`."""

    code: str
    version: str
    index_code: str
    unit_scope: str
    year_from: int
    year_to: int
    status: str
    title_vi: str
    title_en: str
    legal_basis: str
    total_max: float
    criteria: tuple[CriterionSpec, ...]
    groupings: tuple[Grouping, ...]
    grades: tuple[Grade, ...]
    unranked_units: tuple[str, ...]
    settings: Mapping[str, Any]
    survey_mapping: Mapping[str, SurveyMapping]
    survey_scoring: SurveyScoring | None
    sipas: SipasSpec | None
    provisional_items: tuple[ProvisionalItem, ...]
    working_assumptions_used: tuple[str, ...]
    content_hash: str
    source_text: str
    source_name: str
    framework_id: int | None = None
    db_version: str | None = None

    # -- queries ------------------------------------------------------------------------------------
    def covers(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to

    @property
    def is_provisional(self) -> bool:
        return self.status == "provisional"

    @property
    def uses_working_assumptions(self) -> bool:
        return bool(self.working_assumptions_used)

    @property
    def stored_version(self) -> str:
        """The version under which the file is stored (``db_version`` once synced, else ``version``)."""
        return self.db_version or self.version

    def criterion(self, code: str) -> CriterionSpec:
        for node in self.criteria:
            if node.code == code:
                return node
        raise KeyError(code)

    def areas(self) -> tuple[CriterionSpec, ...]:
        return tuple(node for node in self.criteria if node.parent is None)

    def leaves(self, year: int | None = None) -> tuple[CriterionSpec, ...]:
        return tuple(node for node in self.criteria if node.is_leaf and (year is None or node.in_year(year)))

    def display_decimals(self) -> int:
        return (
            self.precision.publish_decimals
            if "precision" in self.settings
            else int(self.settings.get("display_decimals", 2))
        )

    @property
    def precision(self) -> Precision:
        """How results are computed, published and decided (setting ``precision``; defaults when absent)."""
        return Precision.from_setting(self.settings.get("precision"))

    @property
    def tie_rule(self) -> str:
        """How equal values rank (setting ``tie_rule``): ``competition`` (1, 2, 2, 4) or ``dense``."""
        return str(self.settings.get("tie_rule") or "competition")

    def provisional_list(self) -> list[dict[str, Any]]:
        """Every provisional item as plain dicts (path, value used, basis …) for the methodology page."""
        return [item.as_dict() for item in self.provisional_items]

    def parameters(self) -> dict[str, Any]:
        """What a result set records about the methodology used (JSON-serialisable)."""
        return {
            "framework_code": self.code,
            "framework_version": self.stored_version,
            "framework_status": self.status,
            "framework_content_hash": self.content_hash,
            "uses_working_assumptions": self.uses_working_assumptions,
            "working_assumptions": list(self.working_assumptions_used),
            "provisional_count": len(self.provisional_items),
            "precision": asdict(self.precision),
            "tie_rule": self.tie_rule,
        }
