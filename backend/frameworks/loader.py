"""Read and validate framework files (data/frameworks/*.yaml) into :class:`FrameworkSpec`.

Pure: reads the file it is given (and the files it extends), nothing else. Every problem found is reported at
once, with its YAML path, in one bilingual :class:`backend.errors.ValidationError`.

Steps (format: data/frameworks/README.md):

1. YAML → document; a file with ``extends`` is merged onto its parent (backend/frameworks/inherit.py).
2. Each top-level section is validated by its pydantic model (backend/frameworks/schema.py): types, allowed
   values, ranges, required and unknown keys, rules inside one object. Entries of ``settings``,
   ``working_assumptions`` and ``groupings`` are validated one by one. A section with type errors is
   reported and the checks that need it are skipped.
3. The rules across entries, on the validated models: header (a provisional framework says why); the criteria
   tree with its sums, constraints and groupings (tree.py); settings: known and required names, effective
   values, grades, survey mapping (setting_rules.py); SIPAS structure (sipas_structure.py); working
   assumptions fill only nulls, are provisional, and are all used (assumptions.py); method history years
   increase; reporting names kinds of the index, each once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from backend.errors import ValidationError
from backend.frameworks.assumptions import Assumptions
from backend.frameworks.document import SECTION_KEYS, Document, read_document
from backend.frameworks.inherit import check_removes, dump_resolved, read_yaml, resolve
from backend.frameworks.parts import Parts, build_parts
from backend.frameworks.problems import Problems, message
from backend.frameworks.spec import FrameworkSpec


def _fail(source_name: str, problems: Problems) -> ValidationError:
    """The one bilingual error of a file: how many problems, then each as ``path: vi / en``."""
    n = len(problems)
    return ValidationError(
        *message("invalid_file", name=source_name, n=n),
        problems=list(problems.lines),
        hint_vi=message("invalid_file_hint")[0],
        hint_en=message("invalid_file_hint")[1],
    )


def _spec(parts: Parts, doc: Document) -> FrameworkSpec:
    """The spec of a file with no problems (text, hash and name are set by the caller)."""
    v = doc.values
    return FrameworkSpec(
        code=v["code"],
        version=v["version"],
        index_code=v["index_code"],
        unit_scope=v["unit_scope"],
        year_from=v["years"].from_,
        year_to=v["years"].to,
        status=v["status"],
        title_vi=v["title_vi"],
        title_en=v["title_en"],
        legal_basis=v["legal_basis"],
        total_max=parts.total_max,
        criteria=tuple(parts.nodes),
        groupings=parts.groupings,
        grades=parts.grades,
        unranked_units=tuple(parts.settings.typed.get("unranked_units", ())),
        settings=dict(parts.settings.raw),
        survey_mapping=parts.survey_mapping,
        survey_scoring=parts.survey_scoring,
        sipas=parts.sipas,
        provisional_items=tuple(parts.provisional),
        working_assumptions_used=tuple(parts.assumptions_used),
        content_hash="",
        source_text="",
        source_name="",
        method_breaks=parts.method_breaks,
        reporting=parts.reporting,
        resolved_from=tuple(v.get("resolved_from") or ()),
    )


def parse_framework_text(text: str, source_name: str = "<text>", folder: str | Path | None = None) -> FrameworkSpec:
    """Parse and validate the text of one framework file; ``folder`` holds the files it may extend.
    Raises ValidationError listing every problem.

    ``source_text`` of the result is ``text`` itself, or for a file that extends another the resolved
    document (which needs no other file); ``content_hash`` is the sha256 of ``source_text``.
    """
    problems = Problems()
    raw = read_yaml(text, problems)
    if problems:
        raise _fail(source_name, problems)
    if not isinstance(raw, Mapping):
        problems.add("(file)", "file_not_mapping")
        raise _fail(source_name, problems)
    stored = text
    extends = raw.get("extends") is not None
    if extends:
        resolved = resolve(raw, Path(source_name).stem, Path(folder) if folder is not None else None, problems)
        if resolved is None:
            raise _fail(source_name, problems)
        stored = dump_resolved(check_removes(resolved, True, problems), SECTION_KEYS)
        raw = read_yaml(stored, problems)  # what is stored is what is checked: a stored row gives this spec
    else:
        raw = check_removes(raw, False, problems)
    doc = read_document(raw, problems)
    parts = build_parts(raw, doc, Assumptions(doc.values.get("working_assumptions", {}), problems), problems)
    if problems:
        raise _fail(source_name, problems)
    return replace(
        _spec(parts, doc),
        content_hash=hashlib.sha256(stored.encode("utf-8")).hexdigest(),
        source_text=stored,
        source_name=source_name,
    )


def load_framework_file(path: str | Path) -> FrameworkSpec:
    """Read, validate and return one framework file (``extends`` is resolved in its folder).
    ``content_hash`` is the sha256 of the file's bytes, or for a file that extends another of the resolved
    document stored in its place."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(*message("file_unreadable", name=str(path), error=str(exc.strerror))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(*message("file_not_utf8", name=path.name)) from None
    return parse_framework_text(text, path.name, path.parent)


def check_overlaps(specs: Iterable[FrameworkSpec]) -> list[str]:
    """Problems with a set of frameworks: duplicate codes, or two frameworks for the same index, unit
    scope and year (then :func:`framework_for` could not choose)."""
    specs = list(specs)
    problems = Problems()
    by_code: dict[str, str] = {}
    for spec in specs:
        if spec.code in by_code:
            problems.add(spec.source_name, "code_taken", code=spec.code, other=by_code[spec.code])
        by_code[spec.code] = spec.source_name
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            if (a.index_code, a.unit_scope) != (b.index_code, b.unit_scope):
                continue
            if a.year_from <= b.year_to and b.year_from <= a.year_to:
                problems.add(
                    b.source_name, "years_overlap", other=a.source_name, index=a.index_code, scope=a.unit_scope
                )
    return problems.lines


def load_all(directory: str | Path) -> list[FrameworkSpec]:
    """Load every ``*.yaml`` in ``directory`` (sorted by name); one ValidationError lists all problems."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ValidationError(*message("no_files", folder=str(directory)))
    specs: list[FrameworkSpec] = []
    lines: list[str] = []
    for path in files:
        try:
            specs.append(load_framework_file(path))
        except ValidationError as exc:
            lines += [f"{path.name}: {p}" for p in exc.problems] or [
                f"{path.name}: {exc.message('vi')} / {exc.message('en')}"
            ]
    lines += check_overlaps(specs)
    if lines:
        raise ValidationError(
            *message("invalid_folder", n=len(lines), folder=str(directory)),
            problems=lines,
            hint_vi=message("invalid_folder_hint")[0],
            hint_en=message("invalid_folder_hint")[1],
        )
    return specs
