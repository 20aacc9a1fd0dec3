"""The rules across the sections of a validated framework document, and the parts of its spec.

Called by the loader once every section has been validated by its model. Each step runs only when the
sections it needs are valid (a section with type errors is already reported).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.frameworks.assumptions import Assumptions
from backend.frameworks.document import Document
from backend.frameworks.problems import Problems
from backend.frameworks.reporting import REPORTING_KINDS
from backend.frameworks.schema import SETTINGS_OPTIONAL, SETTINGS_REQUIRED, MethodHistoryEntry, ReportingSection
from backend.frameworks.setting_rules import (
    Settings,
    build_grades,
    build_survey_mapping,
    build_survey_scoring,
    resolve_settings,
)
from backend.frameworks.sipas_structure import build_sipas
from backend.frameworks.spec import (
    INDEX_CODES,
    LEAF_MODES,
    UNIT_SCOPES,
    CriterionSpec,
    Grade,
    Grouping,
    MethodBreak,
    ProvisionalItem,
    Reporting,
    SipasSpec,
    SurveyMapping,
    SurveyScoring,
)
from backend.frameworks.tree import TreeBuilder, basis_of, build_groupings, check_constraints, check_sums


@dataclass
class Parts:
    """What the cross-section rules produce for the spec."""

    total_max: float = 100.0
    nodes: list[CriterionSpec] = field(default_factory=list)
    groupings: tuple[Grouping, ...] = ()
    grades: tuple[Grade, ...] = ()
    settings: Settings = field(default_factory=Settings)
    survey_mapping: dict[str, SurveyMapping] = field(default_factory=dict)
    survey_scoring: SurveyScoring | None = None
    sipas: SipasSpec | None = None
    provisional: list[ProvisionalItem] = field(default_factory=list)
    assumptions_used: list[str] = field(default_factory=list)
    method_breaks: tuple[MethodBreak, ...] = ()
    reporting: Reporting = field(default_factory=Reporting)


def _branch(raw: Mapping[str, Any], doc: Document) -> tuple[str, str | None]:
    """The index and unit scope to check against; when the header's are invalid (already reported), the index
    the document's shape suggests (``structure``: SIPAS, else PAR INDEX) and no scope."""
    index = raw.get("index_code") if doc.ok("index_code") else None
    if index not in INDEX_CODES:
        index = "SIPAS" if "structure" in raw and "criteria" not in raw else "PAR_INDEX"
    scope = raw.get("unit_scope") if doc.ok("unit_scope") and raw.get("unit_scope") in UNIT_SCOPES else None
    return str(index), scope


def build_parts(raw: Mapping[str, Any], doc: Document, assumptions: Assumptions, problems: Problems) -> Parts:
    """Check the rules across sections and build the parts of the spec (problems go to ``problems``)."""
    parts = Parts()
    v = doc.values
    index, scope = _branch(raw, doc)
    if v.get("status") == "provisional":
        basis = basis_of(v.get("status_basis"), "status_basis", problems)
        parts.provisional.append(ProvisionalItem("status", "provisional", basis[0], basis[1], False))
    optional = SETTINGS_OPTIONAL.get((index, scope or ""), ())
    if index == "SIPAS":
        _sipas(raw, doc, assumptions, optional, parts, problems)
    else:
        _par(raw, doc, assumptions, scope, optional, parts, problems)
    typed = parts.settings.typed
    if "grades" in typed:
        parts.grades, grade_items = build_grades(typed["grades"], problems)
        parts.provisional += grade_items
    parts.method_breaks = _method_breaks(v.get("method_history", []), v.get("years"), problems)
    if doc.ok("reporting") and v.get("reporting") is not None:
        parts.reporting = _reporting(v["reporting"], index, problems)
    if doc.ok("working_assumptions", "settings", "criteria", "structure"):
        assumptions.report_unused()
    parts.assumptions_used = list(assumptions.used)
    return parts


def _settings(
    doc: Document, index: str, optional: tuple[str, ...], assumptions: Assumptions, parts: Parts, problems: Problems
) -> None:
    """The effective settings of the index (skipped when the settings section is not a mapping)."""
    if doc.ok("settings"):
        parts.settings = resolve_settings(
            doc.values.get("settings", {}), SETTINGS_REQUIRED[index], optional, assumptions, problems
        )


