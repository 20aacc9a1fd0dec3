"""Pydantic models of a framework file (data/frameworks/*.yaml; format in data/frameworks/README.md).

The models say what each entry is: its type, its allowed values and ranges, which keys are required and that
no other key is allowed (a misspelt key is an error, not silently ignored). A rule inside one object (years
``from`` ≤ ``to``, decimals, item-code patterns) is a model validator raising a bilingual :func:`rule`
error. Rules that look across entries (sums, modes per scope, working assumptions, survey mapping) are
checked by the loader on the validated models (tree.py, setting_rules.py, sipas_structure.py).

Setting values are validated after the working assumptions are applied (the effective value), each with the
type in :data:`SETTING_TYPES`; setting names per index are :data:`SETTINGS_REQUIRED` / ``SETTINGS_OPTIONAL``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from pydantic import ValidationError as PydanticError

from backend.frameworks.precision import MAX_DECIMALS, Basis, Rounding
from backend.frameworks.problems import Problems, rule
from backend.frameworks.spec import IndexCode, TieRule, UnitScope

STRICT = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_FRAMEWORK_CODE_RE = re.compile(r"^[A-Z0-9_]{1,64}$")


def _code(value: str) -> str:
    if not _CODE_RE.match(value):
        raise rule("code_invalid")
    return value


def _framework_code(value: str) -> str:
    if not _FRAMEWORK_CODE_RE.match(value):
        raise rule("framework_code_invalid")
    return value


def _version(value: str) -> str:
    if not 0 < len(value) <= 16:
        raise rule("version_invalid")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise rule("text_empty")
    return value.strip()


Code = Annotated[str, AfterValidator(_code)]
Text = Annotated[str, AfterValidator(_text)]
Points = Annotated[float, Field(ge=0)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Confidence = Literal["C", "D", "U"]
Level = Literal["area", "criterion", "sub", "content", "item"]


class Model(BaseModel):
    model_config = STRICT


class Bilingual(Model):
    """A text in both languages: ``{vi: …, en: …}``."""

    vi: Text
    en: Text


class Years(Model):
    from_: Year = Field(alias="from")
    to: Year

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.from_ > self.to:
            raise rule("years_order")
        return self


class Counts(Model):
    areas: Annotated[int, Field(ge=0)] | None = None
    criteria: Annotated[int, Field(ge=0)] | None = None
    subcriteria: Annotated[int, Field(ge=0)] | None = None


class Evidence(Model):
    """What every element that may be unverified carries: ``provisional`` with a ``basis``, a confidence tag
    (C confirmed, D derived, U unverified) and a source note."""

    provisional: bool = False
    basis: Bilingual | None = None
    confidence: Confidence | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _confirmed_or_provisional(self) -> Evidence:
        if self.provisional and self.confidence == "C":
            raise rule("confirmed_and_provisional")
        return self


class CriterionNode(Evidence):
    """A node of the PAR criteria tree; a leaf has a scoring ``mode``, an inner node has ``children``."""

    code: Code
    name_vi: Text
    name_en: Text
    level: Level | None = None
    mode: str | None = None
    max_points: Points | None = None
    counts: Counts | None = None
    from_year: Year | None = None
    to_year: Year | None = None
    children: Annotated[list[CriterionNode], Field(min_length=1)] | None = None


class Constraint(Evidence):
    """An extra sum the maxima must satisfy (``A6 + A7 = 25.5``)."""

    codes: Annotated[list[Code], Field(min_length=1)]
    sum: float


class GroupingPart(Model):
    name_vi: Text
    name_en: Text
    modes: Annotated[list[str], Field(min_length=1)]
    max_points: Points
    confidence: Confidence | None = None


class Grouping(Model):
    """One way of reporting the total: parts, each adding up the leaves of some scoring modes."""

    name_vi: Text
    name_en: Text
    parts: Annotated[dict[str, GroupingPart], Field(min_length=1)]


class SettingEntry(Evidence):
    """``settings.<name>``: the official ``value`` (null = not found), its status and basis."""

    value: Any


class WorkingAssumption(Model):
    """``working_assumptions.<path>``: the value used in place of an official null (always provisional)."""

    value: Any
    provisional: bool = True
    basis: Bilingual


class MethodHistoryEntry(Model):
    """A legal change of method of the index from ``year`` on (``label``: the instrument)."""

    year: Year
    label: Text
    basis: Bilingual
    confidence: Confidence | None = None


class ReportingSection(Model):
    """Which kinds of result figures are the index's main components and which are further detail (the
    kinds of each index: backend/frameworks/reporting.py, checked by the loader)."""

    components: Annotated[list[str], Field(min_length=1)]
    detail: list[str] = []


# -- SIPAS structure -----------------------------------------------------------------------------------


class SipasNodeModel(Evidence):
    """A policy group, a policy content or a service element's content."""

    code: Code
    name_vi: Text
    name_en: Text
    from_year: Year | None = None
    to_year: Year | None = None


