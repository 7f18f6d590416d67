"""How an exercise declares its check: cases, comparison, known mistakes.

Most exercises are functions and are declared as data with
``FunctionExercise``: a reference implementation, a function building seeded
cases, a comparison and a list of ``Mistake``s (``mistake``), each a wrong
implementation with the hint a teacher would give when the learner's output
matches it (``diagnose`` holds the rules that match them). A wrong *output*
gets its hint from a ``Mistake``; that is the one way to attach one. Failures
that are not a wrong output (an exception, a RuntimeWarning, a mutated input)
get theirs from ``error_hints``, ``case_hints`` and ``hints``. Every case
is run with the same rules: fresh copies of the inputs, no mutation, no
RuntimeWarning, and with ``fresh_outputs`` no result sharing memory with
an input. Gradient exercises add ``gradient.check_answer_backward`` or
``gradient.check_answer_gradient`` to ``extra_checks``. Exercises that need
more (randomness, iterators, a trained model) subclass ``Exercise`` and
write ``run`` with the helpers in ``probe``.

The package of each chapter, ``chNN/``, has one module per exercise (or per
group sharing cases) and lists them in ``chNN.EXERCISES``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_lib.exercises.compare import compare_any, compare_arrays
from course_lib.exercises.diagnose import RULES, Same, by_compare, find_mistake
from course_lib.exercises.mistake import Mistake
from course_lib.exercises.probe import Case, Stop, call_keeping_inputs, check_fresh, fail
from course_lib.exercises.probe import hint_for as probe_hint_for

__all__ = ["Exercise", "FunctionExercise", "Mistake", "fresh_parts", "require_callable"]


class Exercise:
    """Base class: an exercise has a ``name``, a ``chapter`` and a ``run``.

    ``run(answer)`` returns the success message, or raises ``Stop`` (through
    ``probe.fail`` or ``probe.call``) with the status and the explanation.

    Every exercise follows the same rules, tested for all of them in
    ``tests/test_checker.py``: its answer is called on ``Case`` objects
    (through ``probe.call``), at least two of them of the same shape with
    different values (a random generator is a value: its state), and an
    answer that returns its first result again fails. ``reference`` is a
    correct answer (``None`` when the library has none). A random generator
    the answer is to draw from is put in ``Case.args``; each call gets a copy
    in the same state.
    """

    name: str
    chapter: int
    reference: Callable | None  # set by every subclass (a dataclass field in FunctionExercise)

    def run(self, answer: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _describe_check(check: Callable) -> str:
    """A readable name for an extra check: its ``label`` or its function name."""
    label = getattr(check, "label", None)
    if label:
        return str(label)
    return getattr(check, "__name__", "a further check").strip("_").replace("_", " ")


def fresh_parts(*names: str) -> Callable[[Any], list[tuple[str, Any]]]:
    """A ``fresh_outputs`` for a result that is one array (no names) or a tuple
    of arrays named ``names``, every one of which must be a new array."""
    def parts(result: Any) -> list[tuple[str, Any]]:
        if not names:
            return [("your result", result)]
        if not isinstance(result, (tuple, list)):
            return []
        return [(f"`{name}`", part) for name, part in zip(names, result)]
    return parts


def require_callable(name: str, answer: Any) -> None:
    """Fail unless ``answer`` is a function."""
    if not callable(answer):
        fail(
            f"`{name}` should be a function, but got {type(answer).__name__}. "
            f"Pass the function itself: check(\"{name}\", {name}).",
            kind="type",
        )


@dataclass
class FunctionExercise(Exercise):
    """An exercise whose answer is a function compared with a reference.

    Parameters
    ----------
    name : str
        The registered name (the contract name in CURRICULUM.md).
    chapter : int
        The chapter that teaches it.
    reference : callable
        The correct implementation.
    cases : callable
        ``cases() -> list[Case]``, building seeded inputs (random batches,
        zeros, large magnitudes, a batch of one, non-square shapes).
    compare : callable
        ``compare(got, expected) -> str | None``.
    mistakes : sequence of Mistake
        Known wrong implementations with their hints.
    hint : str
        Said when the output is wrong and matches no known mistake.
    hints : dict
        Hints by kind of failure: ``"mutation"``, ``"warning"``, ``"exception"``.
    case_hints : dict
        ``{case label: {kind: hint}}``, preferred to ``hints`` on that case (the
        same RuntimeWarning can have different causes on different cases).
    error_hints : sequence of (kind, pattern, hint)
        Preferred to both: the first whose ``kind`` is the failure's and whose
        regular expression is found in its message, e.g.
        ``("exception", r"truth value of an array", "Use np.where ...")``.
    extra_checks : sequence of callable
        ``extra(answer) -> None`` run after every case passed, such as a
        numerical gradient check; they fail with ``probe.fail``.
    quote_input : bool
        Quote the input value at the worst entry when the first argument has
        the output's shape (elementwise functions).
    mistake_match : str
        How a wrong output is matched with ``mistakes``: ``"failing_case"``,
        ``"parts"``, ``"most_cases"`` or ``"every_case"`` (see ``diagnose``).
    same_output : callable, optional
        ``same(got, wrong) -> bool`` used for that matching; by default
        ``compare`` finds no difference (``diagnose.loosely_same`` is looser).
    diagnose_more : callable, optional
        ``more(got, expected, case) -> str``: a hint when no mistake matches,
        for wrong outputs no single implementation captures.
    fresh_outputs : callable, optional
        ``fresh(result) -> [(name, array), ...]``: the parts of a right result
        that must be new arrays (``fresh_parts`` builds it); once every case
        has the right values, a part sharing memory with an input fails on
        every case (kind ``"view"``), such as a gradient returned unchanged
        by a "nothing to change" shortcut.
    diagnose_warnings : bool
        Compare a result with the mistakes even when the code emitted a
        RuntimeWarning (the hint should name the mistake, not the warning);
        a right result that warns still fails.
    """

    name: str
    chapter: int
    reference: Callable
    cases: Callable[[], list[Case]]
    compare: Callable[[Any, Any], str | None] = compare_any
    mistakes: Sequence[Mistake] = ()
    hint: str = ""
    hints: dict = field(default_factory=dict)
    extra_checks: Sequence[Callable[[Any], None]] = ()
    quote_input: bool = False
    case_hints: dict = field(default_factory=dict)
    error_hints: Sequence[tuple[str, str, str]] = ()
    mistake_match: str = "failing_case"
    same_output: Same | None = None
    diagnose_more: Callable[[Any, Any, Case], str] | None = None
    diagnose_warnings: bool = False
    fresh_outputs: Callable[[Any], list[tuple[str, Any]]] | None = None

    def __post_init__(self) -> None:
        if self.mistake_match not in RULES:
            raise ValueError(f"mistake_match must be one of {RULES}, got {self.mistake_match!r}")

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = self.cases()
        results = [self._run_case(answer, case) for case in cases]
        if self.fresh_outputs is not None:  # every value is right; now no input's memory
            for case, (got, args, kwargs) in zip(cases, results):
                self._hinted(case, check_fresh, answer, self.fresh_outputs(got), args, kwargs,
                             case)
        for extra in self.extra_checks:
            extra(answer)
        labels = "; ".join(case.label for case in cases)
        extras = ", ".join(_describe_check(check) for check in self.extra_checks)
        also = f" Also passed: {extras}." if extras else ""
        return f"All {len(cases)} cases passed: {labels}.{also}"

    def _run_case(self, answer: Callable, case: Case) -> tuple[Any, tuple, dict]:
        """Compare the answer with the reference on ``case``; return its output and
        the arguments it was given."""
        args, kwargs = case.fresh_args()
        expected = self.reference(*args, **kwargs)
        got, args, kwargs = self._hinted(case, call_keeping_inputs, answer, case,
                                         allow_warnings=self.diagnose_warnings)
        try:
            problem = self._compare(got, expected, case)
        except Exception as exc:  # a strange object from the learner must not crash the check
            fail(f"On {case.label}, the check could not read your result "
                 f"({type(exc).__name__}: {exc}); it returned {type(got).__name__}.")
        if problem:
            hint = self.diagnose(got, case, answer)
            if not hint and self.diagnose_more is not None:
                hint = self.diagnose_more(got, expected, case)
            fail(f"On {case.label}, {problem}.", hint or self.hint)
        if self.diagnose_warnings:
            self._hinted(case, call_keeping_inputs, answer, case)  # now refuse RuntimeWarnings
        return got, args, kwargs

    def _hinted(self, case: Case, probe_fn: Callable, *args: Any, **kwargs: Any) -> Any:
        """Run ``probe_fn(*args, **kwargs)`` on ``case``; a ``Stop`` gets this exercise's hint."""
        try:
            return probe_fn(*args, **kwargs)
        except Stop as stop:
            stop.hint = stop.hint or self.hint_for(stop, case)
            raise

    def hint_for(self, stop: Stop, case: Case) -> str:
        """The hint for a failure: ``error_hints``, then ``case_hints``, then ``hints``."""
        return probe_hint_for(stop, {**self.hints, **self.case_hints.get(case.label, {})},
                              self.error_hints)

    def _compare(self, got: Any, expected: Any, case: Case) -> str | None:
        first = case.args[0] if case.args else None
        if (self.quote_input and isinstance(expected, np.ndarray)
                and isinstance(first, np.ndarray) and first.shape == expected.shape):
            return compare_arrays(got, expected, inputs=first)
        return self.compare(got, expected)

    def diagnose(self, got: Any, case: Case, answer: Callable | None = None) -> str:
        """The hint of the known mistake that ``got``, the output on ``case``, matches.

        ``answer``, the learner's function, lets the ``"most_cases"`` and
        ``"every_case"`` rules look at the other cases.
        """
        return find_mistake(self.mistake_match, self.mistakes, got, case,
                            same=self.same_output or by_compare(self.compare),
                            reference=self.reference, cases=self.cases, answer=answer)
