"""Problems found in a framework file, as ``path: vi / en`` lines, and pydantic's errors turned into such lines.

Messages live in the one catalogue (backend/i18n/<lang>/frameworks.yaml, keys ``fw_file.*``). A path names the
entry the way the file does: ``criteria.A6.max_points`` (criteria by code, wherever they sit in the tree),
``settings.grades[1].min`` (other lists by position), ``groupings.published.parts.appraisal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from backend.i18n import both, has

PREFIX = "fw_file"
#: pydantic's error type for a rule broken inside one object (see :func:`rule`)
RULE = "fw_rule"


def message(key: str, /, **values: Any) -> tuple[str, str]:
    """The message ``fw_file.<key>`` in Vietnamese and English, with ``values`` filled in."""
    full = f"{PREFIX}.{key}"
    if not has(full, "vi") or not has(full, "en"):
        raise KeyError(f"message {full} is missing from backend/i18n/*/frameworks.yaml")
    vi, en = both(full)
    return vi.format(**values), en.format(**values)


def rule(key: str, /, **values: Any) -> PydanticCustomError:
    """A bilingual error for a model validator: a rule broken inside one object of the file."""
    vi, en = message(key, **values)
    return PydanticCustomError(RULE, "{en}", {"vi": vi, "en": en})


def fmt(x: float) -> str:
    """A number as the file would write it (``25.5``, ``100``)."""
    return f"{x:g}"


class Problems:
    """Collects problems as ``path: vi / en`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, path: str, key: str, /, **values: Any) -> None:
        vi, en = message(key, **values)
        self.lines.append(f"{path}: {vi} / {en}")

    def add_pydantic(self, exc: PydanticError, path: str, raw: Any) -> None:
        """Every error of ``exc`` (raised validating ``raw``, found at ``path`` in the file) as a line."""
        for error in exc.errors():
            where, is_key = yaml_path(path, tuple(error["loc"]), raw)
            vi, en = _error_text(error)
            if is_key:
                (kvi, ken) = message("dict_key")
                vi, en = f"{kvi}: {vi}", f"{ken}: {en}"
            self.lines.append(f"{where}: {vi} / {en}")

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def _ctx_value(value: Any) -> str:
    if isinstance(value, float):
        return fmt(value)
    return str(value).replace(" or ", ", ")


def _error_text(error: Any) -> tuple[str, str]:
    """The bilingual text of one pydantic error: a :func:`rule` carries both; a type error has a message
    per error type (``fw_file.type.<type>``), with pydantic's own text as the last resort."""
    ctx = error.get("ctx") or {}
    if error["type"] == RULE:
        return str(ctx["vi"]), str(ctx["en"])
    key = f"type.{error['type']}"
    if has(f"{PREFIX}.{key}"):
        try:
            return message(key, **{k: _ctx_value(v) for k, v in ctx.items()})
        except (KeyError, IndexError):
            pass
    return message("type.other", type=error["type"], msg=error["msg"])


def yaml_path(path: str, loc: tuple[Any, ...], raw: Any) -> tuple[str, bool]:
    """The file path of an error at ``loc`` inside ``raw`` (found at ``path``), and whether the error is
    about a mapping key. A criterion (an item of ``criteria`` or ``children`` with a valid code) is named
    ``criteria.<code>``, as criterion codes are unique in the whole tree."""
    parts = [path] if path else []
    node, last, is_key = raw, path.rsplit(".", 1)[-1], False
    for step in loc:
        if step == "[key]":
            is_key = True
            continue
        if isinstance(step, int) and isinstance(node, list):
            item = node[step] if 0 <= step < len(node) else None
            code = item.get("code") if isinstance(item, Mapping) else None
            if last in ("criteria", "children") and isinstance(code, str) and code:
                parts = ["criteria", code]
            else:
                parts[-1:] = [f"{parts[-1]}[{step}]"] if parts else [f"[{step}]"]
            node = item
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
        last = str(step)
    return ".".join(parts) or "(file)", is_key
