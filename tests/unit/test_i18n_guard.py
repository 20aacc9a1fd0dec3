"""One catalogue for every backend text: no module writes a user-facing text inline.

Rules (ARCHITECTURE.md decision 7, issue 7 point 6), checked on the source of every backend module outside
backend/i18n and backend/migrations with Python's own parser:

1. A domain error (``DomainError`` or any subclass, wherever defined) is never built from string literals:
   ``raise NotFoundError("…", "…", hint_vi="…")`` is refused; ``NotFoundError.of("domain.key", id=7)`` is the way.
2. No string literal contains Vietnamese letters (so no ``(vi, en)`` label table, no bilingual ``"vi / en"``
   text, no Vietnamese message) unless it is listed in :data:`ALLOWED` with the reason. Docstrings and comments
   are free.
3. Every catalogue key a backend module names literally (``t("k")``, ``both``, ``bilingual``, ``X.of("k")``,
   ``hint="k"``) exists, and the fixed start of a composed key (``t(f"k.{name}")``) starts some key.
4. Such a call gives every value its message (and, for ``.of``, the message's hint) writes: ``t()`` would
   otherwise print the raw ``{placeholder}``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from backend.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"

#: Letters that only Vietnamese uses among the project's languages (tones and the modified vowels, đ).
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)

#: Modules the engineer of issue 9 (roles, permissions and the workflow service) is rewriting at the same time;
#: that issue moves their texts into the catalogue, and this set shrinks to empty when it is merged.
ISSUE_9: frozenset[str] = frozenset()  # issue 9 converted auth, workflow and internal_query: nothing is skipped

#: (module, enclosing name) → why a literal with Vietnamese letters belongs there. The enclosing name is the
#: constant, function or class (or a field of it) that holds the literal.
ALLOWED: dict[tuple[str, str], str] = {
    ("backend/demo/pardb.py", "KINDS"): "Vietnamese document titles of generated demo PAR-database entries",
    ("backend/demo/pardb.py", "PERIODS"): "Vietnamese reporting periods in generated demo document titles",
    ("backend/demo/pardb.py", "TOPIC_PHRASES"): "Vietnamese topics in generated demo document titles",
    ("backend/demo/pardb.py", "FIGURES"): "Vietnamese names of generated demo PAR-database figures",
    ("backend/demo/pardb.py", "_document"): "the issuer and summary of a generated demo document (data, not a message)",
    ("backend/search.py", "fold"): "đ → d when diacritics are folded for the search index",
    ("backend/models/pardb.py", "ParDocument"): "an example document number in a column description",
    ("backend/publication/kit_pages.py", "LANG_NAMES"): "each language named in itself on the language switch",
    ("backend/reference/normalise.py", "_PREFIX"): "administrative prefixes to strip when reading typed names",
    ("backend/reference/normalise.py", "ascii_key"): "đ → d when diacritics are removed from a typed name",
    ("backend/ingest/published.py", "_NATIONAL_MEAN"): "recognises an average row of the published record by its name",
    ("backend/ingest/published.py", "_AGGREGATES"): "recognises maximum and minimum rows of the published record",
    ("backend/ingest/published.py", "national_mean_scope"): "tells a ministries' average row from a provinces' one",
    ("backend/published/about.py", "_LEGAL"): "recognises the kind, number and date of a Vietnamese legal title",
    ("backend/published/about.py", "_NUMBER"): "recognises a Vietnamese document number (…/QĐ-BNV)",
    ("backend/published/about.py", "_LEGAL_KIND"): "Vietnamese legal document kinds, to name them in English",
    ("backend/published/about.py", "_REGION_SHORT"): "a region's abbreviation as printed in the published record",
    ("backend/demo/field.py", "_SURNAMES"): "Vietnamese personal names of synthetic respondents (generated data)",
    ("backend/demo/field.py", "_MIDDLE"): "Vietnamese personal names of synthetic respondents (generated data)",
    ("backend/demo/field.py", "_GIVEN"): "Vietnamese personal names of synthetic respondents (generated data)",
    ("backend/demo/assessment.py", "ADJUST_REASONS"): "synthetic appraisal comments, written in Vietnamese as BNV does",
    ("backend/demo/assessment.py", "NO_EVIDENCE_EXPLANATIONS"): "synthetic explanations written by the demo units",
    ("backend/demo/assessment.py", "NO_EVIDENCE_CUT"): "synthetic appraisal comment (generated data)",
    ("backend/demo/assessment.py", "NO_EVIDENCE_ACCEPTED"): "synthetic appraisal comment (generated data)",
    ("backend/demo/assessment.py", "EVIDENCE_TITLE"): "title of a synthetic evidence document (generated data)",
    ("backend/demo/assessment.py", "DOC_TYPES"): "Vietnamese document types of synthetic evidence numbers (123/QĐ-…)",
    ("backend/demo/assessment.py", "MINISTRY_ISSUER"): "issuer abbreviations in Vietnamese document numbers",
    ("backend/published/fmt.py", "_BASE"): "the Vietnamese alphabet, for sorting names",
    ("backend/published/fmt.py", "_MODIFIERS"): "Vietnamese letters, for sorting names",
    ("backend/published/fmt.py", "_letter_rank"): "Vietnamese letters, for sorting names",
    ("backend/published/fmt.py", "vi_sort_key"): "Vietnamese letters, for sorting names",
    ("backend/models/assessments.py", "ref_code"): "column description: an example of a Vietnamese document number",
    (
        "backend/ingest/encodings.py",
        "_VOWELS",
    ): "the Vietnamese vowels, to build every letter a legacy-encoding check knows",
    ("backend/ingest/encodings.py", "vietnamese_letters"): "đ and Đ among the letters a legacy-encoding check knows",
}

#: Functions whose first argument is a catalogue key.
KEY_FUNCTIONS = frozenset({"t", "both", "bilingual", "has", "of"})


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(BACKEND.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("backend/i18n/", "backend/migrations/")):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def _base_names(node: ast.ClassDef) -> set[str]:
    return {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases if isinstance(b, ast.Name | ast.Attribute)}


def error_classes(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """DomainError and every class of the backend that derives from it, directly or not."""
    classes = [node for _, tree in modules for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = {"DomainError"}
    while True:
        more = {c.name for c in classes if _base_names(c) & found} - found
        if not more:
            return found
        found |= more


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def inline_errors(tree: ast.Module, classes: set[str]) -> list[int]:
    """Lines where a domain error is built from literal text (positionally or as vi/en/hint_vi/hint_en), including
    a subclass's own ``super().__init__("…")``."""
    lines: list[int] = []
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and _base_names(n) & classes]:
        for call in [n for n in ast.walk(cls) if isinstance(n, ast.Call) and _called_name(n) == "__init__"]:
            if any(_is_text(a) for a in call.args):
                lines.append(call.lineno)
    for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called_name(n) in classes]:
        keywords = [k.value for k in call.keywords if k.arg in ("vi", "en", "hint_vi", "hint_en")]
        if any(_is_text(a) for a in [*call.args, *keywords]):
            lines.append(call.lineno)
    return sorted(lines)


