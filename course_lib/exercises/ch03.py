"""Checks for chapter 3, *Backpropagation*.

Five exercises: ``numerical_gradient``, ``relu_backward``, ``linear_backward``,
``softmax_cross_entropy`` and ``mlp_loss_and_grads``. Every backward exercise
is compared with the ``course_lib`` reference on seeded cases and then
gradient-checked against central differences; when the output matches a known
mistake (a transposed ``dw``, a forgotten ``/ N``, a skipped ReLU mask...),
the check says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import activations, gradcheck, layers, losses, network
from course_lib.activations import ReluCache
from course_lib.exercises.compare import (
    compare_arrays,
    compare_number,
    compare_tuple,
    kind_of,
)
from course_lib.exercises.probe import Case, call, fail, quietly
from course_lib.exercises.spec import Exercise, FunctionExercise, Mistake, require_callable

#: A correct backward pass agrees with central differences far below this.
GRADCHECK_TOL = 1e-6


# --------------------------------------------------------------------------- helpers


def _analytic(answer: Callable, case: Case) -> Any:
    """Call the learner's backward on the gradient-check case, safely."""
    return call(answer, case)


def _report_gradcheck(errors: dict[str, float], label: str, hint: str) -> None:
    bad = {k: e for k, e in errors.items() if not np.isfinite(e) or e > GRADCHECK_TOL}
    if bad:
        name, err = max(bad.items(), key=lambda item: item[1])
        fail(f"Numerical gradient check on {label}: your `{name}` differs from central "
             f"differences by a relative error of {err:.2g} (a correct gradient gives "
             f"below 1e-7).", hint)


