"""Generate every version of a chapter from its one source in ``solutions/``.

``solutions/NN_name.ipynb`` is the single source of each chapter. Two
versions are made from it:

- the **learner notebook** ``chapters/NN_name.ipynb`` (written to disk by
  ``make chapters``): every solution block::

      ### BEGIN SOLUTION
      ...
      ### END SOLUTION

  becomes ``# YOUR CODE HERE`` and ``raise NotImplementedError`` at the same
  indentation, cells tagged ``solution-only`` are dropped and outputs are
  cleared;
- the **book version** (:func:`book_version`, made in memory when the website
  is built, never stored): the page of ``chapters/NN_name`` executes the
  solutions, so each check shows what passing looks like, and shows the
  learner's stub with the solution folded under it. Figure and animation
  code is folded behind "Show code" unless the cell is tagged ``show-input``.

Labels (``sec-``, ``eq-``, ``fig-``, ``ex-``, ``tab-``) are the same in every
version: the website renders each chapter once.

Usage::

    python -m course_lib.authoring            # write chapters/ from solutions/
    python -m course_lib.authoring --check    # exit 1 naming stale chapters
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError")
SOLUTION_ONLY = "solution-only"
BACK_LINK = "back-link"
BOOK_KEY = "course_book"
LABEL_PREFIXES = ("sec-", "eq-", "fig-", "ex-", "tab-")
EXERCISE_KEY = "exercise"
CHAPTER_KEY = "course_chapter"
_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)

_DEFINITIONS = (
    re.compile(r"^\s*\(([^()\s]+)\)=\s*$", re.MULTILINE),       # (label)=
    re.compile(r"\$\$\s*\(([^()\s]+)\)"),                       # $$ (label)
    re.compile(r"^\s*:(?:label|name):\s*(\S+)\s*$", re.MULTILINE),  # :label: / :name:
)


class AuthoringError(ValueError):
    """A solution notebook breaks the authoring conventions."""


def strip_solutions(source: str, where: str) -> str:
    """Replace each solution block in a code cell's ``source`` with the stub.

    Parameters
    ----------
    source : str
        The cell's code.
    where : str
        ``"notebook.ipynb, cell 12"``, used in error messages.

    Raises
    ------
    AuthoringError
        For a nested, unclosed or unopened marker.
    """
    out: list[str] = []
    inside_since: int | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside_since is not None:
                raise AuthoringError(f"{where}: nested '{BEGIN}' at line {number} "
                                     f"(the block opened at line {inside_since} is not closed)")
            inside_since = number
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUB)
        elif marker == END:
            if inside_since is None:
                raise AuthoringError(f"{where}: '{END}' at line {number} has no '{BEGIN}'")
            inside_since = None
        elif inside_since is None:
            out.append(line)
    if inside_since is not None:
        raise AuthoringError(f"{where}: '{BEGIN}' at line {inside_since} is never closed")
    return "\n".join(out)


def exercise_name(source: str) -> str | None:
    """The name of the first top-level function a cell defines, if any."""
    match = _DEF.search(source)
    return match.group(1) if match else None


def mark_exercise_cells(notebook: nbformat.NotebookNode) -> None:
    """Record in each exercise cell's metadata which exercise it holds.

    An exercise cell is a code cell with a solution block; its exercise is the
    first function it defines. Grading and ``course_lib.tools.upgrade`` use the mark
    to find a learner's answers.
    """
    for cell in notebook.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            name = exercise_name(cell.source)
            if name:
                cell.metadata[EXERCISE_KEY] = name


def exercise_names(notebook: nbformat.NotebookNode) -> set[str]:
    """Names of the code exercises a solution notebook defines."""
    return {
        name for cell in notebook.cells
        if cell.cell_type == "code" and BEGIN in cell.source
        for name in [exercise_name(cell.source)] if name
    }


def solution_code(source: str) -> str:
    """The cell's code as solved: the marker lines removed, the solution kept.

    Parameters
    ----------
    source : str
        A code cell's source with ``### BEGIN SOLUTION`` / ``### END SOLUTION``
        blocks (checked as in :func:`strip_solutions`).
    """
    strip_solutions(source, "solution_code")  # the same marker checks
    return "\n".join(line for line in source.split("\n")
                     if line.strip() not in (BEGIN, END))


def is_back_link(cell: nbformat.NotebookNode) -> bool:
    """A link cell from the retired "Part II" of solved chapters (dropped everywhere)."""
    return BACK_LINK in cell.get("metadata", {}).get("tags", [])


def _defines(cell: nbformat.NotebookNode, label: str) -> bool:
    return cell.cell_type == "markdown" and f"({label})=" in cell.source


def add_solution_notes(notebook: nbformat.NotebookNode, names: set[str]) -> None:
    """In a learner notebook, say under each exercise heading where its solution is."""
    for cell in notebook.cells:
        for name in sorted(names):
            if _defines(cell, f"ex-{name}"):
                cell.source = (cell.source.rstrip() + "\n\n"
                               "*Stuck? On this chapter's page in the book, a solution "
                               "is folded under the exercise.*")


def labels_defined(notebook: nbformat.NotebookNode) -> set[str]:
    """Every label a notebook defines in its markdown or figure metadata."""
    found: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for pattern in _DEFINITIONS:
                found.update(pattern.findall(cell.source))
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if "name" in figure:
            found.add(figure["name"])
    return found


def check_label_names(labels: set[str], where: str) -> None:
    """Refuse labels without a known prefix (they could collide with prose)."""
    bad = sorted(label for label in labels if not label.startswith(LABEL_PREFIXES))
    if bad:
        raise AuthoringError(f"{where}: labels must start with one of {LABEL_PREFIXES}, "
                             f"got {bad}")


def _kept_cells(notebook: nbformat.NotebookNode, name: str):
    """``(where, cell)`` for each cell but the solution-only ones, markers checked."""
    for index, cell in enumerate(notebook.cells):
        if SOLUTION_ONLY in cell.get("metadata", {}).get("tags", []):
            continue
        where = f"{name}, cell {index} (id {cell.get('id', '?')})"
        if cell.cell_type == "markdown" and (BEGIN in cell.source or END in cell.source):
            raise AuthoringError(f"{where}: solution markers belong in code cells")
        yield where, cell


def learner_version(notebook: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The learner notebook made from a solution notebook.

    Parameters
    ----------
    notebook : NotebookNode
        The solution notebook (not modified).
    name : str
        Its file name, for error messages.
    """
    learner = copy.deepcopy(notebook)
    stamp(learner, Path(name).stem)
    cells = []
    for where, cell in _kept_cells(learner, name):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where)
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
        cells.append(cell)
    learner.cells = cells
    add_solution_notes(learner, exercise_names(notebook))
    return learner


