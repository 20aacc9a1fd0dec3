"""Questionnaire templates of online citizen surveys, the rules of an item, and the rules of an answer.

A template is a YAML file in ``data/voice/templates/`` (a questionnaire is data, not code): a code, a scope
(``province``: about one province; ``service``: about one public service, the citizen names the province), a
title and an introduction in Vietnamese and English, and items. An item is a **rating** on the 1–5 scale
(1 = very bad … 5 = very good), a **choice** among at least two options, or a **free text**; item codes are
lower-case letters, digits and ``_``. Staff make a survey from a template and may then change its items while
it is a draft; the same rules (:class:`ItemSpec`) check both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticError

from backend.errors import ValidationError
from backend.services.submission_rules import TEXT_MAX, clean_text
from backend.settings import get_settings

RATING_SCALE = (1, 2, 3, 4, 5)
MAX_ITEMS = 40
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class OptionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    vi: str = Field(min_length=1)
    en: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"option code {value!r}: lower-case letters, digits and _ (at most 32)")
        return value


class ItemSpec(BaseModel):
    """One item: a 1–5 rating, a choice among options, or free text."""

    model_config = ConfigDict(extra="forbid")
    code: str
    kind: Literal["rating", "choice", "text"]
    text_vi: str = Field(min_length=1)
    text_en: str = ""
    required: bool = False
    options: list[OptionSpec] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"item code {value!r}: lower-case letters, digits and _ (at most 32)")
        return value

    @model_validator(mode="after")
    def _options(self) -> ItemSpec:
        codes = [o.code for o in self.options]
        if self.kind == "choice" and len(set(codes)) < 2:
            raise ValueError(f"item {self.code}: a choice needs at least two different options")
        if self.kind != "choice" and self.options:
            raise ValueError(f"item {self.code}: only a choice has options")
        if len(codes) != len(set(codes)):
            raise ValueError(f"item {self.code}: option codes repeat")
        return self


class TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    scope: Literal["province", "service"]
    title_vi: str = Field(min_length=1)
    title_en: str = ""
    intro_vi: str = ""
    intro_en: str = ""
    items: list[ItemSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TemplateSpec:
        check_items(self.items)
        return self


def check_items(items: Sequence[ItemSpec]) -> None:
    """A questionnaire has 1 to MAX_ITEMS items with distinct codes."""
    codes = [i.code for i in items]
    if not 1 <= len(codes) <= MAX_ITEMS:
        raise ValueError(f"a questionnaire has 1 to {MAX_ITEMS} items (got {len(codes)})")
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValueError(f"item codes repeat: {', '.join(repeated)}")


def templates_dir() -> Path:
    return get_settings().data_dir / "voice" / "templates"


def load_templates(folder: Path | None = None) -> dict[str, TemplateSpec]:
    """Every template of ``folder`` (default data/voice/templates) by code; a broken file is reported by name."""
    found: dict[str, TemplateSpec] = {}
    for path in sorted((folder or templates_dir()).glob("*.yaml")):
        try:
            spec = TemplateSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (PydanticError, yaml.YAMLError) as exc:
            raise ValidationError.of("voice.template.invalid", name=path.name, problems=[str(exc)]) from exc
        found[spec.code] = spec
    return found


def parse_items(rows: Sequence[Mapping[str, Any]]) -> list[ItemSpec]:
    """Items as staff edit them (options as JSON text or a list); every problem reported by item."""
    items, problems = [], []
    for number, row in enumerate(rows, start=1):
        data = {k: v for k, v in row.items() if k in ItemSpec.model_fields and v is not None}
        if isinstance(data.get("options"), str):
            try:
                data["options"] = json.loads(data["options"] or "[]")
            except json.JSONDecodeError:
                problems.append(f"{number}: options JSON")
                continue
        try:
            items.append(ItemSpec.model_validate(data))
        except PydanticError as exc:
            problems.append(f"{number}: " + "; ".join(e["msg"] for e in exc.errors()))
    if not problems:
        try:
            check_items(items)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError.of("voice.template.items_invalid", problems=problems)
    return items


@dataclass(frozen=True)
class StoredItem:
    """An item as the submission path reads it from the store."""

    id: int
    code: str
    kind: str
    required: bool
    options: tuple[str, ...]


def check_answers(
    items: Sequence[StoredItem], answers: Mapping[str, Any]
) -> tuple[list[tuple[StoredItem, Any]], list[tuple[str, str]]]:
    """(item, clean value) of every answered item, and (catalogue key, item code) of what is wrong. A rating is a whole
    number 1–5, a choice one of the item's option codes, a text at most TEXT_MAX characters; a required item must
    be answered; an answer to an item the survey does not have is refused."""
    by_code = {i.code: i for i in items}
    problems = [("voice.submit.unknown_item", str(code)) for code in answers if code not in by_code]
    clean: list[tuple[StoredItem, Any]] = []
    for item in items:
        value = answers.get(item.code)
        if value is None or (isinstance(value, str) and not value.strip()):
            if item.required:
                problems.append(("voice.submit.required", item.code))
            continue
        checked, problem = _answer(item, value)
        if problem:
            problems.append((problem, item.code))
        else:
            clean.append((item, checked))
    return clean, problems


def _answer(item: StoredItem, value: Any) -> tuple[Any, str]:
    """(clean value, '') or (None, catalogue key of the problem) for one answer."""
    if item.kind == "rating":
        whole = isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
        return (int(value), "") if whole and int(value) in RATING_SCALE else (None, "voice.submit.bad_rating")
    if item.kind == "choice":
        return (value, "") if isinstance(value, str) and value in item.options else (None, "voice.submit.bad_choice")
    text, fits = clean_text(value)
    return (text, "") if fits else (None, "voice.submit.too_long")


__all__ = ["TEXT_MAX", "ItemSpec", "StoredItem", "TemplateSpec", "check_answers", "load_templates", "parse_items"]
