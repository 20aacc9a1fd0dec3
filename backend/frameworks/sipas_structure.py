"""The SIPAS ``structure`` of a framework file → :class:`SipasSpec` and its criteria nodes.

Rules (data/frameworks/README.md, "SIPAS file"): codes are unique within each list; a provisional group,
content or element says why (basis); item codes (``POL.<group>.<content>``, ``SRV.<element>.<content>``,
the overall item) are unique; the positive answer categories lie on the answer scale. Every node of the
tree is a percentage (maximum 100); an element whose contents are a working structure is listed as
provisional (``structure.services.<element>.contents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from backend.frameworks.problems import Problems
from backend.frameworks.schema import AnswerScale, SipasNodeModel, SipasStructure
from backend.frameworks.spec import CriterionSpec, ProvisionalItem, SipasItem, SipasNode, SipasSpec
from backend.frameworks.tree import basis_of


def _nodes(raw: Sequence[SipasNodeModel], path: str, problems: Problems) -> tuple[SipasNode, ...]:
    """Groups, contents or elements (with their contents): codes unique in the list, a provisional node
    says why."""
    out: list[SipasNode] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        if entry.code in seen:
            problems.add(f"{path}[{i}]", "duplicate_code_named", code=entry.code)
        seen.add(entry.code)
        if entry.provisional:
            basis_of(entry.basis, f"{path}[{i}].basis", problems)
        children = getattr(entry, "contents", None)
        contents = _nodes(children, f"{path}[{i}].contents", problems) if children else ()
        out.append(
            SipasNode(
                entry.code, entry.name_vi, entry.name_en, entry.from_year, entry.to_year, contents, entry.provisional
            )
        )
    return tuple(out)


class _Tree:
    """The criteria nodes of the SIPAS tree (areas → groups / elements → items), each with maximum 100."""

    def __init__(self) -> None:
        self.nodes: list[CriterionSpec] = []
        self.items: list[SipasItem] = []

    def add(
        self,
        code: str,
        parent: str | None,
        level: str,
        names: tuple[str, str],
        area: str,
        children: tuple[str, ...] = (),
        *,
        prov: bool = False,
        years: tuple[int | None, int | None] = (None, None),
        mode: str | None = None,
    ) -> None:
        """A node; items (and the overall area, which is its own question) are scored (mode ``sipas``)."""
        node = CriterionSpec(code, parent, level, names[0], names[1], 100.0, 100.0, mode, prov, area, len(self.nodes))
        self.nodes.append(replace(node, children=children, from_year=years[0], to_year=years[1]))

    def branch(
        self, area: str, node: SipasNode, contents: Sequence[SipasNode], pattern: str, field: str
    ) -> tuple[str, ...]:
        """A group (or element) under ``area`` with one item per content; returns its item codes."""
        code = f"{area}.{node.code}"
        kind = "policy" if field == "group" else "services"
        codes = tuple(pattern.format(**{field: node.code, "content": c.code}) for c in contents)
        years = (node.from_year, node.to_year)
        self.add(code, area, "criterion", (node.name_vi, node.name_en), area, codes, prov=node.provisional, years=years)
        for c, icode in zip(contents, codes, strict=True):
            names = (f"{node.name_vi}: {c.name_vi}", f"{node.name_en}: {c.name_en}")
            self.add(
                icode, code, "item", names, area, prov=node.provisional or c.provisional, years=years, mode="sipas"
            )
            self.items.append(SipasItem(icode, kind, node.code, c.code, node.from_year, node.to_year))
        return codes


def build_sipas(
    structure: SipasStructure, settings: dict[str, Any], problems: Problems
) -> tuple[SipasSpec, list[CriterionSpec], list[ProvisionalItem]]:
    """The SIPAS spec, its criteria nodes and the provisional element contents. ``settings`` holds the
    validated setting values (a missing one was reported; a default stands in while checking goes on)."""
    policy, services, overall = structure.policy, structure.services, structure.overall
    groups = _nodes(policy.groups, "structure.policy.groups", problems)
    contents = _nodes(policy.contents, "structure.policy.contents", problems)
    elements = _nodes(services.elements, "structure.services.elements", problems)
    tree = _Tree()
    tree.add(
        policy.code,
        None,
        "area",
        (policy.name_vi, policy.name_en),
        policy.code,
        tuple(f"{policy.code}.{g.code}" for g in groups),
    )
    for g in groups:
        tree.branch(policy.code, g, contents, policy.item_code, "group")
    tree.add(
        services.code,
        None,
        "area",
        (services.name_vi, services.name_en),
        services.code,
        tuple(f"{services.code}.{e.code}" for e in elements),
    )
    provisional: list[ProvisionalItem] = []
    for e, raw in zip(elements, services.elements, strict=True):
        tree.branch(services.code, e, e.contents, services.item_code, "element")
        if e.provisional:  # its basis was checked with the element
            vi, en = (raw.basis.vi, raw.basis.en) if raw.basis else ("", "")
            codes = [c.code for c in e.contents]
            provisional.append(ProvisionalItem(f"structure.services.{e.code}.contents", codes, vi, en, False))
    overall_item = overall.item or overall.code
    tree.add(overall.code, None, "area", (overall.name_vi, overall.name_en), overall.code, mode="sipas")
    tree.items.append(SipasItem(overall_item, "overall", None, None))
    seen: set[str] = set()
    for item in tree.items:
        if item.code in seen:
            problems.add("structure", "item_code_duplicate", code=item.code)
        seen.add(item.code)
    scale = settings.get("answer_scale") or AnswerScale(min=1, max=5)
    positive = tuple(sorted(set(settings.get("positive_categories") or ())))
    if any(not scale.min <= p <= scale.max for p in positive):
        problems.add("settings.positive_categories", "positive_outside_scale", low=scale.min, high=scale.max)
    spec = SipasSpec(
        policy_code=policy.code,
        policy_name_vi=policy.name_vi,
        policy_name_en=policy.name_en,
        services_code=services.code,
        services_name_vi=services.name_vi,
        services_name_en=services.name_en,
        overall_code=overall.code,
        overall_item=overall_item,
        overall_name_vi=overall.name_vi,
        overall_name_en=overall.name_en,
        policy_groups=groups,
        policy_contents=contents,
        service_elements=elements,
        items=tuple(tree.items),
        scale_min=scale.min,
        scale_max=scale.max,
        positive_categories=positive,
        node_aggregation=settings.get("node_aggregation") or "pooled",
        overall_method=settings.get("overall_method") or "item",
        national_method=settings.get("national_method") or "mean_of_units",
    )
    return spec, tree.nodes, provisional
