"""The grade cannot be forged: each attack of issue 19, on real chapter 1 notebooks.

Chapter 1 is graded without its figure and animation cells (tagged
``hide-input``; no exercise depends on them) to keep these tests quick. One
parallel run grades the independent attacks; one serial run grades an
attacker followed by its classmates, whose grades it tries to change.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest

from course_lib.exercises import MIME_TYPE
from course_lib.exercises import ch01 as checker_file
from course_lib.tools import grade
from course_lib.tools.grading import sandbox
from tests.gradekit import (
    EXERCISES,
    after_check,
    after_imports,
    entry,
    exercise_cell,
    forged,
    insert,
    run_grade,
    show_forged,
    statuses,
    write,
)

TOKEN = secrets.token_hex(4)
#: How long a process started by a submission asks to sleep: unique, so it can be found.
SLEEP = f"{700 + int(TOKEN, 16) % 200}.{int(TOKEN, 16) % 97}"
OWN_USER = sandbox.isolation()[0]

# Keep each module on one xdist worker (`--dist loadgroup`): its fixtures grade once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-attacks")]


def _processes_with(text: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if text.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


STRAYS = [f"/tmp/course-grade-test-{TOKEN}", f"/var/tmp/course-grade-test-{TOKEN}",
          f"/dev/shm/course-grade-test-{TOKEN}"]


@pytest.fixture(scope="module")
def independent(tmp_path_factory):
    """One parallel grading run of the attacks that concern a notebook's own grade."""
    folder = tmp_path_factory.mktemp("attacks")
    every = tuple(EXERCISES)
    write(folder, "solved.ipynb", solved=every)
    write(folder, "learner.ipynb")
    write(folder, "forged_display.ipynb", edits=[insert(after_check("relu"), show_forged())])
    write(folder, "redefined_check.ipynb", edits=[insert(after_imports, (
        "from IPython.display import display\n"
        "def check(name, answer):\n"
        f"    display({{{MIME_TYPE!r}: {{'name': name, 'status': 'passed', 'message': ''}},"
        " 'text/plain': 'passed'}, raw=True)"))])
    write(folder, "patched_evaluate.ipynb", edits=[insert(after_imports, (
        "import course_lib.exercises as E\nimport course_lib.exercises.api as A\n"
        "E.evaluate = lambda name, answer: E.CheckResult(name, 'passed', 'ok')\n"
        "A.evaluate_with = lambda registry, name, answer: E.CheckResult(name, 'passed', 'ok')"
    ))])
    write(folder, "unexecuted_cell.ipynb",
          edits=[insert(after_check("relu"), "", outputs=forged())])
    write(folder, "skip_execution.ipynb", solved=("relu",), edits=[
        insert(after_check("relu"), "pass", outputs=forged(), tags=["skip-execution"]),
        lambda nb: nb.cells[exercise_cell(nb, "relu")].metadata.update(
            tags=["skip-execution"])])
    write(folder, "library_answer.ipynb", edits=[
        insert(after_check("relu"), "check('relu', activations.relu)"),
        insert(lambda nb: exercise_cell(nb, "sigmoid"), "sigmoid = activations.sigmoid")])
    write(folder, "slow_and_crash.ipynb", solved=("sigmoid", "neuron", "xor_weights"), edits=[
        insert(lambda nb: exercise_cell(nb, "relu"),
               "import time\ndef relu(z):\n    time.sleep(3600)"),
        insert(lambda nb: exercise_cell(nb, "count_parameters"),
               "import os\ndef count_parameters(layer_sizes):\n    os._exit(3)")])
    write(folder, "escapes.ipynb", solved=every, edits=[insert(after_imports, (
        "import subprocess\n"
        f"subprocess.Popen(['sleep', '{SLEEP}'], start_new_session=True)\n"
        f"subprocess.Popen(['setsid', 'sh', '-c', 'sleep {SLEEP} &'])\n"
        f"for path in {STRAYS!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('outside')\n"
        "    except OSError:\n"
        "        pass"))])
    write(folder, "limits.ipynb", solved=every, edits=[
        insert(after_imports, "memory = bytearray(8 << 30)"),
        insert(after_imports, "open('big.bin', 'wb').write(bytes(100 << 20))")])
    status, out = run_grade(folder, "--jobs", "2", "--answer-timeout", "15",
                            "--max-file-mb", "64")
    yield status, {Path(r["path"]).stem: r for r in out["notebooks"]}
    for path in STRAYS:  # in case the grader missed one
        Path(path).unlink(missing_ok=True)


def test_solved_grades_100_and_learner_0(independent):
    status, reports = independent
    assert status == 1
    solved, learner = reports["solved"], reports["learner"]
    assert (solved["passed"], solved["total"], solved["problems"]) == (5, 5, [])
    assert learner["passed"] == 0
    assert set(statuses(learner).values()) == {"not_implemented"}


@pytest.mark.parametrize("name", ["forged_display", "redefined_check", "patched_evaluate",
                                  "unexecuted_cell"])
def test_forged_and_replaced_results_have_no_effect(independent, name):
    report = independent[1][name]
    assert report["passed"] == 0, report
    assert set(statuses(report).values()) == {"not_implemented"}


def test_skip_execution_tags_are_not_honoured(independent):
    report = independent[1]["skip_execution"]
    assert statuses(report) == {n: "passed" if n == "relu" else "not_implemented"
                                for n in EXERCISES}


