"""Chapter 2 checks: linear_forward."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import layers
from course_lib.exercises.ch02._shared import _NAME_ERROR_HINT
from course_lib.exercises.compare import compare_arrays, kind_of
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _linear_cases() -> list[Case]:
    rng = np.random.default_rng(201)
    return [
        # Square first: every shape lines up, so `w @ x`, a transposed result
        # or a bias on the wrong axis give wrong values (and a targeted hint)
        # instead of a shape error.
        Case("a square case (x 3x3, w 3x3, b 3)",
             (rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))),
        Case("a batch of 4 examples with 5 inputs and 2 outputs",
             (rng.normal(size=(4, 5)), rng.normal(size=(5, 2)), rng.normal(size=2))),
        Case("a batch of one (x 1x3, w 3x4)",
             (rng.normal(size=(1, 3)), rng.normal(size=(3, 4)), rng.normal(size=4))),
        Case("x of zeros (the output is then b in every row)",
             (np.zeros((2, 3)), rng.normal(size=(3, 5)), rng.normal(size=5))),
        Case("large magnitudes (x around 1e3, w around 1e2)",
             (rng.normal(0, 1e3, size=(3, 2)), rng.normal(0, 1e2, size=(2, 6)),
              rng.normal(0, 10, size=6))),
        Case("another square case (x 3x3, w 3x3, b 3)",
             (rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))),
    ]


def _is_same_array(a: Any, b: np.ndarray) -> bool:
    return (isinstance(a, np.ndarray) and a.shape == b.shape
            and bool(np.array_equal(a, b)))


def _compare_cache(cache: Any, expected: tuple) -> str | None:
    names = ("x", "w", "b")[: len(expected)]
    if isinstance(cache, dict):
        return ("`cache` is a dict; return the tuple (x, w, b) of the layer's inputs, "
                "in that order")
    if cache is None:
        return "`cache` is None, expected the tuple (x, w, b) of the layer's inputs"
    if not isinstance(cache, (tuple, list)):
        return (f"`cache` is {kind_of(cache)}, expected the tuple (x, w, b) of the "
                "layer's inputs")
    missing = [n for n, e in zip(names, expected)
               if not any(_is_same_array(c, e) for c in cache)]
    if missing:
        return (f"`cache` does not hold the input(s) {', '.join(missing)}; "
                "it should be the tuple (x, w, b)")
    if len(cache) != len(expected) or not all(
            _is_same_array(c, e) for c, e in zip(cache, expected)):
        return ("`cache` holds x, w and b but not as the tuple (x, w, b) in that order; "
                "the backward pass of chapter 3 unpacks it as `x, w, b = cache`")
    return None


def _compare_linear(got: Any, expected: tuple) -> str | None:
    out, cache = expected
    if not isinstance(got, (tuple, list)):
        return (f"your result is {kind_of(got)}, expected a tuple (out, cache); "
                "end with `return out, (x, w, b)`")
    if len(got) != 2:
        return f"your function returned {len(got)} values, expected 2: (out, cache)"
    if isinstance(got[0], (tuple, list)) and isinstance(got[1], np.ndarray) \
            and isinstance(cache, tuple):
        return ("your result looks like (cache, out); return them the other way round, "
                "`return out, (x, w, b)`")
    problem = compare_arrays(got[0], out, what="`out`")
    if problem or isinstance(cache, tuple):
        return problem or _compare_cache(got[1], tuple(cache))
    # Only when comparing with a known mistake, whose cache may be anything.
    if cache is None:
        return None if got[1] is None else "`cache` differs"
    if isinstance(cache, np.ndarray):
        return None if _is_same_array(got[1], cache) else "`cache` differs"
    return "`cache` differs"


_SHAPES = ("x is (N, D), w is (D, M) and b is (M,), so x @ w is (N, M) and b is "
           "added to every row. Print x.shape, w.shape and b.shape to see them.")

LINEAR_FORWARD = FunctionExercise(
    name="linear_forward",
    chapter=2,
    reference=layers.linear_forward,
    cases=_linear_cases,
    compare=_compare_linear,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        Mistake("w @ x", lambda x, w, b: (w @ x + b, (x, w, b)),
                "Rows of x are examples, so the layer is x @ w (each row times w), "
                "not w @ x. " + _SHAPES),
        Mistake("transposed result", lambda x, w, b: ((x @ w + b).T, (x, w, b)),
                "Your `out` is the transpose of the expected one: it must have one row "
                "per example, shape (N, M). Compute x @ w + b without transposing."),
        Mistake("w.T @ x.T", lambda x, w, b: (w.T @ x.T + b[:, None], (x, w, b)),
                "You computed w.T @ x.T, the transpose of x @ w (the column-per-example "
                "convention). Here rows are examples: out = x @ w + b, shape (N, M)."),
        Mistake("w transposed", lambda x, w, b: (x @ w.T + b, (x, w, b)),
                "You used w.T. With w of shape (D, M) the product x @ w already has "
                "shape (N, M): no transpose is needed."),
        Mistake("bias forgotten", lambda x, w, b: (x @ w, (x, w, b)),
                "`out` is x @ w without the bias: add b (it broadcasts over the rows)."),
        Mistake("bias on the wrong axis", lambda x, w, b: (x @ w + b[:, None], (x, w, b)),
                "The bias is added along the wrong axis: b has one entry per output "
                "unit (column), so add it as b (shape (M,)), not b[:, None] or b.reshape(-1, 1)."),
        Mistake("x * w entry by entry", lambda x, w, b: (x * w + b, (x, w, b)),
                "x * w multiplies entry by entry (it only runs because this case is "
                "square). The layer needs the matrix product x @ w, which sums over "
                "the D inputs."),
        Mistake("bias subtracted", lambda x, w, b: (x @ w - b, (x, w, b)),
                "The bias is subtracted: out = x @ w + b."),
        Mistake("bias summed", lambda x, w, b: (x @ w + b.sum(), (x, w, b)),
                "You added the sum of the biases to every entry; each output unit m "
                "gets its own bias b[m]: out = x @ w + b."),
        Mistake("cache is None", lambda x, w, b: (x @ w + b, None),
                "The cache is what the backward pass (chapter 3) will need: the "
                "layer's inputs. Return (out, (x, w, b))."),
        Mistake("cache is out", lambda x, w, b: (x @ w + b, x @ w + b),
                "The cache should hold the layer's inputs, not its output: "
                "return (out, (x, w, b))."),
        Mistake("cache without b", lambda x, w, b: (x @ w + b, (x, w)),
                "Keep all three inputs in the cache: return (out, (x, w, b))."),
    ),
    hint="out[n, m] = sum over d of x[n, d] * w[d, m], plus b[m]: out = x @ w + b. "
         "Return (out, (x, w, b)).",
    hints={
        "exception": "A shape error usually means the product is in the wrong order "
                     "or the bias has the wrong shape. " + _SHAPES,
        "mutation": "`x += ...` or `out = x; out += ...` changes the caller's array. "
                    "Build a new array: out = x @ w + b.",
    },
)
