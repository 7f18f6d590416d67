"""Chapter 3 checks: relu_backward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib import activations
from course_lib.activations import ReluCache
from course_lib.exercises.ch03._shared import _away_from_zero, _seeded
from course_lib.exercises.compare import (
    compare_arrays,
)
from course_lib.exercises.gradient import check_answer_backward
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts


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
        Case("every input positive (dx equals dout, still a new array)",
             (rng.normal(size=(3, 4)), ReluCache(np.abs(_away_from_zero(rng, (3, 4)))))),
    ]


def _opposite_signs(rng: np.random.Generator) -> tuple:
    x = _away_from_zero(rng, (2, 5))
    dout = -np.sign(x) * rng.uniform(0.5, 2.0, size=x.shape)
    return dout, ReluCache(x)


def _relu_gradcheck(answer: Callable) -> None:
    x = _away_from_zero(_seeded(319), (3, 5))
    check_answer_backward(answer, activations.relu_forward, {"x": x}, seed=320,
                          label="a 3x5 batch", hint="dx = dout * (x > 0).")


_relu_gradcheck.label = "the numerical gradient check of dx"


RELU_BACKWARD = FunctionExercise(
    name="relu_backward",
    chapter=3,
    fresh_outputs=fresh_parts(),
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
