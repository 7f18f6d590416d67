"""The library's folders show its layers: the core at the top, then viz/, datasets/, tools/.

Read from the source (no module is imported): which modules import which,
that the import graph has no cycle, that the core never reaches the drawing
or the course tools, that every folder is a package the wheel includes, and
that the commands keep their short names.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "course_lib"
COMMANDS = ("grade", "progress", "upgrade", "authoring")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(LIBRARY.rglob("*.py"))}


def imported(name: str, *, top_level_only: bool) -> set[str]:
    """The course_lib modules that module ``name`` imports."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if top_level_only:  # what runs on import: module-level code, `if` and `try` included
        nodes = [n for stmt in tree.body for n in ast.walk(stmt)
                 if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    else:
        nodes = list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([node.module] if node.module else []))
            # `from pkg import mod` imports the module; `from mod import name`, the module
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                      for a in node.names}
    return {m for m in found if m in MODULES and m != name}


def test_the_import_graph_has_no_cycle():
    graph = {name: imported(name, top_level_only=True) for name in MODULES}
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                cycle = path[path.index(other):] + [other]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, path + [other])
        state[name] = "done"

    for name in MODULES:
        if name not in state:
            visit(name, [name])
    assert len(graph) > 40 and sum(map(len, graph.values())) > 80  # the graph was read


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in ("viz", "tools", "datasets", "exercises"):
        return parts[1]
    return "command" if len(parts) == 2 and parts[1] in COMMANDS else "core"


# What each layer may import (besides itself), at import time or inside a function.
ALLOWED = {
    "datasets": {"core"},
    "core": {"datasets", "core"},
    "viz": {"core", "datasets"},
    "exercises": {"core", "datasets", "viz", "tools"},
    "tools": {"core", "exercises"},
    "command": {"tools"},
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_imports_only_layers_below_it(name):
    """The core (course_lib/*.py) never reaches viz/ or tools/, viz/ never tools/."""
    wrong = sorted(m for m in imported(name, top_level_only=False)
                   if layer(m) != layer(name) and layer(m) not in ALLOWED[layer(name)])
    assert not wrong, f"{name} ({layer(name)}) imports {wrong}"


def test_datasets_need_only_validation_from_the_core():
    used = {m for name in MODULES if layer(name) == "datasets"
            for m in imported(name, top_level_only=False) if layer(m) == "core"}
    assert used == {"course_lib.validation"}


def test_every_folder_is_a_package_the_wheel_includes():
    folders = {p.parent for p in LIBRARY.rglob("*.py")}
    assert {LIBRARY / "viz", LIBRARY / "datasets", LIBRARY / "tools"} <= folders
    packages = set(find_packages(str(ROOT), include=["course_lib*"]))
    for folder in folders:
        assert (folder / "__init__.py").is_file(), f"{folder} has no __init__.py"
        assert module_name(folder / "__init__.py") in packages


# exercises/ is reorganised with the checker issue, and measured there.
@pytest.mark.parametrize("path", [p for n, p in MODULES.items() if layer(n) != "exercises"],
                         ids=lambda p: p.relative_to(LIBRARY).as_posix())
def test_modules_are_short(path):
    relative = path.relative_to(ROOT).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{relative} has {lines} lines (limit {MAX_LINES})"


@pytest.mark.parametrize("command", COMMANDS)
def test_the_commands_keep_their_short_names(command):
    alias = MODULES[f"course_lib.{command}"]
    assert len(alias.read_text(encoding="utf-8").splitlines()) <= 8
    run = subprocess.run([sys.executable, "-m", f"course_lib.{command}", "--help"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage:") and "--help" not in run.stderr
