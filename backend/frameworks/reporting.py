"""Reporting kinds: which result figures (names from backend/metrics.py) a framework's ``reporting`` section
stands for. The framework file says which kinds are the index's main components and which are further
detail; :meth:`FrameworkSpec.component_metrics` / ``detail_metrics`` / ``element_metrics`` turn them into
metric names here, in display order: each kind in turn, codes in natural order (``A2`` before ``A10``).

Kinds of PAR INDEX: ``areas`` (``PAR_INDEX.area.<area>``), ``groupings`` (``PAR_INDEX.<grouping>.<part>`` in
file order), ``blocks`` (``PAR_INDEX.block.<mode>`` in tree order), ``criteria`` (``PAR_INDEX.criterion.<leaf>``),
``total`` (``PAR_INDEX.total``). Kinds of SIPAS: ``policy``, ``services``, ``policy_groups``
(``SIPAS.policy.<group>``), ``policy_contents`` (``SIPAS.policy.content.<c>``), ``service_elements``
(``SIPAS.services.<element>``), ``items`` (``SIPAS.item.<item>``). With a year, only what exists that year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from backend import metrics as m

#: kinds of result figures a framework can name in ``reporting``, per index
REPORTING_KINDS: dict[str, tuple[str, ...]] = {
    "PAR_INDEX": ("areas", "groupings", "blocks", "criteria", "total"),
    "SIPAS": ("policy", "services", "policy_groups", "policy_contents", "service_elements", "items"),
}


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that puts ``A2`` before ``A10`` (digit runs compare as numbers)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p)


def _natural(codes: list[str]) -> list[str]:
    return sorted(codes, key=natural_key)


def _in_year(node: Any, year: int | None) -> bool:
    return year is None or bool(node.in_year(year))


def _areas(spec: Any, year: int | None) -> list[str]:
    return [m.par_area(c) for c in _natural([a.code for a in spec.areas() if _in_year(a, year)])]


def _groupings(spec: Any, year: int | None) -> list[str]:
    return [m.par_grouping(g.code, p.code) for g in spec.groupings for p in g.parts]


def _blocks(spec: Any, year: int | None) -> list[str]:
    """One block per scoring mode of the leaves, in the order the modes first occur in the tree."""
    modes: list[str] = []
    for leaf in spec.leaves(year):
        if leaf.mode is not None and leaf.mode not in modes:
            modes.append(leaf.mode)
    return [m.par_block(mode) for mode in modes]


def _criteria(spec: Any, year: int | None) -> list[str]:
    return [m.par_criterion(c) for c in _natural([leaf.code for leaf in spec.leaves(year)])]


def _sipas_nodes(attr: str, name: Callable[[str], str]) -> Callable[[Any, int | None], list[str]]:
    """The metrics of one list of SIPAS nodes (groups, contents or elements) in natural order."""

    def metrics(spec: Any, year: int | None) -> list[str]:
        nodes = getattr(spec.sipas, attr) if spec.sipas is not None else ()
        return [name(c) for c in _natural([n.code for n in nodes if _in_year(n, year)])]

    return metrics


def _items(spec: Any, year: int | None) -> list[str]:
    items = () if spec.sipas is None else spec.sipas.items if year is None else spec.sipas.items_for_year(year)
    return [m.sipas_item(i.code) for i in items]


_KIND_METRICS: dict[str, Callable[[Any, int | None], list[str]]] = {
    "areas": _areas,
    "groupings": _groupings,
    "blocks": _blocks,
    "criteria": _criteria,
    "total": lambda spec, year: [m.PAR_TOTAL],
    "policy": lambda spec, year: [m.SIPAS_POLICY],
    "services": lambda spec, year: [m.SIPAS_SERVICES],
    "policy_groups": _sipas_nodes("policy_groups", m.sipas_policy_group),
    "policy_contents": _sipas_nodes("policy_contents", m.sipas_policy_content),
    "service_elements": _sipas_nodes("service_elements", m.sipas_service_element),
    "items": _items,
}


def metrics_of_kinds(spec: Any, kinds: tuple[str, ...], year: int | None = None) -> tuple[str, ...]:
    """The metric names of ``kinds`` for ``spec`` (a FrameworkSpec), kinds in the order given, no repeats."""
    out: list[str] = []
    for kind in kinds:
        out += [name for name in _KIND_METRICS[kind](spec, year) if name not in out]
    return tuple(out)