class SipasElementModel(SipasNodeModel):
    contents: Annotated[list[SipasNodeModel], Field(min_length=1)]


def _pattern(value: str, *fields: str) -> str:
    if not all("{" + f + "}" in value for f in fields):
        raise rule("item_code_pattern", fields=" + ".join("{" + f + "}" for f in fields))
    return value


class SipasPolicy(Model):
    code: Code = "POL"
    name_vi: Text
    name_en: Text
    item_code: Annotated[str, AfterValidator(lambda v: _pattern(v, "group", "content"))]
    confidence: Confidence | None = None
    source: str | None = None
    groups: Annotated[list[SipasNodeModel], Field(min_length=1)]
    contents: Annotated[list[SipasNodeModel], Field(min_length=1)]


class SipasServices(Model):
    code: Code = "SRV"
    name_vi: Text
    name_en: Text
    item_code: Annotated[str, AfterValidator(lambda v: _pattern(v, "element", "content"))]
    confidence: Confidence | None = None
    source: str | None = None
    elements: Annotated[list[SipasElementModel], Field(min_length=1)]


class SipasOverall(Model):
    code: Code = "OVERALL"
    item: Code | None = None
    name_vi: Text
    name_en: Text
    confidence: Confidence | None = None
    source: str | None = None


class SipasStructure(Model):
    policy: SipasPolicy
    services: SipasServices
    overall: SipasOverall


# -- setting values ------------------------------------------------------------------------------------


class GradeModel(Model):
    """A group: index ≥ ``min``. ``provisional`` + ``basis`` when where the group starts is unverified."""

    code: Annotated[str, Field(min_length=1, max_length=8)]
    min: Annotated[float, Field(ge=0, le=100)]
    name_vi: Text
    name_en: Text
    provisional: bool = False
    basis: Bilingual | None = None


class SurveyMappingEntry(Model):
    survey: Literal["PAR_SURVEY", "SIPAS"]
    items: list[str] | None = None
    respondent_groups: list[str] | None = None
    metric: str | None = None


def _respondent_groups(value: Any) -> Any:
    """``pooled``, or a mapping respondent group → weight > 0."""
    if value == "pooled":
        return value
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        bad = [k for k, w in value.items() if isinstance(w, bool) or not isinstance(w, int | float) or not w > 0]
        if bad:
            raise rule("group_weight", groups=", ".join(bad))
        return {k: float(w) for k, w in value.items()}
    raise rule("respondent_groups")


class SurveyScoringModel(Model):
    answer_weights: Annotated[dict[int, Annotated[float, Field(ge=0, le=1)]], Field(min_length=1)]
    item_aggregation: Literal["mean_of_items", "pooled"] = "mean_of_items"
    respondent_groups: Annotated[Any, AfterValidator(_respondent_groups)] = "pooled"


class SipasPointsModel(Model):
    metric: str
    rule: Literal["percent_of_max"]


class PrecisionModel(Model):
    """Setting ``precision`` (see backend/frameworks/precision.py)."""

    compute_decimals: Annotated[int, Field(ge=0, le=MAX_DECIMALS)]
    publish_decimals: Annotated[int, Field(ge=0, le=MAX_DECIMALS)]
    grades_on: Basis
    ranks_on: Basis
    rounding: Rounding

    @model_validator(mode="after")
    def _publish_within_compute(self) -> PrecisionModel:
        if self.publish_decimals > self.compute_decimals:
            raise rule("precision_decimals")
        return self


