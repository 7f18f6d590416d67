"""Exercise checks: every exercise of the book, its cases and its hints.

Use ``check(name, answer)`` in a notebook; ``evaluate(name, answer)`` returns
the ``CheckResult`` without displaying it; ``names()`` lists the exercises.

Layout: one package per chapter, ``chNN/``, with a module per exercise (or
per group sharing cases) and the tuple ``chNN.EXERCISES``; the machinery is
``spec`` (``Exercise``, ``FunctionExercise``), ``probe`` (running learner
code: ``call``, ``fail``, ``hint_for``, ``rng_rule``), ``compare``,
``mistake``, ``diagnose`` (matching outputs with mistakes), ``gradient``
(the one gradient-check helper, on ``gradcheck.check_backward``), ``result``
and ``api``.

How a hint is attached (the one way, by what went wrong):

- A wrong output: list a ``Mistake(label, wrong_answer, hint)`` in the
  exercise's ``mistakes``. When the learner's output matches the mistake's
  (under ``mistake_match``, see ``diagnose``) its hint is shown. A family of
  related mistakes is one parameterised function with a keyword per mistake
  (``ch05.early_stopping._early_stopping``, ``ch03.numerical_gradient.
  _differences``, ``ch07.normalization_forward._normalize``...), not a
  near-copy per mistake.
- Any other failure of the learner's code, found while calling it (an
  exception, a RuntimeWarning, a changed input, a result sharing an input's
  memory): a hint by kind, ``{kind: hint}``, refined by ``(kind, regular
  expression, hint)`` patterns on the message. ``FunctionExercise`` takes
  them as ``hints``, ``case_hints`` and ``error_hints``; an ``Exercise``
  subclass passes them to ``probe.call(answer, case, hints=..., patterns=...)``.
  Both are resolved by ``probe.hint_for``.
- A property a check tests itself (a statistic, the rng rule, a returned
  pair): ``probe.fail(message, hint)``, or ``probe.rng_rule`` for randomness.

Every exercise's answer is called on ``Case`` objects, at least two of one
shape with different values (a random generator given to the answer is part
of the case; each call gets a copy in the same state); ``tests/test_checker``
tests this for every exercise, and ``tests/test_exercise_audit`` that every
kind of mistake is tested for every exercise it applies to (the table is in
``tests/README.md``) and that every bank of learner answers is full.

>>> import numpy as np
>>> evaluate("relu", lambda z: np.maximum(z, 0)).status
'passed'
>>> evaluate("relu", lambda z: z).status
'failed'
"""

from __future__ import annotations

import os
from typing import Any

from course_lib.exercises import (
    ch01,
    ch02,
    ch03,
    ch04,
    ch05,
    ch06,
    ch07,
)
from course_lib.exercises.api import (
    STRICT_ENV,
    CheckFailed,
    build_registry,
    evaluate_with,
    show,
    strict_mode,
)
from course_lib.exercises.result import MIME_TYPE, CheckResult

#: Set by the grader in the kernels it runs: ``check`` then only says that the
#: grader checks the answer itself (its own result would be ignored, and a slow
#: answer must not hold up the rest of the notebook).
GRADING_ENV = "COURSE_GRADING"

__all__ = [
    "GRADING_ENV", "MIME_TYPE", "STRICT_ENV", "CheckFailed", "CheckResult",
    "check", "evaluate", "exercises_of_chapter", "names",
]

_REGISTRY = build_registry([
    *ch01.EXERCISES, *ch02.EXERCISES, *ch03.EXERCISES, *ch04.EXERCISES,
    *ch05.EXERCISES, *ch06.EXERCISES, *ch07.EXERCISES,
])


def names() -> list[str]:
    """The names of every registered exercise, in chapter order (as registered)."""
    return list(_REGISTRY)


def exercises_of_chapter(chapter: int) -> list[str]:
    """The names of the exercises of one chapter, in order."""
    return [name for name, exercise in _REGISTRY.items() if exercise.chapter == chapter]


def evaluate(name: str, answer: Any) -> CheckResult:
    """Check ``answer`` for exercise ``name`` and return the result (never raises
    because of the answer)."""
    return evaluate_with(_REGISTRY, name, answer)


def check(name: str, answer: Any) -> None:
    """Check ``answer``, display the result, and return ``None``.

    In strict mode (environment variable ``COURSE_STRICT=1``) anything but
    ``passed`` raises ``CheckFailed`` after the result is shown. Under the
    grader (``COURSE_GRADING=1``) it prints a note and checks nothing.
    """
    if os.environ.get(GRADING_ENV) == "1":
        print(f"{name}: the grader checks this answer itself, after the notebook has run.")
        return
    from course_lib.tools import answer_code

    result = evaluate(name, answer)
    code = answer_code.of_function(answer)  # lets `progress` see later edits
    show(result, metadata={MIME_TYPE: {"code": code}} if code else None)
    if strict_mode() and not result.passed:
        raise CheckFailed(result.to_text())
