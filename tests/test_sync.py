"""chapters/ is exactly what the generator makes from solutions/."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from course_lib.tools import authoring

ROOT = Path(__file__).resolve().parents[1]


def test_every_chapter_is_generated_from_its_solution():
    problems = authoring.stale(ROOT)
    assert not problems, "; ".join(problems) + " (run `make chapters`)"


def test_both_folders_hold_the_same_notebooks():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    chapters = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    assert solutions and solutions == chapters


def test_editing_a_solution_without_regenerating_is_caught(tmp_path):
    for folder in ("solutions", "chapters"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    source = sorted((tmp_path / "solutions").glob("*.ipynb"))[0]
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A new paragraph."))
    nbformat.write(nb, source)
    problems = authoring.stale(tmp_path)
    assert problems == [f"chapters/{source.name} is out of date"]
    assert authoring.main(["--root", str(tmp_path)]) == 0
    assert authoring.stale(tmp_path) == []


def test_notebooks_are_stored_without_outputs():
    for path in [*ROOT.glob("solutions/*.ipynb"), *ROOT.glob("chapters/*.ipynb")]:
        nb = nbformat.read(path, as_version=4)
        with_outputs = [i for i, c in enumerate(nb.cells)
                        if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not with_outputs, f"{path.name}: cells {with_outputs} have outputs"
