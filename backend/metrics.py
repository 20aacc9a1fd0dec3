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
