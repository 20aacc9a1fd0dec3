"""The columns of each import kind, built from the questionnaire and framework files (never written by hand).

One :class:`Layout` per kind and year drives the templates (CSV, XLSX with its explanation sheet and dropdowns,
XLSForm), the header check and the row validators, so a template always imports as is:

* ``sipas``: household forms (data/questionnaires/sipas.yaml): identification, place, interviewer, dates, the
  respondent's phone, the profile (facts) and one column per item asked that year;
* ``official``: the PAR sociological survey of officials (par_survey.yaml): unit rated, respondent group and the
  PRV.* / MIN.* items (skip logic: a group answers only its scope's items);
* ``self_assessment``: one row per unit and self-assessed leaf criterion of the year's PAR INDEX framework
  (data/frameworks), with the score (0 to the criterion's maximum), a comment and the evidence cited;
* ``plan``: planned forms per unit, commune and respondent group (fieldwork progress).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.frameworks.questionnaire import Choice, Questionnaire, questionnaire
from backend.frameworks.spec import SELF_ASSESSED_MODES, FrameworkSpec
from backend.i18n import both

KINDS = ("sipas", "official", "self_assessment", "plan")
SURVEY_OF_KIND = {"sipas": "SIPAS", "official": "PAR_SURVEY"}
KIND_ALIASES = {"self-assessment": "self_assessment"}


@dataclass(frozen=True)
class Column:
    """One column of a layout. ``type``: text, unit, date, datetime, phone, integer, number, choice, multi,
    answer (an item on the questionnaire's scale, with the don't-know code)."""

    code: str
    vi: str
    en: str
    type: str
    required: bool = False
    role: str = "form"  # form | fact | item
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive: str | None = None
    note_vi: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    name_vi: str
    name_en: str
    max_points: float


@dataclass(frozen=True)
class Layout:
    kind: str
    year: int
    columns: tuple[Column, ...]
    survey: Questionnaire | None = None
    scope: str = ""
    criteria: tuple[Criterion, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.columns]

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    @property
    def items(self) -> list[Column]:
        return [c for c in self.columns if c.role == "item"]

    @property
    def facts(self) -> list[Column]:
        return [c for c in self.columns if c.role == "fact"]


def normal_kind(kind: str) -> str:
    return KIND_ALIASES.get(kind, kind)


def _c(
    code: str,
    label: tuple[str, str],
    type_: str,
    required: bool = False,
    note: tuple[str, str] = ("", ""),
    **kw: object,
) -> Column:
    """A column labelled ``label`` (vi, en) with the optional ``note`` (vi, en). The labels are also the headers a
    file may use instead of the code (backend/ingest/columns.py), so they come from the one catalogue
    (``ingest.column.*``): a template written in either language reads back, and so do older ones."""
    return Column(code, label[0], label[1], type_, required, note_vi=note[0], note_en=note[1], **kw)  # type: ignore[arg-type]


def _survey_head(kind: str, year: int, survey: Questionnaire) -> list[Column]:
    window = f"{survey.fieldwork[0].isoformat()} … {survey.fieldwork[1].isoformat()}"
    unit = both("ingest.column.unit_province") if kind == "sipas" else both("ingest.column.unit_rated")
    head = [
        _c("form_code", both("ingest.column.form_code"), "text", True, note=both("ingest.column.form_code_note")),
        _c("unit", unit, "unit", True, note=both("ingest.column.unit_note")),
    ]
    if kind == "sipas":
        head += [
            _c(
                "district_code",
                both("ingest.column.district_code"),
                "text",
                note=both("ingest.column.district_code_note"),
            ),
            _c("commune_code", both("ingest.column.commune_code"), "text", True),
            _c("village_code", both("ingest.column.village_code"), "text", True),
            _c("interviewer", both("ingest.column.interviewer"), "text", True),
        ]
    else:
        groups = tuple(Choice(g.code, g.vi, g.en) for g in survey.groups)
        head.append(_c("respondent_group", both("ingest.column.respondent_group"), "choice", True, choices=groups))
    head += [
        _c("collected_on", both("ingest.column.collected_on"), "date", True, note=(window, window)),
        _c("started_at", both("ingest.column.started_at"), "datetime"),
        _c("finished_at", both("ingest.column.finished_at"), "datetime"),
    ]
    if kind == "sipas":
        head.append(
            _c(
                "respondent_phone",
                both("ingest.column.respondent_phone"),
                "phone",
                note=both("ingest.column.respondent_phone_note"),
            )
        )
    return head


def _fact_columns(survey: Questionnaire, year: int) -> list[Column]:
    out = []
    for fact in survey.facts:
        bounds = fact.bounds(year)
        type_ = {"select_one": "choice", "select_multiple": "multi"}.get(fact.type, "integer")
        out.append(
            _c(
                fact.code,
                (fact.vi, fact.en),
                type_,
                fact.required,
                role="fact",
                choices=fact.choices,
                minimum=float(bounds[0]) if bounds else None,
                maximum=float(bounds[1]) if bounds else None,
                exclusive=fact.exclusive,
            )
        )
    return out


def _item_columns(survey: Questionnaire) -> list[Column]:
    low, high = survey.scale
    note = both("ingest.column.answer_note", low=low, high=high, dont_know=survey.dont_know)
    return [
        _c(i.code, (i.text_vi, i.text_en), "answer", role="item", minimum=low, maximum=high, note=note)
        for i in survey.items
    ]


def self_assessed(spec: FrameworkSpec, year: int) -> tuple[Criterion, ...]:
    """Leaf criteria of ``spec`` a unit scores itself in ``year`` (framework modes :data:`SELF_ASSESSED_MODES`)."""
    return tuple(
        Criterion(c.code, c.name_vi, c.name_en, float(c.max_points))
        for c in spec.leaves(year)
        if c.mode in SELF_ASSESSED_MODES and c.max_points is not None
    )


def layout(
    kind: str,
    year: int,
    *,
    questionnaire_dir: Path | None = None,
    framework: FrameworkSpec | None = None,
    scope: str = "province",
) -> Layout:
    """The layout of ``kind`` in ``year`` (self-assessment: of ``framework``, the year's PAR INDEX for ``scope``)."""
    kind = normal_kind(kind)
    if kind in SURVEY_OF_KIND:
        survey = questionnaire(SURVEY_OF_KIND[kind], year, questionnaire_dir)
        columns = _survey_head(kind, year, survey) + _fact_columns(survey, year) + _item_columns(survey)
        return Layout(kind, year, tuple(columns), survey=survey)
    if kind == "plan":
        survey_par = both("ingest.column.survey_par")
        columns = [
            _c("unit", both("ingest.column.plan_unit"), "unit", True),
            _c(
                "survey",
                both("ingest.column.survey"),
                "choice",
                True,
                choices=(Choice("SIPAS", "SIPAS", "SIPAS"), Choice("PAR_SURVEY", *survey_par)),
            ),
            _c("commune_code", both("ingest.column.plan_commune_code"), "text"),
            _c("respondent_group", both("ingest.column.respondent_group"), "text", True),
            _c("planned_forms", both("ingest.column.planned_forms"), "integer", True, minimum=0, maximum=100_000),
        ]
        return Layout(kind, year, tuple(columns))
    if kind == "self_assessment":
        if framework is None:
            raise ValueError("a self-assessment layout needs the year's framework")
        criteria = self_assessed(framework, year)
        choices = tuple(Choice(c.code, c.name_vi, c.name_en) for c in criteria)
        top = max((c.max_points for c in criteria), default=0.0)
        columns = [
            _c("unit", both("ingest.column.self_unit"), "unit", True),
            _c("criterion", both("ingest.column.criterion"), "choice", True, choices=choices),
            _c(
                "self_score",
                both("ingest.column.self_score"),
                "number",
                True,
                minimum=0.0,
                maximum=top,
                note=both("ingest.column.self_score_note"),
            ),
            _c("self_comment", both("ingest.column.self_comment"), "text"),
            _c("evidence_ref", both("ingest.column.evidence_ref"), "text"),
            _c("evidence_title", both("ingest.column.evidence_title"), "text"),
            _c("evidence_issued_on", both("ingest.column.evidence_issued_on"), "date"),
        ]
        return Layout(kind, year, tuple(columns), scope=scope, criteria=criteria)
    raise ValueError(f"unknown import kind {kind!r}")
