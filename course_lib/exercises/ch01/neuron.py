"""Chapter 1 checks: neuron."""

from __future__ import annotations

import numpy as np

from course_lib import activations, network
from course_lib.exercises.ch01._shared import _ARRAY_TRUTH, _MATH_MODULE
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.diagnose import loosely_same
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _neuron_cases() -> list[Case]:
    rng = np.random.default_rng(102)
    return [
        Case("a batch of 5 examples with 3 inputs (b = 0.5)",
             (rng.normal(size=(5, 3)), rng.normal(size=3), 0.5)),
        Case("a batch of one example with 4 inputs (b = -1.2)",
             (rng.normal(size=(1, 4)), rng.normal(size=4), -1.2)),
        Case("a square batch, 3 examples with 3 inputs (b = 2.0)",
             (rng.normal(size=(3, 3)), rng.normal(size=3), 2.0)),
        Case("one input per example, 6 examples (b = -0.3)",
             (rng.normal(size=(6, 1)), np.array([1.5]), -0.3)),
        Case("zero inputs (so the output is sigmoid(b), b = 0.8)",
             (np.zeros((2, 3)), rng.normal(size=3), 0.8)),
        Case("large weights, pre-activations near +-1000 (b = 0.0)",
             (np.array([[1.0, 2.0], [-1.0, -2.0], [0.5, -0.5]]), np.array([400.0, 300.0]), 0.0)),
        Case("another batch of 5 examples with 3 inputs (b = -0.7)",
             (rng.normal(size=(5, 3)), rng.normal(size=3), -0.7)),
    ]


def _sig(z):
    return activations.sigmoid(np.asarray(z, dtype=float))


NEURON = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="neuron",
    chapter=1,
    reference=network.neuron,
    cases=_neuron_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("bias forgotten", lambda x, w, b: _sig(x @ w),
                "Your outputs match sigmoid(x @ w): the bias b is missing. "
                "The pre-activation is z = x @ w + b."),
        Mistake("activation forgotten", lambda x, w, b: x @ w + b,
                "Your outputs match x @ w + b, the pre-activation z. "
                "The neuron's output is sigmoid(z)."),
        Mistake("bias and activation forgotten", lambda x, w, b: x @ w,
                "Your outputs match x @ w: add the bias b and apply the sigmoid."),
        Mistake("shapes transposed", lambda x, w, b: _sig(w @ x + b),
                "You computed w @ x, which mixes examples instead of inputs (it only runs "
                "when the batch happens to be square). x has one example per row, shape "
                "(N, D), and w one weight per input, shape (D,): use x @ w."),
        Mistake("bias inside the weights", lambda x, w, b: _sig(x @ (w + b)),
                "You added b to every weight. The bias is added once, after the weighted "
                "sum: z = x @ w + b."),
        Mistake("bias multiplied", lambda x, w, b: _sig(b * (x @ w)),
                "You multiplied by b. The bias is added: z = x @ w + b."),
        Mistake("sum over examples", lambda x, w, b: _sig(np.sum(x * w, axis=0) + b),
                "You summed over the examples (axis 0). Each example's weighted sum runs "
                "over its inputs: x @ w, or np.sum(x * w, axis=1)."),
        Mistake("kept a column", lambda x, w, b: _sig(x @ w.reshape(-1, 1) + b),
                "Your result is a column of shape (N, 1); the neuron returns one number per "
                "example, shape (N,). Use x @ w with w of shape (D,), or flatten the result."),
        Mistake("bias after the sigmoid", lambda x, w, b: _sig(x @ w) + b,
                "You added b after the sigmoid. The bias belongs inside: first "
                "z = x @ w + b, then sigmoid(z)."),
        Mistake("ReLU instead of sigmoid", lambda x, w, b: activations.relu(x @ w + b),
                "Your outputs match relu(x @ w + b). This neuron uses the sigmoid: "
                "sigmoid(x @ w + b)."),
        Mistake("tanh instead of sigmoid", lambda x, w, b: np.tanh(x @ w + b),
                "Your outputs match tanh(x @ w + b), which lies in (-1, 1). This neuron "
                "uses the sigmoid: sigmoid(x @ w + b)."),
        Mistake("sign of z flipped", lambda x, w, b: _sig(-(x @ w + b)),
                "Your outputs are sigmoid(-(x @ w + b)), one minus the right ones: check "
                "the sign inside your sigmoid, or a minus in front of x @ w."),
        Mistake("rounded to 0 or 1", lambda x, w, b: (x @ w + b > 0).astype(float),
                "Your outputs are 0 or 1, the answers of a perceptron. Return the sigmoid's "
                "values themselves, without rounding or thresholding."),
        Mistake("products not summed", lambda x, w, b: _sig(x * w + b),
                "x * w multiplies entry by entry and keeps shape (N, D). The weighted sum "
                "adds up the products in each row: x @ w (or np.sum(x * w, axis=1))."),
        Mistake("one sum over the whole batch", lambda x, w, b: _sig(np.sum(x @ w) + b),
                "You summed over all examples and returned one number. The neuron gives "
                "one output per example: sigmoid(x @ w + b) has shape (N,)."),
    ),
    hint="The neuron computes sigmoid(x @ w + b): one weighted sum per row of x, plus b, "
         "through the sigmoid.",
    hints={
        "not_implemented": "If you did write `neuron`, the NotImplementedError comes from "
                           "the `sigmoid` it calls: finish that exercise first, or call "
                           "activations.sigmoid for now.",
        "warning": "The naive 1 / (1 + np.exp(-z)) overflows when z is near -1000. "
                   "Call your stable `sigmoid` from the exercise above (or "
                   "activations.sigmoid) instead of writing the formula again.",
        "exception": "Check the shapes: x is (N, D) with one example per row, w is (D,), "
                     "b is a number; x @ w + b has shape (N,).",
    },
    error_hints=(
        ("exception", r"mismatch in its core dimension|not aligned|could not be broadcast",
         "The shapes do not line up. x is (N, D), one example per row; w is (D,), one "
         "weight per input. x @ w has shape (N,); w @ x or x.T @ w only work when "
         "the shapes happen to match."),
        _ARRAY_TRUTH,
        _MATH_MODULE,
    ),
)
