"""Reading check results back from notebooks: the shared core of grading and progress.

``check`` displays each result with a machine-readable JSON bundle
(``MIME_TYPE``); this module finds those bundles in a notebook's outputs and
builds a per-exercise report for the notebook's chapter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.exercises import MIME_TYPE, CheckResult, exercises_of_chapter
from course_lib.exercises.result import result_from_bundle
from course_lib.tools.authoring import CHAPTER_KEY

_CHAPTER_FILE = re.compile(r"^(\d\d)_")


def find_notebooks(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and folders into notebook paths; also list paths that do not exist."""
    found: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            missing.append(str(path))
    return found, missing


def chapter_number(chapter: str | None) -> int | None:
    """``"03_backpropagation"`` -> 3; ``None`` for anything else."""
    match = _CHAPTER_FILE.match(chapter or "")
    return int(match.group(1)) if match else None


def saved_results(notebook: nbformat.NotebookNode) -> dict[str, CheckResult]:
    """The last check result displayed for each exercise in a notebook's outputs."""
    results: dict[str, CheckResult] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if MIME_TYPE in data:
                try:
                    result = result_from_bundle(data[MIME_TYPE])
                except (KeyError, TypeError, ValueError):
                    continue
                results[result.name] = result
    return results


def saved_code(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The fingerprint of the code each exercise's last displayed result checked."""
    codes: dict[str, str] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if MIME_TYPE in data and isinstance(data[MIME_TYPE], dict):
                name = str(data[MIME_TYPE].get("name", ""))
                meta = output.get("metadata", {}).get(MIME_TYPE, {})
                codes[name] = str(meta.get("code", "")) if isinstance(meta, dict) else ""
    return codes


@dataclass
class NotebookReport:
    """The grade of one notebook: each exercise's result and any problems."""

    path: str
    chapter: str | None = None
    exercises: list[str] = field(default_factory=list)
    results: dict[str, CheckResult] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Why an exercise has no result (e.g. the notebook does not define it).
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(self.status(name) == "passed" for name in self.exercises)

    @property
    def total(self) -> int:
        return len(self.exercises)

    def status(self, name: str) -> str:
        """``passed``, ``failed``, ``not_implemented``, ``error`` or ``not run``."""
        result = self.results.get(name)
        return result.status if result else "not run"

    def message(self, name: str) -> str:
        result = self.results.get(name)
        if result is None:
            return self.notes.get(name, "its check cell did not run (removed, or an earlier "
                                        "cell stopped the notebook)")
        return result.message.split("\n")[0]

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "chapter": self.chapter,
            "passed": self.passed,
            "total": self.total,
            "problems": self.problems,
            "seconds": round(self.seconds, 2),
            "exercises": [
                {"name": name, "status": self.status(name), "message": self.message(name),
                 "hint": self.results[name].hint if name in self.results else ""}
                for name in self.exercises
            ],
        }

    def to_text(self) -> str:
        score = f"{self.passed}/{self.total}" if self.total else "no exercises graded"
        lines = [f"{self.path} ({self.chapter or 'unknown chapter'}): {score}"]
        lines += [f"  ! {problem}" for problem in self.problems]
        width = max((len(name) for name in self.exercises), default=0)
        for name in self.exercises:
            lines.append(f"  {name:<{width}}  {self.status(name):<15}  {self.message(name)}")
        return "\n".join(lines)


def start_report(path: Path, shown_as: str | None = None,
                 ) -> tuple[NotebookReport, nbformat.NotebookNode | None]:
    """Read a notebook and identify its chapter and exercises.

    Returns the report (with problems filled in when the file is not a
    course notebook) and the notebook, or ``None`` if it could not be read.
    ``shown_as`` is the path to report (the submission, when ``path`` is
    the grader's private copy of it).
    """
    report = NotebookReport(path=shown_as or str(path))
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as exc:  # anything unreadable is reported, never raised
        report.problems.append(f"not a notebook: {type(exc).__name__}: {str(exc)[:200]}")
        return report, None
    chapter = notebook.metadata.get(CHAPTER_KEY)
    report.chapter = chapter
    number = chapter_number(chapter)
    if number is None:
        report.problems.append("not a chapter of this course (no chapter mark in its metadata)")
        return report, notebook
    report.exercises = exercises_of_chapter(number)
    shown = Path(report.path).name
    named = chapter_number(shown)
    if named is not None and named != number:
        report.problems.append(
            f"this is chapter {number} ({chapter}), but the file is named {shown}")
    return report, notebook
