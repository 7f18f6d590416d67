"""A known wrong answer and the hint a teacher gives for it.

``Mistake`` is the one documented way to attach a hint to a wrong output:
list it in an exercise's ``mistakes``; when the learner's output matches the
mistake's (under the exercise's ``mistake_match`` rule, see ``diagnose``),
its ``hint`` is shown. Families of related mistakes (every way of getting a
sign, a scale or an axis wrong) are built by one parameterised function in
the chapter module, returning a list of ``Mistake``.

Hints for failures that are not wrong outputs (an exception, a warning, a
mutated input) are attached by kind: ``FunctionExercise.hints``,
``case_hints`` and ``error_hints``, or ``probe.call(..., hints=, patterns=)``
in an ``Exercise`` subclass (the package docstring says when to use which).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and what to say when the learner's matches it.

    Attributes
    ----------
    label : str
        Short name of the mistake, e.g. ``"sign flipped"``.
    answer : callable
        An implementation that makes the mistake, with the exercise's signature.
    hint : str
        The targeted hint shown when the learner's output matches this one.
    """

    label: str
    answer: Callable
    hint: str
