"""The house keeps its shape (docs/architecture.md): the modules of rectify_cli import one
another in one direction, with no circle, counting the imports inside functions too (a lazy
import only moves a circle to run time); no module reaches into another's private names; the
core never imports typer or rich; and modules stay small enough to have one job."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rectify_cli

PACKAGE = Path(rectify_cli.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["rectify_cli", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()
# A module's one job fits in this many lines; a longer one is a sign of several.
MAX_LINES = 520


def _imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import, at any depth of the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            names = [a.name for a in node.names]
            subs = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            out += [(s, []) for s in subs] or [(base, names)]
    return out


def import_graph() -> dict[str, set[str]]:
    """Each module → the rectify_cli modules it imports, anywhere in its source."""
    return {
        name: {
            target
            for target, _ in _imports(name, path)
            # A submodule's own packages are imported before it: not an edge of its own.
            if target in MODULES and target != name and not name.startswith(target + ".")
        }
        for name, path in MODULES.items()
    }


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_finder_sees_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_the_graph_sees_function_level_imports() -> None:
    # store counts problems with checks, imported inside a function (speed: a warm read
    # whose count holds never imports the rules).
    assert "rectify_cli.checks" in import_graph()["rectify_cli.store"]


def test_no_module_imports_itself_in_a_circle() -> None:
    assert circles(import_graph()) == []


def test_no_module_imports_a_private_name_of_another() -> None:
    bad = [
        f"{name} imports {n} from {target}"
        for name, path in MODULES.items()
        for target, names in _imports(name, path)
        if target in MODULES and target != name
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert bad == []


@pytest.mark.parametrize(
    "name", [n for n in MODULES if n.split(".")[1:2] not in (["cli"], ["render"])]
)
def test_the_core_never_imports_typer_or_rich(name: str) -> None:
    used = {m.split(".")[0] for m, _ in _imports(name, MODULES[name])}
    assert not used & {"typer", "rich", "click"}, name


@pytest.mark.parametrize("name", list(MODULES))
def test_a_module_has_one_job(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines; split it along its jobs"


def test_no_test_module_imports_another() -> None:
    """Helpers shared by several test files live in tests/helpers.py (and conftest.py), so a
    test file can be run, moved or deleted on its own."""
    tests = Path(__file__).parent
    for path in tests.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module.rpartition(".")[2]
                assert not module.startswith("test_"), (path.name, node.module)