def _docstrings(tree: ast.Module) -> set[int]:
    bodies = [n for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)]
    return {
        id(n.body[0].value)
        for n in bodies
        if n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)
    }


def _names(node: ast.AST) -> list[str]:
    """The names a statement gives: a function or class name, or the targets of an assignment."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [t.id for t in targets if isinstance(t, ast.Name)]


def vietnamese_literals(tree: ast.Module) -> list[tuple[int, list[str], str]]:
    """(line, enclosing names, text) of every non-docstring string literal with Vietnamese letters."""
    docs = _docstrings(tree)
    found: list[tuple[int, list[str], str]] = []

    def visit(node: ast.AST, names: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = names + _names(child)
            if isinstance(child, ast.Constant) and isinstance(child.value, str) and id(child) not in docs:
                found.extend([(child.lineno, inner, child.value)] if VIETNAMESE.search(child.value) else [])
            visit(child, inner)

    visit(tree, [])
    return found


def literal_keys(tree: ast.Module) -> Iterator[tuple[int, str, bool, set[str] | None, str]]:
    """(line, key, is_prefix, values, function) of every catalogue key named in a call: a literal, or the fixed
    start of an f-string; ``values`` are the keyword names the call fills in (None when it passes ``**values``)."""
    for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
        name = _called_name(call)
        if name not in KEY_FUNCTIONS:
            continue
        given = None if any(k.arg is None for k in call.keywords) else {str(k.arg) for k in call.keywords}
        candidates = ([call.args[0]] if call.args else []) + [k.value for k in call.keywords if k.arg == "hint"]
        for arg in candidates:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
                yield call.lineno, arg.value, False, given, name
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                yield call.lineno, str(arg.values[0].value), True, given, name


def unfilled_placeholders(tree: ast.Module) -> list[int]:
    """Lines of calls naming a message (for ``.of`` also its ``_hint``) without every value it writes."""
    texts = catalogue("vi")
    lines = []
    for line, key, prefix, given, function in literal_keys(tree):
        if prefix or given is None:
            continue
        named = [key, f"{key}_hint"] if function == "of" else [key]
        if set().union(*(re.findall(r"\{(\w+)\}", texts.get(k, "")) for k in named)) - given:
            lines.append(line)
    return sorted(lines)


MODULES = list(_modules())
CLASSES = error_classes(MODULES)


def test_the_scan_sees_what_it_must_refuse() -> None:
    """The checks themselves, on a small source: inline errors and Vietnamese literals found, the catalogue way
    and docstrings left alone."""
    source = '''
"""Mô-đun: docstrings may be Vietnamese."""
class StepError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Không tìm thấy.", "Not found.")

def f(x):
    """Hàm."""
    if x:
        raise NotFoundError(f"Không có {x}.", f"No {x}.", hint_vi="Chạy lại.", hint_en="Run again.")
    if not x:
        raise ValidationError("", "", hint_en="Run again.")
    LABELS = {"title": ("Nội dung", "Content")}
    raise NotFoundError.of("errors.result_set_not_found", id=x)
    print(t("compute.no_dataset", "en"), t("compute.no_dataset", "en", name=x), t("cli.done", **values))
    raise NotFoundError.of("errors.result_set_not_found")
'''
    tree = ast.parse(source)
    assert {"StepError", "NotFoundError", "ValidationError"} <= error_classes([("x.py", tree), *MODULES])
    assert inline_errors(tree, error_classes([("x.py", tree), *MODULES])) == [5, 10, 12]
    assert [(line, text) for line, _, text in vietnamese_literals(tree)] == [
        (5, "Không tìm thấy."),
        (10, "Không có "),
        (10, "Chạy lại."),
        (13, "Nội dung"),
    ]
    assert [n for _, n, _ in vietnamese_literals(tree)][-1] == ["f", "LABELS"]
    assert unfilled_placeholders(tree) == [15, 16]


def test_domain_errors_come_from_the_catalogue() -> None:
    assert {"DomainError", "NotFoundError", "ValidationError", "PermissionDenied", "NoInputsError"} <= CLASSES
    inline = {path: lines for path, tree in MODULES if path not in ISSUE_9 and (lines := inline_errors(tree, CLASSES))}
    assert not inline, f"build these errors with .of('<domain>.<key>', …) from backend/i18n: {inline}"


def test_no_vietnamese_text_outside_the_catalogue() -> None:
    found = [
        f"{path}:{line}: {text!r}"
        for path, tree in MODULES
        if path not in ISSUE_9
        for line, names, text in vietnamese_literals(tree)
        if not any((path, name) in ALLOWED for name in names)
    ]
    assert not found, "move these texts into backend/i18n/<lang>/<domain>.yaml:\n" + "\n".join(found)


def test_every_allowance_is_still_needed() -> None:
    """An allowance that matches no literal any more is removed, so the list stays the few real exceptions."""
    used = {
        (path, name)
        for path, tree in MODULES
        for _, names, _ in vietnamese_literals(tree)
        for name in names
        if (path, name) in ALLOWED
    }
    assert set(ALLOWED) - used == set()


def test_every_key_the_backend_names_exists() -> None:
    keys = set(catalogue("vi"))
    missing = [
        f"{path}:{line}: {key}{'…' if prefix else ''}"
        for path, tree in MODULES
        for line, key, prefix, _, _ in literal_keys(tree)
        if (not any(k.startswith(key) for k in keys) if prefix else key not in keys)
    ]
    assert not missing, missing


def test_every_placeholder_of_a_named_message_is_filled() -> None:
    """``t("k", lang, year=…)`` and ``X.of("k", …)`` give every value the message (and its hint) writes: a
    missing one would print the raw ``{year}``."""
    unfilled = [f"{path}:{line}" for path, tree in MODULES for line in unfilled_placeholders(tree)]
    assert not unfilled, unfilled
