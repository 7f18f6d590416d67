"""grade, progress and upgrade on real chapter notebooks and on bad submissions.

The attacks on the grade itself are in ``test_grading_attacks``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course_lib.exercises import MIME_TYPE, evaluate
from course_lib.tools import answer_code, grade, progress, upgrade
from course_lib.tools.authoring import EXERCISE_KEY
from tests.gradekit import (
    CHAPTER,
    EXERCISES,
    ROOT,
    after_imports,
    check_cell,
    insert,
    run_grade,
    statuses,
    trimmed,
    write,
)

SOLVED = ROOT / "solutions" / CHAPTER
LEARNER = ROOT / "chapters" / CHAPTER

pytestmark = pytest.mark.slow


def test_every_solution_notebook_grades_100_percent():
    """The whole solutions/ folder: all chapters, animations and all, nothing flagged."""
    status, out = run_grade(ROOT / "solutions", "--timeout", "300", "--jobs", "2")
    assert [r["problems"] for r in out["notebooks"]] == [[]] * len(out["notebooks"])
    assert out["summary"]["passed"] == out["summary"]["total"] > 20
    assert status == 0


def test_partly_solved_and_bad_submissions_are_reported_and_the_rest_graded(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    every = tuple(EXERCISES)
    partial = write(folder, "partial.ipynb", solved=EXERCISES[:1])
    before = partial.read_bytes()
    write(folder, "a_raises.ipynb", every, [insert(after_imports, "1 / 0")])
    write(folder, "b_hangs.ipynb", every, [insert(after_imports, "while True:\n    pass")])
    write(folder, "c_dies.ipynb", every, [insert(after_imports, "import os\nos._exit(1)")])
    write(folder, "d_floods.ipynb", every, [insert(after_imports, "print('x' * 3_000_000)")])
    (folder / "e_not_a_notebook.ipynb").write_text("this is not JSON")
    write(folder, "02_forward_propagation.ipynb", every)
    status, out = run_grade(folder, "--timeout", "10")
    assert status == 1
    reports = {Path(r["path"]).name: r for r in out["notebooks"]}
    assert len(reports) == 7

    part = statuses(reports["partial.ipynb"])
    assert part == {n: "passed" if n == EXERCISES[0] else "not_implemented" for n in EXERCISES}
    assert partial.read_bytes() == before, "grading must not modify the graded file"
    raises = reports["a_raises.ipynb"]
    assert any("ZeroDivisionError" in p for p in raises["problems"])
    assert raises["passed"] == len(EXERCISES), "cells after an error still run"
    hangs = reports["b_hangs.ipynb"]
    assert any("more than 10 s" in p for p in hangs["problems"])
    assert hangs["passed"] == 0  # the answers come after the endless cell
    assert any("kernel died" in p for p in reports["c_dies.ipynb"]["problems"])
    floods = reports["d_floods.ipynb"]
    assert any("printed more than" in p for p in floods["problems"])
    assert floods["passed"] == len(EXERCISES)
    assert any("not a notebook" in p for p in reports["e_not_a_notebook.ipynb"]["problems"])
    other = reports["02_forward_propagation.ipynb"]
    assert any("this is chapter 1" in p for p in other["problems"])
    assert other["passed"] == len(EXERCISES)


def test_usage_errors_exit_two(tmp_path, capsys):
    assert grade.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert grade.main([str(tmp_path)]) == 2  # an empty folder
    assert grade.main([str(SOLVED), "--jobs", "0"]) == 2
    with pytest.raises(SystemExit) as info:
        grade.main([])
    assert info.value.code == 2


def _saved(nb, name: str, result, code: str | None) -> None:
    """Store ``result`` as the output of the check cell of ``name``, as ``check`` does."""
    meta = {MIME_TYPE: {"code": code}} if code else {}
    nb.cells[check_cell(nb, name)].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": result.to_text(), MIME_TYPE: result.to_dict()},
        metadata=meta)]


def _solution_source(name: str) -> str:
    return upgrade.exercise_cells(nbformat.read(SOLVED, as_version=4))[name].source


def _reference(name):
    from course_lib.exercises import _REGISTRY

    return _REGISTRY[name].reference


def test_progress_reads_saved_results_and_flags_code_changed_since(tmp_path, capsys):
    learner = nbformat.read(LEARNER, as_version=4)
    saved = tmp_path / CHAPTER
    nbformat.write(learner, saved)
    assert progress.main([str(saved)]) == 0
    assert f"0/{len(EXERCISES)} passed" in capsys.readouterr().out

    # A learner who solved the first two exercises, ran both checks (the second
    # failing on an earlier try), saved, then edited the first answer.
    first, second = EXERCISES[:2]
    cells = upgrade.exercise_cells(learner)
    for name in (first, second):
        cells[name].source = _solution_source(name)
    _saved(learner, first, evaluate(first, _reference(first)),
           answer_code.in_source(cells[first].source, first))
    _saved(learner, second, evaluate(second, lambda *args: None),
           answer_code.in_source(cells[second].source, second))
    nbformat.write(learner, saved)
    assert progress.main([str(saved)]) == 0
    text = capsys.readouterr().out
    assert f"1/{len(EXERCISES)} passed" in text
    assert "failing" in text and "untouched" in text and "changed since" not in text

    cells[first].source = cells[first].source.replace("return", "return 2 *", 1)
    nbformat.write(learner, saved)
    progress.main([str(saved)])
    text = capsys.readouterr().out
    assert f"changed since checked {first} (was passed; run its check again)" in text
    assert f"0/{len(EXERCISES)} passed" in text


def test_a_function_and_its_cell_have_one_fingerprint(tmp_path, monkeypatch):
    source = _solution_source("relu")
    module = tmp_path / "answer_module.py"
    module.write_text("import numpy as np\n\n\n" + source + "\n\n# a comment after it\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import answer_module

    assert answer_code.of_function(answer_module.relu) == answer_code.in_source(source, "relu")
    assert answer_code.in_source(source + "\n# note", "relu") == answer_code.in_source(
        source, "relu")
    assert answer_code.in_source(source.replace("0", "1"), "relu") != answer_code.in_source(
        source, "relu")
    assert answer_code.of_function(len) is None


def _new_version(tmp_path: Path, edit=None) -> Path:
    fresh = nbformat.read(LEARNER, as_version=4)
    fresh.cells.insert(1, nbformat.v4.new_markdown_cell("A paragraph added in the new version."))
    if edit:
        edit(fresh)
    new = tmp_path / "new.ipynb"
    nbformat.write(fresh, new)
    return new


def test_upgrade_carries_answers_keeps_old_and_backs_up_new(tmp_path, capsys):
    old = tmp_path / "mine.ipynb"
    nb = nbformat.read(LEARNER, as_version=4)
    cells = upgrade.exercise_cells(nb)
    for name in EXERCISES[:2]:
        cells[name].source = _solution_source(name)
    nbformat.write(nb, old)
    before = old.read_bytes()
    new = _new_version(tmp_path)
    new_before = new.read_bytes()
    assert upgrade.main([str(old), str(new)]) == 0
    assert old.read_bytes() == before
    out = capsys.readouterr().out
    backups = list(tmp_path.glob("new.backup-*.ipynb"))
    assert [b.read_bytes() for b in backups] == [new_before]
    assert backups[0].name in out and "carried 2 answer(s)" in out
    merged = upgrade.exercise_cells(nbformat.read(new, as_version=4))
    for name in EXERCISES[:2]:
        assert merged[name].source == _solution_source(name)
    for name in EXERCISES[2:]:
        assert upgrade.is_untouched(merged[name].source)


def test_upgrade_carries_helper_cells_and_notes_and_reports_losses(tmp_path, capsys):
    nb = nbformat.read(LEARNER, as_version=4)
    cells = upgrade.exercise_cells(nb)
    first, second, third = EXERCISES[:3]
    at = nb.cells.index(cells[first])
    nb.cells.insert(at, nbformat.v4.new_code_cell("def my_helper(z):\n    return z"))
    nb.cells.insert(at + 2, nbformat.v4.new_markdown_cell("My note: sigmoid saturates."))
    cells[first].source = _solution_source(first)
    cells[second].metadata.pop(EXERCISE_KEY)  # the mark lost (a copied cell)
    cells[second].source = _solution_source(second)
    cells[third].source = cells[third].source.replace(
        "# YOUR CODE HERE", "# YOUR CODE HERE\n    z = x @ w + b")  # begun, stub kept
    old = tmp_path / "mine.ipynb"
    nbformat.write(nb, old)
    new = _new_version(tmp_path)
    assert upgrade.main([str(old), str(new)]) == 1
    out = capsys.readouterr().out
    merged = nbformat.read(new, as_version=4)
    sources = [c.source for c in merged.cells]
    target = sources.index(_solution_source(first))
    assert sources[target - 1] == "def my_helper(z):\n    return z"
    assert sources[target + 1] == "My note: sigmoid saturates."
    assert "Carried your cell" in out and "my_helper" in out and "My note" in out
    assert f"defines '{second}' but has lost its exercise mark" in out
    assert upgrade.exercise_cells(merged)[second].source == _solution_source(second)
    assert f"Your answer to '{third}'" in out and "still holds the stub" in out
    assert "z = x @ w + b" in upgrade.exercise_cells(merged)[third].source


def test_upgrade_keeps_an_answer_already_in_the_target(tmp_path, capsys):
    first = EXERCISES[0]
    old = write(tmp_path, "mine.ipynb", solved=(first,))
    mine = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))  # my newer version"
    new = _new_version(tmp_path, lambda nb: upgrade.exercise_cells(nb)[first].update(
        source=mine))
    assert upgrade.main([str(old), str(new)]) == 1
    assert f"NEW already holds an answer to '{first}'" in capsys.readouterr().out
    assert upgrade.exercise_cells(nbformat.read(new, as_version=4))[first].source == mine


def test_upgrade_reports_an_answer_it_cannot_place(tmp_path, capsys):
    old = write(tmp_path, "mine.ipynb", solved=EXERCISES[:1])
    fresh = trimmed(LEARNER)
    fresh.cells.remove(upgrade.exercise_cells(fresh)[EXERCISES[0]])
    new = tmp_path / "new.ipynb"
    nbformat.write(fresh, new)
    assert upgrade.main([str(old), str(new)]) == 1
    assert f"Could not place your answer to '{EXERCISES[0]}'" in capsys.readouterr().out
    assert upgrade.main([str(old), str(new), "--output", str(old)]) == 2
