"""Names of the figures stored in ``result_row.metric``: the contract between scoring and pages.

SIPAS (values in %, 0–100):
    ``SIPAS``                         overall index
    ``SIPAS.policy``                  policy area
    ``SIPAS.services``                public administrative services area
    ``SIPAS.policy.<group>``          one policy group, e.g. ``SIPAS.policy.P3``
    ``SIPAS.policy.content.<c>``      one policy content across groups, e.g. ``SIPAS.policy.content.C2``
    ``SIPAS.services.<element>``      one service element, e.g. ``SIPAS.services.E2``

PAR INDEX (points, with ``max_value`` = the maximum; the index is points / max × 100):
    ``PAR_INDEX``                     the index in % (= total points when the maximum is 100)
    ``PAR_INDEX.area.<area>``         points of one area (lĩnh vực), e.g. ``PAR_INDEX.area.A3``
    ``PAR_INDEX.block.<mode>``        points by scoring mode: appraisal, appraisal_socioeconomic,
                                      survey_leaders, survey_citizens_sipas (provinces) or survey (ministries)
    ``PAR_INDEX.published.appraisal`` "điểm thẩm định" as published (provinces 61.5; ministries 68.5)
    ``PAR_INDEX.published.impact``    provinces: "điểm đánh giá tác động" (38.5); ministries: survey (31.5)

Rows have ``scope`` ``unit`` (``scope_code`` = ``<unit kind>:<code>``), ``region`` (GSO region code)
or ``national`` (``VN``); ``rank`` and ``grp`` are set on unit rows where the framework ranks them.

Added by the scoring engine (backend/scoring; rows assembled in backend/scoring/rows.py):

SIPAS
    ``SIPAS.item.<item code>``        one question, e.g. ``SIPAS.item.POL.P1.C2``, ``SIPAS.item.OVERALL``

PAR INDEX
    ``PAR_INDEX.total``               total points (``max_value`` = the framework's total, 100)
    ``PAR_INDEX.<grouping>.<part>``   a part of one reporting grouping of the framework; provinces:
                                      ``PAR_INDEX.published.appraisal`` (61.5) / ``.published.impact`` (38.5)
                                      and ``PAR_INDEX.de_an.appraisal`` (68) / ``.de_an.survey`` (32)
    ``PAR_INDEX.criterion.<code>``    points of one leaf criterion, e.g. ``PAR_INDEX.criterion.A3.APP``

Unit rows: ``value`` at the framework's ``precision.compute_decimals`` (not the printed rounding); ``n`` =
valid survey forms of the unit (SIPAS forms; PAR survey forms); ``ci_low``/``ci_high`` = 95% bootstrap
interval when the result set was computed with a bootstrap (``parameters.bootstrap`` > 0),
``rank_low``/``rank_high`` = 95% interval of the rank; ``rank`` and ``grp`` are set on the ranked metrics
(unranked units have none; ``grp`` on the main metric only), decided at the framework's declared precision
and tie rule (backend/scoring/rows.py). For
the main metric (``SIPAS``, ``PAR_INDEX``) of a result set computed with a bootstrap, two flags are
stored as their own metrics (value 1.0 = yes, 0.0 = no, NULL = no neighbour / unranked):
    ``<metric>#overlap_prev``         the unit's interval overlaps that of the unit ranked just above
    ``<metric>#overlap_next``         … of the unit ranked just below (their order is not clear-cut)

National rows (``VN``): ``<metric>`` is the published national figure (framework setting: mean of the
(ranked) units, or for SIPAS possibly the pooled estimate); SIPAS also stores both estimates as
``<metric>@mean_of_units`` and ``<metric>@pooled``. Region rows: the mean of the region's units.
``n`` on national/region rows = number of units averaged.
"""

from __future__ import annotations

SIPAS = "SIPAS"
SIPAS_POLICY = "SIPAS.policy"
SIPAS_SERVICES = "SIPAS.services"
PAR = "PAR_INDEX"
NATIONAL_CODE = "VN"


def sipas_policy_group(group: str) -> str:
    return f"SIPAS.policy.{group}"


def sipas_policy_content(content: str) -> str:
    return f"SIPAS.policy.content.{content}"


def sipas_service_element(element: str) -> str:
    return f"SIPAS.services.{element}"


def par_area(area: str) -> str:
    return f"PAR_INDEX.area.{area}"


def par_block(mode: str) -> str:
    return f"PAR_INDEX.block.{mode}"


PAR_PUBLISHED_APPRAISAL = "PAR_INDEX.published.appraisal"
PAR_PUBLISHED_IMPACT = "PAR_INDEX.published.impact"


def unit_scope_code(kind: str, code: str) -> str:
    return f"{kind}:{code}"


# -- added by the scoring engine -----------------------------------------------------------------------

PAR_TOTAL = "PAR_INDEX.total"
OVERLAP_PREV = "overlap_prev"
OVERLAP_NEXT = "overlap_next"
NATIONAL_METHODS = ("mean_of_units", "pooled")


def sipas_item(code: str) -> str:
    return f"SIPAS.item.{code}"


def par_grouping(grouping: str, part: str) -> str:
    """``PAR_INDEX.published.appraisal`` etc. (the published grouping gives the two names above)."""
    return f"PAR_INDEX.{grouping}.{part}"


def par_criterion(code: str) -> str:
    return f"PAR_INDEX.criterion.{code}"


def overlap_flag(metric: str, side: str) -> str:
    """``<metric>#overlap_prev`` / ``<metric>#overlap_next``."""
    return f"{metric}#{side}"


def national_method(metric: str, method: str) -> str:
    """``<metric>@mean_of_units`` / ``<metric>@pooled`` (national rows of SIPAS)."""
    return f"{metric}@{method}"
