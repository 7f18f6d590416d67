"""Matching a wrong answer with the known mistakes of an exercise.

``FunctionExercise.diagnose`` chooses one rule with its ``mistake_match``
field:

``"failing_case"``
    The first mistake whose output matches the learner's on the case that
    failed.
``"parts"``
    The same; then, for a tuple answer such as ``(loss, dlogits)``, the first
    mistake whose every wrong part matches the learner's. A learner who
    summed the loss but got the gradient right still hears about the sum.
``"most_cases"``
    Among the mistakes that match on the failing case, the one that agrees
    with the learner's function on the most cases (the first listed on a
    tie): ``sum(sizes)`` and ``prod(sizes)`` both give 6 on ``[2, 3, 1]``.
``"every_case"``
    The first mistake that the learner's function reproduces on every case.
    Two mistakes can agree on one case and differ on another (Adam's eps
    inside or outside the square root), so matching one case may be chance.

Outputs are matched by a function ``same(got, wrong) -> bool``: by default
the exercise's comparison finds no difference (``by_compare``);
``loosely_same`` also matches a scalar with a scalar and NaN with NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from course_lib.exercises.compare import compare_arrays, compare_number
from course_lib.exercises.mistake import Mistake
from course_lib.exercises.probe import Case, quietly

Same = Callable[[Any, Any], bool]

#: The values of ``FunctionExercise.mistake_match``.
RULES = ("failing_case", "parts", "most_cases", "every_case")


def by_compare(compare: Callable[[Any, Any], str | None]) -> Same:
    """Match when ``compare(got, wrong)`` finds no difference.

    A mistake whose own code raised (``wrong is None``) matches nothing, and
    neither does an output the comparison cannot read.
    """
    def same(got: Any, wrong: Any) -> bool:
        if wrong is None:
            return False
        try:
            return compare(got, wrong) is None
        except Exception:  # a strange object from the learner is not a match
            return False
    return same


def loosely_same(got: Any, wrong: Any) -> bool:
    """True when both outputs read as the same array of numbers.

    Looser than an exercise's comparison: a scalar matches a scalar, and NaN
    matches NaN, so mistakes that return the wrong kind of thing are
    recognised too.
    """
    try:
        g = np.asarray(got, dtype=float)
        w = np.asarray(wrong, dtype=float)
    except (TypeError, ValueError):
        return False
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=1e-6, atol=1e-9, equal_nan=True))


def parts_agree(a: Any, b: Any) -> bool:
    """True when ``a`` matches ``b`` under the comparison that fits ``b``."""
    try:
        if isinstance(b, np.ndarray):
            return compare_arrays(a, b) is None
        if isinstance(b, (float, np.floating)):
            return compare_number(a, float(b)) is None
        if isinstance(b, (list, tuple)):
            return (isinstance(a, (list, tuple)) and len(a) == len(b)
                    and all(parts_agree(x, y) for x, y in zip(a, b)))
        return bool(a == b)
    except Exception:
        return False


def _output(fn: Callable, case: Case) -> Any:
    return quietly(fn, *case.args, **case.kwargs)


def first_match(mistakes: Sequence[Mistake], got: Any, case: Case, same: Same) -> str:
    """The hint of the first mistake whose output on ``case`` matches ``got``."""
    for mistake in mistakes:
        if same(got, _output(mistake.answer, case)):
            return mistake.hint
    return ""


def parts_match(mistakes: Sequence[Mistake], got: Any, case: Case, reference: Callable) -> str:
    """The hint of the first mistake whose parts that differ from the reference's
    all match the learner's (tuple answers only)."""
    expected = _output(reference, case)
    if not isinstance(got, (tuple, list)) or not isinstance(expected, tuple):
        return ""
    for mistake in mistakes:
        wrong = _output(mistake.answer, case)
        if (not isinstance(wrong, tuple) or len(wrong) != len(expected)
                or len(got) != len(expected)):
            continue
        differing = [i for i in range(len(expected)) if not parts_agree(wrong[i], expected[i])]
        if differing and all(parts_agree(got[i], wrong[i]) for i in differing):
            return mistake.hint
    return ""


def most_cases_match(mistakes: Sequence[Mistake], got: Any, case: Case, same: Same,
                     answer: Callable, cases: list[Case]) -> str:
    """Of the mistakes matching on ``case``, the one agreeing with ``answer`` on most cases."""
    candidates = [m for m in mistakes if same(got, _output(m.answer, case))]
    if len(candidates) < 2:
        return candidates[0].hint if candidates else ""
    answers = [_output(answer, c) for c in cases]

    def agreement(mistake: Mistake) -> int:
        return sum(same(a, _output(mistake.answer, c)) for a, c in zip(answers, cases))

    return max(candidates, key=agreement).hint


def every_case_match(mistakes: Sequence[Mistake], answer: Callable, cases: list[Case],
                     same: Same) -> str:
    """The hint of the first mistake that ``answer`` reproduces on every case."""
    outputs = [_output(answer, case) for case in cases]
    for mistake in mistakes:
        if all(same(got, _output(mistake.answer, case)) for got, case in zip(outputs, cases)):
            return mistake.hint
    return ""


def find_mistake(rule: str, mistakes: Sequence[Mistake], got: Any, case: Case, *, same: Same,
                 reference: Callable, cases: Callable[[], list[Case]],
                 answer: Callable | None = None) -> str:
    """The hint of the mistake that ``got`` (on ``case``) matches under ``rule``.

    Without ``answer`` (the learner's function), the rules that look at other
    cases fall back to ``"failing_case"``.
    """
    if answer is not None and rule == "every_case":
        return every_case_match(mistakes, answer, cases(), same)
    if answer is not None and rule == "most_cases":
        return most_cases_match(mistakes, got, case, same, answer, cases())
    hint = first_match(mistakes, got, case, same)
    if not hint and rule == "parts":
        hint = parts_match(mistakes, got, case, reference)
    return hint
