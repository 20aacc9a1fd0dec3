"""Typed, validated view of one framework file (methodology as data).

A :class:`FrameworkSpec` is what scoring reads: the criteria tree with the maxima actually used, the
settings actually used, and the list of everything provisional (so the methodology page can show it),
and what the file declares for the pages: precision, tie rule, method breaks, reporting components and
the order of the groups. It is immutable and carries the text it was read from (the file, or the resolved
document of a file that extends another) with its sha256.

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
from typing import Any, Literal, get_args

from backend.frameworks.precision import Precision
from backend.frameworks.reporting import metrics_of_kinds

#: Criterion modes a unit scores itself (self-assessment with evidence, then appraised by BNV).
SELF_ASSESSED_MODES = ("appraisal", "appraisal_socioeconomic")

IndexCode = Literal["PAR_INDEX", "SIPAS"]
UnitScope = Literal["province", "ministry"]
TieRule = Literal["competition", "dense"]
INDEX_CODES: tuple[str, ...] = get_args(IndexCode)
UNIT_SCOPES: tuple[str, ...] = get_args(UnitScope)
#: how equal values rank (setting ``tie_rule``): ``competition`` "1, 2, 2, 4" or ``dense`` "1, 2, 2, 3"
TIE_RULES: tuple[str, ...] = get_args(TieRule)

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
    """A classification band: index ≥ ``min`` (the highest band whose minimum is reached).

    ``provisional``: where exactly the band starts is not confirmed (``basis_*`` says why), e.g. whether a
    ministry at exactly 90% is in the upper group.
    """

    code: str
    min: float
    name_vi: str
    name_en: str
    provisional: bool = False
    basis_vi: str = ""
    basis_en: str = ""


@dataclass(frozen=True)
class MethodBreak:
    """A legal change of method of the index, from ``year`` on (file section ``method_history``)."""

    year: int
    label: str
    basis_vi: str
    basis_en: str


@dataclass(frozen=True)
class Reporting:
    """Which figures are the index's main components and which are further detail (file section
    ``reporting``), as kinds of :data:`REPORTING_KINDS` (backend/frameworks/reporting.py), in display order."""

    components: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()


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
    """One validated framework file. Build it with :func:`backend.frameworks.load_framework_file`.

    ``source_text`` is the text stored in ``framework.source_text`` (the file, or for a file that extends
    another the resolved document) and ``content_hash`` its sha256; ``resolved_from`` names the files a
    resolved document came from (parent first; empty for a file that extends nothing).
    """

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
    method_breaks: tuple[MethodBreak, ...] = ()
    reporting: Reporting = Reporting()
    resolved_from: tuple[str, ...] = ()
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
        """Decimals of published figures (``precision.publish_decimals``)."""
        return self.precision.publish_decimals

    @property
    def precision(self) -> Precision:
        """How results are computed, published and decided (setting ``precision``; defaults when absent)."""
        return Precision.from_setting(self.settings.get("precision"))

    @property
    def tie_rule(self) -> str:
        """How equal values rank (setting ``tie_rule``): ``competition`` (1, 2, 2, 4) or ``dense``."""
        return str(self.settings.get("tie_rule") or "competition")

    def grade_order(self) -> tuple[Grade, ...]:
        """The groups in display order, highest first (A, B, C …), with their names."""
        return tuple(sorted(self.grades, key=lambda g: -g.min))

    def component_metrics(self, year: int | None = None) -> tuple[str, ...]:
        """Result metrics (backend/metrics.py names) of the index's main components, in display order
        (file section ``reporting.components``; PAR: the areas; SIPAS: policy and services)."""
        return metrics_of_kinds(self, self.reporting.components, year)

    def detail_metrics(self, year: int | None = None) -> tuple[str, ...]:
        """Result metrics of the further detail, in display order (``reporting.detail``)."""
        return metrics_of_kinds(self, self.reporting.detail, year)

    def element_metrics(self, year: int | None = None) -> tuple[str, ...]:
        """SIPAS: the service-element metrics (``SIPAS.services.E1`` …); empty for PAR INDEX."""
        return metrics_of_kinds(self, ("service_elements",), year)

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
