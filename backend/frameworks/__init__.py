"""Methodology as data: framework files (data/frameworks/*.yaml) → validated specs → Framework/Criterion rows.

Public API:

* :func:`load_framework_file` (pure, validated) and :func:`load_all` (a directory);
* :func:`sync_frameworks` (idempotent store), :func:`framework_for` (which framework applies: the stored
  ``Framework`` row for a session, the spec for a list of specs) and :func:`spec_for` (its spec);
* :class:`FrameworkSpec` and its parts; ``spec.provisional_list()`` lists every unverified item
  (path, value used, basis) for the methodology page; ``spec.precision``, ``spec.tie_rule``,
  ``spec.method_breaks``, ``spec.component_metrics()`` / ``detail_metrics()`` / ``element_metrics()`` and
  ``spec.grade_order()`` give what the file declares about rounding, ranking, trends and reporting.

The file format (with ``extends``) is described in data/frameworks/README.md; its pydantic models are in
backend/frameworks/schema.py.
"""

from backend.frameworks.loader import check_overlaps, load_all, load_framework_file, parse_framework_text
from backend.frameworks.spec import (
    ASSESSED_MODES,
    LEAF_MODES,
    SURVEY_MODES,
    CriterionSpec,
    FrameworkSpec,
    Grade,
    Grouping,
    GroupingPart,
    MethodBreak,
    Precision,
    ProvisionalItem,
    Reporting,
    SipasItem,
    SipasNode,
    SipasSpec,
    SurveyMapping,
    SurveyScoring,
)
from backend.frameworks.sync import SyncResult, framework_for, spec_for, spec_from_row, sync_frameworks

__all__ = [
    "ASSESSED_MODES",
    "LEAF_MODES",
    "SURVEY_MODES",
    "CriterionSpec",
    "FrameworkSpec",
    "Grade",
    "Grouping",
    "GroupingPart",
    "MethodBreak",
    "Precision",
    "ProvisionalItem",
    "Reporting",
    "SipasItem",
    "SipasNode",
    "SipasSpec",
    "SurveyMapping",
    "SurveyScoring",
    "SyncResult",
    "check_overlaps",
    "framework_for",
    "load_all",
    "load_framework_file",
    "parse_framework_text",
    "spec_for",
    "spec_from_row",
    "sync_frameworks",
]
