"""Grade finished notebooks: ``python -m course_lib.grade PATH... [--json]``.

Each notebook is copied to a temporary folder and executed there in a fresh
kernel, with a timeout per cell; the check results it displays are collected
into a report per exercise. A notebook that raises, hangs, kills its kernel,
floods its output, is not a notebook or is another chapter is reported as
such, and the others are still graded. The graded files are never modified.

Exit status: 0 when every exercise of every notebook passed, 1 otherwise,
2 for a usage error (such as a path that does not exist).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course_lib.exercises import MIME_TYPE, STRICT_ENV
from course_lib.reports import NotebookReport, find_notebooks, saved_results, start_report

#: Printed text kept per notebook before the rest is dropped.
TEXT_LIMIT = 1_000_000
#: Rich output (figures, animations) kept per notebook; chapters use a few MB.
RICH_LIMIT = 50_000_000


class _LimitedClient(NotebookClient):
    """A notebook client that drops output beyond the limits (check results are kept).

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
        if MIME_TYPE not in content.get("data", {}):
            size = len(str(content))
            if msg.get("msg_type") in ("stream", "error"):
                self.text_chars += size
            else:
                self.rich_chars += size
            if self.text_chars > TEXT_LIMIT or self.rich_chars > RICH_LIMIT:
                self.flooded = True
                return None
        return super().output(outs, msg, display_id, cell_index)


def _failed_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """Describe each cell whose output is an error, e.g. ``cell 7 raised NameError: ...``."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                value = str(output.get("evalue", ""))[:150]
                problems.append(f"cell {index} raised {output.get('ename')}: {value}")
    return problems


def execute(notebook: nbformat.NotebookNode, timeout: int, kernel: str) -> list[str]:
    """Run ``notebook`` in place in a scratch folder; return problems found."""
    problems: list[str] = []
    client = _LimitedClient(notebook, timeout=timeout, kernel_name=kernel, allow_errors=True,
                            record_timing=False)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        client.resources = {"metadata": {"path": scratch}}
        try:
            client.execute()
        except CellTimeoutError:
            problems.append(f"a cell ran for more than {timeout} s and was stopped "
                            "(an endless loop?); cells after it were not run")
        except DeadKernelError:
            problems.append("the kernel died (the notebook crashed Python or ran out of "
                            "memory); cells after that point were not run")
        except Exception as exc:  # e.g. the kernel failed to start
            problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
    if client.flooded:
        problems.append(f"the notebook printed more than {TEXT_LIMIT:,} characters "
                        f"(or displayed more than {RICH_LIMIT:,}); the rest of its output "
                        "was dropped")
    return problems + _failed_cells(notebook)


def grade_notebook(path: Path, timeout: int = 120, kernel: str = "python3") -> NotebookReport:
    """Execute one notebook and report each of its chapter's exercises."""
    start = time.perf_counter()
    report, notebook = start_report(path)
    if notebook is not None and report.exercises:
        report.problems += execute(notebook, timeout, kernel)
        report.results = saved_results(notebook)
    report.seconds = time.perf_counter() - start
    return report


def summary(reports: list[NotebookReport]) -> dict:
    """Totals over all notebooks."""
    passed = sum(r.passed for r in reports)
    total = sum(r.total for r in reports)
    return {"notebooks": len(reports), "passed": passed, "total": total,
            "score": round(passed / total, 4) if total else 0.0}


def all_passed(reports: list[NotebookReport]) -> bool:
    """True when every notebook was graded and every exercise passed."""
    return bool(reports) and all(r.total and r.passed == r.total and not r.problems
                                 for r in reports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grade",
                                     description="Execute and grade course notebooks.")
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders of notebooks")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel to run")
    args = parser.parse_args(argv)
    notebooks, missing = find_notebooks(args.paths)
    if missing or not notebooks:
        problem = f"no such file or folder: {', '.join(missing)}" if missing else \
            "no notebooks (.ipynb) found in " + ", ".join(map(str, args.paths))
        print(f"error: {problem}", file=sys.stderr)
        return 2
    os.environ.pop(STRICT_ENV, None)  # learners' failures are results, not crashes
    reports = []
    for path in notebooks:
        reports.append(grade_notebook(path, timeout=args.timeout, kernel=args.kernel))
        if not args.json:
            print(reports[-1].to_text(), flush=True)
    totals = summary(reports)
    if args.json:
        print(json.dumps({"notebooks": [r.to_dict() for r in reports], "summary": totals},
                         indent=2))
    else:
        print(f"\nTotal: {totals['passed']}/{totals['total']} exercises passed "
              f"in {totals['notebooks']} notebook(s) ({100 * totals['score']:.0f}%)")
    return 0 if all_passed(reports) else 1


if __name__ == "__main__":
    sys.exit(main())
