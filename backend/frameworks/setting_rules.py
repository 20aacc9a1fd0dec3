"""The ``settings`` of a framework file: the values actually used, and the rules they obey.

Rules (data/frameworks/README.md): only the settings known for the index and unit scope; every required one
has a value (official, or a working assumption filling an official null); an official null is marked
provisional with a basis; the effective value has the type of :data:`~backend.frameworks.schema.SETTING_TYPES`;
grade thresholds strictly decrease and a provisional grade says why; exactly the survey-fed leaves have a
survey mapping; a framework with a SIPAS-fed leaf says how SIPAS becomes points (``sipas_points``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from backend.frameworks.assumptions import Assumptions, provisional_item
from backend.frameworks.problems import Problems, fmt
from backend.frameworks.schema import (
    SETTING_TYPES,
    GradeModel,
    SettingEntry,
    SurveyMappingEntry,
    SurveyScoringModel,
    validate,
)
from backend.frameworks.spec import SURVEY_MODES, CriterionSpec, Grade, ProvisionalItem, SurveyMapping, SurveyScoring
from backend.frameworks.tree import basis_of


class Settings:
    """The effective settings: ``raw`` (plain values, as ``FrameworkSpec.settings``) and ``typed`` (the
    validated values) by name, and the provisional items found."""

    def __init__(self) -> None:
        self.raw: dict[str, Any] = {}
        self.typed: dict[str, Any] = {}
        self.provisional: list[ProvisionalItem] = []


def resolve_settings(
    entries: Mapping[str, SettingEntry | None],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    assumptions: Assumptions,
    problems: Problems,
) -> Settings:
    """Each setting's effective value (official, else the working assumption), validated by its type.
    ``entries`` holds None for an entry that failed validation (already reported)."""
    out = Settings()
    for name in entries:
        if name not in required and name not in optional:
            problems.add(f"settings.{name}", "setting_unknown")
    for name in (*required, *optional):
        path = f"settings.{name}"
        if name not in entries:
            if name in required:
                problems.add(path, "setting_missing")
            continue
        entry = entries[name]
        if entry is None:
            assumptions.skip(path)
            continue
        basis = ("", "")
        if entry.provisional or entry.value is None:
            basis = basis_of(entry.basis, f"{path}.basis", problems)
        if entry.value is None and not entry.provisional:
            problems.add(path, "null_needs_provisional")
        filled, assumed = assumptions.fill(path, entry.value, where=path)
        value = assumed.value if filled and assumed is not None else entry.value
        if value is None:
            continue
        ok, typed = validate(SETTING_TYPES[name], value, path, problems)
        out.raw[name] = value
        if ok:
            out.typed[name] = typed
        if entry.provisional or filled:
            out.provisional.append(provisional_item(path, value, basis, assumed, filled))
    return out


def build_grades(grades: Sequence[GradeModel], problems: Problems) -> tuple[tuple[Grade, ...], list[ProvisionalItem]]:
    """The groups, highest first: unique codes, strictly decreasing thresholds; a provisional group (where it
    starts is unverified) needs a basis and is listed as ``settings.grades[i].min``."""
    path = "settings.grades"
    out: list[Grade] = []
    provisional: list[ProvisionalItem] = []
    for i, g in enumerate(grades):
        basis = basis_of(g.basis, f"{path}[{i}].basis", problems) if g.provisional else ("", "")
        out.append(Grade(g.code, g.min, g.name_vi, g.name_en, g.provisional, basis[0], basis[1]))
        if g.provisional:
            provisional.append(ProvisionalItem(f"{path}[{i}].min", g.min, basis[0], basis[1], False))
    codes = [g.code for g in out]
    if len(set(codes)) != len(codes):
        problems.add(path, "grade_codes_duplicate")
    for upper, lower in itertools.pairwise(out):
        if not lower.min < upper.min:
            problems.add(
                path,
                "grades_order",
                upper=upper.code,
                upper_min=fmt(upper.min),
                lower=lower.code,
                lower_min=fmt(lower.min),
            )
    return tuple(out), provisional


def build_survey_scoring(value: SurveyScoringModel) -> SurveyScoring:
    """How PAR survey answers become points (``group_weights`` empty for pooled respondent groups)."""
    groups = value.respondent_groups
    return SurveyScoring(
        dict(value.answer_weights), value.item_aggregation, dict(groups) if isinstance(groups, dict) else {}
    )


def build_survey_mapping(
    mapping: Mapping[str, SurveyMappingEntry], nodes: Sequence[CriterionSpec], problems: Problems
) -> dict[str, SurveyMapping]:
    """Exactly the survey-fed leaves have an entry: a SIPAS-fed leaf names a SIPAS metric, another survey-fed
    leaf lists the PAR survey items that feed it."""
    path = "settings.survey_mapping"
    leaves = {node.code: node for node in nodes if node.is_leaf}
    survey_leaves = {code for code, node in leaves.items() if node.mode in SURVEY_MODES}
    out: dict[str, SurveyMapping] = {}
    for code, entry in mapping.items():
        mpath = f"{path}.{code}"
        if code not in leaves:
            problems.add(mpath, "mapping_no_leaf")
        elif code not in survey_leaves:
            problems.add(mpath, "mapping_not_survey")
        elif leaves[code].mode == "survey_citizens_sipas":
            if entry.survey != "SIPAS" or not entry.metric or not entry.metric.startswith("SIPAS"):
                problems.add(mpath, "mapping_sipas")
            else:
                out[code] = SurveyMapping(code, "SIPAS", metric=entry.metric)
        elif entry.survey != "PAR_SURVEY" or not entry.items:
            problems.add(mpath, "mapping_par_survey")
        else:
            out[code] = SurveyMapping(code, "PAR_SURVEY", tuple(entry.items), tuple(entry.respondent_groups or ()))
    for code in sorted(survey_leaves - set(mapping)):
        problems.add(f"criteria.{code}", "mapping_missing")
    return out