def _draws_a_figure(cell: nbformat.NotebookNode) -> bool:
    return ("figure" in cell.get("metadata", {}).get("mystnb", {})
            or "animation_html(" in cell.source)


def book_version(notebook: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The version of a chapter the website renders (and executes), made in memory.

    Parameters
    ----------
    notebook : NotebookNode
        The solution notebook (not modified).
    name : str
        Its file name, for error messages.

    Returns
    -------
    NotebookNode
        The solution notebook without its solution-only cells. Each exercise
        cell keeps its solved code, so the chapter executes as solved and the
        checks show what passing looks like, and carries in its metadata
        (key ``BOOK_KEY``) the ``stub`` the learner sees and the ``solution``
        without markers: the website shows the stub with the solution folded
        under it. Cells that draw a figure or an animation are tagged
        ``hide-input`` (their code is folded behind "Show code") unless tagged
        ``show-input``.
    """
    book = copy.deepcopy(notebook)
    stamp(book, Path(name).stem)
    cells = []
    for where, cell in _kept_cells(book, name):
        if cell.cell_type == "code":
            if BEGIN in cell.source:
                cell.metadata[BOOK_KEY] = {"stub": strip_solutions(cell.source, where),
                                           "solution": solution_code(cell.source)}
            tags = cell.metadata.setdefault("tags", [])
            folded = {"show-input", "hide-input", "remove-input", "remove-cell", "hide-cell"}
            if _draws_a_figure(cell) and not folded & set(tags):
                tags.append("hide-input")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    book.cells = cells
    return book


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs and execution counts (notebooks are stored clean)."""
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    return notebook


def stamp(notebook: nbformat.NotebookNode, chapter: str) -> None:
    """Mark the notebook's chapter and its exercise cells in the metadata."""
    notebook.metadata[CHAPTER_KEY] = chapter
    mark_exercise_cells(notebook)


def normalise(path: Path) -> None:
    """Store a solution notebook clean: no outputs, no editor metadata."""
    notebook = nbformat.read(path, as_version=4)
    stamp(notebook, path.stem)
    notebook.cells = [cell for cell in notebook.cells if not is_back_link(cell)]
    text = render(clean(notebook))
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        print(f"cleaned {path.name}")


def render(notebook: nbformat.NotebookNode) -> str:
    """The notebook as the exact text we store on disk."""
    return nbformat.writes(notebook, version=4) + "\n"


def generate(solutions: Path, chapters: Path) -> dict[Path, str]:
    """Map every learner notebook path to the text it should have."""
    sources = sorted(solutions.glob("[0-9][0-9]_*.ipynb"))
    notebooks = {path: nbformat.read(path, as_version=4) for path in sources}
    for path, notebook in notebooks.items():
        check_label_names(labels_defined(notebook), path.name)
    return {
        chapters / path.name: render(clean(learner_version(notebook, path.name)))
        for path, notebook in notebooks.items()
    }


def stale(root: Path) -> list[str]:
    """Names of learner notebooks that differ from what ``generate`` makes."""
    wanted = generate(root / "solutions", root / "chapters")
    problems = [
        f"{path.relative_to(root)} is out of date" if path.exists() else
        f"{path.relative_to(root)} is missing"
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    extra = {p for p in (root / "chapters").glob("*.ipynb")} - set(wanted)
    problems += [f"{p.relative_to(root)} has no source in solutions/" for p in sorted(extra)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if chapters/ is stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale(args.root)
            for problem in problems:
                print(f"{problem}: run `make chapters`", file=sys.stderr)
            return 1 if problems else 0
        for source in sorted((args.root / "solutions").glob("[0-9][0-9]_*.ipynb")):
            normalise(source)
        for path, text in generate(args.root / "solutions", args.root / "chapters").items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(args.root)}")
    except AuthoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
