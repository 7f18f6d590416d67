"""Helpers shared by the grading tests: chapter 1 notebooks with edits, graded."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import nbformat

from course_lib.exercises import MIME_TYPE, CheckResult, exercises_of_chapter
from course_lib.tools import grade, upgrade

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "01_neural_networks.ipynb"
EXERCISES = exercises_of_chapter(1)


def trimmed(path: Path) -> nbformat.NotebookNode:
    """Chapter 1 without its figure cells."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells
                if not (c.cell_type == "code" and "hide-input" in c.metadata.get("tags", []))]
    return nb


def check_cell(nb: nbformat.NotebookNode, name: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.source.startswith(f'check("{name}"'))


def exercise_cell(nb: nbformat.NotebookNode, name: str) -> int:
    return nb.cells.index(upgrade.exercise_cells(nb)[name])


def forged(names=EXERCISES) -> list:
    """Display outputs claiming that every exercise passed."""
    return [nbformat.v4.new_output("display_data", data={
        "text/plain": f"✅ {n}: passed",
        MIME_TYPE: CheckResult(n, "passed", "All cases passed.").to_dict()}) for n in names]


def show_forged(names=EXERCISES) -> str:
    bundles = [CheckResult(n, "passed", "All cases passed.").to_dict() for n in names]
    return ("from IPython.display import display\n"
            f"for b in {bundles!r}:\n"
            f"    display({{{MIME_TYPE!r}: b, 'text/plain': 'passed'}}, raw=True)")


def write(folder: Path, name: str, solved=(), edits=()) -> Path:
    """A learner notebook with ``solved`` answered and ``edits(nb)`` applied."""
    nb = trimmed(ROOT / "chapters" / CHAPTER)
    solutions = upgrade.exercise_cells(trimmed(ROOT / "solutions" / CHAPTER))
    for exercise, cell in upgrade.exercise_cells(nb).items():
        if exercise in solved:
            cell.source = solutions[exercise].source
    for edit in edits:
        edit(nb)
    path = folder / name
    nbformat.write(nb, path)
    return path


def insert(where, source: str, outputs=(), tags=()):
    """An edit inserting a code cell after the cell ``where(nb)`` returns."""
    def edit(nb):
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = list(outputs)
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.insert(where(nb) + 1, cell)
    return edit


def after_check(name):
    return lambda nb: check_cell(nb, name)


def after_imports(nb):
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "from course_lib" in c.source)


def run_grade(*args) -> tuple[int, dict]:
    """Run ``grade ... --json``; return its exit status and its report."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = grade.main([*map(str, args), "--json"])
    return status, json.loads(buffer.getvalue())


def statuses(report: dict) -> dict:
    return {e["name"]: e["status"] for e in report["exercises"]}


def entry(report: dict, name: str) -> dict:
    return next(e for e in report["exercises"] if e["name"] == name)
