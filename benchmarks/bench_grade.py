"""Grading a class: 30 submissions of chapter 1, one at a time and with ``--jobs 2``.

The submissions are the learner notebook of chapter 1 without its figure
cells (tagged ``hide-input``), half of them with every exercise solved; each
is graded as the grader grades any notebook (its own sandboxed kernel, every
answer checked by the grader). The two runs alternate (``--repeats``), both
must give the same report and exit status, and the script prints the wall
times and their ratio.

Run: ``python benchmarks/bench_grade.py [--submissions 30] [--repeats 1] [--full]``
(``--full``: the whole chapter, animations included).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from course_lib.tools import grade, upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "01_neural_networks.ipynb"


def _notebook(path: Path, full: bool) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    if not full:
        nb.cells = [c for c in nb.cells if not (
            c.cell_type == "code" and "hide-input" in c.metadata.get("tags", []))]
    return nb


def make_class(folder: Path, count: int, full: bool) -> None:
    """``count`` submissions: even ones solved, odd ones the untouched learner version."""
    solutions = upgrade.exercise_cells(_notebook(ROOT / "solutions" / CHAPTER, full))
    for index in range(count):
        nb = _notebook(ROOT / "chapters" / CHAPTER, full)
        if index % 2 == 0:
            for name, cell in upgrade.exercise_cells(nb).items():
                cell.source = solutions[name].source
        nbformat.write(nb, folder / f"student_{index:02d}.ipynb")


def timed_grade(folder: Path, jobs: int) -> tuple[float, int, dict]:
    buffer = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(buffer):
        status = grade.main([str(folder), "--json", "--jobs", str(jobs)])
    seconds = time.perf_counter() - start
    out = json.loads(buffer.getvalue())
    for report in out["notebooks"]:
        report.pop("seconds")
    return seconds, status, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--full", action="store_true", help="keep the figure cells")
    args = parser.parse_args(argv)
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_class(folder, args.submissions, args.full)
        reference = None
        for _ in range(args.repeats):
            for jobs in (1, 2):
                seconds, status, out = timed_grade(folder, jobs)
                times[jobs].append(seconds)
                if reference is None:
                    reference = (status, out)
                elif (status, out) != reference:
                    print(f"--jobs {jobs} gave a different report or exit status",
                          file=sys.stderr)
                    return 1
                print(f"--jobs {jobs}: {seconds:.1f} s, exit status {status}, "
                      f"{out['summary']['passed']}/{out['summary']['total']} exercises passed",
                      flush=True)
    serial, parallel = statistics.median(times[1]), statistics.median(times[2])
    load = os.getloadavg()
    print(f"{args.submissions} submissions: serial {serial:.1f} s, --jobs 2 {parallel:.1f} s; "
          f"parallel / serial = {parallel / serial:.2f} (load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
