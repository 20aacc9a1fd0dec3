"""The shape of the code base: what issue 7 measures before and after a restructuring.

Prints, for the project's own Python modules (backend/, dashboards/, geo/; tests, benchmarks and migrations
left out):

* the ten largest modules (lines) and how many exceed 400 and 600 lines;
* the median and the 90th percentile of function length (lines, nested functions included);
* for each public page (dashboards/app_pages/*.py): its length and how many distinct project functions it
  calls (functions imported from backend/ or dashboards/, attributes of imported project modules, and
  methods of the page context);
* the import graph between project modules: cycles, and "upward" imports that break the layering
  (a lower layer importing a higher one, see ``LAYERS``).

Run: ``.venv/bin/python bench/code_shape.py`` (no database, no network). Exits 1 if the graph has a cycle
or an upward import, so it can also guard the layering.
"""

from __future__ import annotations

import ast
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("backend", "dashboards", "geo")

#: layer of a module prefix; a module may import only from its own layer or lower ones.
#: The longest matching prefix decides. Lower number = lower layer.
LAYERS: dict[str, int] = {
    "backend.settings": 0,
    "backend.errors": 0,
    "backend.i18n": 0,
    "backend.metrics": 0,
    "backend.logs": 0,
    "backend.db": 1,
    "backend.models": 1,
    "backend.audit": 2,
    "backend.reference": 2,
    "backend.frameworks": 2,
    "backend.scoring": 3,
    "backend.auth": 4,
    "backend.ingest": 5,
    "backend.demo": 5,
    "backend.services": 6,
    "backend.published": 6,
    "backend.publication": 7,
    "backend.ops": 7,
    "backend.commands": 8,
    "backend.cli": 9,
    "backend.__main__": 9,
    "backend": 0,
    "geo": 1,
    "dashboards": 10,
}


def layer(module: str) -> int:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return LAYERS[best] if best else 0


def project_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            files.append(path)
    return files


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(tree: ast.AST, module: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                pkg = module.split(".")[: -node.level]
                base = ".".join([*pkg, node.module])
            out.add(base)
            for alias in node.names:
                out.add(f"{base}.{alias.name}")
    return {m for m in out if m.split(".")[0] in PACKAGES}


def function_lengths(tree: ast.AST) -> list[int]:
    return [
        (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def page_calls(tree: ast.Module) -> set[str]:
    """Distinct project functions a page calls."""
    imported: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    imported[alias.asname or alias.name] = alias.name
    context_names = {"ctx"}
    called: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in imported:
            called.add(imported[func.id])
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in imported:
                called.add(f"{imported[owner]}.{func.attr}")
            elif owner in context_names:
                called.add(f"ctx.{func.attr}")
    return called


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return cycles


def main() -> int:
    files = project_files()
    modules = {module_name(p): p for p in files}
    sizes = sorted(((len(p.read_text(encoding="utf-8").splitlines()), m) for m, p in modules.items()), reverse=True)
    lengths: list[int] = []
    graph: dict[str, set[str]] = defaultdict(set)
    upward: set[str] = set()
    pages: list[tuple[str, int, int]] = []
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        lengths += function_lengths(tree)
        for target in imports_of(tree, name):
            resolved = target if target in modules else target.rsplit(".", 1)[0]
            if resolved not in modules or resolved == name:
                continue
            if name.startswith(resolved + "."):  # a package's own __init__ re-exporting is not a dependency
                continue
            graph[name].add(resolved)
            if layer(resolved) > layer(name):
                upward.add(f"{name} (layer {layer(name)}) imports {resolved} (layer {layer(resolved)})")
        if path.parent.name == "app_pages":
            pages.append((path.name, len(text.splitlines()), len(page_calls(tree))))
    # cycles only among modules (a package importing its own submodules is not a cycle)
    cycles = find_cycles({k: {w for w in v if not w.startswith(k + ".")} for k, v in graph.items()})

    print("== modules (backend, dashboards, geo; migrations excluded)")
    print(f"modules: {len(sizes)}; total lines: {sum(s for s, _ in sizes)}")
    print(
        f"over 400 lines: {sum(1 for s, _ in sizes if s > 400)}; over 600 lines: {sum(1 for s, _ in sizes if s > 600)}"
    )
    print("largest 10:")
    for size, name in sizes[:10]:
        print(f"  {size:5d}  {name}")
    print("== functions")
    q = statistics.quantiles(lengths, n=10) if len(lengths) > 1 else [0] * 9
    print(
        f"functions: {len(lengths)}; median length {statistics.median(lengths):.0f} lines; 90th percentile {q[8]:.0f}"
    )
    print("== public pages (lines, distinct project functions called)")
    for name, size, calls in sorted(pages):
        print(f"  {name:18s} {size:4d} lines  {calls:3d} project functions")
    if pages:
        print(
            f"  median: {statistics.median(s for _, s, _ in pages):.0f} lines, "
            f"{statistics.median(c for _, _, c in pages):.0f} project functions"
        )
    print("== import graph")
    print(f"edges: {sum(len(v) for v in graph.values())}; cycles: {len(cycles)}; upward imports: {len(upward)}")
    for cycle in cycles:
        print("  cycle: " + " -> ".join(cycle))
    for line in sorted(upward):
        print("  upward: " + line)
    return 1 if cycles or upward else 0


if __name__ == "__main__":
    raise SystemExit(main())
