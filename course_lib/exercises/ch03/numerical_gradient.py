"""Chapter 3 checks: numerical_gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import gradcheck
from course_lib.exercises.ch03._shared import _seeded
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case, call, fail, quietly
from course_lib.exercises.spec import Exercise, Mistake, require_callable


def _f_quadratic(x: np.ndarray) -> float:
    """A non-symmetric smooth scalar function of a vector."""
    c = np.arange(1, x.size + 1, dtype=float).reshape(x.shape)
    return float(np.sum(c * np.sin(x)) + 0.5 * np.sum(x**2) ** 1.5 / (1 + x.size))


def _f_cubic(x: np.ndarray) -> float:
    return float(np.sum(x**3) + np.prod(x[:2]))


def _f_matrix(x: np.ndarray) -> float:
    """A function of a (3, 2) matrix whose gradient differs in every entry."""
    a = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
    return float(np.sum(a * np.exp(0.3 * x)) + x[0, 1] * x[2, 0])


def _numgrad_cases() -> list[Case]:
    """Smooth functions of vectors and a matrix, with the default h and others."""
    rng = _seeded(301)
    v = rng.normal(size=4)
    m = rng.normal(size=(3, 2))
    return [
        Case("f(x) = sum(c * sin(x)) + ... at a random vector x of length 4",
             (_f_quadratic, v)),
        Case("f(x) = sum(x**3) + x[0] * x[1] at x = [1.5, -2.0, 0.5] with h=1e-3",
             (_f_cubic, np.array([1.5, -2.0, 0.5])), {"h": 1e-3}),
        Case("a function of a 3x2 matrix x (the gradient must have shape (3, 2))",
             (_f_matrix, m)),
        Case("x with a single entry, f(x) = sum(x**3) at x = [2.0]",
             (lambda x: float(np.sum(x**3)), np.array([2.0]))),
        Case("a vector of zeros with h=1e-2, f(x) = sum(c * sin(x)) + ...",
             (_f_quadratic, np.zeros(3)), {"h": 1e-2}),
    ]


def _central(f, x, h=1e-5, *, scale=lambda h: 1.0, step=None):
    """Mistake family: the right central differences (``gradcheck.numerical_gradient``)
    scaled by ``scale(h)``, or taken with a fixed ``step`` instead of the caller's h."""
    return scale(h) * gradcheck.numerical_gradient(f, np.array(x, dtype=float), step or h)


