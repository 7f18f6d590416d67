"""grade, progress and upgrade on real chapter notebooks and on bad submissions."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course_lib import grade, progress, upgrade
from course_lib.authoring import EXERCISE_KEY
from course_lib.exercises import MIME_TYPE, evaluate, exercises_of_chapter

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "01_neural_networks.ipynb"
SOLVED = ROOT / "solutions" / CHAPTER
LEARNER = ROOT / "chapters" / CHAPTER
EXERCISES = exercises_of_chapter(1)

pytestmark = pytest.mark.slow


def learner_with(tmp_path: Path, name: str, extra_cells=(), solved=()) -> Path:
    """A copy of the learner notebook, with some exercises solved and cells added."""
    nb = nbformat.read(LEARNER, as_version=4)
    solutions = upgrade.exercise_cells(nbformat.read(SOLVED, as_version=4))
    for exercise, cell in upgrade.exercise_cells(nb).items():
        if exercise in solved:
            cell.source = solutions[exercise].source
    for index, source in extra_cells:
        nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def grade_json(capsys, *args, timeout: int = 20) -> tuple[int, dict]:
    status = grade.main([*map(str, args), "--json", "--timeout", str(timeout)])
    return status, json.loads(capsys.readouterr().out)


def by_name(report: dict) -> dict:
    return {e["name"]: e for e in report["exercises"]}


def test_solved_learner_and_partly_solved_notebooks(tmp_path, capsys):
    partial = learner_with(tmp_path, CHAPTER, solved=EXERCISES[:1])
    before = partial.read_bytes()
    status, out = grade_json(capsys, SOLVED, LEARNER, partial)
    assert status == 1
    solved, learner, part = out["notebooks"]
    assert (solved["passed"], solved["total"]) == (len(EXERCISES), len(EXERCISES))
    assert learner["passed"] == 0
    assert all(e["status"] == "not_implemented" for e in learner["exercises"])
    statuses = {n: e["status"] for n, e in by_name(part).items()}
    assert statuses[EXERCISES[0]] == "passed"
    assert all(statuses[n] == "not_implemented" for n in EXERCISES[1:])
    assert partial.read_bytes() == before, "grading must not modify the graded file"
    assert out["summary"]["passed"] == len(EXERCISES) + 1


def test_every_solution_notebook_grades_100_percent(capsys):
    """The whole solutions/ folder: all chapters, animations and all, nothing flagged."""
    status, out = grade_json(capsys, ROOT / "solutions", timeout=300)
    assert [r["problems"] for r in out["notebooks"]] == [[]] * len(out["notebooks"])
    assert out["summary"]["passed"] == out["summary"]["total"] > 20
    assert status == 0


def test_bad_submissions_are_reported_and_the_rest_graded(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    every = tuple(EXERCISES)
    learner_with(folder, "a_raises.ipynb", [(3, "1 / 0")], solved=every)
    learner_with(folder, "b_hangs.ipynb", [(3, "while True:\n    pass")], solved=every)
    learner_with(folder, "c_dies.ipynb", [(3, "import os\nos._exit(1)")], solved=every)
    learner_with(folder, "d_floods.ipynb", [(3, "print('x' * 3_000_000)")], solved=every)
    (folder / "e_not_a_notebook.ipynb").write_text("this is not JSON")
    learner_with(folder, "02_forward_propagation.ipynb", solved=every)
    learner_with(folder, "f_good.ipynb", solved=every)
    status, out = grade_json(capsys, folder)
    assert status == 1
    reports = {Path(r["path"]).name: r for r in out["notebooks"]}
    assert len(reports) == 7

    raises = reports["a_raises.ipynb"]
    assert any("ZeroDivisionError" in p for p in raises["problems"])
    assert raises["passed"] == len(EXERCISES), "cells after an error still run"
    assert any("more than 20 s" in p for p in reports["b_hangs.ipynb"]["problems"])
    assert any("kernel died" in p for p in reports["c_dies.ipynb"]["problems"])
    floods = reports["d_floods.ipynb"]
    assert any("printed more than" in p for p in floods["problems"])
    assert floods["passed"] == len(EXERCISES)
    assert any("not a notebook" in p for p in reports["e_not_a_notebook.ipynb"]["problems"])
    other = reports["02_forward_propagation.ipynb"]
    assert any("this is chapter 1" in p for p in other["problems"])
    good = reports["f_good.ipynb"]
    assert (good["passed"], good["problems"]) == (len(EXERCISES), [])


def test_usage_errors_exit_two(tmp_path, capsys):
    assert grade.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert grade.main([str(tmp_path)]) == 2  # an empty folder
    with pytest.raises(SystemExit) as info:
        grade.main([])
    assert info.value.code == 2


def test_progress_reads_saved_results_without_executing(tmp_path, capsys):
    learner = nbformat.read(LEARNER, as_version=4)
    saved = tmp_path / CHAPTER
    nbformat.write(learner, saved)
    assert progress.main([str(saved)]) == 0
    assert f"0/{len(EXERCISES)} passed" in capsys.readouterr().out

    # A learner who ran the first check (passing) and the second (failing), then saved.
    results = {EXERCISES[0]: evaluate(EXERCISES[0], _reference(EXERCISES[0])),
               EXERCISES[1]: evaluate(EXERCISES[1], lambda *args: None)}
    for cell in learner.cells:
        for name, result in results.items():
            if cell.cell_type == "code" and cell.source.startswith(f'check("{name}"'):
                cell.outputs = [nbformat.v4.new_output(
                    "display_data",
                    data={"text/plain": result.to_text(), MIME_TYPE: result.to_dict()})]
    nbformat.write(learner, saved)
    assert progress.main([str(saved)]) == 0
    text = capsys.readouterr().out
    assert f"1/{len(EXERCISES)} passed" in text
    assert "failing" in text and "untouched" in text


def _reference(name):
    from course_lib.exercises import _REGISTRY

    return _REGISTRY[name].reference


def test_upgrade_carries_answers_and_keeps_the_old_file(tmp_path, capsys):
    old = learner_with(tmp_path, "mine.ipynb", solved=EXERCISES[:2])
    before = old.read_bytes()
    new = tmp_path / "new.ipynb"
    fresh = nbformat.read(LEARNER, as_version=4)
    fresh.cells.insert(1, nbformat.v4.new_markdown_cell("A paragraph added in the new version."))
    nbformat.write(fresh, new)
    assert upgrade.main([str(old), str(new)]) == 0
    assert old.read_bytes() == before
    merged = upgrade.exercise_cells(nbformat.read(new, as_version=4))
    solved = upgrade.exercise_cells(nbformat.read(SOLVED, as_version=4))
    for name in EXERCISES[:2]:
        assert merged[name].source == solved[name].source
    for name in EXERCISES[2:]:
        assert upgrade.is_untouched(merged[name].source)
    assert "carried 2 answer(s)" in capsys.readouterr().out


def test_upgrade_reports_an_answer_it_cannot_place(tmp_path, capsys):
    old = learner_with(tmp_path, "mine.ipynb", solved=EXERCISES[:1])
    fresh = nbformat.read(LEARNER, as_version=4)
    for cell in fresh.cells:
        if cell.get("metadata", {}).get(EXERCISE_KEY) == EXERCISES[0]:
            fresh.cells.remove(cell)
            break
    new = tmp_path / "new.ipynb"
    nbformat.write(fresh, new)
    assert upgrade.main([str(old), str(new)]) == 1
    assert f"Could not place your answer to '{EXERCISES[0]}'" in capsys.readouterr().out
    assert upgrade.main([str(old), str(new), "--output", str(old)]) == 2
