"""Chapter 3 checks: linear_backward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib import layers
from course_lib.exercises.ch03._shared import _seeded
from course_lib.exercises.compare import (
    compare_arrays,
    compare_tuple,
)
from course_lib.exercises.gradient import check_answer_backward
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


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
        _linear_case(rng, "another non-square layer: x (5, 3), w (3, 2), dout (5, 2)", 5, 3, 2),
    ]


def _linear_gradcheck(answer: Callable) -> None:
    rng = _seeded(329)
    inputs = {"x": rng.normal(size=(4, 3)), "w": rng.normal(size=(3, 2)),
              "b": rng.normal(size=2)}
    check_answer_backward(answer, layers.linear_forward, inputs, seed=330,
                          label="x (4, 3), w (3, 2)")


_linear_gradcheck.label = "the numerical gradient check of dx, dw and db"


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
