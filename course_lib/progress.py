"""Where a learner stands: ``python -m course_lib.progress [PATH]``.

Reads the check results saved in notebooks (nothing is executed) and shows,
chapter by chapter, which exercises pass, which fail and which are untouched.
Save your notebook after running its checks so the results are stored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.reports import NotebookReport, find_notebooks, saved_results, start_report

_SYMBOLS = {"passed": "✅ passed", "failed": "❌ failing", "error": "❌ failing (error)"}


def progress_of(path: Path) -> NotebookReport:
    """The saved results of one notebook as a report."""
    report, notebook = start_report(path)
    if notebook is not None:
        report.results = saved_results(notebook)
    return report


def describe(report: NotebookReport) -> str:
    """A short per-exercise view: passed, failing or untouched."""
    lines = [f"{report.chapter or report.path}: {report.passed}/{report.total} passed"]
    lines += [f"  ! {problem}" for problem in report.problems]
    for name in report.exercises:
        state = _SYMBOLS.get(report.status(name), "·  untouched")
        lines.append(f"  {state:<20} {name}")
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
    passed, total = sum(r.passed for r in reports), sum(r.total for r in reports)
    print(f"\nOverall: {passed}/{total} exercises passed. "
          "(Results come from the last saved run of each check cell.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
