"""Chapter 2 checks: cross_entropy."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import activations, losses
from course_lib.exercises.ch02._shared import _NAME_ERROR_HINT
from course_lib.exercises.compare import compare_number
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake

_CONFIDENT_WRONG = ("a confident wrong answer (rows [1000, 0] and [0, 3], true class 1 in "
                    "both: the first costs 1000, the mean is about 500)")


def _ce_cases() -> list[Case]:
    rng = np.random.default_rng(203)
    return [
        # Positive logits first: taking the log of the logits themselves then
        # gives finite (wrong) numbers that the mistakes can recognise.
        Case("a 4x3 batch of positive logits",
             (rng.uniform(0.5, 3.0, size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("a 5x4 batch of random logits",
             (rng.normal(0, 2, size=(5, 4)), np.array([3, 0, 1, 1, 2]))),
        Case("a batch of one (logits [[2, -1, 0.5]], class 0)",
             (np.array([[2.0, -1.0, 0.5]]), np.array([0]))),
        Case("logits of zeros (the loss is then log C = log 4)",
             (np.zeros((3, 4)), np.array([0, 1, 3]))),
        Case("large logits (around 1000)",
             (np.array([[1000.0, 1001.0, 1002.0], [1002.0, 1000.0, 1000.0]]), np.array([2, 1]))),
        Case(_CONFIDENT_WRONG,
             (np.array([[1000.0, 0.0], [0.0, 3.0]]), np.array([1, 1]))),
        Case("another 5x4 batch of random logits",
             (rng.normal(0, 2, size=(5, 4)), np.array([1, 3, 3, 0, 2]))),
    ]


def _ce_parts(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    return activations.log_softmax(logits)[np.arange(len(y)), y]


_LOG_SOFTMAX = ("Compute log-probabilities directly with the log-sum-exp trick: "
                "log softmax(z)_c = (z_c - m) - log(sum_k exp(z_k - m)) with m the row "
                "maximum. It never takes log(0).")

def _ce_more(got: Any, expected: Any, case: Case) -> str:
    """Hints no single wrong implementation captures: one loss per example, or a
    loss far too small only on the confident wrong answer (log(p + eps), clipping)."""
    n = len(case.args[1])
    if isinstance(got, np.ndarray) and got.shape in ((n,), (n, 1)):
        return ("You returned one loss per example. The loss of the batch is their mean, "
                "a single number: float(np.mean(...)).")
    try:
        value = float(np.asarray(got).reshape(()))
    except (TypeError, ValueError):
        return ""
    if case.label == _CONFIDENT_WRONG and np.isfinite(value) and 0 < value < 0.5 * expected:
        return ("Your loss is finite but far too small: clipping the probability or adding "
                "a small epsilon before the log caps each example's loss (at 27.6 for "
                "eps = 1e-12), but logits [1000, 0] with true class 1 have loss 1000. "
                + _LOG_SOFTMAX)
    if not np.isfinite(value):
        return ("Your loss is not a finite number: exp of logits near 1000 overflows to "
                "inf (and inf / inf is nan), or a probability underflows to 0 and "
                "log(0) = -inf. " + _LOG_SOFTMAX)
    if value < 0:
        return ("A cross-entropy is never negative: log-probabilities are <= 0 and the loss "
                "is minus their mean. If you used the log-sum-exp trick, check that the "
                "max m is handled consistently: log sum_k exp(z_k) = m + log sum_k "
                "exp(z_k - m), so either shift z_c too or add m back.")
    return ""


CROSS_ENTROPY = FunctionExercise(
    name="cross_entropy",
    chapter=2,
    reference=losses.cross_entropy,
    cases=_ce_cases,
    compare=compare_number,
    diagnose_warnings=True,
    diagnose_more=_ce_more,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        Mistake("sum instead of mean", lambda z, y: float(-np.sum(_ce_parts(z, y))),
                "Your loss is N times too large: it is the sum over the batch. Take the "
                "mean over the N examples, so the loss does not grow with the batch size."),
        Mistake("log(0)", lambda z, y: float(-np.mean(np.log(
                    activations.softmax(z)[np.arange(len(y)), y]))),
                "The softmax of the true class underflows to exactly 0 here, and log(0) "
                "is -inf, so your loss is inf. " + _LOG_SOFTMAX),
        Mistake("log of the logits", lambda z, y: float(-np.mean(np.log(z[np.arange(len(y)), y]))),
                "You took the log of the logits themselves. Logits are not probabilities "
                "(they can be negative, and need not sum to 1): turn them into "
                "log-probabilities with log-softmax first."),
        Mistake("sign flipped", lambda z, y: float(np.mean(_ce_parts(z, y))),
                "Your loss is negative. Log-probabilities are <= 0, so the loss is "
                "their negative mean: -mean(log p[n, y[n]])."),
        Mistake("averaged over N*C entries", lambda z, y: float(-np.mean(
                    _ce_parts(z, y)) / z.shape[1]),
                "Your loss is C times too small: you averaged over all N*C entries "
                "(for example mean(one_hot * log p)). Average over the N examples only."),
        Mistake("all classes picked", lambda z, y: float(-np.mean(
                    activations.log_softmax(z)[:, y])),
                "logp[:, y] picks the columns y for every row (an N x N array). To pick "
                "one entry per row, index with both axes: logp[np.arange(N), y]."),
        Mistake("probability, not log", lambda z, y: float(-np.mean(
                    activations.softmax(z)[np.arange(len(y)), y])),
                "You averaged the probabilities of the true classes; the loss is the "
                "mean of their negative logarithms."),
        Mistake("every class averaged", lambda z, y: float(-np.mean(activations.log_softmax(z))),
                "You averaged the log-probabilities of every class. The loss only uses "
                "each example's true class: logp[np.arange(N), y]."),
        Mistake("predicted class instead of y", lambda z, y: float(-np.mean(
                    activations.log_softmax(z).max(axis=1))),
                "You used the log-probability of the predicted class (the largest one). "
                "The loss uses the true class given by the labels: logp[np.arange(N), y]."),
        Mistake("log base 2", lambda z, y: float(-np.mean(_ce_parts(z, y)) / np.log(2)),
                "Your loss is in bits (log base 2). The book uses the natural logarithm, "
                "np.log."),
        Mistake("log base 10", lambda z, y: float(-np.mean(_ce_parts(z, y)) / np.log(10)),
                "You used log base 10. The book uses the natural logarithm, np.log."),
    ),
    hint="loss = -(1/N) * sum over n of log softmax(z_n)[y_n]: the mean negative "
         "log-probability of the true classes.",
    hints={
        "warning": "Your code emitted a RuntimeWarning (overflow, log(0) or 0/0). "
                   + _LOG_SOFTMAX,
        "exception": "logits is (N, C) and y holds N integer labels (not one-hot rows); pick "
                     "each row's true-class entry with logp[np.arange(N), y]. An error about "
                     "broadcasting (N, C) with (N,) can also mean that a row sum or max lost "
                     "its axis: use keepdims=True.",
        "mutation": "`logits -= ...` changes the caller's array; compute "
                    "`shifted = logits - logits.max(axis=1, keepdims=True)` instead.",
    },
)