def _seeded(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _away_from_zero(rng: np.random.Generator, shape: tuple, scale: float = 1.0) -> np.ndarray:
    """Normal entries pushed at least 0.05 away from 0 (ReLU's kink)."""
    z = rng.normal(0, scale, size=shape)
    return np.where(np.abs(z) < 0.05, np.sign(z + 1e-12) * 0.05 + z, z)


# --------------------------------------------------------------------------- numerical_gradient


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


def _numgrad_cases() -> list[tuple[Case, Callable]]:
    """Cases with their exact gradient (for the extra gradient comparison)."""
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


def _forward_difference(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = float(f(x))
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (float(f(x)) - fx) / h
        x[idx] = old
    return grad


def _divided_by_h(f, x, h=1e-5):
    return 2 * gradcheck.numerical_gradient(f, np.array(x, dtype=float), h)


def _all_at_once(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    return np.full(x.shape, (float(f(x + h)) - float(f(x - h))) / (2 * h))


def _not_restored(f, x, h=1e-5):
    """Central differences that leave each entry at x - h (works on a copy here)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fp = float(f(x))
        x[idx] -= 2 * h
        grad[idx] = (fp - float(f(x))) / (2 * h)
    return grad


def _whole_rows(f, x, h=1e-5):
    """Perturbs x[i], which for a matrix is a whole row."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        fp = float(f(x))
        x[i] = old - h
        fm = float(f(x))
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _central(f, x, h, combine):
    """Central-difference loop on a copy of x with a custom combination of f(x+h), f(x-h)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = float(f(x))
        x[idx] = old - h
        fm = float(f(x))
        x[idx] = old
        grad[idx] = combine(fp, fm, h)
    return grad


def _backward_difference(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = float(f(x))
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old - h
        grad[idx] = (fx - float(f(x))) / h
        x[idx] = old
    return grad


_NUMGRAD_MISTAKES = (
    Mistake("forward difference", _forward_difference,
            "This looks like the forward difference (f(x + h) - f(x)) / h, whose error "
            "shrinks only like h. Use the central difference "
            "(f(x + h e_i) - f(x - h e_i)) / (2h): its error shrinks like h**2."),
    Mistake("divided by h", _divided_by_h,
            "Your values are exactly twice the right ones: the two points x + h and x - h "
            "are 2h apart, so divide by 2 * h, not by h."),
    Mistake("perturbed every entry at once", _all_at_once,
            "Every entry of your gradient is the same number: you moved all entries of x "
            "at once (f(x + h)). Perturb one entry at a time: x[i] += h, evaluate f, "
            "then put x[i] back."),
    Mistake("whole rows perturbed", _whole_rows,
            "For a matrix x, `for i in range(len(x))` visits rows, and x[i] += h moves a "
            "whole row. Visit every entry with `for idx in np.ndindex(x.shape):` and "
            "perturb x[idx]."),
    Mistake("precedence: / 2 * h",
            lambda f, x, h=1e-5: _central(f, x, h, lambda p, m, h: (p - m) / 2 * h),
            "Your values are tiny, about h**2 times the right ones: `(fp - fm) / 2 * h` "
            "divides by 2 and then *multiplies* by h. Write `(fp - fm) / (2 * h)`."),
    Mistake("sign flipped",
            lambda f, x, h=1e-5: _central(f, x, h, lambda p, m, h: (m - p) / (2 * h)),
            "Your gradient has the wrong sign: it is (f(x - h) - f(x + h)) / (2h). The point "
            "with + h comes first: (f(x + h e_i) - f(x - h e_i)) / (2h)."),
    Mistake("backward difference", _backward_difference,
            "This looks like the backward difference (f(x) - f(x - h)) / h, which is "
            "one-sided like the forward one and only accurate to order h. Use both sides: "
            "(f(x + h e_i) - f(x - h e_i)) / (2h)."),
    Mistake("h ignored", lambda f, x, h=1e-5: gradcheck.numerical_gradient(
                f, np.array(x, dtype=float), 1e-5),
            "Your result matches central differences with h = 1e-5, but this case passed "
            "a different h. Compute with the `h` argument, using the h the caller passed "
            "rather than a fixed number."),
    Mistake("x not restored between entries", _not_restored,
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

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = _numgrad_cases()
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


# --------------------------------------------------------------------------- relu_backward


def _relu_cases() -> list[Case]:
    rng = _seeded(311)
    big = np.array([[-1e3, 2e3, -5e2], [7e2, -1e-3, 1e-3]])
    return [
        Case("a 3x4 batch with random inputs and a random upstream gradient",
             (rng.normal(size=(3, 4)), ReluCache(_away_from_zero(rng, (3, 4))))),
        Case("a 2x5 batch where the upstream gradient has the opposite signs of the input",
             _opposite_signs(rng)),
        Case("an upstream gradient of zeros", (np.zeros((2, 3)),
                                               ReluCache(_away_from_zero(rng, (2, 3))))),
        Case("large magnitudes (inputs up to 2000)", (rng.normal(0, 100, size=(2, 3)),
                                                      ReluCache(big))),
        Case("a batch of one (shape (1, 6))", (rng.normal(size=(1, 6)),
                                               ReluCache(_away_from_zero(rng, (1, 6))))),
    ]


def _opposite_signs(rng: np.random.Generator) -> tuple:
    x = _away_from_zero(rng, (2, 5))
    dout = -np.sign(x) * rng.uniform(0.5, 2.0, size=x.shape)
    return dout, ReluCache(x)


def _relu_gradcheck(answer: Callable) -> None:
    rng = _seeded(319)
    x = _away_from_zero(rng, (3, 5))
    dout = rng.normal(size=x.shape)
    got = _analytic(answer, Case("the gradient check (a 3x5 batch)", (dout, ReluCache(x))))
    if not isinstance(got, np.ndarray) or got.shape != x.shape:  # pragma: no cover
        fail("On the gradient check, your result does not have the input's shape.")
    numeric = gradcheck.numerical_gradient_array(activations.relu, x.copy(), dout)
    _report_gradcheck({"dx": gradcheck.relative_error(got, numeric)},
                      "a 3x5 batch", "dx = dout * (x > 0).")


RELU_BACKWARD = FunctionExercise(
    name="relu_backward",
    chapter=3,
    reference=activations.relu_backward,
    cases=_relu_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("identity", lambda dout, cache: np.array(dout, dtype=float),
                "You passed the upstream gradient through everywhere. Where the input x "
                "was negative ReLU's output did not depend on x (it was a flat 0), so the "
                "gradient there is 0: dx = dout * (x > 0)."),
        Mistake("mask from dout", lambda dout, cache: dout * (dout > 0),
                "Your mask looks at the sign of `dout`, but what matters is the sign of the "
                "forward input `cache.x`: dx = dout * (cache.x > 0). A negative upstream "
                "gradient must flow back wherever the input was positive."),
        Mistake("mask inverted", lambda dout, cache: dout * (cache.x < 0),
                "Your mask is inverted: the gradient passes where the input was "
                "*positive* and is blocked where it was negative."),
        Mistake("multiplied by x", lambda dout, cache: dout * np.maximum(cache.x, 0),
                "You multiplied by ReLU's output max(0, x); the local gradient is its "
                "*slope*, which is 1 where x > 0 and 0 elsewhere: dout * (x > 0)."),
        Mistake("boolean indexing", lambda dout, cache: dout[cache.x > 0],
                "dout[x > 0] picks the selected entries into a flat 1-D array, so the "
                "shape is lost. Multiply by the mask instead: dout * (x > 0) keeps the "
                "shape and puts zeros where the input was not positive."),
        Mistake("sign of x", lambda dout, cache: dout * np.sign(cache.x),
                "np.sign(x) is -1 where x < 0, so you sent the gradient back with its sign "
                "flipped there. ReLU's slope is 0 for negative inputs, not -1: "
                "dx = dout * (x > 0)."),
        Mistake("precedence: dout * x > 0", lambda dout, cache: dout * cache.x > 0,
                "`dout * x > 0` multiplies first and then compares, giving a boolean array. "
                "Put the comparison in parentheses: dout * (x > 0)."),
        Mistake("mask only", lambda dout, cache: (cache.x > 0).astype(float),
                "You returned the local gradient (x > 0) alone. The chain rule multiplies it "
                "by the upstream gradient: dx = dout * (x > 0)."),
    ),
    hint="dx = dout * (x > 0), with x = cache.x the input of the forward pass.",
    hints={
        "mutation": "`dout[x <= 0] = 0` changes the caller's upstream gradient. Build a new "
                    "array instead: dout * (x > 0), or np.where(x > 0, dout, 0.0).",
        "exception": "`cache` is the ReluCache that relu_forward returned: the forward input "
                     "is `cache.x` (or unpack it: `x, = cache`).",
    },
    extra_checks=(_relu_gradcheck,),
)


# --------------------------------------------------------------------------- linear_backward


def _linear_case(rng: np.random.Generator, label: str, n: int, d: int, m: int,
                 scale: float = 1.0, zero_dout: bool = False) -> Case:
    x = rng.normal(0, scale, size=(n, d))
    w = rng.normal(0, 1, size=(d, m))
    b = rng.normal(0, 1, size=m)
    dout = np.zeros((n, m)) if zero_dout else rng.normal(size=(n, m))
    return Case(label, (dout, layers.LinearCache(x, w, b)))


def _linear_cases() -> list[Case]:
    rng = _seeded(321)
    return [
        # first a square w, so that transposition mistakes give wrong values, not errors
        _linear_case(rng, "N=4 examples through a 3x3 layer (x (4, 3), w (3, 3))", 4, 3, 3),
        _linear_case(rng, "a non-square layer: x (5, 3), w (3, 2), dout (5, 2)", 5, 3, 2),
        _linear_case(rng, "a batch of one: x (1, 4), w (4, 3)", 1, 4, 3),
        _linear_case(rng, "an upstream gradient of zeros: x (3, 2), w (2, 4)", 3, 2, 4,
                     zero_dout=True),
        _linear_case(rng, "large inputs (x around 1e3): x (2, 3), w (3, 5)", 2, 3, 5,
                     scale=1e3),
    ]


def _linear_gradcheck(answer: Callable) -> None:
    rng = _seeded(329)
    inputs = {"x": rng.normal(size=(4, 3)), "w": rng.normal(size=(3, 2)),
              "b": rng.normal(size=2)}
    out, cache = layers.linear_forward(**inputs)
    dout = rng.normal(size=out.shape)
    got = _analytic(answer, Case("the gradient check (x (4, 3), w (3, 2))", (dout, cache)))
    errors = {}
    for i, name in enumerate(("x", "w", "b")):
        def f(v: np.ndarray, name: str = name) -> np.ndarray:
            return layers.linear_forward(**{**inputs, name: v})[0]

        numeric = gradcheck.numerical_gradient_array(f, inputs[name].copy(), dout)
        errors[f"d{name}"] = gradcheck.relative_error(np.asarray(got[i], float), numeric)
    _report_gradcheck(errors, "x (4, 3), w (3, 2)", "")


LINEAR_BACKWARD = FunctionExercise(
    name="linear_backward",
    chapter=3,
    reference=layers.linear_backward,
    cases=_linear_cases,
    compare=compare_tuple(("dx", "dw", "db"), [compare_arrays] * 3),
    mistake_match="parts",
    mistakes=(
        Mistake("dw transposed", lambda dout, c: (dout @ c.w.T, dout.T @ c.x, dout.sum(0)),
                "Your `dw` is transposed: it must have w's shape (D, M). "
                "dw = x.T @ dout, which is (D, N) @ (N, M)."),
        Mistake("dx transposed", lambda dout, c: (c.w @ dout.T, c.x.T @ dout, dout.sum(0)),
                "Your `dx` is transposed: it must have x's shape (N, D), one row per "
                "example. dx = dout @ w.T, which is (N, M) @ (M, D)."),
        Mistake("db with keepdims",
                lambda dout, c: (dout @ c.w.T, c.x.T @ dout, dout.sum(0, keepdims=True)),
                "`db` must have b's shape (M,), a 1-D array: sum over axis 0 without "
                "keepdims=True."),
        Mistake("db averaged", lambda dout, c: (dout @ c.w.T, c.x.T @ dout, dout.mean(0)),
                "Your `db` is the mean of dout over the batch. The bias is added to every "
                "example, so its gradient *sums* the examples' contributions: "
                "db = dout.sum(axis=0). (The 1/N of the mean loss is already inside dout.)"),
        Mistake("db over the wrong axis",
                lambda dout, c: (dout @ c.w.T, c.x.T @ dout, dout.sum(1)),
                "Sum `db` over the batch axis (axis=0), so it has one entry per output "
                "unit, like b."),
        Mistake("db summed over everything",
                lambda dout, c: (dout @ c.w.T, c.x.T @ dout, np.sum(dout)),
                "`db` must have b's shape (M,): sum over the examples only, "
                "dout.sum(axis=0)."),
        Mistake("dx with w instead of w.T",
                lambda dout, c: (dout @ c.w, c.x.T @ dout, dout.sum(0)),
                "Your `dx` uses w where it needs w.T: out = x @ w, so dx = dout @ w.T "
                "((N, M) @ (M, D) gives x's shape (N, D))."),
        Mistake("dw divided by N",
                lambda dout, c: (dout @ c.w.T, c.x.T @ dout / len(dout), dout.sum(0)),
                "Your `dw` is divided by the batch size. The 1/N of the mean loss is already "
                "inside dout (softmax_cross_entropy put it there), so dw = x.T @ dout, "
                "without dividing again."),
        Mistake("returned (dw, dx, db)",
                lambda dout, c: (c.x.T @ dout, dout @ c.w.T, dout.sum(0)),
                "You returned dw first. The order is (dx, dw, db): the gradient of the "
                "input, then of the weights, then of the bias."),
        Mistake("w in place of x in dw",
                lambda dout, c: (dout @ c.w.T, c.w @ dout.T, dout.sum(0)),
                "dw = x.T @ dout: the input x, not the weights, multiplies the upstream "
                "gradient."),
    ),
    hint="out = x @ w + b gives dx = dout @ w.T, dw = x.T @ dout, db = dout.sum(axis=0); "
         "each gradient has the shape of the thing it is the gradient of.",
    hints={
        "exception": "Check the shapes: dout is (N, M), x is (N, D), w is (D, M). Each "
                     "gradient has the shape of its variable: dx = dout @ w.T is (N, D), "
                     "dw = x.T @ dout is (D, M), db = dout.sum(axis=0) is (M,). The cache "
                     "is a LinearCache: x, w, b = cache.",
        "mutation": "Do not change dout or the cache in place; build new arrays.",
    },
    extra_checks=(_linear_gradcheck,),
)


# --------------------------------------------------------------------------- softmax_cross_entropy


def _probs(z: np.ndarray) -> np.ndarray:
    return activations.softmax(z)


def _onehot(y: np.ndarray, c: int) -> np.ndarray:
    return np.eye(c)[y]


def _sce_cases() -> list[Case]:
    rng = _seeded(331)
    return [
        Case("a batch of N=4 examples with C=3 random logits, labels [0, 2, 1, 2]",
             (rng.normal(0, 2, size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("N=2, C=5 (non-square), labels [4, 0]",
             (rng.normal(size=(2, 5)), np.array([4, 0]))),
        Case("all-zero logits (every class equally likely: the loss is log C)",
             (np.zeros((3, 4)), np.array([0, 1, 3]))),
        Case("large logits (up to 1000): a confident right and a confident wrong answer",
             (np.array([[1000.0, 0.0, -1000.0], [-800.0, 900.0, 10.0]]), np.array([0, 0]))),
        Case("a batch of one, N=1, C=3, label [1]",
             (rng.normal(size=(1, 3)), np.array([1]))),
    ]


def _sce_mistake(loss_fn, grad_fn):
    def wrong(logits, y):
        p, n = _probs(logits), len(y)
        return loss_fn(logits, y), grad_fn(p, _onehot(y, logits.shape[1]), n)
    return wrong


def _mean_loss(logits, y):
    return losses.cross_entropy(logits, y)


def _sum_loss(logits, y):
    return losses.cross_entropy(logits, y) * len(y)


def _sce_gradcheck(answer: Callable) -> None:
    rng = _seeded(339)
    logits, y = rng.normal(size=(3, 4)), np.array([3, 0, 1])
    got = _analytic(answer, Case("the gradient check (N=3, C=4)", (logits, y)))
    numeric = gradcheck.numerical_gradient(lambda v: losses.cross_entropy(v, y), logits.copy())
    _report_gradcheck({"dlogits": gradcheck.relative_error(np.asarray(got[1], float), numeric)},
                      "N=3, C=4", "dlogits = (softmax(logits) - onehot(y)) / N.")


SOFTMAX_CROSS_ENTROPY = FunctionExercise(
    name="softmax_cross_entropy",
    chapter=3,
    reference=losses.softmax_cross_entropy,
    cases=_sce_cases,
    compare=compare_tuple(("loss", "dlogits"), [compare_number, compare_arrays]),
    mistake_match="parts",
    mistakes=(
        Mistake("not divided by N", _sce_mistake(_mean_loss, lambda p, t, n: p - t),
                "Your `dlogits` is N times too large. The loss is the *mean* over the N "
                "examples, so each example's gradient p - onehot(y) is divided by N."),
        Mistake("sign flipped", _sce_mistake(_mean_loss, lambda p, t, n: (t - p) / n),
                "Your `dlogits` has the wrong sign. Raising the true class's logit lowers "
                "the loss, so that entry of the gradient is negative: "
                "dlogits = (p - onehot(y)) / N."),
        Mistake("one subtracted everywhere", _sce_mistake(_mean_loss, lambda p, t, n: (p - 1) / n),
                "You subtracted 1 from every entry. Only the true class gets the -1: "
                "p[np.arange(N), y] -= 1 (that is, p minus the one-hot target)."),
        Mistake("loss summed", _sce_mistake(_sum_loss, lambda p, t, n: (p - t) / n),
                "Your loss is the sum over the batch; the exercise asks for the mean "
                "(divide by N), so the loss does not grow with the batch size."),
        Mistake("loss summed, gradient of the sum",
                _sce_mistake(_sum_loss, lambda p, t, n: p - t),
                "You computed the summed loss and its gradient. Use the mean: divide both "
                "the loss and dlogits by N."),
        Mistake("p[:, y] instead of p[range(N), y]",
                _sce_mistake(lambda z, y: float(-np.mean(activations.log_softmax(z)[:, y])),
                             lambda p, t, n: (p - t) / n),
                "`logp[:, y]` picks a whole N x N block. To pick one entry per row, index "
                "with pairs: logp[np.arange(N), y]."),
        Mistake("log(p + eps)",
                _sce_mistake(lambda z, y: float(-np.mean(np.log(
                    _probs(z)[np.arange(len(y)), y] + 1e-12))), lambda p, t, n: (p - t) / n),
                "Adding a small epsilon inside log(p + eps) caps the loss of a confident "
                "wrong answer (at about 27.6 for eps=1e-12) instead of computing it. "
                "Work with log-probabilities: logp = shifted - log(sum(exp(shifted))), "
                "where shifted = logits - row max."),
        Mistake("one-hot not subtracted", _sce_mistake(_mean_loss, lambda p, t, n: p / n),
                "Your `dlogits` is softmax(logits) / N: the -1 at the true class is missing. "
                "dlogits = (p - onehot(y)) / N, that is p[np.arange(N), y] -= 1, then / N."),
        Mistake("only p divided by N", _sce_mistake(_mean_loss, lambda p, t, n: p / n - t),
                "Only p was divided by N: `p / N - onehot` is parsed as (p / N) - onehot. "
                "Divide the whole difference: (p - onehot(y)) / N."),
        Mistake("probabilities returned", _sce_mistake(_mean_loss, lambda p, t, n: p),
                "Your `dlogits` is the softmax itself. The gradient is the probabilities minus "
                "the one-hot target, divided by N: (p - onehot(y)) / N."),
        Mistake("label subtracted instead of one-hot",
                _sce_mistake(_mean_loss, lambda p, t, n: (p - t.argmax(axis=1)[:, None]) / n),
                "You subtracted the label *value* y from every entry of a row. The target "
                "is one-hot: subtract 1 only in column y of each row, "
                "p[np.arange(N), y] -= 1."),
        Mistake("loss averaged over N*C entries",
                _sce_mistake(lambda z, y: losses.cross_entropy(z, y) / z.shape[1],
                             lambda p, t, n: (p - t) / n),
                "Your loss is C times too small: np.mean over the (N, C) array of "
                "onehot * logp divides by N*C. Average over the N examples only: "
                "-logp[np.arange(N), y].mean()."),
        Mistake("(dlogits, loss) returned",
                lambda z, y: tuple(reversed(losses.softmax_cross_entropy(z, y))),
                "You returned the pair in the wrong order: return (loss, dlogits)."),
        Mistake("forgot the minus in the loss",
                _sce_mistake(lambda z, y: -losses.cross_entropy(z, y),
                             lambda p, t, n: (p - t) / n),
                "The loss is minus the log-probability of the true class, so it is >= 0."),
    ),
    hint="loss = mean over the batch of -log softmax(logits)[n, y_n]; "
         "dlogits = (softmax(logits) - onehot(y)) / N.",
    hints={
        "warning": "exp of a large logit overflows (exp(1000) is inf), and log(0) is -inf. "
                   "Subtract each row's maximum before exp (it cancels in the softmax), and "
                   "compute the log-probabilities as shifted - log(sum(exp(shifted))) instead "
                   "of log(softmax).",
        "mutation": "Do not change `logits` in place (logits -= ...): compute "
                    "shifted = logits - logits.max(axis=1, keepdims=True) as a new array.",
        "exception": "logits is (N, C) and y holds N integer labels. Row-wise reductions "
                     "need keepdims=True to broadcast back against logits: "
                     "logits.max(axis=1, keepdims=True) has shape (N, 1), while without it "
                     "(N,) does not broadcast against (N, C). Pick the true class's entry of "
                     "each row with logp[np.arange(N), y].",
    },
    extra_checks=(_sce_gradcheck,),
)


# --------------------------------------------------------------------------- mlp_loss_and_grads


def _params(rng: np.random.Generator, sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(rng.normal(0, np.sqrt(2 / a), size=(a, b)), rng.normal(0, 0.1, size=b))
            for a, b in zip(sizes[:-1], sizes[1:])]


def _mlp_case(rng: np.random.Generator, label: str, n: int, sizes: list[int]) -> Case:
    x = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return Case(label, (x, y, _params(rng, sizes)))


def _mlp_cases() -> list[Case]:
    rng = _seeded(341)
    return [
        _mlp_case(rng, "N=6 examples through a 3-5-4 network (one hidden layer)", 6, [3, 5, 4]),
        _mlp_case(rng, "N=5 through a 4-6-5-3 network (two hidden layers)", 5, [4, 6, 5, 3]),
        _mlp_case(rng, "a single layer 3-2 (no hidden layer, so no ReLU)", 4, [3, 2]),
        _mlp_case(rng, "a batch of one through a 2-3-3 network", 1, [2, 3, 3]),
    ]


def _compare_grads(got: Any, expected: list, what: str = "`grads`") -> str | None:
    if not isinstance(got, (list, tuple)):
        return f"{what} is {kind_of(got)}, expected a list of {len(expected)} (dw, db) pairs"
    if len(got) != len(expected):
        return (f"{what} has {len(got)} entries, expected {len(expected)}: one (dw, db) "
                f"pair per layer")
    for i, (pair, (dw, db)) in enumerate(zip(got, expected)):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return f"grads[{i}] is {kind_of(pair)}, expected a (dw, db) pair"
        problem = (compare_arrays(pair[0], dw, what=f"`dw` of layer {i} (grads[{i}][0])")
                   or compare_arrays(pair[1], db, what=f"`db` of layer {i} (grads[{i}][1])"))
        if problem:
            return problem
    return None


def _mlp_reference(x, y, params):
    loss, grads = network.mlp_loss_and_grads(x, y, params)
    return loss, list(grads)


def _mlp_backward(x, y, params, *, reverse=False, mask=True, summed=False, loss_summed=False):
    logits, caches = network.mlp_forward_with_caches(x, params)
    loss, dout = losses.softmax_cross_entropy(logits, y)
    n = len(y)
    if summed:
        dout = dout * n
    if summed or loss_summed:
        loss = loss * n
    grads = []
    for lin, relu in reversed(caches):
        if relu is not None and mask:
            dout = activations.relu_backward(dout, relu)
        dout, dw, db = layers.linear_backward(dout, lin)
        grads.append((dw, db))
    return loss, (grads if reverse else grads[::-1])


def _relu_on_logits(x, y, params):
    h, caches = x, []
    for w, b in params:
        h, lin = layers.linear_forward(h, w, b)
        h, relu = activations.relu_forward(h)
        caches.append((lin, relu))
    loss, dout = losses.softmax_cross_entropy(h, y)
    grads = []
    for lin, relu in reversed(caches):
        dout = activations.relu_backward(dout, relu)
        dout, dw, db = layers.linear_backward(dout, lin)
        grads.append((dw, db))
    return loss, grads[::-1]


def _mlp_gradcheck(answer: Callable) -> None:
    rng = _seeded(349)
    sizes = [3, 4, 3]
    x, y = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    params = _params(rng, sizes)
    got = _analytic(answer, Case("the gradient check (a 3-4-3 network, N=5)", (x, y, params)))
    errors = {}
    for i, (w, b) in enumerate(params):
        for j, (name, value) in enumerate((("w", w), ("b", b))):
            def f(v: np.ndarray, i: int = i, j: int = j) -> float:
                trial = [list(p) for p in params]
                trial[i][j] = v
                return network.mlp_loss_and_grads(x, y, [tuple(p) for p in trial])[0]

            numeric = gradcheck.numerical_gradient(f, value.copy())
            errors[f"d{name} of layer {i}"] = gradcheck.relative_error(
                np.asarray(got[1][i][j], float), numeric)
    _report_gradcheck(errors, "a 3-4-3 network, N=5", "")


MLP_LOSS_AND_GRADS = FunctionExercise(
    name="mlp_loss_and_grads",
    chapter=3,
    reference=_mlp_reference,
    cases=_mlp_cases,
    compare=compare_tuple(("loss", "grads"), [compare_number, _compare_grads]),
    mistake_match="parts",
    mistakes=(
        Mistake("reverse order", lambda x, y, p: _mlp_backward(x, y, p, reverse=True),
                "Your gradients are in reverse layer order: the backward pass meets the last "
                "layer first. Reverse the list before returning it (grads[::-1]), so "
                "grads[i] belongs to params[i]."),
        Mistake("ReLU mask skipped", lambda x, y, p: _mlp_backward(x, y, p, mask=False),
                "You skipped the ReLU on the way back. Between two dense layers, pass the "
                "gradient through relu_backward with that layer's ReLU cache, so it is "
                "zeroed where the hidden unit was inactive."),
        Mistake("ReLU after the last layer", _relu_on_logits,
                "You applied ReLU after the last layer too. The last layer outputs the "
                "logits directly (they may be negative): ReLU only goes between layers, "
                "for i < len(params) - 1."),
        Mistake("loss summed", lambda x, y, p: _mlp_backward(x, y, p, loss_summed=True),
                "Your loss is summed over the batch; return the mean (the loss "
                "softmax_cross_entropy gives)."),
        Mistake("everything summed", lambda x, y, p: _mlp_backward(x, y, p, summed=True),
                "You computed the summed loss and its gradients, N times too large. The loss "
                "is the mean over the batch: divide by N (softmax_cross_entropy does)."),
    ),
    hint="Forward with caches (linear, then ReLU, for every layer but the last), then "
         "softmax_cross_entropy, then walk the layers in reverse: relu_backward (hidden "
         "layers only), then linear_backward, collecting (dw, db).",
    hints={
        "exception": "params is a list of (w, b) pairs; keep each layer's caches from the "
                     "forward pass (a list you append to) and walk that list in reverse. "
                     "The last layer has no ReLU. Each linear_backward returns dx, the "
                     "upstream gradient of the layer below: dout, dw, db = "
                     "layers.linear_backward(dout, cache).",
        "mutation": "Do not change x or the parameters in place.",
    },
    extra_checks=(_mlp_gradcheck,),
)


_relu_gradcheck.label = "the numerical gradient check of dx"
_linear_gradcheck.label = "the numerical gradient check of dx, dw and db"
_sce_gradcheck.label = "the numerical gradient check of dlogits"
_mlp_gradcheck.label = "the numerical gradient check of every (dw, db)"

EXERCISES = (NUMERICAL_GRADIENT, RELU_BACKWARD, LINEAR_BACKWARD, SOFTMAX_CROSS_ENTROPY,
             MLP_LOSS_AND_GRADS)

__all__ = ["EXERCISES", "GRADCHECK_TOL"]
