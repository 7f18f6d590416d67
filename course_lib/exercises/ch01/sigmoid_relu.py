"""Chapter 1 checks: sigmoid, relu."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import activations
from course_lib.exercises.ch01._shared import _ARRAY_TRUTH, _MATH_MODULE
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.diagnose import loosely_same
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts


def _elementwise_cases() -> list[Case]:
    rng = np.random.default_rng(101)
    return [
        Case("a 3x4 array of random inputs", (rng.normal(0, 3, size=(3, 4)),)),
        Case("a vector of zeros", (np.zeros(5),)),
        Case("large magnitudes [-1000, -50, -1, 1, 50, 1000]",
             (np.array([-1000.0, -50.0, -1.0, 1.0, 50.0, 1000.0]),)),
        Case("a batch of one (shape (1, 6))", (rng.normal(0, 2, size=(1, 6)),)),
        Case("a 5x2 (non-square) array", (rng.uniform(-8, 8, size=(5, 2)),)),
        Case("a single-entry vector [-3]", (np.array([-3.0]),)),
        Case("another 3x4 array of random inputs", (rng.normal(0, 3, size=(3, 4)),)),
    ]


def _sigmoid_cases() -> list[Case]:
    """The elementwise cases and an integer array: a sigmoid of integers is a float array."""
    return [*_elementwise_cases(),
            Case("an integer array [[-3, 0, 2], [5, -1, 1]] (dtype int64)",
                 (np.array([[-3, 0, 2], [5, -1, 1]], dtype=np.int64),))]


def _relu_cases() -> list[Case]:
    """The elementwise cases and one with nothing to change: relu(z) equals z there,
    and must still be a new array."""
    return [*_elementwise_cases(),
            Case("all-positive inputs [0.5, 2, 7] (nothing to change)",
                 (np.array([0.5, 2.0, 7.0]),))]


def _sigmoid_of_abs(z):
    e = np.exp(-np.abs(z))
    return 1 / (1 + e)


def _sigmoid_above_one(got: Any) -> str:
    """A sigmoid never leaves (0, 1); values above 1 usually mean a lost parenthesis."""
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "fiu":
        return ""
    values = got[np.isfinite(got)]
    if values.size and values.max() > 1:
        return ("Some of your values are above 1, and a sigmoid stays between 0 and 1. "
                "Check the parentheses: 1 / 1 + e is (1 / 1) + e, and e / 1 + e is "
                "(e / 1) + e; write 1 / (1 + e) and e / (1 + e).")
    return ""


SIGMOID = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="sigmoid",
    chapter=1,
    diagnose_warnings=True,  # an overflow from exp(z) must get exp(z)'s hint, not exp(-z)'s
    reference=activations.sigmoid,
    cases=_sigmoid_cases,
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("sign flipped", lambda z: 1 / (1 + np.exp(z)),
                "Your values are 1 - sigmoid(z) = sigmoid(-z): check the sign inside the "
                "exponential, or whether the two branches of np.where are swapped. "
                "sigmoid(z) = 1 / (1 + exp(-z)), so sigmoid(2) is about 0.88, not 0.12."),
        Mistake("exp(z) / (1 + exp(z)) everywhere", lambda z: np.exp(z) / (1 + np.exp(z)),
                "For large positive z, exp(z) is inf and inf / inf is NaN. The form "
                "exp(z) / (1 + exp(z)) is only safe where z < 0; use 1 / (1 + exp(-z)) "
                "where z >= 0."),
        Mistake("forgot the 1 +", lambda z: 1 / np.exp(-z),
                "The denominator is 1 + exp(-z), not exp(-z) alone."),
        Mistake("tanh instead", np.tanh,
                "This looks like tanh(z), whose values lie in (-1, 1). "
                "The sigmoid squashes into (0, 1): 1 / (1 + exp(-z))."),
        Mistake("rounded to 0 or 1", lambda z: (z > 0).astype(float),
                "Your output is 0 or 1: that is the step function of the perceptron. "
                "The sigmoid is its smooth version, 1 / (1 + exp(-z)), with sigmoid(0) = 0.5."),
        Mistake("negative branch missing", _sigmoid_of_abs,
                "Your values are right where z >= 0 but above 0.5 where z < 0: you "
                "computed 1 / (1 + e) with e = exp(-|z|) everywhere, which is "
                "sigmoid(|z|). Where z < 0 the result is e / (1 + e)."),
    ),
    hint="sigmoid(z) = 1 / (1 + exp(-z)), elementwise; sigmoid(0) = 0.5.",
    diagnose_more=lambda got, expected, case: _sigmoid_above_one(got),
    hints={
        "warning": "exp(-z) overflows for large negative z (exp(1000) is inf). "
                   "Compute exp only of non-positive numbers: with e = exp(-|z|), "
                   "sigmoid is 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. "
                   "Careful: np.where evaluates both branches on every entry, so the "
                   "inputs of exp themselves must be safe.",
        "mutation": "Build a new array (with np.where or np.empty_like) instead of "
                    "writing into z: the caller's array must not change.",
        "exception": "Use numpy functions (np.exp, np.where, np.abs), which work on "
                     "whole arrays of any shape.",
    },
    error_hints=(_ARRAY_TRUTH, _MATH_MODULE),
)

RELU = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="relu",
    chapter=1,
    reference=activations.relu,
    cases=_relu_cases,
    fresh_outputs=fresh_parts(),  # the statement asks for a new array, in every branch
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("max over the array", lambda z: np.max(z),
                "np.max(z) (or max(0, z.max())) returns one number for the whole array. "
                "ReLU compares each entry with 0: np.maximum(z, 0)."),
        Mistake("clipped at the wrong side", lambda z: np.minimum(z, 0),
                "You kept the negative part. ReLU keeps positive inputs and sets "
                "negative ones to 0: np.maximum(z, 0)."),
        Mistake("clipped at 1 as well", lambda z: np.clip(z, 0, 1),
                "Your values stop at 1. ReLU has no upper limit: relu(50) = 50."),
        Mistake("absolute value", np.abs,
                "Negative inputs should become 0, not change sign."),
        Mistake("identity", lambda z: np.array(z, copy=True),
                "Your function returns its input unchanged: negative entries must become 0."),
        Mistake("indicator", lambda z: (z > 0).astype(float),
                "Your output is 1 where z > 0: that is ReLU's slope, not ReLU. "
                "Keep the value itself: relu(3) = 3."),
    ),
    hint="relu(z) = max(0, z) entry by entry: np.maximum(z, 0).",
    diagnose_more=lambda got, expected, case: _integer_result(got),
    hints={
        "mutation": "Setting z[z < 0] = 0 changes the caller's array. Work on a copy "
                    "(z = z.copy()) or build a new array with np.maximum(z, 0).",
        "exception": "Use numpy operations that work entry by entry, such as np.maximum(z, 0).",
        "view": "When nothing is negative the answer equals z, but it must still be a new "
                "array: return np.maximum(z, 0) (or z.copy()), never z itself.",
    },
    error_hints=(_ARRAY_TRUTH,),
)

def _integer_result(got: Any) -> str:
    if isinstance(got, np.ndarray) and got.dtype.kind in "iu":
        return ("Your result is an array of integers, so 2.7 became 2. This happens with "
                "np.vectorize or a list of max(0, v): for a negative entry max returns the "
                "int 0, and numpy then makes the whole array ints (or with .astype(int)). "
                "np.maximum(z, 0) keeps the floats.")
    return ""
