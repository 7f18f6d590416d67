"""Carry a learner's answers into a new version of a chapter.

``python -m course_lib.upgrade OLD NEW [--output PATH]`` copies the code of
every exercise cell the learner wrote in ``OLD`` (their notebook) into the
matching exercise cell of ``NEW`` (the updated chapter), and the cells the
learner added (a helper function an answer calls, a markdown note) next to
the cell they followed. It says what it carried and where, and every answer
it could not place. ``OLD`` is never modified; the result is written to
``NEW`` itself, or to ``--output``, after a backup copy of the file it
replaces is kept. An exercise cell of ``NEW`` that already holds an answer
(not the stub) is left as it is, with a warning.
"""

from __future__ import annotations

import argparse
import difflib
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.exercises import names as exercise_names
from course_lib.tools.authoring import CHAPTER_KEY, EXERCISE_KEY, STUB, exercise_name

#: How alike (0 to 1) a cell must be to a cell of NEW to count as the chapter's own.
SIMILAR = 0.6


def exercise_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Exercise name -> its code cell, from the metadata mark."""
    cells = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        name = cell.get("metadata", {}).get(EXERCISE_KEY)
        if name:
            cells.setdefault(name, cell)
    return cells


def is_untouched(source: str) -> bool:
    """True when an exercise cell still holds the stub."""
    return all(line.strip() in source for line in STUB)


def _without_stub(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines()
            if line.strip() and line.strip() not in STUB]


@dataclass
class Outcome:
    """What ``upgrade`` did."""

    carried: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _answers(old: nbformat.NotebookNode) -> dict[str, tuple[int, nbformat.NotebookNode]]:
    """The learner's answers: marked exercise cells, or cells defining an exercise."""
    known = set(exercise_names())
    answers: dict[str, tuple[int, nbformat.NotebookNode]] = {}
    for index, cell in enumerate(old.cells):
        if cell.cell_type != "code":
            continue
        name = cell.get("metadata", {}).get(EXERCISE_KEY) or exercise_name(cell.source)
        if name in known and name not in answers:
            answers[name] = index, cell
    return answers


def _is_chapter_cell(cell, new: nbformat.NotebookNode, ids: set) -> bool:
    if cell.get("id") in ids:
        return True
    return any(other.cell_type == cell.cell_type and difflib.SequenceMatcher(
        None, other.source, cell.source).quick_ratio() >= SIMILAR
        and difflib.SequenceMatcher(None, other.source, cell.source).ratio() >= SIMILAR
        for other in new.cells)


def _describe(index: int, cell) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index} ({cell.cell_type}: {first[:50]!r})"


def _carry_answers(old, new, out: Outcome) -> None:
    targets = exercise_cells(new)
    for name, (index, cell) in _answers(old).items():
        marked = cell.get("metadata", {}).get(EXERCISE_KEY) == name
        if is_untouched(cell.source):
            if not _without_stub(cell.source) or name not in targets or \
                    _without_stub(cell.source) == _without_stub(targets[name].source):
                continue  # nothing but the stub
            out.warnings.append(f"Your answer to '{name}' (cell {index}) still holds the "
                                "stub's `raise NotImplementedError`; carried as it is.")
        if name not in targets:
            out.unplaced.append(name)
            continue
        target = targets[name]
        if not is_untouched(target.source) and target.source != cell.source:
            out.warnings.append(f"NEW already holds an answer to '{name}' that differs "
                                "from yours; it was kept (yours is in OLD, cell "
                                f"{index}).")
            continue
        if not marked:
            out.warnings.append(f"Your cell {index} defines '{name}' but has lost its "
                                "exercise mark; carried as the answer to it.")
        target.source = cell.source
        out.carried.append(name)


def _carry_added_cells(old, new, out: Outcome) -> None:
    """Insert the learner's own cells after the cell of NEW they followed in OLD."""
    ids = {cell.get("id") for cell in new.cells}
    answers = {id(cell) for _, cell in _answers(old).values()}
    anchor = None  # the cell of NEW after which the next added cell goes
    for index, cell in enumerate(old.cells):
        if id(cell) in answers or _is_chapter_cell(cell, new, ids):
            anchor = _match(cell, new, ids) or anchor
            continue
        if not cell.source.strip():
            continue
        copy = nbformat.from_dict(dict(cell))
        if "id" in copy:  # a fresh id, unique in NEW
            copy["id"] = secrets.token_hex(4)
        position = new.cells.index(anchor) + 1 if anchor is not None else len(new.cells)
        new.cells.insert(position, copy)
        anchor = copy
        where = f"after {_describe(position - 1, new.cells[position - 1])}" \
            if position else "at the start"
        out.cells.append(f"your {_describe(index, cell)} -> {where}")


def _match(cell, new, ids):
    name = cell.get("metadata", {}).get(EXERCISE_KEY) or (
        exercise_name(cell.source) if cell.cell_type == "code" else None)
    if name and name in exercise_cells(new):
        return exercise_cells(new)[name]
    return next((c for c in new.cells if c.get("id") == cell.get("id")), None) or next(
        (c for c in new.cells if c.cell_type == cell.cell_type and c.source == cell.source),
        None)


def upgrade(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> Outcome:
    """Copy answers and added cells from ``old`` into ``new`` in place."""
    out = Outcome()
    _carry_added_cells(old, new, out)
    _carry_answers(old, new, out)
    return out


def backup(path: Path) -> Path | None:
    """Copy ``path`` (if it exists) to ``NAME.backup-YYYYmmdd-HHMMSS.ipynb`` beside it."""
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.stem}.backup-{stamp}-{counter}{path.suffix}")
        counter += 1
    shutil.copy2(path, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.upgrade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path, help="your notebook, with your answers")
    parser.add_argument("new", type=Path, help="the new version of the same chapter")
    parser.add_argument("--output", type=Path, help="where to write (default: NEW)")
    args = parser.parse_args(argv)
    output = args.output or args.new
    try:
        old = nbformat.read(args.old, as_version=4)
        new = nbformat.read(args.new, as_version=4)
    except Exception as exc:
        print(f"error: cannot read a notebook: {exc}", file=sys.stderr)
        return 2
    if output.resolve() == args.old.resolve():
        print("error: the output would overwrite your own notebook OLD; choose --output",
              file=sys.stderr)
        return 2
    old_chapter, new_chapter = old.metadata.get(CHAPTER_KEY), new.metadata.get(CHAPTER_KEY)
    if old_chapter and new_chapter and old_chapter != new_chapter:
        print(f"error: OLD is {old_chapter} but NEW is {new_chapter}", file=sys.stderr)
        return 2
    out = upgrade(old, new)
    saved = backup(output)
    nbformat.write(new, output)
    print(f"Wrote {output}: carried {len(out.carried)} answer(s)"
          + (f" ({', '.join(out.carried)})" if out.carried else "") + f"; {args.old} is unchanged."
          + (f" The file it replaced is kept as {saved}." if saved else ""))
    for line in out.cells:
        print(f"Carried {line}.")
    for warning in out.warnings:
        print(f"Warning: {warning}")
    for name in out.unplaced:
        print(f"Could not place your answer to '{name}': the new version has no such "
              f"exercise. Copy it by hand from {args.old}.")
    return 1 if out.unplaced or out.warnings else 0


if __name__ == "__main__":
    sys.exit(main())
