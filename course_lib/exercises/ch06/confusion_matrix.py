"""Chapter 6 checks: confusion_matrix."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import metrics
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _confusion_cases() -> list[Case]:
    rng = np.random.default_rng(602)

    def noisy(n: int, c: int) -> tuple:
        y_true = rng.integers(0, c, size=n)
        y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, c, size=n))
        return y_true, y_pred, c

    asym_true = np.array([0, 0, 0, 1, 2, 2])
    asym_pred = np.array([0, 1, 1, 1, 2, 0])
    absent_true = np.array([0, 1, 2, 3, 3, 1, 0])
    absent_pred = np.array([0, 1, 2, 2, 2, 1, 1])
    return [
        Case("30 random labels of 4 classes", noisy(30, 4)),
        Case("6 labels of 3 classes where 0 is often mistaken for 1 (not symmetric)",
             (asym_true, asym_pred, 3)),
        Case("4 classes where class 3 is never predicted", (absent_true, absent_pred, 4)),
        Case("5 classes where classes 3 and 4 never occur at all",
             (np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]), 5)),
        Case("repeated pairs: the same (true, predicted) pair several times",
             (np.array([1, 1, 1, 0, 0]), np.array([0, 0, 0, 0, 0]), 2)),
        Case("a single example", (np.array([2]), np.array([0]), 3)),
        Case("200 random labels of 10 classes", noisy(200, 10)),
        Case("another 30 random labels of 4 classes", noisy(30, 4)),
        Case("a data set of 70,000 examples (Fashion-MNIST size), most of them class 0",
             (np.zeros(70_000, dtype=np.int64), np.r_[np.zeros(69_990, dtype=np.int64),
                                                    np.ones(10, dtype=np.int64)], 2)),
    ]


def _confusion_compare(got: Any, expected: np.ndarray, what: str = "your result") -> str | None:
    if (isinstance(got, np.ndarray) and got.shape == expected.shape
            and expected.dtype.kind in "iu" and got.dtype.kind not in "iu"):
        if got.dtype.kind == "f" and np.array_equal(got, expected):
            return (f"{what} has the right counts but dtype {got.dtype}; counts are whole "
                    "numbers, so the matrix should have an integer dtype")
        if got.dtype.kind != "f":
            return f"{what} has dtype {got.dtype}, expected integer counts"
    if isinstance(got, np.ndarray) and got.dtype.kind in "iu" and got.dtype.itemsize < 4:
        return (f"{what} has dtype {got.dtype}, which holds counts only up to "
                f"{np.iinfo(got.dtype).max}; a data set such as Fashion-MNIST has 70,000 "
                "examples, so the counts overflow: use dtype=int (int64)")
    return compare_arrays(got, expected, what=what)


def _cm_loop(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def _cm_sized_by_data(y_true, y_pred, num_classes):
    size = int(max(np.max(y_true), np.max(y_pred))) + 1
    return _cm_loop(y_true, y_pred, size)


def _cm_fancy_add(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    cm[y_true, y_pred] += 1
    return cm


_AND_HINT = (
    "Python's `and` needs a single True or False; to combine two boolean arrays entry "
    "by entry use `&`, with parentheses: np.sum((y_true == i) & (y_pred == j))."
)


CONFUSION_MATRIX = FunctionExercise(
    name="confusion_matrix",
    chapter=6,
    reference=metrics.confusion_matrix,
    cases=_confusion_cases,
    compare=_confusion_compare,
    error_hints=(("exception", "truth value", _AND_HINT),),
    mistakes=(
        Mistake("rows and columns swapped", lambda t, p, c: _cm_loop(p, t, c),
                "Your matrix is the transpose of the expected one: rows are the true "
                "classes and columns the predicted ones, so an example of class t "
                "predicted as p adds 1 to cm[t, p], not cm[p, t]."),
        Mistake("size taken from the labels", _cm_sized_by_data,
                "Your matrix is too small when a class never appears in the labels or "
                "the predictions. Its size is always num_classes x num_classes: a class "
                "the model never predicts still has its (empty) column."),
        Mistake("fancy-index +=", _cm_fancy_add,
                "Your matrix counts each distinct (true, predicted) pair only once, even "
                "when it occurs several times. cm[y_true, y_pred] += 1 does that (numpy's "
                "buffered fancy indexing does not accumulate), and so does cm[t, p] = 1 "
                "in a loop. Add 1 per example: cm[t, p] += 1 in a loop over the examples, "
                "or np.add.at(cm, (y_true, y_pred), 1)."),
        Mistake("rows normalised",
                lambda t, p, c: _cm_loop(t, p, c) / np.maximum(
                    _cm_loop(t, p, c).sum(axis=1, keepdims=True), 1),
                "Your rows are normalised to sum to 1 (the fraction of each true class "
                "predicted as j). The confusion matrix holds the counts themselves; "
                "normalise later, when you want per-class rates."),
        Mistake("diagonal only",
                lambda t, p, c: np.diag(np.diag(_cm_loop(t, p, c))),
                "Your matrix has only the correct predictions, on the diagonal. Every "
                "example counts once, in row y_true and column y_pred, mistakes included: "
                "the off-diagonal entries are the mistakes."),
        Mistake("float counts", lambda t, p, c: _cm_loop(t, p, c).astype(np.float64),
                "np.zeros makes a float array unless told otherwise; counts are whole "
                "numbers: np.zeros((num_classes, num_classes), dtype=int)."),
        Mistake("fractions instead of counts",
                lambda t, p, c: _cm_loop(t, p, c) / len(t),
                "Your entries are fractions of all examples. The confusion matrix holds "
                "counts: how many examples of true class i were predicted as j."),
    ),
    hint="cm[i, j] counts the examples whose true class is i and predicted class is j; "
         "the entries add up to the number of examples.",
    hints={
        "exception": "Make the matrix num_classes x num_classes from the start "
                     "(np.zeros((num_classes, num_classes), dtype=int)); an index error "
                     "usually means it is sized from the labels instead.",
        "mutation": "Do not change `y_true` or `y_pred` in place.",
    },
)
