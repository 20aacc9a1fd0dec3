"""The PAR criteria tree of a framework file: nodes with the maxima actually used, and the sums they obey.

Rules (data/frameworks/README.md, "PAR INDEX files"):

* codes are unique in the whole tree; every leaf has a scoring mode allowed for the index and unit scope, an
  inner node has none; the level defaults to area / criterion / sub by depth;
* an unknown (null) maximum is marked provisional with a basis and filled by a working assumption
  (``criteria.<code>.max_points``), which must be a number ≥ 0; a provisional maximum needs a basis;
* with the maxima actually used: children add up to their parent, areas to ``total_max``, every
  ``constraints`` entry holds, and each grouping covers every leaf mode exactly once with parts that add up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from backend.frameworks.assumptions import Assumptions, provisional_item
from backend.frameworks.problems import Problems, fmt
from backend.frameworks.schema import Bilingual, Constraint, CriterionNode
from backend.frameworks.schema import Grouping as GroupingModel
from backend.frameworks.spec import CriterionSpec, Grouping, GroupingPart, ProvisionalItem

_TOL = 1e-6
_LEVELS = ("area", "criterion", "sub")


def basis_of(basis: Bilingual | None, path: str, problems: Problems) -> tuple[str, str]:
    """The bilingual basis of an unverified element; reported at ``path`` when it is missing."""
    if basis is None:
        problems.add(path, "basis_missing")
        return "", ""
    return basis.vi, basis.en


class TreeBuilder:
    """Builds :class:`CriterionSpec` nodes (depth first, file order) from the validated criteria list."""

    def __init__(self, allowed_modes: tuple[str, ...] | None, assumptions: Assumptions, problems: Problems) -> None:
        self.allowed_modes = allowed_modes  # None: the unit scope is invalid (already reported)
        self.assumptions = assumptions
        self.problems = problems
        self.nodes: list[CriterionSpec] = []
        self.provisional: list[ProvisionalItem] = []
        self._seen: set[str] = set()

    def build(self, nodes: Sequence[CriterionNode], parent: str | None = None, area: str | None = None) -> list[str]:
        """Add ``nodes`` (and their subtrees) under ``parent``; returns the codes added."""
        codes: list[str] = []
        for node in nodes:
            code = self._node(node, parent, area)
            if code is not None:
                codes.append(code)
        return codes

    def _node(self, raw: CriterionNode, parent: str | None, area: str | None) -> str | None:
        """One node after its subtree (a placeholder keeps its place in file order); None if its code is taken."""
        path = f"criteria.{raw.code}"
        if raw.code in self._seen:
            self.problems.add(path, "duplicate_code")
            return None
        self._seen.add(raw.code)
        depth = 0 if parent is None else 1 if area == parent else 2
        level = raw.level or _LEVELS[depth]
        area_code = area or raw.code
        index = len(self.nodes)
        self.nodes.append(
            CriterionSpec(raw.code, parent, level, raw.name_vi, raw.name_en, None, None, None, False, "", 0)
        )
        children = self.build(raw.children, raw.code, area_code) if raw.children else []
        self._check_mode(raw, path, bool(children))
        effective, provisional, basis = self._maximum(raw, path)
        self.nodes[index] = CriterionSpec(
            code=raw.code,
            parent=parent,
            level=level,
            name_vi=raw.name_vi,
            name_en=raw.name_en,
            official_max=raw.max_points,
            max_points=effective,
            mode=None if children else raw.mode,
            provisional=provisional,
            area=area_code,
            sort_order=index,
            children=tuple(children),
            confidence=raw.confidence or "",
            source=raw.source or "",
            basis_vi=basis[0],
            basis_en=basis[1],
            from_year=raw.from_year,
            to_year=raw.to_year,
        )
        return raw.code

    def _check_mode(self, raw: CriterionNode, path: str, has_children: bool) -> None:
        """A leaf has a mode allowed for the index and scope; an inner node has none."""
        if has_children:
            if raw.mode is not None:
                self.problems.add(f"{path}.mode", "mode_on_inner")
        elif raw.mode is None:
            self.problems.add(f"{path}.mode", "mode_missing")
        elif self.allowed_modes is not None and raw.mode not in self.allowed_modes:
            self.problems.add(f"{path}.mode", "mode_not_allowed", mode=raw.mode, allowed=", ".join(self.allowed_modes))

    def _maximum(self, raw: CriterionNode, path: str) -> tuple[float | None, bool, tuple[str, str]]:
        """(maximum used, provisional, basis): the official maximum or the working assumption's."""
        basis = ("", "")
        if raw.provisional or raw.max_points is None:
            basis = basis_of(raw.basis, f"{path}.basis", self.problems)
        if raw.max_points is None and not raw.provisional:
            self.problems.add(f"{path}.max_points", "null_needs_provisional")
        key = f"criteria.{raw.code}.max_points"
        filled, assumed = self.assumptions.fill(key, raw.max_points, where=f"{path}.max_points")
        effective = raw.max_points
        if filled and assumed is not None and assumed.value is not None:
            value = assumed.value
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                self.problems.add(f"working_assumptions.{key}.value", "number_ge_0")
            else:
                effective = float(value)
        if raw.provisional or filled:
            self.provisional.append(provisional_item(key, effective, basis, assumed, filled))
        return effective, raw.provisional or filled, basis


