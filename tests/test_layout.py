"""The layout of `core/`: packages by pipeline stage, imports that only point down.

A small AST check (run by CI with the rest of the suite): every module of `core` belongs to a
stage package; a package imports only the packages its ``__init__`` docstring allows under "May
import:" (which must match `ALLOWED` below); no module imports `core` inside a function (the old
way of dodging a cycle); there is no import cycle between modules; `core` never imports Streamlit
or the interface (`ui`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "core"

# Lower stages first. A package may import itself and the packages listed here, nothing else.
ALLOWED = {
    "extraction": set(),
    "i18n": {"extraction"},
    "storage": {"extraction"},
    "incidents": {"storage", "extraction"},
    "intake": {"incidents", "storage", "extraction"},
    "views": {"i18n", "intake", "incidents", "storage", "extraction"},
    "evaluation": {"intake", "extraction"},
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, ast.stmt]]:
    """(imported module, statement) for every import in the tree, relative ones resolved."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([base] if base else []))
            out.append((base, node))
            out += [(f"{base}.{a.name}", node) for a in node.names]  # `from core.x import mod`
    return out


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "core" else None


MODULES = _modules()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        found = _imports(ast.Module(body=top, type_ignores=[]), name, path.name == "__init__.py")
        graph[name] = {m for m, _ in found if m in MODULES and m != name}
    return graph


def test_every_core_module_is_in_a_stage_package():
    loose = [n for n in MODULES if n.count(".") == 1 and _stage(n) not in ALLOWED]
    assert loose == [], f"modules of core/ outside a stage package {sorted(ALLOWED)}: {loose}"
    assert {_stage(n) for n in MODULES if _stage(n)} == set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_docstring_says_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((CORE / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    line = re.search(r"May import:(.*?)(?:\n\n|$)", doc, re.S)
    assert line, f"core/{package}/__init__.py: no 'May import:' line"
    named = set(re.findall(r"`core\.(\w+)`", line.group(1)))
    assert named == ALLOWED[package], f"core/{package}/__init__.py says {sorted(named)}, the check allows {sorted(ALLOWED[package])}"


def test_imports_point_down_the_pipeline():
    wrong = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = _stage(name)
        for target, node in _imports(tree, name, path.name == "__init__.py"):
            there = _stage(target)
            if target.split(".")[0] in ("streamlit", "ui"):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {target} (core never imports the interface)")
            elif there and here and there != here and there not in ALLOWED.get(here, set()):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {target}: core.{here} may not import core.{there}")
    assert wrong == []


def test_no_core_import_inside_a_function():
    inside = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for target, node in _imports(fn, name, path.name == "__init__.py"):
                if target == "core" or target.startswith("core."):
                    inside.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {target} inside {fn.name}")
    assert sorted(set(inside)) == []


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def test_the_check_sees_an_upward_import_and_a_cycle():
    """The check itself: an upward import and a cycle in made-up code are found."""
    tree = ast.parse("from core.views import trends\n")
    found = [_stage(t) for t, _ in _imports(tree, "core.storage.store", False)]
    assert "views" in found and "views" not in ALLOWED["storage"]
    rel = ast.parse("from . import queries\n")
    assert [t for t, _ in _imports(rel, "core.storage.store", False)] == ["core.storage", "core.storage.queries"]
    assert _cycles({"core.a.x": {"core.a.y"}, "core.a.y": {"core.a.x"}}) == ["core.a.x -> core.a.y -> core.a.x"]
