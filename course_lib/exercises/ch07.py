"""Checks for chapter 7, *Making training work*: batchnorm_forward,
batchnorm_backward, layernorm_forward and clip_grad_norm.

The normalization checks compare ``out`` and every field of the cache with
``course_lib.normalization``; the wrong answers, one parameterised function
per family of mistakes, live in ``ch07_mistakes``. The backward
check also runs a numerical gradient check. Results must be new arrays,
never an input returned unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import clipping, gradcheck, normalization
from course_lib.exercises import ch07_mistakes as mistakes
from course_lib.exercises.compare import compare_arrays, compare_number, compare_tuple, kind_of
from course_lib.exercises.probe import Case, call, fail
from course_lib.exercises.spec import FunctionExercise

GRADCHECK_TOL = 1e-6
_FIELDS = ("x_hat", "gamma", "std")

# --------------------------------------------------------------------------- forward cases


def _forward_cases(layer: bool) -> list[Case]:
    rng = np.random.default_rng(771 if layer else 701)

    def case(label: str, x: np.ndarray, **kwargs: Any) -> Case:
        d = x.shape[1]
        return Case(label, (x, rng.uniform(0.5, 2.0, d), rng.normal(0, 1, d)), kwargs)

    def normal(shape: tuple, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
        return rng.normal(mean, std, size=shape)

    shapes = ((4, 6), (4, 6)) if layer else ((6, 4), (6, 4))
    constant = normal(shapes[0], 2.0, 3.0)
    if layer:
        constant[1] = 3.0
    else:
        constant[:, 1] = 3.0
    tiny = normal((5, 3), 1.0, 0.003)
    huge = normal((4, 3), 1e8, 10.0)
    return [
        case(f"a {shapes[0][0]}x{shapes[0][1]} batch of random pre-activations",
             normal(shapes[0], 2.0, 3.0)),
        case(f"another {shapes[1][0]}x{shapes[1][1]} batch with different values",
             normal(shapes[1], -1.0, 0.5)),
        case("a square 5x5 batch", normal((5, 5), 0.5, 2.0)),
        case("a 3x7 batch with eps = 0.1", normal((3, 7), 0.0, 0.4), eps=0.1),
        case("an example whose features are all equal (its variance is 0)" if layer
             else "a feature that is constant over the batch (its variance is 0)", constant),
        case("small spreads (standard deviation 0.003, so eps matters)", tiny),
        case("large values (around 1e8, spread 10)", huge),
        case("integer inputs (x is an int array)",
             rng.integers(-5, 6, size=(4, 5) if layer else (5, 4)).astype(np.int64)),
        case("a batch of one example (1, 8)" if layer else
             "a batch of one example (1, 5): every feature is constant",
             normal((1, 8) if layer else (1, 5), 1.0, 2.0)),
        case("a batch of 3 examples with 2 features", normal((3, 2), 0.0, 1.5)),
    ]


def _compare_forward(layer: bool):
    kind = "LayerNormCache" if layer else "BatchNormCache"

    def compare(got: Any, expected: tuple) -> str | None:
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"your function returned {kind_of(got)}; expected a pair (out, cache)"
        problem = compare_arrays(got[0], expected[0], what="`out`")
        if problem:
            return problem
        cache = got[1]
        if not isinstance(cache, tuple) or len(cache) != 3:
            return (f"`cache` is {kind_of(cache)}; expected normalization.{kind}(x_hat, "
                    "gamma, std)")
        for name, g, e in zip(_FIELDS, cache, expected[1]):
            g = np.asarray(g, dtype=float) if isinstance(g, np.ndarray) else g
            if not layer and isinstance(g, np.ndarray) and g.size == e.size and g.ndim == 2:
                g = g.reshape(e.shape)  # a (1, D) std from keepdims=True is fine
            problem = compare_arrays(g, e, what=f"`cache.{name}`")
            if problem:
                return problem
        return None
    return compare


def _same_out(got: Any, wrong: Any) -> bool:
    """A forward mistake is recognised by its ``out`` alone."""
    return (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(wrong, tuple)
            and compare_arrays(got[0], wrong[0]) is None)


def _cache_hint(got: Any, expected: tuple, case: Case) -> str:
    """``out`` is right but the cache is not: name what the cache holds instead."""
    try:
        std, right = np.ravel(np.asarray(got[1][2], float)), np.ravel(expected[1].std)
        x_hat = np.asarray(got[1][0], float)
    except (TypeError, ValueError, IndexError):
        return ""
    eps = case.kwargs.get("eps", 1e-5)
    if std.shape == right.shape and np.allclose(std, right ** 2):
        return ("`out` is right, but cache.std must be the standard deviation "
                "np.sqrt(var + eps), not the variance: the backward pass divides by it.")
    if std.shape == right.shape and np.allclose(std, np.sqrt(np.maximum(right ** 2 - eps, 0))):
        return ("`out` is right, but cache.std must be np.sqrt(var + eps), the number you "
                "divided by, eps included.")
    if x_hat.shape == expected[1].x_hat.shape and not np.allclose(x_hat, expected[1].x_hat):
        return "cache.x_hat must be the standardized input (x - mean) / std, before gamma and beta."
    return ""


def _out_only(result: Any) -> list:
    return [("`out`", result[0])] if isinstance(result, (tuple, list)) and result else []


_FORWARD_HINTS = {
    "exception": "x is (N, D), gamma and beta are (D,). Compute new arrays (x - mean), not "
                 "x -= mean: x may be an integer array.",
    "mutation": "Compute new arrays: x - mean, not x -= mean, which changes the caller's x.",
    "view": "Return a newly computed out = gamma * x_hat + beta.",
    "warning": "A feature with variance 0 divides by zero unless eps is inside the square "
               "root: np.sqrt(var + eps).",
}


def _forward_exercise(layer: bool) -> FunctionExercise:
    name = "layernorm_forward" if layer else "batchnorm_forward"
    axis = "axis=1, keepdims=True" if layer else "axis=0"
    return FunctionExercise(
        name=name, chapter=7,
        reference=normalization.layernorm_forward if layer else normalization.batchnorm_forward,
        cases=lambda: _forward_cases(layer),
        compare=_compare_forward(layer),
        mistakes=mistakes.forward_mistakes(layer),
        mistake_match="every_case",
        same_output=_same_out,
        diagnose_more=_cache_hint,
        diagnose_warnings=True,
        fresh_outputs=_out_only,
        hint=f"mean = x.mean({axis}); var = ((x - mean)**2).mean({axis}); std = "
             "np.sqrt(var + eps); x_hat = (x - mean) / std; return gamma * x_hat + beta, "
             f"normalization.{'Layer' if layer else 'Batch'}NormCache(x_hat, gamma, std).",
        hints=_FORWARD_HINTS,
        error_hints=(("exception", "broadcast",
                      "The statistics of each row have shape (N,) and cannot be subtracted "
                      "from x (N, D): keep the axis, x.mean(axis=1, keepdims=True), so they "
                      "are (N, 1) and broadcast over each row." if layer else
                      "The mean over the batch has shape (D,), one per feature, and "
                      "broadcasts over the N rows: x.mean(axis=0)."),),
    )


BATCHNORM_FORWARD = _forward_exercise(layer=False)
LAYERNORM_FORWARD = _forward_exercise(layer=True)

# --------------------------------------------------------------------------- batchnorm_backward


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(711)

    def case(label: str, x: np.ndarray, dout_scale: float = 1.0) -> Case:
        d = x.shape[1]
        _, cache = normalization.batchnorm_forward(x, rng.uniform(0.5, 2.0, d),
                                                   rng.normal(size=d))
        return Case(label, (rng.normal(0, dout_scale, size=x.shape), cache))

    constant = rng.normal(1.0, 2.0, size=(5, 3))
    constant[:, 2] = -4.0
    return [
        case("a 6x4 batch", rng.normal(2.0, 3.0, size=(6, 4))),
        case("another 6x4 batch with different values", rng.normal(-1.0, 0.5, size=(6, 4))),
        case("a square 5x5 batch", rng.normal(size=(5, 5))),
        case("a 3x7 batch", rng.normal(0.0, 2.0, size=(3, 7))),
        case("a feature constant over the batch (5x3, feature 2)", constant),
        case("large upstream gradients (dout around 1e4), 4x3", rng.normal(size=(4, 3)), 1e4),
        case("a batch of one example (1, 4)", rng.normal(size=(1, 4))),
    ]


def _batchnorm_gradcheck(answer: Any) -> None:
    """Central differences of the reference forward pass against the answer's gradients."""
    rng = np.random.default_rng(719)
    inputs = {"x": rng.normal(1.0, 2.0, size=(5, 3)), "gamma": rng.uniform(0.5, 2.0, 3),
              "beta": rng.normal(size=3)}
    out, cache = normalization.batchnorm_forward(**inputs)
    dout = rng.normal(size=out.shape)
    label = "the numerical gradient check (x (5, 3))"
    got = call(answer, Case(label, (dout, cache)))
    errors = {}
    for i, name in enumerate(("x", "gamma", "beta")):
        def f(v: np.ndarray, name: str = name) -> np.ndarray:
            return normalization.batchnorm_forward(**{**inputs, name: v})[0]

        numeric = gradcheck.numerical_gradient_array(f, inputs[name].copy(), dout)
        errors[f"d{name}"] = gradcheck.relative_error(np.asarray(got[i], float), numeric)
    worst, error = max(errors.items(), key=lambda item: item[1])
    if not np.isfinite(error) or error > GRADCHECK_TOL:
        fail(f"In {label}, your `{worst}` differs from central differences of "
             f"batchnorm_forward by a relative error of {error:.2g} (a correct gradient "
             "gives below 1e-7).")


