"""Exercise checks: every exercise of the book, its cases and its hints.

Use ``check(name, answer)`` in a notebook; ``evaluate(name, answer)`` returns
the ``CheckResult`` without displaying it; ``names()`` lists the exercises.

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
    from course_lib import answer_code

    result = evaluate(name, answer)
    code = answer_code.of_function(answer)  # lets `progress` see later edits
    show(result, metadata={MIME_TYPE: {"code": code}} if code else None)
    if strict_mode() and not result.passed:
        raise CheckFailed(result.to_text())
