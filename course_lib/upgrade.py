"""Carry a learner's answers into a new version of a chapter.

``python -m course_lib.upgrade OLD NEW [--output PATH]`` copies the code of
every exercise cell the learner wrote in ``OLD`` (their notebook) into the
matching exercise cell of ``NEW`` (the updated chapter), and reports any
answer it could not place. ``OLD`` is never modified; the result is written
to ``NEW`` itself, or to ``--output``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from course_lib.authoring import CHAPTER_KEY, EXERCISE_KEY, STUB, exercise_name


def exercise_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Exercise name -> its code cell, from the metadata mark (or the function defined)."""
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


def upgrade(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> tuple[list[str], list[str]]:
    """Copy answers from ``old`` into ``new`` in place.

    Returns
    -------
    carried : list of str
        Exercises whose answers were copied.
    unplaced : list of str
        Answers in ``old`` with no matching exercise cell in ``new``.
    """
    targets = exercise_cells(new)
    for cell in new.cells:  # also match learner notebooks by the function they define
        if cell.cell_type == "code" and EXERCISE_KEY not in cell.get("metadata", {}):
            name = exercise_name(cell.source)
            if name and is_untouched(cell.source):
                targets.setdefault(name, cell)
    carried, unplaced = [], []
    for name, cell in exercise_cells(old).items():
        if is_untouched(cell.source):
            continue
        if name in targets:
            targets[name].source = cell.source
            carried.append(name)
        else:
            unplaced.append(name)
    return carried, unplaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.upgrade", description=__doc__)
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
    carried, unplaced = upgrade(old, new)
    nbformat.write(new, output)
    print(f"Wrote {output}: carried {len(carried)} answer(s)"
          + (f" ({', '.join(carried)})" if carried else "") + f"; {args.old} is unchanged.")
    for name in unplaced:
        print(f"Could not place your answer to '{name}': the new version has no such "
              f"exercise. Copy it by hand from {args.old}.")
    return 1 if unplaced else 0


if __name__ == "__main__":
    sys.exit(main())