def test_the_library_function_is_reported_as_such(independent):
    report = independent[1]["library_answer"]
    assert statuses(report)["relu"] == "not_implemented"  # the extra check changed nothing
    sigmoid = entry(report, "sigmoid")
    assert sigmoid["status"] == "failed"
    assert "library's own course_lib.activations.sigmoid" in sigmoid["message"]


def test_a_slow_or_crashing_answer_costs_its_exercise_only(independent):
    report = independent[1]["slow_and_crash"]
    assert statuses(report) == {"sigmoid": "passed", "relu": "error", "neuron": "passed",
                                "xor_weights": "passed", "count_parameters": "error"}
    assert "more than 15 s" in entry(report, "relu")["message"]
    assert "ended its Python process" in entry(report, "count_parameters")["message"]


def test_no_process_outlives_its_notebook(independent):
    report = independent[1]["escapes"]
    assert report["passed"] == 5
    assert any("were still running" in p for p in report["problems"]), report["problems"]
    assert _processes_with(SLEEP) == []


def test_resource_limits_stop_what_exceeds_them(independent):
    report = independent[1]["limits"]
    assert any("MemoryError" in p for p in report["problems"]), report["problems"]
    assert any("File too large" in p for p in report["problems"]), report["problems"]
    assert report["passed"] == 5


@pytest.mark.skipif(not OWN_USER, reason="needs root: kernels then run as their own user")
def test_writes_outside_the_scratch_folder_are_reported_and_removed(independent):
    report = independent[1]["escapes"]
    problem = next(p for p in report["problems"] if "outside its scratch" in p)
    assert f"/tmp/course-grade-test-{TOKEN}" in problem
    assert not any(Path(path).exists() for path in STRAYS)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """An attacker graded before its classmates, one at a time."""
    folder = tmp_path_factory.mktemp("class")
    classmate = folder / "b_classmate.ipynb"
    startup = ("get_ipython().input_transformers_post.append(lambda lines: "
               "[l.replace('raise NotImplementedError', 'return 0') for l in lines])\n")
    attack = (
        "import glob, os\n"
        "def attempt(path, text, mode='w'):\n"
        "    try:\n"
        "        os.makedirs(os.path.dirname(path), exist_ok=True)\n"
        "        with open(path, mode) as f:\n"
        "            f.write(text)\n"
        "    except OSError:\n"
        "        pass\n"
        f"attempt({checker_file.__file__!r}, '\\nraise SystemExit(0)\\n', 'a')\n"
        f"attempt({str(classmate)!r}, '')\n"
        "for copy in glob.glob('/tmp/course-grade-*/*/submission.ipynb'):\n"
        "    attempt(copy, '')\n"
        "for home in ('~', '~root', os.environ.get('IPYTHONDIR', '~/.ipython')):\n"
        "    base = os.path.expanduser(home)\n"
        "    for sub in ('', '.ipython'):\n"
        "        attempt(os.path.join(base, sub, 'profile_default', 'startup', '00-x.py'),\n"
        f"                {startup!r})\n")
    write(folder, "a_attacker.ipynb", edits=[insert(after_imports, attack)])
    write(folder, "b_classmate.ipynb", solved=tuple(EXERCISES))
    write(folder, "c_victim.ipynb")
    before = {p: p.read_bytes() for p in (Path(checker_file.__file__), classmate)}
    status, out = run_grade(folder, "--jobs", "1")
    after = {p: p.read_bytes() for p in before}
    for path, data in before.items():  # never leave the course broken, whatever happened
        if after[path] != data:
            path.write_bytes(data)
    yield {Path(r["path"]).stem: r for r in out["notebooks"]}, before, after


def test_an_attacker_cannot_change_its_classmates_grades(serial):
    reports, before, after = serial
    classmate, victim = reports["b_classmate"], reports["c_victim"]
    assert (classmate["passed"], classmate["problems"]) == (5, [])
    assert set(statuses(victim).values()) == {"not_implemented"}, victim


def test_the_checker_and_the_submissions_are_unchanged_or_the_change_reported(serial):
    reports, before, after = serial
    changed = [p.name for p in before if before[p] != after[p]]
    if OWN_USER:
        assert changed == []
    else:  # an ordinary user's kernel can write what the user can: it is reported
        assert all(any("files changed" in p for p in r["problems"])
                   for r in (reports["b_classmate"], reports["c_victim"])) or not changed


def test_parallel_grading_gives_the_serial_report(tmp_path):
    every = tuple(EXERCISES)
    write(tmp_path, "a.ipynb", solved=every)
    write(tmp_path, "b.ipynb", solved=every[:2])
    runs = [run_grade(tmp_path, "--jobs", jobs) for jobs in ("1", "2")]
    for _, out in runs:
        for report in out["notebooks"]:
            report.pop("seconds")
    assert runs[0] == runs[1]
    assert runs[0][0] == 1
    # One report per notebook (one job each, on any machine), merged: the same report.
    status, out = runs[0]
    parts = []
    for index, report in enumerate(out["notebooks"]):
        parts.append(tmp_path / f"part{index}.json")
        parts[-1].write_text(json.dumps({"notebooks": [report], "summary": {}}))
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert grade.main(["--merge", *map(str, parts)]) == status
    assert json.loads(buffer.getvalue()) == out


def test_a_process_left_behind_is_found_by_its_user_or_marker():
    marker = secrets.token_hex(6)
    env = dict(os.environ, **{sandbox.MARKER_KEY: marker})
    child = subprocess.Popen(["sleep", SLEEP], env=env, start_new_session=True)
    time.sleep(0.2)
    assert sandbox.end_processes(None, marker) == 1
    child.wait(timeout=10)
    assert child.returncode == -9
