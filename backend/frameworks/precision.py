"""The declared precision of a framework (setting ``precision``): how results are computed, published and
decided. Read by :mod:`backend.scoring.precision`, which makes the exact decisions (ranks, groups)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

Rounding = Literal["half_up"]
Basis = Literal["published", "computed"]
ROUNDINGS: tuple[str, ...] = get_args(Rounding)
BASES: tuple[str, ...] = get_args(Basis)
#: the largest number of decimals a framework may declare
MAX_DECIMALS = 9


@dataclass(frozen=True)
class Precision:
    """How results are computed, published and decided (framework setting ``precision``).

    ``compute_decimals``: leaf points are rounded to this many decimals before they are added up;
    ``publish_decimals``: results are printed with this many; ``grades_on`` / ``ranks_on``: groups and ranks
    are decided on the ``published`` value or on the ``computed`` one; ``rounding``: ``half_up``.
    """

    compute_decimals: int = 4
    publish_decimals: int = 2
    grades_on: str = "published"
    ranks_on: str = "published"
    rounding: str = "half_up"

    @classmethod
    def from_setting(cls, raw: Mapping[str, Any] | None) -> Precision:
        """From the framework setting's value (a mapping); missing keys take the defaults above."""
        if not raw:
            return cls()
        known = {f.name: raw.get(f.name) for f in fields(cls)}
        return cls(**{k: v for k, v in known.items() if v is not None})

    def __post_init__(self) -> None:
        if not (0 <= self.publish_decimals <= self.compute_decimals <= MAX_DECIMALS):
            raise ValueError(f"need 0 <= publish_decimals <= compute_decimals <= {MAX_DECIMALS}")
        if self.grades_on not in BASES or self.ranks_on not in BASES:
            raise ValueError(f"grades_on / ranks_on must be one of {BASES}")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {ROUNDINGS}")

    def decimals_for(self, basis: str) -> int:
        return self.publish_decimals if basis == "published" else self.compute_decimals

    @property
    def grade_decimals(self) -> int:
        return self.decimals_for(self.grades_on)

    @property
    def rank_decimals(self) -> int:
        return self.decimals_for(self.ranks_on)
