"""Grade one submission: run its cells in a sandboxed kernel, then check each answer.

Outputs are cleared first and every code cell runs (a ``skip-execution`` tag
is not honoured); what the notebook displays is never read for the grade.
Each exercise is checked right after the first cell that calls its check
(where the chapter expects the answer to be ready), or after its exercise
cell, or at the end of the notebook; see ``evaluate``.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync

from course_lib.exercises import MIME_TYPE
from course_lib.tools.authoring import EXERCISE_KEY
from course_lib.tools.grading import sandbox
from course_lib.tools.grading.evaluate import Unreachable, evaluate_in_kernel
from course_lib.tools.reports import NotebookReport, start_report

#: Printed text kept per notebook before the rest is dropped.
TEXT_LIMIT = 1_000_000
#: Rich output (figures, animations) kept per notebook; chapters use a few MB.
RICH_LIMIT = 50_000_000
#: A tag no cell carries: nbclient skips cells tagged with ``skip_cells_with_tag``.
_NO_TAG = "course-grade-runs-every-cell"


@dataclass(frozen=True)
class Options:
    """How to grade: time allowed, kernel, limits."""

    timeout: int = 120
    answer_timeout: int = 60
    kernel: str = "python3"
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    #: ``sandbox.isolation()`` as the grading process found it (workers reuse it).
    isolation: tuple | None = None


@dataclass(frozen=True)
class Submission:
    """A private copy of a submitted notebook and the digest taken when copying it."""

    shown_as: str
    copy: Path
    sha256: str
    home: Path
    fingerprint: str = ""


class _LimitedClient(NotebookClient):
    """A notebook client that drops output beyond the limits.

    Printed text (streams, errors) and rich displays (figures, animations)
    are counted separately: a chapter's animations legitimately take a few
    megabytes, while a megabyte of printed text is a runaway loop.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_chars = 0
        self.rich_chars = 0
        self.flooded = False

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content))
        if msg.get("msg_type") in ("stream", "error"):
            self.text_chars += size
        else:
            self.rich_chars += size
        if self.text_chars > TEXT_LIMIT or self.rich_chars > RICH_LIMIT:
            self.flooded = True
            return None
        if MIME_TYPE in content.get("data", {}):
            return None  # a check result displayed by the notebook: never graded
        return super().output(outs, msg, display_id, cell_index)


