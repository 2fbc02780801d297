"""No import cycle between the app's modules, and none hidden behind an import inside a function.

An import inside a function that a module at the other end imports back at the top hides a
cycle (issue 18 found report <-> handleplan and competence_view <-> competence_compare): the
shared piece belongs in one of them, or in a module both import. Imports inside functions stay
allowed for other reasons (a command line's settings, an optional dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("fea_core", "ui")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.Import | ast.ImportFrom, modules: set[str]) -> set[str]:
    """Return the app's modules an import statement loads (``from pkg import mod`` counts mod)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & modules
    base = node.module or ""
    submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
    # ``from fea_core.export import common`` loads the package's __init__ too; a package that
    # imports its own modules is no cycle, so only the module named counts then.
    return submodules or ({base} & modules)


def import_graph() -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """Return (module -> modules it imports when it is imported, [(module, module, line) imported in a function])."""
    files = {module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}
    modules = set(files)
    top: dict[str, set[str]] = {}
    deferred: list[tuple[str, str, int]] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top[name] = set()
        in_functions = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = imported(node, modules) - {name}
                if id(node) in in_functions:
                    deferred += [(name, target, node.lineno) for target in sorted(targets)]
                else:
                    top[name] |= targets
    return top, deferred


def reaches(top: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """Return a chain of top-level imports from start to goal, or None."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop()
        for nxt in sorted(top.get(path[-1], ())):
            if nxt == goal:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return None


def test_no_module_imports_itself_back_through_top_level_imports():
    top, _ = import_graph()
    cycles = {name: chain for name in top if (chain := reaches(top, name, name))}
    assert cycles == {}


def test_no_import_inside_a_function_hides_a_cycle():
    top, deferred = import_graph()
    hidden = [
        f"{module}:{line} imports {target}, which imports it back: {' -> '.join(chain)}"
        for module, target, line in deferred
        if (chain := reaches(top, target, module))
    ]
    assert hidden == []


def test_the_check_sees_the_cycle_report_and_handleplan_had():
    top, _ = import_graph()
    assert "fea_core.handleplan" in top["fea_core.report"]  # report now imports it at the top
    top["fea_core.handleplan"].add("fea_core.report")  # as handleplan did before the fix
    assert reaches(top, "fea_core.report", "fea_core.report") is not None
