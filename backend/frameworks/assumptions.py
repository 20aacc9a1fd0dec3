"""The ``working_assumptions`` of a framework file: values used in place of official nulls.

Rules (data/frameworks/README.md): each entry is keyed by the path it fills (``criteria.<code>.max_points`` or
``settings.<name>``), has a value and a bilingual basis, is provisional, fills an official null and never
replaces a given value, and every entry fills something.
"""

from __future__ import annotations

from backend.frameworks.problems import Problems
from backend.frameworks.schema import WorkingAssumption
from backend.frameworks.spec import ProvisionalItem


class Assumptions:
    """The validated entries (``None`` for an entry that failed validation); tracks which were used."""

    def __init__(self, entries: dict[str, WorkingAssumption | None], problems: Problems) -> None:
        self.entries = entries
        self.used: list[str] = []
        self.problems = problems
        for key, entry in entries.items():
            if entry is None:
                continue
            if entry.provisional is not True:
                problems.add(f"working_assumptions.{key}.provisional", "assumption_provisional")
            if entry.value is None:
                problems.add(f"working_assumptions.{key}.value", "assumption_value")

    def fill(self, path: str, official: object, *, where: str) -> tuple[bool, WorkingAssumption | None]:
        """The working assumption for the element at ``path`` whose official value is ``official``.

        Returns ``(filled, entry)``: ``filled`` is True when the official value is null and an entry fills it
        (``entry`` is None if that entry itself is invalid, already reported). Reports an entry that would
        replace a given value, and an official null with no entry (at ``where``).
        """
        present = path in self.entries
        if present and path not in self.used:
            self.used.append(path)
        if official is not None:
            if present:
                self.problems.add(f"working_assumptions.{path}", "assumption_overrides")
            return False, None
        if not present:
            self.problems.add(where, "assumption_missing", key=path)
            return False, None
        return True, self.entries[path]

    def skip(self, path: str) -> None:
        """The element at ``path`` could not be read (already reported): its entry, if any, counts as used."""
        if path in self.entries and path not in self.used:
            self.used.append(path)

    def report_unused(self) -> None:
        """Every entry that filled nothing (call once every consumer has taken its entries)."""
        for key in self.entries:
            if key not in self.used:
                self.problems.add(f"working_assumptions.{key}", "assumption_unused")


def provisional_item(
    path: str, value: object, basis: tuple[str, str], assumed: WorkingAssumption | None, filled: bool
) -> ProvisionalItem:
    """The methodology-page entry of an unverified element (``filled``: the value is a working assumption)."""
    return ProvisionalItem(
        path=path,
        value=value,
        basis_vi=basis[0],
        basis_en=basis[1],
        from_working_assumption=filled,
        assumption_basis_vi=assumed.basis.vi if filled and assumed else "",
        assumption_basis_en=assumed.basis.en if filled and assumed else "",
    )