class AnswerScale(Model):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> AnswerScale:
        if self.min >= self.max:
            raise rule("scale_order")
        return self


#: the type of each setting's (effective) value
SETTING_TYPES: dict[str, Any] = {
    "grades": Annotated[list[GradeModel], Field(min_length=1)],
    "unranked_units": list[str],
    "tie_rule": TieRule,
    "national_average": Literal["mean_of_ranked_units", "mean_of_units"],
    "region_average": Literal["mean_of_units", "none"],
    "survey_mapping": dict[str, SurveyMappingEntry],
    "survey_scoring": SurveyScoringModel,
    "sipas_points": SipasPointsModel,
    "precision": PrecisionModel,
    "answer_scale": AnswerScale,
    "positive_categories": Annotated[list[int], Field(min_length=1)],
    "node_aggregation": Literal["pooled", "mean_of_children"],
    "overall_method": Literal["item", "mean_of_areas"],
    "national_method": Literal["mean_of_units", "pooled"],
}
#: settings every file of an index must give a value (official or working assumption), and optional ones;
#: they are resolved in this order (the order of the provisional list on the methodology page)
SETTINGS_REQUIRED: dict[str, tuple[str, ...]] = {
    "PAR_INDEX": (
        *("grades", "unranked_units", "tie_rule", "national_average", "region_average"),
        *("survey_mapping", "survey_scoring", "precision"),
    ),
    "SIPAS": (
        *("answer_scale", "positive_categories", "node_aggregation", "overall_method", "national_method"),
        *("region_average", "unranked_units", "tie_rule", "precision"),
    ),
}
SETTINGS_OPTIONAL: dict[tuple[str, str], tuple[str, ...]] = {
    ("PAR_INDEX", "province"): ("sipas_points",),
    ("SIPAS", "province"): ("grades",),
}


# -- the document --------------------------------------------------------------------------------------


class FrameworkDocument(Model):
    """A whole framework file after ``extends`` is resolved (backend/frameworks/inherit.py)."""

    schema_: Literal[1] = Field(alias="schema")
    extends: Code | None = None
    resolved_from: list[str] | None = None
    code: Annotated[str, AfterValidator(_framework_code)]
    version: Annotated[str, AfterValidator(_version)]
    index_code: IndexCode
    unit_scope: UnitScope
    years: Years
    status: Literal["official", "provisional"]
    status_basis: Bilingual | None = None
    title_vi: Text
    title_en: Text
    legal_basis: str = ""
    total_max: Annotated[float, Field(gt=0)] | None = None
    counts: Counts | None = None
    criteria: Annotated[list[CriterionNode], Field(min_length=1)] | None = None
    structure: SipasStructure | None = None
    constraints: list[Constraint] = []
    groupings: dict[str, Grouping] = {}
    settings: dict[str, SettingEntry] = {}
    working_assumptions: dict[str, WorkingAssumption] = {}
    method_history: list[MethodHistoryEntry] = []
    reporting: ReportingSection


#: sections whose entries are validated one by one, so that one bad entry does not hide the others
ENTRY_MODELS: dict[str, type[Model]] = {
    "settings": SettingEntry,
    "working_assumptions": WorkingAssumption,
    "groupings": Grouping,
}


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return TypeAdapter(kind)  # a model has its own (strict) config
    return TypeAdapter(kind, config=STRICT)


def validate(kind: Any, raw: Any, path: str, problems: Problems) -> tuple[bool, Any]:
    """``raw`` validated as ``kind`` (a model or a type): ``(True, value)``, or ``(False, None)`` with every
    error added to ``problems`` under ``path`` (the place of ``raw`` in the file)."""
    try:
        return True, _adapter(kind).validate_python(raw)
    except PydanticError as exc:
        problems.add_pydantic(exc, path, raw)
        return False, None
