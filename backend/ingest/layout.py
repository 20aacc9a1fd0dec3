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


def _c(code: str, vi: str, en: str, type_: str, required: bool = False, **kw: object) -> Column:
    return Column(code, vi, en, type_, required, **kw)  # type: ignore[arg-type]


def _survey_head(kind: str, year: int, survey: Questionnaire) -> list[Column]:
    window = f"{survey.fieldwork[0].isoformat()} … {survey.fieldwork[1].isoformat()}"
    head = [
        _c(
            "form_code",
            "Mã phiếu",
            "Form code",
            "text",
            True,
            note_vi="duy nhất trong cuộc khảo sát",
            note_en="unique in the survey",
        ),
        _c(
            "unit",
            "Tỉnh, thành phố" if kind == "sipas" else "Tỉnh/bộ được đánh giá",
            "Province" if kind == "sipas" else "Province or ministry rated",
            "unit",
            True,
            note_vi="tên hoặc mã đơn vị",
            note_en="unit name or code",
        ),
    ]
    if kind == "sipas":
        head += [
            _c(
                "district_code",
                "Mã huyện",
                "District code",
                "text",
                note_vi="để trống từ 2025",
                note_en="empty from 2025",
            ),
            _c("commune_code", "Mã xã", "Commune code", "text", True),
            _c("village_code", "Mã thôn, tổ dân phố", "Village code", "text", True),
            _c("interviewer", "Mã điều tra viên", "Interviewer code", "text", True),
        ]
    else:
        groups = tuple(Choice(g.code, g.vi, g.en) for g in survey.groups)
        head.append(_c("respondent_group", "Nhóm người trả lời", "Respondent group", "choice", True, choices=groups))
    head += [
        _c("collected_on", "Ngày phỏng vấn", "Interview date", "date", True, note_vi=window, note_en=window),
        _c("started_at", "Giờ bắt đầu", "Started at", "datetime"),
        _c("finished_at", "Giờ kết thúc", "Finished at", "datetime"),
    ]
    if kind == "sipas":
        head.append(
            _c(
                "respondent_phone",
                "Số điện thoại người trả lời",
                "Respondent's phone",
                "phone",
                note_vi="chỉ lưu dạng băm và mã hóa",
                note_en="stored only hashed and encrypted",
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
                fact.vi,
                fact.en,
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
    note_vi = f"{low}…{high}; {survey.dont_know} hoặc để trống = không biết/không trả lời"
    note_en = f"{low}…{high}; {survey.dont_know} or empty = don't know / no answer"
    return [
        _c(
            i.code,
            i.text_vi,
            i.text_en,
            "answer",
            role="item",
            minimum=low,
            maximum=high,
            note_vi=note_vi,
            note_en=note_en,
        )
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
        columns = [
            _c("unit", "Tỉnh/bộ", "Province or ministry", "unit", True),
            _c(
                "survey",
                "Cuộc khảo sát",
                "Survey",
                "choice",
                True,
                choices=(
                    Choice("SIPAS", "SIPAS", "SIPAS"),
                    Choice("PAR_SURVEY", "Điều tra XHH", "Sociological survey"),
                ),
            ),
            _c("commune_code", "Mã xã (để trống = cả tỉnh)", "Commune code (empty = whole unit)", "text"),
            _c("respondent_group", "Nhóm người trả lời", "Respondent group", "text", True),
            _c("planned_forms", "Số phiếu kế hoạch", "Planned forms", "integer", True, minimum=0, maximum=100_000),
        ]
        return Layout(kind, year, tuple(columns))
    if kind == "self_assessment":
        if framework is None:
            raise ValueError("a self-assessment layout needs the year's framework")
        criteria = self_assessed(framework, year)
        choices = tuple(Choice(c.code, c.name_vi, c.name_en) for c in criteria)
        top = max((c.max_points for c in criteria), default=0.0)
        columns = [
            _c("unit", "Tỉnh/bộ tự chấm", "Self-assessing province or ministry", "unit", True),
            _c("criterion", "Mã tiêu chí", "Criterion code", "choice", True, choices=choices),
            _c(
                "self_score",
                "Điểm tự chấm",
                "Self-assessed score",
                "number",
                True,
                minimum=0.0,
                maximum=top,
                note_vi="0 … điểm tối đa của tiêu chí",
                note_en="0 … the criterion's maximum",
            ),
            _c("self_comment", "Giải trình", "Comment", "text"),
            _c("evidence_ref", "Số hiệu tài liệu kiểm chứng", "Evidence document number", "text"),
            _c("evidence_title", "Trích yếu tài liệu", "Evidence title", "text"),
            _c("evidence_issued_on", "Ngày ban hành", "Issued on", "date"),
        ]
        return Layout(kind, year, tuple(columns), scope=scope, criteria=criteria)
    raise ValueError(f"unknown import kind {kind!r}")