def _differences(f, x, h=1e-5, *, at=(1.0, -1.0), width=2.0, restore=True, rows=False):
    """Mistake family: finite differences at other points than x + h e_i and x - h e_i.

    Entry i is ``(f(x + at[0] h e_i) - f(x + at[1] h e_i)) / (width h)``:
    ``at=(1, 0)`` and ``(0, -1)`` with ``width=1`` are the one-sided
    differences. ``restore=False`` leaves each entry at its last perturbed
    value; ``rows=True`` perturbs ``x[i]``, which for a matrix is a whole row.
    Works on a copy of ``x``.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in (range(len(x)) if rows else np.ndindex(x.shape)):
        old = np.copy(x[idx])
        values = []
        for step in at:
            x[idx] = old + step * h
            values.append(float(f(x)))
        if restore:
            x[idx] = old
        grad[idx] = (values[0] - values[1]) / (width * h)
    return grad


def _all_at_once(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    return np.full(x.shape, (float(f(x + h)) - float(f(x - h))) / (2 * h))


_NUMGRAD_MISTAKES = (
    Mistake("forward difference",
            lambda f, x, h=1e-5: _differences(f, x, h, at=(1.0, 0.0), width=1.0),
            "This looks like the forward difference (f(x + h) - f(x)) / h, whose error "
            "shrinks only like h. Use the central difference "
            "(f(x + h e_i) - f(x - h e_i)) / (2h): its error shrinks like h**2."),
    Mistake("divided by h", lambda f, x, h=1e-5: _central(f, x, h, scale=lambda h: 2.0),
            "Your values are exactly twice the right ones: the two points x + h and x - h "
            "are 2h apart, so divide by 2 * h, not by h."),
    Mistake("perturbed every entry at once", _all_at_once,
            "Every entry of your gradient is the same number: you moved all entries of x "
            "at once (f(x + h)). Perturb one entry at a time: x[i] += h, evaluate f, "
            "then put x[i] back."),
    Mistake("whole rows perturbed", lambda f, x, h=1e-5: _differences(f, x, h, rows=True),
            "For a matrix x, `for i in range(len(x))` visits rows, and x[i] += h moves a "
            "whole row. Visit every entry with `for idx in np.ndindex(x.shape):` and "
            "perturb x[idx]."),
    Mistake("precedence: / 2 * h",
            lambda f, x, h=1e-5: _central(f, x, h, scale=lambda h: h**2),
            "Your values are tiny, about h**2 times the right ones: `(fp - fm) / 2 * h` "
            "divides by 2 and then *multiplies* by h. Write `(fp - fm) / (2 * h)`."),
    Mistake("sign flipped",
            lambda f, x, h=1e-5: _central(f, x, h, scale=lambda h: -1.0),
            "Your gradient has the wrong sign: it is (f(x - h) - f(x + h)) / (2h). The point "
            "with + h comes first: (f(x + h e_i) - f(x - h e_i)) / (2h)."),
    Mistake("backward difference",
            lambda f, x, h=1e-5: _differences(f, x, h, at=(0.0, -1.0), width=1.0),
            "This looks like the backward difference (f(x) - f(x - h)) / h, which is "
            "one-sided like the forward one and only accurate to order h. Use both sides: "
            "(f(x + h e_i) - f(x - h e_i)) / (2h)."),
    Mistake("h ignored", lambda f, x, h=1e-5: _central(f, x, h, step=1e-5),
            "Your result matches central differences with h = 1e-5, but this case passed "
            "a different h. Compute with the `h` argument, using the h the caller passed "
            "rather than a fixed number."),
    Mistake("x not restored between entries",
            lambda f, x, h=1e-5: _differences(f, x, h, restore=False),
            "After perturbing entry i you must put it back to its original value before "
            "moving to the next entry; otherwise later entries are differentiated at a "
            "shifted point."),
)

_NUMGRAD_SAME_POINT_HINT = (
    "Every entry of your gradient is exactly 0, so f(x + h) and f(x - h) came out equal: "
    "both were probably evaluated on the *same* array. `xp = x` does not copy (xp and x are "
    "one array), so xp[i] += h followed by xm[i] -= h undoes the change before f sees it. "
    "Use x.copy() for each point, or set x[i] = old + h, evaluate f, then x[i] = old - h, "
    "evaluate f, then x[i] = old.")

_NUMGRAD_MUTATION_HINT = (
    "Save the entry first (old = x[i]), evaluate f at old + h and old - h, and then "
    "restore it with x[i] = old. Or work on a copy: x = x.astype(float, copy=True).")


def _call_on_copy(answer: Callable, case: Case) -> tuple[Any, np.ndarray]:
    """Run ``answer(f, x, **kw)`` on a copy of x; return its result and the copy after.

    The probe's own mutation check is exact; here rounding-level changes of x
    (from ``x[i] += h; ...; x[i] -= 2*h; ...; x[i] += h``) must be forgiven.
    """
    def runner(f: Callable, x: np.ndarray, **kw: Any) -> tuple[Any, np.ndarray]:
        work = x.copy()
        return answer(f, work, **kw), work

    return call(runner, case)


class NumericalGradientExercise(Exercise):
    """``numerical_gradient(f, x, h=1e-5)``: central differences of a scalar ``f``."""

    name = "numerical_gradient"
    chapter = 3
    reference = staticmethod(gradcheck.numerical_gradient)

    @staticmethod
    def cases() -> list[Case]:
        """The cases the answer is compared with central differences on."""
        return _numgrad_cases()

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = self.cases()
        for case in cases:
            self._run_case(answer, case)
        self._compare_with_calculus(answer)
        labels = "; ".join(case.label for case in cases)
        return (f"All {len(cases)} cases passed and your gradient agrees with the calculus "
                f"answer: {labels}.")

    def _run_case(self, answer: Callable, case: Case) -> None:
        args, kwargs = case.fresh_args()
        f, x = args
        before = x.copy()
        got, after = _call_on_copy(answer, case)
        if after.shape != before.shape or not np.allclose(after, before, rtol=1e-12,
                                                          atol=1e-12):
            diff = np.abs(np.asarray(after, float) - before)
            where = np.unravel_index(int(np.argmax(diff)), before.shape)
            fail(f"On {case.label}, your function left `x` changed: entry "
                 f"{list(map(int, where))} was {before[where]:.6g} before the call and "
                 f"{np.asarray(after)[where]:.6g} after. Whoever calls numerical_gradient "
                 f"expects x back unchanged.", _NUMGRAD_MUTATION_HINT)
        expected = gradcheck.numerical_gradient(f, before.copy(), **kwargs)
        problem = compare_arrays(got, expected, rtol=1e-7, atol=1e-9)
        if problem:
            fail(f"On {case.label}, {problem}.", self._diagnose(got, f, before, kwargs))

    def _diagnose(self, got: Any, f: Callable, x: np.ndarray, kwargs: dict) -> str:
        if isinstance(got, np.ndarray) and got.shape == x.shape and not np.any(got):
            return _NUMGRAD_SAME_POINT_HINT
        for mistake in _NUMGRAD_MISTAKES:
            wrong = quietly(mistake.answer, f, x.copy(), **kwargs)
            if wrong is not None and compare_arrays(got, wrong, rtol=1e-7, atol=1e-9) is None:
                return mistake.hint
        if isinstance(got, np.ndarray) and got.shape != x.shape:
            return ("The gradient has one entry per entry of x, so it has x's shape. "
                    "Loop over every index with np.ndindex(x.shape) (works for any shape).")
        return ("For each entry i: g[i] = (f(x with x[i] + h) - f(x with x[i] - h)) / (2h), "
                "using the h the caller passed.")

    def _compare_with_calculus(self, answer: Callable) -> None:
        x = np.array([0.3, -1.2, 2.0])
        exact = np.arange(1, 4) * np.cos(x) + 1.5 * 0.5 * 2 * x * np.sqrt(np.sum(x**2)) / 4
        got, _ = _call_on_copy(answer, Case("the comparison with the exact gradient",
                                            (_f_quadratic, x)))
        err = gradcheck.relative_error(np.asarray(got, float), exact)
        if not err < 1e-7:  # pragma: no cover - the cases above already pin this down
            fail(f"Your gradient differs from the exact one by a relative error of {err:.2g}.")


NUMERICAL_GRADIENT = NumericalGradientExercise()
