"""A framework document as validated sections: each top-level section by its pydantic model on its own.

A section with type errors is reported (with its YAML path) and marked failed; the rules that need it are
skipped, so one broken section hides no problem of another. The entries of ``settings``,
``working_assumptions`` and ``groupings`` are validated one by one for the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo

from backend.frameworks.problems import Problems
from backend.frameworks.schema import ENTRY_MODELS, STRICT, FrameworkDocument, validate


def _section_model(name: str, field: FieldInfo) -> type[BaseModel]:
    """A model with the one field ``name`` of :class:`FrameworkDocument`, so that each top-level section is
    validated on its own (its errors keep the section's name, a broken section hides no other)."""
    definition: Any = (field.annotation, field)
    return create_model(f"Section_{name}", __config__=STRICT, **{name: definition})


_SECTIONS = {
    (field.alias or name): _section_model(name, field) for name, field in FrameworkDocument.model_fields.items()
}
#: the top-level keys of a framework file, in the order of the document model (the order of a stored text)
SECTION_KEYS = tuple(_SECTIONS)


class Document:
    """The validated sections of a framework file: ``values`` (by file key) and the keys that ``failed``."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.failed: set[str] = set()

    def ok(self, *keys: str) -> bool:
        return not any(key in self.failed for key in keys)


def read_document(raw: Mapping[str, Any], problems: Problems) -> Document:
    """Every section of ``raw`` validated by its model; entries of ``settings`` / ``working_assumptions`` /
    ``groupings`` one by one (a failed entry is kept as None, so it still counts as given)."""
    doc = Document()
    for key in raw:
        if key not in _SECTIONS:
            problems.add(str(key), "type.extra_forbidden")
    for key, model in _SECTIONS.items():
        value = raw.get(key)
        if key in ENTRY_MODELS and isinstance(value, Mapping):
            entries: dict[str, Any] = {}
            for name, entry in value.items():
                ok, typed = validate(ENTRY_MODELS[key], entry, f"{key}.{name}", problems)
                entries[str(name)] = typed if ok else None
            doc.values[key] = entries
            continue
        ok, section = validate(model, {key: value} if key in raw else {}, "", problems)
        if ok:
            doc.values[key] = next(iter(section.__dict__.values()))
        else:
            doc.failed.add(key)
    return doc
