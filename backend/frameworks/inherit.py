"""Reading framework YAML, and files that extend another (``extends: <file name without .yaml>``).

A file that extends another states only what differs from it (its *parent*, a file of the same folder).
Merge rules, applied to the parent's resolved document (so ``extends`` chains work):

1. Mappings merge key by key, recursively: a key the child gives replaces (or, for a mapping, merges into)
   the parent's; a key it does not give is inherited.
2. Each entry of ``settings`` and of ``working_assumptions`` is replaced as a whole: a value travels with its
   ``provisional`` flag, ``confidence`` and ``basis``. Every list is replaced as a whole, except:
3. coded lists (``criteria`` and ``children``; SIPAS ``groups``, ``contents``, ``elements``) merge by code: an
   item whose code the parent's list has is merged into that item (rules 1-4), a new code is appended.
4. ``!remove`` drops an inherited entry: as a mapping value (``sipas_points: !remove``) it removes the key; as
   an item of a coded list (``- !remove A8.SE``) it removes the item with that code. A ``!remove`` that
   removes nothing, or in a file that extends nothing, is an error.
5. The child states its own ``code``, ``version`` and ``years``. A missing parent and a cycle are errors.

The resolved document has no ``extends`` and lists the files it came from in ``resolved_from`` (parent
first). It is what the store keeps (``framework.source_text``) and what ``content_hash`` is taken of, so a
stored framework is re-read from its row alone (backend/frameworks/sync.py ``spec_from_row``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from backend.frameworks.problems import Problems, yaml_path

#: libyaml's safe loader when PyYAML was built with it (60× faster), else the pure-Python one
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
CODED_LISTS = ("criteria", "children", "groups", "contents", "elements")
WHOLE_ENTRIES = ("settings", "working_assumptions")
IDENTITY = ("code", "version", "years")


class Remove:
    """``!remove`` (a mapping value) or ``!remove CODE`` (an item of a coded list)."""

    def __init__(self, code: str | None) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"!remove {self.code or ''}".strip()


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, plus the ``!remove`` tag."""


def _construct_remove(loader: Any, node: yaml.Node) -> Remove:
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    return Remove(str(value) if value else None)


_Loader.add_constructor("!remove", _construct_remove)


class _Dumper(yaml.SafeDumper):
    """Writes shared values in full (no YAML anchors) so the stored text reads like a hand-written file."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def read_yaml(text: str, problems: Problems, where: str = "") -> Any:
    """The YAML document of ``text`` (a safe load with ``!remove``); None with a problem if unreadable."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else "?"
        problems.add(f"{where}{line}", "yaml_unreadable", error=str(exc))
        return None


def resolve(
    raw: Mapping[str, Any], name: str, folder: Path | None, problems: Problems, chain: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The document ``raw`` of the file ``name`` (without .yaml) with its ``extends`` chain merged in; None
    (with problems) when a parent cannot be read. A document that extends nothing is returned as it is."""
    parent = raw.get("extends")
    if parent is None:
        return dict(raw)
    if not isinstance(parent, str) or not _NAME_RE.match(parent) or parent.endswith((".yaml", ".yml")):
        problems.add("extends", "extends_name")
        return None
    if folder is None:
        problems.add("extends", "extends_needs_folder")
        return None
    if parent in (*chain, name):
        problems.add("extends", "extends_cycle", chain=" → ".join((*chain, name, parent)))
        return None
    for key in IDENTITY:
        if key not in raw:
            problems.add(key, "extends_identity")
    try:
        text = (folder / f"{parent}.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        problems.add("extends", "extends_missing", name=f"{parent}.yaml")
        return None
    parent_raw = read_yaml(text, problems, where=f"{parent}.yaml ")
    if not isinstance(parent_raw, Mapping):
        if parent_raw is not None:
            problems.add("extends", "extends_parent_not_mapping", name=f"{parent}.yaml")
        return None
    base = resolve(parent_raw, parent, folder, problems, (*chain, name))
    if base is None:
        return None
    origin = base.pop("resolved_from", None) or [f"{parent}.yaml"]
    merged = merge(base, {k: v for k, v in raw.items() if k != "extends"})
    merged.pop("resolved_from", None)
    return {"resolved_from": [*origin, f"{name}.yaml"], **merged}


def merge(base: Mapping[str, Any], child: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    """``child`` merged onto ``base`` by the rules of this module (neither is changed)."""
    out = dict(base)
    for key, value in child.items():
        old = out.get(key)
        if isinstance(value, Remove) and key in out:
            del out[key]
        elif isinstance(old, Mapping) and isinstance(value, Mapping) and path not in WHOLE_ENTRIES:
            out[key] = merge(old, value, f"{path}.{key}" if path else str(key))
        elif isinstance(old, list) and isinstance(value, list) and key in CODED_LISTS:
            out[key] = _merge_coded(old, value)
        else:
            out[key] = value
    return out


def _code(item: Any) -> str | None:
    code = item.get("code") if isinstance(item, Mapping) else None
    return code if isinstance(code, str) else None


def _merge_coded(base: list[Any], child: list[Any]) -> list[Any]:
    """Items of ``child`` merged into ``base`` by code; new codes appended; ``!remove CODE`` removes."""
    out: list[Any] = list(base)
    removed: set[int] = set()
    for item in child:
        position = {_code(x): i for i, x in enumerate(out) if _code(x) is not None}
        if isinstance(item, Remove) and item.code in position:
            removed.add(position[item.code])
        elif _code(item) in position:
            out[position[_code(item)]] = merge(out[position[_code(item)]], item)
        else:
            out.append(item)
    return [x for i, x in enumerate(out) if i not in removed]


def _removes(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Where ``!remove`` tags are left in ``node`` (as pydantic-style locations)."""
    if isinstance(node, Remove):
        yield loc
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _removes(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _removes(value, (*loc, i))


def _without_removes(node: Any) -> Any:
    """``node`` with every ``!remove`` left out."""
    if isinstance(node, Mapping):
        return {k: _without_removes(v) for k, v in node.items() if not isinstance(v, Remove)}
    if isinstance(node, list):
        return [_without_removes(v) for v in node if not isinstance(v, Remove)]
    return node


def check_removes(doc: Mapping[str, Any], extends: bool, problems: Problems) -> dict[str, Any]:
    """Report every ``!remove`` left after merging (it removed nothing, or the file extends nothing) and
    return the document without them, so that they are not reported again as type errors."""
    found = False
    for loc in _removes(doc):
        found = True
        path, _ = yaml_path(str(loc[0]), loc[1:], doc.get(loc[0]))
        problems.add(path, "remove_nothing" if extends else "remove_without_extends")
    return _without_removes(doc) if found else dict(doc)


def dump_resolved(doc: Mapping[str, Any], key_order: tuple[str, ...] = ()) -> str:
    """The text stored for a resolved document: a comment naming its files, then the document with its
    top-level keys in ``key_order`` (the others after them), long texts unwrapped. ``content_hash`` is
    taken of this text."""
    files = " + ".join(str(f) for f in doc.get("resolved_from") or ())
    header = f"# Framework resolved from {files} (extends). Stored as framework.source_text; do not edit.\n"
    rank = {key: i for i, key in enumerate(key_order)}
    ordered = dict(sorted(doc.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return header + yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)
