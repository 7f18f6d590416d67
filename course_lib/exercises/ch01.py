"""Checks for chapter 1, *Neural networks*: sigmoid, relu (and the rest of the chapter)."""

from __future__ import annotations

import numpy as np

from course_lib import activations
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _elementwise_cases() -> list[Case]:
    rng = np.random.default_rng(101)
    return [
        Case("a 3x4 array of random inputs", (rng.normal(0, 3, size=(3, 4)),)),
        Case("a vector of zeros", (np.zeros(5),)),
        Case("large magnitudes [-1000, -50, -1, 1, 50, 1000]",
             (np.array([-1000.0, -50.0, -1.0, 1.0, 50.0, 1000.0]),)),
        Case("a batch of one (shape (1, 6))", (rng.normal(0, 2, size=(1, 6)),)),
        Case("a 5x2 (non-square) array", (rng.uniform(-8, 8, size=(5, 2)),)),
    ]


SIGMOID = FunctionExercise(
    name="sigmoid",
    chapter=1,
    reference=activations.sigmoid,
    cases=_elementwise_cases,
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("sign flipped", lambda z: 1 / (1 + np.exp(z)),
                "Your values are 1 - sigmoid(z): check the sign inside the exponential. "
                "sigmoid(z) = 1 / (1 + exp(-z)), so sigmoid(2) is about 0.88, not 0.12."),
        Mistake("forgot the 1 +", lambda z: 1 / np.exp(-z),
                "The denominator is 1 + exp(-z), not exp(-z) alone."),
        Mistake("tanh instead", np.tanh,
                "This looks like tanh(z), whose values lie in (-1, 1). "
                "The sigmoid squashes into (0, 1): 1 / (1 + exp(-z))."),
    ),
    hint="sigmoid(z) = 1 / (1 + exp(-z)), elementwise; sigmoid(0) = 0.5.",
    hints={
        "warning": "exp(-z) overflows for large negative z (exp(1000) is inf). "
                   "Compute exp only of non-positive numbers: with e = exp(-|z|), "
                   "sigmoid is 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. "
                   "Careful: np.where evaluates both branches on every entry, so the "
                   "inputs of exp themselves must be safe.",
        "exception": "Use numpy functions (np.exp), which work on whole arrays; "
                     "math.exp only takes single numbers.",
    },
)

RELU = FunctionExercise(
    name="relu",
    chapter=1,
    reference=activations.relu,
    cases=_elementwise_cases,
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("max over the array", lambda z: np.max(z),
                "np.max(z) (or max(z)) returns the largest entry of the whole array. "
                "ReLU compares each entry with 0: np.maximum(z, 0)."),
        Mistake("clipped at the wrong side", lambda z: np.minimum(z, 0),
                "You kept the negative part. ReLU keeps positive inputs and sets "
                "negative ones to 0: np.maximum(z, 0)."),
        Mistake("absolute value", np.abs,
                "Negative inputs should become 0, not change sign."),
        Mistake("identity", lambda z: np.array(z, copy=True),
                "Your function returns its input unchanged: negative entries must become 0."),
    ),
    hint="relu(z) = max(0, z) entry by entry: np.maximum(z, 0).",
    hints={
        "mutation": "Setting z[z < 0] = 0 changes the caller's array. Work on a copy "
                    "(z = z.copy()) or build a new array with np.maximum(z, 0).",
        "exception": "Python's max(0, z) cannot compare an array with a number; "
                     "np.maximum(z, 0) works entry by entry.",
    },
)

EXERCISES = (SIGMOID, RELU)
