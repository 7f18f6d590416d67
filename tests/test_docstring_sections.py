"""Every "Taught in chapter N, section 'X'" in the library names a real section."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TAUGHT = re.compile(r"[Tt]aught in chapter (\d+), section '([^']+)'")
HEADING = re.compile(r"^#{2,4} +(.+?)\s*$", re.MULTILINE)


def sections_by_chapter() -> dict[int, set[str]]:
    sections = {}
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        sections[int(path.name[:2])] = {
            heading.strip() for cell in notebook.cells if cell.cell_type == "markdown"
            for heading in HEADING.findall(cell.source)
        }
    return sections


def references() -> list[tuple[str, int, int, str]]:
    found = []
    for path in sorted((ROOT / "course_lib").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for chapter, section in TAUGHT.findall(line):
                found.append((str(path.relative_to(ROOT)), number, int(chapter), section))
    return found


def test_library_docstrings_name_sections_that_exist():
    sections = sections_by_chapter()
    assert len(sections) >= 7
    refs = references()
    assert len(refs) > 50, "the docstrings should say where the book teaches them"
    wrong = [f"{path}:{line}: chapter {chapter} has no section '{section}'"
             for path, line, chapter, section in refs
             if section not in sections.get(chapter, set())]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", ["activations", "layers", "losses", "update_rules", "optim",
                                    "train"])
def test_public_functions_say_where_they_are_taught(module):
    text = (ROOT / "course_lib" / f"{module}.py").read_text(encoding="utf-8")
    assert TAUGHT.search(text), f"course_lib/{module}.py names no chapter"