_batchnorm_gradcheck.label = "the numerical gradient check"

BATCHNORM_BACKWARD = FunctionExercise(
    name="batchnorm_backward", chapter=7,
    reference=normalization.batchnorm_backward,
    cases=_backward_cases,
    compare=compare_tuple(("dx", "dgamma", "dbeta"), [compare_arrays] * 3),
    mistakes=mistakes.BACKWARD_MISTAKES,
    mistake_match="parts",
    fresh_outputs=lambda r: list(zip(("`dx`", "`dgamma`", "`dbeta`"), r))
    if isinstance(r, (tuple, list)) else [],
    extra_checks=(_batchnorm_gradcheck,),
    hint="With g = dout * gamma: dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))"
         " / std, dgamma = (dout * x_hat).sum(axis=0), dbeta = dout.sum(axis=0).",
    hints={
        "exception": "cache is a BatchNormCache: x_hat, gamma, std = cache, with x_hat (N, D) "
                     "and gamma, std (D,). dout has x_hat's shape.",
        "mutation": "Build new arrays; do not change dout or the cache in place.",
        "view": "Return new arrays: dbeta = dout.sum(axis=0) is one; dout itself is not.",
    },
)

# --------------------------------------------------------------------------- clip_grad_norm


def _clip_cases() -> list[Case]:
    rng = np.random.default_rng(741)

    def grads(*shapes: tuple, scale: float = 1.0) -> list[np.ndarray]:
        return [rng.normal(0, scale, size=s) for s in shapes]

    return [
        Case("two arrays (3, 4) and (4,) with a global norm above max_norm = 1",
             (grads((3, 4), (4,)), 1.0)),
        Case("two other arrays of the same shapes, max_norm = 1", (grads((3, 4), (4,)), 1.0)),
        Case("three arrays whose norm is below max_norm = 100 (no clipping)",
             (grads((2, 3), (3,), (3, 1)), 100.0)),
        Case("one large array (5, 2) and one tiny (2,), max_norm = 2",
             ([rng.normal(0, 10, size=(5, 2)), rng.normal(0, 0.01, size=2)], 2.0)),
        Case("a single array in a list, norm above max_norm = 0.5", (grads((2, 5)), 0.5)),
        Case("gradients with norm exactly 5 and max_norm = 5",
             ([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 5.0)),
        Case("large gradients (entries around 1e6), max_norm = 1",
             (grads((4, 3), (3,), scale=1e6), 1.0)),
        Case("integer gradients (int arrays), max_norm = 3",
             ([np.array([[2, -4], [1, 3]]), np.array([5, 0])], 3.0)),
        Case("all-zero gradients (norm 0), max_norm = 1", ([np.zeros((2, 2)), np.zeros(2)], 1.0)),
    ]


def _compare_clip(got: Any, expected: tuple) -> str | None:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"your function returned {kind_of(got)}; expected a pair (clipped, total_norm)"
    clipped, total = got
    if isinstance(clipped, (int, float, np.number)) and isinstance(total, (list, tuple)):
        return "you returned (total_norm, clipped); the order is (clipped, total_norm)"
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(expected[0]):
        return (f"`clipped` is {kind_of(clipped)}; expected a list of {len(expected[0])} "
                "arrays, one per gradient")
    for i, (g, e) in enumerate(zip(clipped, expected[0])):
        problem = compare_arrays(g, e, what=f"`clipped[{i}]`")
        if problem:
            return problem
    return compare_number(total, expected[1], what="`total_norm`")


CLIP_GRAD_NORM = FunctionExercise(
    name="clip_grad_norm", chapter=7,
    reference=clipping.clip_grad_norm,
    cases=_clip_cases,
    compare=_compare_clip,
    mistakes=mistakes.CLIP_MISTAKES,
    mistake_match="every_case",
    diagnose_warnings=True,
    fresh_outputs=lambda r: [(f"`clipped[{i}]`", g) for i, g in enumerate(r[0])]
    if isinstance(r, (tuple, list)) and r and isinstance(r[0], (list, tuple)) else [],
    hint="total_norm = sqrt(sum of np.sum(g**2) over the arrays); if it exceeds max_norm, "
         "multiply every array by max_norm / total_norm; return new arrays and total_norm.",
    hints={
        "view": "When the norm is below max_norm, return copies ([g.copy() for g in "
                "grads], or g * 1.0), not the same arrays: a caller who changes the "
                "result would change the gradients.",
        "mutation": "Do not scale the gradients in place (g *= factor); build new arrays.",
        "warning": "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                   "before dividing by it.",
        "exception": "grads is a list of arrays of different shapes: loop over it, adding "
                     "np.sum(g**2) of each.",
    },
    error_hints=(("exception", "division by zero",
                  "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                  "before dividing by it."),),
)

EXERCISES = (CLIP_GRAD_NORM, BATCHNORM_FORWARD, BATCHNORM_BACKWARD, LAYERNORM_FORWARD)