def check_sums(nodes: Sequence[CriterionSpec], total_max: float, problems: Problems) -> None:
    """Children add up to their parent and areas to ``total_max`` (only where every maximum is known)."""
    by_code = {node.code: node for node in nodes}
    for node in nodes:
        if node.is_leaf or node.max_points is None:
            continue
        child_max = [by_code[c].max_points for c in node.children]
        if any(m is None for m in child_max):
            continue
        total = math.fsum(m for m in child_max if m is not None)
        if abs(total - node.max_points) > _TOL:
            problems.add(
                f"criteria.{node.code}.max_points", "children_sum", total=fmt(total), maximum=fmt(node.max_points)
            )
    area_max = [node.max_points for node in nodes if node.parent is None]
    if area_max and all(m is not None for m in area_max):
        total = math.fsum(m for m in area_max if m is not None)
        if abs(total - total_max) > _TOL:
            problems.add("criteria", "areas_sum", total=fmt(total), maximum=fmt(total_max))


def check_constraints(
    constraints: Sequence[Constraint], nodes: Sequence[CriterionSpec], problems: Problems
) -> list[ProvisionalItem]:
    """Every ``constraints`` entry holds with the maxima used; provisional ones are listed."""
    out: list[ProvisionalItem] = []
    by_code = {node.code: node for node in nodes}
    for i, entry in enumerate(constraints):
        path = f"constraints[{i}]"
        missing = [c for c in entry.codes if c not in by_code]
        if missing:
            problems.add(f"{path}.codes", "unknown_codes", codes=", ".join(missing))
            continue
        values = [by_code[c].max_points for c in entry.codes]
        if all(v is not None for v in values):
            total = math.fsum(v for v in values if v is not None)
            if abs(total - entry.sum) > _TOL:
                codes = " + ".join(entry.codes)
                problems.add(path, "constraint_sum", codes=codes, total=fmt(total), target=fmt(entry.sum))
        if entry.provisional:
            basis = basis_of(entry.basis, f"{path}.basis", problems)
            out.append(ProvisionalItem(path, entry.sum, basis[0], basis[1], False))
    return out


def build_groupings(
    groupings: dict[str, GroupingModel], nodes: Sequence[CriterionSpec], problems: Problems
) -> tuple[Grouping, ...]:
    """Each grouping: every leaf mode in exactly one part, each part adding up to its maximum."""
    leaves = [node for node in nodes if node.is_leaf and node.mode is not None]
    modes_present = {node.mode for node in leaves if node.mode is not None}
    out: list[Grouping] = []
    for gcode, grouping in groupings.items():
        path = f"groupings.{gcode}"
        parts: list[GroupingPart] = []
        covered: dict[str, str] = {}
        for pcode, part in grouping.parts.items():
            ppath = f"{path}.parts.{pcode}"
            for mode in part.modes:
                if mode in covered:
                    problems.add(f"{ppath}.modes", "mode_in_two_parts", mode=mode, part=covered[mode])
                covered[mode] = pcode
            leaf_max = [node.max_points for node in leaves if node.mode in part.modes]
            if all(m is not None for m in leaf_max):
                total = math.fsum(m for m in leaf_max if m is not None)
                if abs(total - part.max_points) > _TOL:
                    problems.add(
                        f"{ppath}.max_points",
                        "part_sum",
                        modes=", ".join(part.modes),
                        total=fmt(total),
                        maximum=fmt(part.max_points),
                    )
            parts.append(GroupingPart(pcode, part.name_vi, part.name_en, tuple(part.modes), part.max_points))
        uncovered = sorted(modes_present - set(covered))
        if uncovered:
            problems.add(path, "modes_uncovered", modes=", ".join(uncovered))
        out.append(Grouping(gcode, grouping.name_vi, grouping.name_en, tuple(parts)))
    return tuple(out)