def _par(
    raw: Mapping[str, Any],
    doc: Document,
    assumptions: Assumptions,
    scope: str | None,
    optional: tuple[str, ...],
    parts: Parts,
    problems: Problems,
) -> None:
    """PAR INDEX: the criteria tree, its sums, constraints and groupings, and the PAR settings."""
    v = doc.values
    if doc.ok("total_max"):
        if v.get("total_max") is None:
            problems.add("total_max", "total_max_missing")
        else:
            parts.total_max = float(v["total_max"])
    tree_ok = doc.ok("criteria")
    if tree_ok:
        if not v.get("criteria"):
            problems.add("criteria", "criteria_missing")
        tree = TreeBuilder(LEAF_MODES.get(("PAR_INDEX", scope)) if scope else None, assumptions, problems)
        tree.build(v.get("criteria") or [])
        parts.nodes = tree.nodes
        parts.provisional += tree.provisional
        check_sums(parts.nodes, parts.total_max, problems)
        if doc.ok("constraints"):
            parts.provisional += check_constraints(v.get("constraints", []), parts.nodes, problems)
        valid_groupings = {k: g for k, g in v.get("groupings", {}).items() if g is not None}
        parts.groupings = build_groupings(valid_groupings, parts.nodes, problems)
    if v.get("structure") is not None:
        problems.add("structure", "structure_in_par")
    _settings(doc, "PAR_INDEX", optional, assumptions, parts, problems)
    parts.provisional += parts.settings.provisional
    typed = parts.settings.typed
    if "survey_mapping" in typed and tree_ok:
        parts.survey_mapping = build_survey_mapping(typed["survey_mapping"], parts.nodes, problems)
    if "survey_scoring" in typed:
        parts.survey_scoring = build_survey_scoring(typed["survey_scoring"])
    has_sipas_leaf = any(n.mode == "survey_citizens_sipas" for n in parts.nodes)
    if has_sipas_leaf and "sipas_points" not in parts.settings.raw and doc.ok("settings"):
        problems.add("settings.sipas_points", "sipas_points_missing")


def _sipas(
    raw: Mapping[str, Any],
    doc: Document,
    assumptions: Assumptions,
    optional: tuple[str, ...],
    parts: Parts,
    problems: Problems,
) -> None:
    """SIPAS: the structure (policy, services, overall) and the SIPAS settings."""
    v = doc.values
    if v.get("criteria") is not None:
        problems.add("criteria", "criteria_in_sipas")
    _settings(doc, "SIPAS", optional, assumptions, parts, problems)
    if doc.ok("structure") and v.get("structure") is None:
        problems.add("structure", "structure_missing")
    elif doc.ok("structure"):
        parts.sipas, parts.nodes, items = build_sipas(v["structure"], parts.settings.typed, problems)
        parts.provisional += items  # the structure first, then the settings
    parts.provisional += parts.settings.provisional


def _method_breaks(entries: list[MethodHistoryEntry], years: Any, problems: Problems) -> tuple[MethodBreak, ...]:
    """The legal changes of method, years strictly increasing and none after the framework's last year."""
    for i, (a, b) in enumerate(itertools.pairwise(entries)):
        if not a.year < b.year:
            problems.add(f"method_history[{i + 1}].year", "history_order", year=b.year, previous=a.year)
    if years is not None:
        for i, entry in enumerate(entries):
            if entry.year > years.to:
                problems.add(f"method_history[{i}].year", "history_after_years", year=entry.year, last=years.to)
    return tuple(MethodBreak(e.year, e.label, e.basis.vi, e.basis.en) for e in entries)


def _reporting(section: ReportingSection, index: str, problems: Problems) -> Reporting:
    """Kinds of this index only, each named once (components and detail together)."""
    allowed = REPORTING_KINDS[index]
    seen: set[str] = set()
    for where, kinds in (("components", section.components), ("detail", section.detail)):
        for i, kind in enumerate(kinds):
            if kind not in allowed:
                problems.add(f"reporting.{where}[{i}]", "reporting_kind", kind=kind, allowed=", ".join(allowed))
            elif kind in seen:
                problems.add(f"reporting.{where}[{i}]", "reporting_twice", kind=kind)
            seen.add(kind)
    return Reporting(tuple(section.components), tuple(section.detail))
