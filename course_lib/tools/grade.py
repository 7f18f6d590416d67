"""Grade finished notebooks: ``python -m course_lib.grade PATH... [--json] [--jobs N]``.

A grade comes only from the grader's own evaluation, never from what a
notebook displays or saved. Every submission is first copied into a private
folder (notebooks are read only from those copies). Each copy runs with its
outputs cleared, every cell executed, in a fresh kernel with a private home,
resource limits and, when grading as root, a user of its own; then the
grader checks each exercise's answer (the function or value its contract
name holds) itself: the answer computes its outputs in the learner's
process, the comparison with the reference happens in the grader's (see
``course_lib.tools.grading``). Nothing a kernel starts outlives its notebook.

A notebook that raises, hangs, kills its kernel, floods its output, is not
a notebook or is another chapter is reported as such, and the others are
still graded; a slow or crashing answer costs its own exercise only. The
graded files are never modified.

A large class spreads over machines with any job runner: one
``grade NOTEBOOK --json > NOTEBOOK.json`` per submission, then
``grade --merge *.json`` prints the whole class's report (and exits as one
run over every notebook would).

Exit status: 0 when every exercise of every notebook passed, 1 otherwise,
2 for a usage error (such as a path that does not exist).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path

from course_lib.exercises import STRICT_ENV
from course_lib.tools.grading import sandbox
from course_lib.tools.grading.run import Options, Submission, grade_submission
from course_lib.tools.reports import NotebookReport, find_notebooks


def private_copies(notebooks: list[Path], folder: Path, fingerprint: str) -> list[Submission]:
    """Copy every submission into its own folder before anything runs.

    The folders can be entered but not listed by the sandbox users, and the
    copies are readable by the grader alone; each copy's SHA-256 is kept to
    prove it unchanged when it is graded.
    """
    os.chmod(folder, 0o711)
    submissions = []
    for index, path in enumerate(notebooks):
        own = folder / f"{index:05d}"
        own.mkdir(mode=0o711)
        copy = own / "submission.ipynb"
        try:
            shutil.copyfile(path, copy)
        except OSError:
            copy.write_bytes(b"")  # unreadable: graded (and reported) as not a notebook
        os.chmod(copy, 0o600)
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        submissions.append(Submission(shown_as=str(path), copy=copy, sha256=digest,
                                      home=own / "home", fingerprint=fingerprint))
    return submissions


def grade_notebook(path: Path, timeout: int = 120, kernel: str = "python3",
                   answer_timeout: int = 60) -> NotebookReport:
    """Grade one notebook as ``grade`` does: a private copy, a sandboxed kernel.

    Parameters
    ----------
    path : Path
        The notebook.
    timeout : int
        Seconds allowed per cell.
    kernel : str
        The Jupyter kernel to run.
    answer_timeout : int
        Seconds allowed to check one exercise's answer.

    Returns
    -------
    NotebookReport
        Every exercise of the notebook's chapter with its status and message.
    """
    options = Options(timeout=timeout, answer_timeout=answer_timeout, kernel=kernel)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as folder:
        (submission,) = private_copies([Path(path)], Path(folder), sandbox.library_fingerprint())
        return grade_submission(submission, options)


def grade_all(submissions: list[Submission], options: Options, jobs: int):
    """Yield each submission's report, in order, grading ``jobs`` at a time."""
    if jobs <= 1 or len(submissions) <= 1:
        for submission in submissions:
            yield grade_submission(submission, options)
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures = [pool.submit(grade_submission, s, options) for s in submissions]
        for future, submission in zip(futures, submissions):
            try:
                yield future.result()
            except Exception as exc:  # a worker died: that notebook only
                report = NotebookReport(path=submission.shown_as)
                report.problems.append(f"the grader's worker failed: {type(exc).__name__}")
                yield report


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


def merge(paths: list[Path]) -> tuple[int, dict]:
    """One report from many ``grade --json`` reports (one per notebook, say).

    Returns the exit status the notebooks would have had graded together,
    and the merged report.
    """
    notebooks = []
    for path in paths:
        notebooks += json.loads(Path(path).read_text())["notebooks"]
    passed = sum(n["passed"] for n in notebooks)
    total = sum(n["total"] for n in notebooks)
    totals = {"notebooks": len(notebooks), "passed": passed, "total": total,
              "score": round(passed / total, 4) if total else 0.0}
    ok = bool(notebooks) and all(n["total"] and n["passed"] == n["total"] and not n["problems"]
                                 for n in notebooks)
    return (0 if ok else 1), {"notebooks": notebooks, "summary": totals}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grade",
                                     description="Execute and grade course notebooks.")
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders of notebooks")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--merge", action="store_true",
                        help="PATHS are JSON reports of earlier runs: print them as one")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks graded at once (default: the number of cores)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    parser.add_argument("--answer-timeout", type=int, default=60,
                        help="seconds allowed to check one exercise's answer")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel to run")
    limits = sandbox.Limits()
    parser.add_argument("--memory-mb", type=int, default=limits.memory_mb,
                        help="address space of each kernel process, MiB")
    parser.add_argument("--max-processes", type=int, default=limits.processes,
                        help="processes and threads per kernel (when grading as root)")
    parser.add_argument("--max-file-mb", type=int, default=limits.file_mb,
                        help="largest file a kernel may write, MiB")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.merge:
        try:
            status, merged = merge(args.paths)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"error: cannot merge the reports: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            return 2
        print(json.dumps(merged, indent=2))
        return status
    notebooks, missing = find_notebooks(args.paths)
    if missing or not notebooks:
        problem = f"no such file or folder: {', '.join(missing)}" if missing else \
            "no notebooks (.ipynb) found in " + ", ".join(map(str, args.paths))
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"error: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    os.environ.pop(STRICT_ENV, None)  # learners' failures are results, not crashes
    options = Options(timeout=args.timeout, answer_timeout=args.answer_timeout,
                      kernel=args.kernel,
                      limits=sandbox.Limits(args.memory_mb, args.max_processes, args.max_file_mb),
                      isolation=sandbox.isolation())
    reports = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as folder:
        submissions = private_copies(notebooks, Path(folder), sandbox.library_fingerprint())
        for report in grade_all(submissions, options, args.jobs):
            reports.append(report)
            if not args.json:
                print(report.to_text(), flush=True)
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