def clear(notebook: nbformat.NotebookNode) -> None:
    """Drop every saved output and execution count."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def evaluation_points(notebook: nbformat.NotebookNode, names: list[str]) -> dict[int, list[str]]:
    """Cell index after which each exercise is checked (``-1``: at the end)."""
    points: dict[int, list[str]] = {}
    for name in names:
        marked = [i for i, c in enumerate(notebook.cells)
                  if c.cell_type == "code" and c.get("metadata", {}).get(EXERCISE_KEY) == name]
        calls = re.compile(rf"""\bcheck\(\s*["']{re.escape(name)}["']""")
        checks = [i for i, c in enumerate(notebook.cells)
                  if c.cell_type == "code" and calls.search(c.source)
                  and (not marked or i >= marked[0])]
        point = checks[0] if checks else (marked[0] if marked else -1)
        points.setdefault(point, []).append(name)
    return points


def _failed_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """Describe each cell whose output is an error, e.g. ``cell 7 raised NameError: ...``."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                value = str(output.get("evalue", ""))[:150]
                problems.append(f"cell {index} raised {output.get('ename')}: {value}")
    return problems


_FONT_CACHE: list[Path] = []


def _prepare_home(home: Path) -> None:
    """A fresh private home, with matplotlib's font list (building it takes seconds)."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(mode=0o700, parents=True)
    if not _FONT_CACHE:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401 - builds the font list once

        _FONT_CACHE.extend(Path(p) for p in glob.glob(
            str(Path(matplotlib.get_cachedir()) / "fontlist-*.json")))
    (home / ".matplotlib").mkdir()
    for path in _FONT_CACHE:
        shutil.copy(path, home / ".matplotlib" / path.name)


def _run(notebook, report: NotebookReport, home: Path, uid: int | None, marker: str,
         options: Options) -> None:
    """Run every cell, checking each exercise at its point."""
    manager = sandbox.kernel_manager(options.kernel, home, uid, marker, options.limits)
    client = _LimitedClient(notebook, km=manager, timeout=options.timeout, allow_errors=True,
                            startup_timeout=max(60, options.timeout),
                            record_timing=False, skip_cells_with_tag=_NO_TAG,
                            resources={"metadata": {"path": str(home)}})
    points = evaluation_points(notebook, report.exercises)
    pending = list(report.exercises)

    unreachable: list[str] = []

    def check(names: list[str]) -> None:
        for name in names:
            if name in pending:
                pending.remove(name)
                if unreachable:
                    report.notes[name] = unreachable[0]
                    continue
                try:
                    result, note = evaluate_in_kernel(client, home, uid, name,
                                                      options.answer_timeout)
                except Unreachable as exc:
                    unreachable.append(str(exc))
                    result, note = None, str(exc)
                if result is None:
                    report.notes[name] = note
                else:
                    report.results[name] = result

    try:
        with client.setup_kernel(cwd=str(home), cleanup_kc=True):
            try:
                for index, cell in enumerate(notebook.cells):
                    if cell.cell_type == "code":
                        client.execute_cell(cell, index)
                    check(points.get(index, []))
            except CellTimeoutError:
                report.problems.append(
                    f"a cell ran for more than {options.timeout} s and was stopped (an "
                    "endless loop?); the cells after it were not run")
                with contextlib.suppress(Exception):
                    run_sync(client.km.interrupt_kernel)()
            check(list(pending))
    except DeadKernelError:
        report.problems.append("the kernel died (the notebook crashed Python or ran out of "
                               "memory); cells after that point were not run")
    except Exception as exc:  # e.g. the kernel failed to start
        report.problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
    if client.flooded:
        report.problems.append(f"the notebook printed more than {TEXT_LIMIT:,} characters "
                               f"(or displayed more than {RICH_LIMIT:,}); the rest of its "
                               "output was dropped")


def grade_submission(submission: Submission, options: Options) -> NotebookReport:
    """Grade one private copy; never raises because of the notebook."""
    start = time.perf_counter()
    if options.isolation is not None:
        sandbox.use_isolation(options.isolation)
    data = submission.copy.read_bytes()
    report, notebook = start_report(submission.copy, shown_as=submission.shown_as)
    if hashlib.sha256(data).hexdigest() != submission.sha256:
        report.problems.append("the private copy of this submission changed before it was "
                               "graded (another submission wrote to it); not graded")
        report.seconds = time.perf_counter() - start
        return report
    if submission.fingerprint and sandbox.library_fingerprint() != submission.fingerprint:
        report.problems.append("course_lib's files changed while grading (a submission "
                               "wrote to them): this grade is not trusted")
    if notebook is not None and report.exercises:
        clear(notebook)
        marker, left, strays = secrets.token_hex(8), 0, []
        try:
            _prepare_home(submission.home)
            with sandbox.sandbox_user() as uid:
                try:
                    _run(notebook, report, submission.home, uid, marker, options)
                finally:
                    left = sandbox.end_processes(uid, marker)
                    strays = sandbox.stray_files(uid, [submission.home])
                    sandbox.remove(strays)
        except Exception as exc:  # the sandbox itself failed: say so, grade the rest
            report.problems.append(f"the grader could not prepare a sandbox: "
                                   f"{type(exc).__name__}: {exc}")
        report.problems += _failed_cells(notebook)
        if left:
            report.problems.append(f"{left} process(es) it started were still running "
                                   "after the notebook finished; they were stopped")
        if strays:
            report.problems.append("it wrote outside its scratch folder (removed): "
                                   + ", ".join(map(str, strays[:5])))
        with contextlib.suppress(OSError):
            shutil.rmtree(submission.home)
    report.seconds = time.perf_counter() - start
    return report
