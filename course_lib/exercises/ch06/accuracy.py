"""Chapter 6 checks: accuracy."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import metrics
from course_lib.exercises.compare import compare_number, kind_of
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _accuracy_cases() -> list[Case]:
    rng = np.random.default_rng(601)

    def batch(n: int, c: int, scale: float = 2.0, right: float = 0.6) -> tuple:
        logits = rng.normal(0, scale, size=(n, c))
        y = rng.integers(0, c, size=n)
        # make about `right` of the examples correct, so the answer is not 1/C by chance
        hit = rng.random(n) < right
        logits[hit, y[hit]] = logits[hit].max(axis=1) + rng.uniform(0.5, 1.0, size=hit.sum())
        return logits, y

    logits_sq, y_sq = batch(10, 10)
    probs, y_probs = batch(8, 4)
    probs = np.exp(probs) / np.exp(probs).sum(axis=1, keepdims=True)
    big, y_big = batch(6, 3, scale=1e6)
    one = np.array([[0.2, -1.0, 3.0]])
    wrong = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [5.0, -1.0, 0.0], [1.0, 0.0, -2.0]])
    return [
        Case("a batch of 20 examples and 5 classes", batch(20, 5)),
        Case("a square batch (10 examples, 10 classes)", (logits_sq, y_sq)),
        Case("a batch of 7 examples and 3 classes, all logits negative",
             (lambda lg, yy: (lg - np.abs(lg).max() - 1.0, yy))(*batch(7, 3))),
        Case("probabilities instead of logits (8 examples, 4 classes)", (probs, y_probs)),
        Case("large magnitudes (logits around 1e6)", (big, y_big)),
        Case("a batch of one, correctly classified", (one, np.array([2]))),
        Case("4 examples, none correctly classified", (wrong, np.array([2, 0, 1, 2]))),
        Case("another batch of 20 examples and 5 classes", batch(20, 5, right=0.3)),
    ]


def _accuracy_compare(got: Any, expected: float, what: str = "your result") -> str | None:
    if isinstance(got, np.ndarray) and got.size > 1:
        return (f"{what} is {kind_of(got)}, expected a single number like {expected:.6g} "
                "(the mean over the batch)")
    return compare_number(got, expected, what=what)


_BROADCAST_HINT = (
    "`logits` has shape (N, C), one score per class, while `y` has shape (N,), one label "
    "per example: they cannot be compared directly. First turn each row of scores into a "
    "predicted class with np.argmax(logits, axis=1), then compare those with y."
)


def _same_number(got: Any, wrong: Any) -> bool:
    """A mistake's output matches when it is the same number of the same kind: the
    integer 0 of integer division is not the float 0.0 of a flat argmax."""
    def integer(v: Any) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
    return (wrong is not None and integer(got) == integer(wrong)
            and _accuracy_compare(got, wrong) is None)


# Several mistakes give 0 on a typical batch (the argmax of the whole array, the
# max score instead of its index, integer division), so a mistake is named only
# when it explains every case, and the first listed of those is named.
ACCURACY = FunctionExercise(
    name="accuracy",
    chapter=6,
    reference=metrics.accuracy,
    cases=_accuracy_cases,
    compare=_accuracy_compare,
    mistake_match="every_case",
    same_output=_same_number,
    error_hints=(("exception", "broadcast", _BROADCAST_HINT),),
    mistakes=(
        Mistake("integer division",
                lambda z, y: int(np.sum(np.argmax(z, axis=1) == y)) // len(y),
                "Your result is the whole number 0: integer division (//) rounds the "
                "fraction down. Divide with / (or take np.mean of the boolean array of "
                "correct predictions)."),
        *(Mistake(f"rounded to {digits} digits",
                  lambda z, y, digits=digits: round(metrics.accuracy(z, y), digits),
                  "Your result is the accuracy rounded. Return it unrounded; round only "
                  "when printing (f\"{acc:.3f}\").")
          for digits in range(1, 5)),
        Mistake("logits compared with labels", lambda z, y: float(np.mean(z == y)),
                _BROADCAST_HINT),
        Mistake("percentage", lambda z, y: 100.0 * metrics.accuracy(z, y),
                "Your result is 100 times too large: it is a percentage. Return the "
                "fraction of correct predictions, a number between 0 and 1 (0.75, not 75)."),
        Mistake("count", lambda z, y: int(np.sum(np.argmax(z, axis=1) == y)),
                "Your result is the number of correct predictions. Divide by the number of "
                "examples to get the fraction (np.mean of the boolean array does both)."),
        Mistake("argmax over the examples", lambda z, y: float(np.mean(np.argmax(z, axis=0) == y)),
                "np.argmax(logits, axis=0) picks, for each class, the example with the "
                "highest score. The prediction for each example is the argmax along its row: "
                "axis=1."),
        Mistake("max instead of argmax",
                lambda z, y: float(np.mean(np.max(z, axis=1) == y)),
                "np.max(logits, axis=1) is the largest score itself, not the class that "
                "has it. The predicted class is the index of the largest score: "
                "np.argmax(logits, axis=1)."),
        Mistake("argmax of the whole array", lambda z, y: float(np.mean(np.argmax(z) == y)),
                "np.argmax(logits) without an axis returns one index into the flattened "
                "array. Use np.argmax(logits, axis=1): one predicted class per example."),
        Mistake("error rate", lambda z, y: 1.0 - metrics.accuracy(z, y),
                "Your result is 1 - accuracy, the error rate: count the examples whose "
                "prediction equals the label, not those where it differs."),
    ),
    hint="accuracy = mean over examples of [argmax of the row of logits == label]: "
         "np.mean(np.argmax(logits, axis=1) == y).",
    hints={
        "mutation": "Do not change `logits` or `y` in place; compute the predictions into a "
                    "new array.",
        "warning": "You do not need softmax (or exp) here: the largest logit is also the "
                   "most probable class, so np.argmax(logits, axis=1) is the prediction. "
                   "np.exp of large logits overflows.",
    },
)
