"""Chapter 2 checks: softmax."""

from __future__ import annotations

import numpy as np

from course_lib import activations
from course_lib.exercises.ch02._shared import _NAME_ERROR_HINT
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake

_FAR_APART = "rows far apart (one near +1000, one near -1000)"
_LARGE = "large logits (1000, 1001, 1002)"
_WIDE_ROW = "one row spanning -1000 to 1000 ([-1000, 0, 1000])"


def _softmax_cases() -> list[Case]:
    rng = np.random.default_rng(202)
    return [
        Case("a square 3x3 batch of random logits", (rng.normal(0, 2, size=(3, 3)),)),
        Case("a 4x5 batch of random logits", (rng.normal(0, 3, size=(4, 5)),)),
        Case("a batch of one (shape (1, 6))", (rng.normal(size=(1, 6)),)),
        Case("logits of zeros (shape (2, 3))", (np.zeros((2, 3)),)),
        Case("two classes (shape (5, 2))", (rng.normal(0, 4, size=(5, 2)),)),
        Case(_LARGE, (np.array([[1000.0, 1001.0, 1002.0], [1000.0, 1000.0, 1000.0]]),)),
        Case(_FAR_APART, (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]]),)),
        Case(_WIDE_ROW, (np.array([[-1000.0, 0.0, 1000.0], [1.0, 2.0, 3.0]]),)),
    ]


def _unstable_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _global_max_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _rows_normalised(e: np.ndarray) -> np.ndarray:
    return e / e.sum(axis=1, keepdims=True)


def _exp_variants() -> tuple:
    """exp of the logits as learners compute it: raw, shifted by each row's
    maximum, shifted by the matrix's maximum."""
    return (np.exp,
            lambda z: np.exp(z - z.max(axis=1, keepdims=True)),
            lambda z: np.exp(z - z.max()))


def _normalisation_mistakes() -> list[Mistake]:
    hints = (
        ("wrong axis", lambda e: e / e.sum(axis=0, keepdims=True),
         "Your columns sum to 1, not your rows. Each row is one example, so sum "
         "over the classes: e.sum(axis=1, keepdims=True)."),
        ("whole matrix", lambda e: e / e.sum(),
         "You divided by the sum over the whole matrix, so the entire batch sums "
         "to 1. Normalise each row on its own: e.sum(axis=1, keepdims=True)."),
        ("keepdims forgotten", lambda e: e / e.sum(axis=1),
         "e.sum(axis=1) has shape (N,), which numpy lines up with the columns, "
         "not the rows. Keep the summed axis: e.sum(axis=1, keepdims=True) has "
         "shape (N, 1) and divides each row by its own sum."),
    )
    return [Mistake(label, lambda z, ex=ex, norm=norm: norm(ex(z)), hint)
            for label, norm, hint in hints for ex in _exp_variants()]


_NO_SHIFT = ("exp(1000) overflows to inf and inf / inf is NaN. Subtract each row's "
             "maximum first: z - z.max(axis=1, keepdims=True). Softmax does not change "
             "when a constant is subtracted from a row, and every exponent is then <= 0.")

SOFTMAX = FunctionExercise(
    name="softmax",
    chapter=2,
    reference=activations.softmax,
    cases=_softmax_cases,
    compare=compare_arrays,
    quote_input=True,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        *_normalisation_mistakes(),
        Mistake("max without keepdims",
                lambda z: _rows_normalised(np.exp(z - z.max(axis=1))),
                "z.max(axis=1) has shape (N,), and numpy subtracts it from every row as "
                "if it were a row of C values, so each example gets other rows' maxima. "
                "Keep the axis: z - z.max(axis=1, keepdims=True)."),
        Mistake("maximum of each column", lambda z: _rows_normalised(
                    np.exp(z - z.max(axis=0, keepdims=True))),
                "You subtracted z.max(axis=0), the maximum of each column (one class over "
                "all examples), which differs from class to class and changes the result. "
                "Subtract each row's maximum: z - z.max(axis=1, keepdims=True)."),
        Mistake("only the numerator shifted", lambda z: np.exp(
                    z - z.max(axis=1, keepdims=True)) / np.exp(z).sum(axis=1, keepdims=True),
                "You shifted the logits in the numerator but summed exp of the unshifted "
                "logits in the denominator. Shift once, e = exp(z - max), and divide e by "
                "its own row sums."),
        Mistake("log-probabilities returned", activations.log_softmax,
                "Your values are the logarithms of the right ones (log-softmax). Return "
                "the probabilities themselves: exp(shifted) / its row sum."),
        Mistake("no exponential", lambda z: z / z.sum(axis=1, keepdims=True),
                "Exponentiate first: softmax(z)_c = exp(z_c) / sum_k exp(z_k). Dividing "
                "the logits themselves by their sum can give negative 'probabilities'."),
        Mistake("sigmoid instead", activations.sigmoid,
                "That is the sigmoid of each logit; the rows of a softmax sum to 1."),
    ),
    hint="softmax(z)[n, c] = exp(z[n, c]) / sum over k of exp(z[n, k]); each row sums to 1.",
    hints={
        "warning": _NO_SHIFT,
        "exception": "Check the broadcasting: the row sums need shape (N, 1) to divide an "
                     "(N, C) array row by row. Use keepdims=True in the sum (and in the max).",
        "mutation": "`z -= z.max(...)` changes the caller's logits. Write "
                    "`shifted = z - z.max(axis=1, keepdims=True)` instead.",
    },
    case_hints={
        _WIDE_ROW: {
            "warning": "Subtract each row's maximum, not its minimum, mean or first entry: "
                       "only the maximum makes every exponent <= 0. With the minimum, the "
                       "row [-1000, 0, 1000] becomes [0, 1000, 2000] and exp(2000) "
                       "overflows.",
        },
        _FAR_APART: {
            "warning": "Subtracting one maximum for the whole matrix is not enough when "
                       "rows are far apart: the row near -1000 becomes exp(-2000) = 0 "
                       "everywhere, and 0 / 0 is NaN. Subtract each row's own maximum: "
                       "z - z.max(axis=1, keepdims=True).",
        },
    },
)
