"""Where a learner stands: ``python -m course_lib.progress [PATH]``.

Reads the check results saved in notebooks (nothing is executed) and shows,
chapter by chapter, which exercises pass, which fail and which are untouched.
Save your notebook after running its checks so the results are stored. A
result whose exercise code changed after its check ran is flagged: run the
check again. This is a learner's view only: saved results can be edited,
so grades never come from them (``python -m course_lib.grade`` runs the notebook).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.tools import answer_code
from course_lib.tools.reports import (
    NotebookReport,
    find_notebooks,
    saved_code,
    saved_results,
    start_report,
)

_SYMBOLS = {"passed": "✅ passed", "failed": "❌ failing", "error": "❌ failing (error)"}
STALE = "⚠️ changed since checked"


def progress_of(path: Path) -> NotebookReport:
    """The saved results of one notebook as a report; stale ones noted in ``notes``."""
    report, notebook = start_report(path)
    if notebook is None:
        return report
    report.results = saved_results(notebook)
    for name, code in saved_code(notebook).items():
        if not code or name not in report.results:
            continue
        now = None
        for cell in notebook.cells:
            if cell.cell_type == "code":
                now = answer_code.in_source(cell.source, name) or now
        if now is not None and now != code:
            report.notes[name] = STALE
    return report


def describe(report: NotebookReport) -> str:
    """A short per-exercise view: passed, failing, changed since checked, or untouched."""
    fresh = sum(report.status(n) == "passed" and n not in report.notes for n in report.exercises)
    lines = [f"{report.chapter or report.path}: {fresh}/{report.total} passed"]
    lines += [f"  ! {problem}" for problem in report.problems]
    for name in report.exercises:
        state, shown = _SYMBOLS.get(report.status(name), "·  untouched"), name
        if report.notes.get(name) == STALE:
            state = STALE
            shown += f" (was {report.status(name)}; run its check again)"
        lines.append(f"  {state:<20} {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.progress",
                                     description="Show saved exercise results, per chapter.")
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("chapters")],
                        help="notebooks or folders (default: chapters/)")
    args = parser.parse_args(argv)
    notebooks, missing = find_notebooks(args.paths)
    if missing or not notebooks:
        problem = f"no such file or folder: {', '.join(missing)}" if missing else \
            "no notebooks found"
        print(f"error: {problem}", file=sys.stderr)
        return 2
    reports = [progress_of(path) for path in notebooks]
    print("\n\n".join(describe(r) for r in reports))
    passed = sum(r.status(n) == "passed" and n not in r.notes
                 for r in reports for n in r.exercises)
    total = sum(r.total for r in reports)
    print(f"\nOverall: {passed}/{total} exercises passed. "
          "(Results come from the last saved run of each check cell.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
