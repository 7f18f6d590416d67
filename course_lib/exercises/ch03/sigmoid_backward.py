"""Chapter 3 checks: sigmoid_backward.

``sigmoid_backward(dout, cache)`` returns ``dx = dout * s * (1 - s)``, where
``s = cache.out`` is the sigmoid's *output*, as ``activations.sigmoid_forward``
caches it. The answer is compared with ``activations.sigmoid_backward`` on
seeded cases (random, saturated, the slope 1/4 at zero, integer upstream
gradients, a batch of one), gradient-checked against central differences of
``sigmoid``, and must be a new array: neither a changed input nor a view of
one. Known mistakes get their own hints (the slope taken at the output again,
the upstream gradient forgotten, a flipped sign, tanh's slope...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import activations
from course_lib.activations import SigmoidCache
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.gradient import check_answer_backward
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts

FORMULA = "dx = dout * s * (1 - s), with s = cache.out = sigmoid(x)"


def _case(label: str, dout: np.ndarray, x: np.ndarray) -> Case:
    """A case built as a learner meets it: the cache comes from ``sigmoid_forward``."""
    _, cache = activations.sigmoid_forward(x)
    return Case(label, (dout, cache))


def _cases() -> list[Case]:
    rng = np.random.default_rng(361)
    return [
        _case("a 3x4 batch with random inputs and a random upstream gradient",
              rng.normal(size=(3, 4)), rng.normal(0, 2, size=(3, 4))),
        _case("a 2x5 batch with the inputs 0 (where the slope is 1/4) and +-1, +-3",
              rng.normal(size=(2, 5)),
              np.array([[0.0, 1.0, -1.0, 3.0, -3.0], [-3.0, 0.0, 3.0, -1.0, 1.0]])),
        _case("saturated inputs (|x| up to 12, where the slope is nearly 0) and a large "
              "upstream gradient (up to about 1000)",
              rng.normal(0, 300, size=(2, 3)),
              np.array([[-12.0, 12.0, 8.0], [-8.0, 5.0, -0.5]])),
        _case("an upstream gradient of zeros", np.zeros((2, 3)), rng.normal(size=(2, 3))),
        _case("an integer upstream gradient dout = [[1, -2, 3], [0, 4, -1]]",
              np.array([[1, -2, 3], [0, 4, -1]]), rng.normal(size=(2, 3))),
        _case("a batch of one (shape (1, 6))", rng.normal(size=(1, 6)),
              rng.normal(size=(1, 6))),
    ]


def _gradcheck(answer: Callable) -> None:
    """Central differences of ``sigmoid_forward`` against the learner's ``dx``."""
    x = np.random.default_rng(369).normal(0, 2, size=(3, 5))
    check_answer_backward(answer, activations.sigmoid_forward, {"x": x}, seed=369,
                          label="a 3x5 batch", hint=FORMULA)


_gradcheck.label = "the numerical gradient check of dx"


def _sigmoid_again(dout: np.ndarray, cache: SigmoidCache) -> np.ndarray:
    s = activations.sigmoid(cache.out)
    return dout * s * (1 - s)


def _diagnose_more(got: Any, expected: Any, case: Case) -> str:
    """Hints no single wrong implementation captures."""
    if isinstance(got, np.ndarray) and got.dtype.kind in "iub":
        return ("Your result has an integer dtype, so the fractional part is lost. "
                "np.zeros_like(dout) copies dout's dtype (here integers); compute "
                "dout * s * (1 - s) directly, or start from np.zeros(dout.shape).")
    return ""


SIGMOID_BACKWARD = FunctionExercise(
    name="sigmoid_backward",
    chapter=3,
    reference=activations.sigmoid_backward,
    cases=_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("slope of the output", _sigmoid_again,
                "You took the sigmoid of cache.out and used its slope: that is "
                "sigma'(s), the slope at the *output*. cache.out is already s = "
                "sigmoid(x), the value the slope formula needs: " + FORMULA + "."),
        Mistake("dout forgotten", lambda dout, cache: cache.out * (1 - cache.out),
                "You returned the local slope s * (1 - s) alone. The chain rule "
                "multiplies it by the upstream gradient: " + FORMULA + "."),
        Mistake("sign flipped", lambda dout, cache: dout * cache.out * (cache.out - 1),
                "Your `dx` has the wrong sign: s * (s - 1), or a minus in front, is minus "
                "the slope. The sigmoid is increasing, so its slope s * (1 - s) is "
                "positive and dx has the sign of dout: " + FORMULA + "."),
        Mistake("tanh's slope", lambda dout, cache: dout * (1 - cache.out**2),
                "1 - out**2 is the slope of tanh, not of the sigmoid. For the sigmoid it "
                "is s * (1 - s): " + FORMULA + "."),
        Mistake("times the output", lambda dout, cache: dout * cache.out,
                "You multiplied dout by the output s alone; the sigmoid's slope is "
                "s * (1 - s): " + FORMULA + "."),
        Mistake("times (1 - s) only", lambda dout, cache: dout * (1 - cache.out),
                "The factor s is missing: the sigmoid's slope is s * (1 - s), "
                "so " + FORMULA + "."),
        Mistake("identity", lambda dout, cache: np.array(dout, dtype=float),
                "You passed the upstream gradient through unchanged. The sigmoid scales "
                "it by its slope s * (1 - s), at most 1/4: " + FORMULA + "."),
        Mistake("divided by N",
                lambda dout, cache: dout * cache.out * (1 - cache.out) / len(dout),
                "Your `dx` is divided by the batch size. The 1/N of the mean loss is already "
                "inside dout; an elementwise backward only multiplies by the slope: "
                + FORMULA + "."),
        Mistake("slope at dout",
                lambda dout, cache: dout * activations.sigmoid(dout)
                * (1 - activations.sigmoid(dout)),
                "You took the slope at dout. The slope belongs to the forward pass, so it "
                "uses the cached output s = cache.out: " + FORMULA + "."),
    ),
    hint=FORMULA + ".",
    hints={
        "mutation": "`dout *= ...` (or writing into dout or cache.out) changes the caller's "
                    "arrays. Build a new array: dx = dout * s * (1 - s).",
        "exception": "`cache` is the SigmoidCache that sigmoid_forward returned: its only "
                     "field is `cache.out`, the forward *output* s = sigmoid(x) (or unpack "
                     "it: `s, = cache`). The input x is not kept, because the slope needs "
                     "only s.",
        "view": "Return a new array, even when the answer looks like an input (dout of "
                "zeros gives dx of zeros): dout * s * (1 - s) always builds one.",
        "warning": "The slope needs no exp and no log: with s = cache.out it is "
                   "s * (1 - s), which cannot overflow.",
    },
    diagnose_more=_diagnose_more,
    fresh_outputs=fresh_parts(),
    extra_checks=(_gradcheck,),
)
