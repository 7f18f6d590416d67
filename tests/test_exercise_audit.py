"""The audit of the exercise checks (tests/exercise_audit.py) is complete and true.

Every registered exercise has a cell for every kind of issue 20, each cell
names tests that exist (or says why the kind does not apply), and the table in
tests/README.md is the one the audit prints. The bank of each exercise holds
at least five wrong and three right learner answers beyond the generic kinds.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from course_lib.exercises import _REGISTRY, names
from tests import exercise_audit as audit
from tests import test_checker

README = Path(__file__).with_name("README.md")


def test_every_exercise_has_a_row_and_every_kind_a_cell():
    assert set(audit.COVERAGE) == set(names())
    for name, row in audit.COVERAGE.items():
        assert {key for key, _ in audit.KINDS} == set(row), name


def _bank(chapter: int) -> list[tuple]:
    module = audit.chapter_module(chapter)
    return [*module.BANK_WRONG, *module.BANK_RIGHT]


@pytest.mark.parametrize("name", names())
def test_every_applicable_cell_cites_tests_that_exist(name):
    chapter = _REGISTRY[name].chapter
    module = audit.chapter_module(chapter)
    whys = {entry[2] for entry in _bank(chapter) if entry[0] == name}
    for key, cell in audit.cells(name).items():
        if isinstance(cell, audit.NA):
            assert cell.reason, (name, key)
            continue
        assert cell, f"{name}: no test for {key!r}"
        for ref in cell:
            kind, _, what = ref.partition(":")
            if kind == "bank":
                assert what in whys, f"{name}/{key}: no bank answer {what!r}"
            elif kind == "checker":
                assert callable(getattr(test_checker, what, None)), (name, ref)
            else:
                assert kind == f"ch{chapter:02d}", (name, ref, "cite the exercise's chapter")
                assert callable(getattr(module, what, None)), (name, ref)


def test_new_arrays_are_na_only_where_the_check_has_no_fresh_outputs():
    """A kind marked n/a for new arrays is one the check does not test, and the
    reverse: an exercise asking for new arrays has a test cited."""
    fresh = {e.name for e in test_checker._fresh_exercises()}
    for name in names():
        cell = audit.cells(name)["new"]
        if name in fresh - test_checker.NO_SHORTCUT:
            assert not isinstance(cell, audit.NA), name


def test_the_table_in_tests_readme_is_up_to_date():
    text = README.read_text(encoding="utf-8")
    start, end = text.index(audit.BEGIN) + len(audit.BEGIN), text.index(audit.END)
    assert text[start:end].strip() == audit.table().strip(), (
        "tests/README.md is stale: paste the output of `python -m tests.exercise_audit`")


def test_every_bank_has_five_wrong_and_three_right_beyond_the_generic_kinds():
    """Bank answers cited for a generic kind (values, new arrays, dtypes) do not count:
    the rest are the learner mistakes of the exercise itself."""
    wrong, right = Counter(), Counter()
    for chapter in range(1, 8):
        module = audit.chapter_module(chapter)
        generic = {(name, ref[5:]) for name in names()
                   if _REGISTRY[name].chapter == chapter
                   for key in audit.GENERIC_KINDS
                   if not isinstance(cell := audit.COVERAGE[name][key], audit.NA)
                   for ref in cell if ref.startswith("bank:")}
        wrong.update(e[0] for e in module.BANK_WRONG if (e[0], e[2]) not in generic)
        right.update(e[0] for e in module.BANK_RIGHT if (e[0], e[2]) not in generic)
    short = {name: (wrong[name], right[name]) for name in names()
             if wrong[name] < 5 or right[name] < 3}
    assert not short, f"(wrong, right) beyond the generic kinds: {short}"
