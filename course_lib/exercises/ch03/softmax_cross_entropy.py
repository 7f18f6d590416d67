"""Chapter 3 checks: softmax_cross_entropy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib import activations, losses
from course_lib.exercises.ch03._shared import _seeded
from course_lib.exercises.compare import (
    compare_arrays,
    compare_number,
    compare_tuple,
)
from course_lib.exercises.gradient import check_answer_gradient
from course_lib.exercises.probe import Case, call
from course_lib.exercises.spec import FunctionExercise, Mistake


def _probs(z: np.ndarray) -> np.ndarray:
    return activations.softmax(z)


def _onehot(y: np.ndarray, c: int) -> np.ndarray:
    return np.eye(c)[y]


def _sce_cases() -> list[Case]:
    rng = _seeded(331)
    return [
        Case("a batch of N=4 examples with C=3 random logits, labels [0, 2, 1, 2]",
             (rng.normal(0, 2, size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("N=2, C=5 (non-square), labels [4, 0]",
             (rng.normal(size=(2, 5)), np.array([4, 0]))),
        Case("all-zero logits (every class equally likely: the loss is log C)",
             (np.zeros((3, 4)), np.array([0, 1, 3]))),
        Case("large logits (up to 1000): a confident right and a confident wrong answer",
             (np.array([[1000.0, 0.0, -1000.0], [-800.0, 900.0, 10.0]]), np.array([0, 0]))),
        Case("a batch of one, N=1, C=3, label [1]",
             (rng.normal(size=(1, 3)), np.array([1]))),
        Case("another batch of N=4, C=3, labels [1, 1, 0, 2]",
             (rng.normal(0, 2, size=(4, 3)), np.array([1, 1, 0, 2]))),
    ]


def _sce_mistake(loss_fn, grad_fn):
    def wrong(logits, y):
        p, n = _probs(logits), len(y)
        return loss_fn(logits, y), grad_fn(p, _onehot(y, logits.shape[1]), n)
    return wrong


def _mean_loss(logits, y):
    return losses.cross_entropy(logits, y)


def _sum_loss(logits, y):
    return losses.cross_entropy(logits, y) * len(y)


def _sce_gradcheck(answer: Callable) -> None:
    rng = _seeded(339)
    logits, y = rng.normal(size=(3, 4)), np.array([3, 0, 1])
    case = Case("the gradient check (N=3, C=4)", (logits, y))
    got = call(answer, case)
    check_answer_gradient(lambda logits: losses.cross_entropy(logits, y),
                          lambda logits: (got[1],), {"logits": logits}, seed=340,
                          label="N=3, C=4",
                          hint="dlogits = (softmax(logits) - onehot(y)) / N.")


_sce_gradcheck.label = "the numerical gradient check of dlogits"


SOFTMAX_CROSS_ENTROPY = FunctionExercise(
    name="softmax_cross_entropy",
    chapter=3,
    reference=losses.softmax_cross_entropy,
    cases=_sce_cases,
    compare=compare_tuple(("loss", "dlogits"), [compare_number, compare_arrays]),
    mistake_match="parts",
    mistakes=(
        Mistake("not divided by N", _sce_mistake(_mean_loss, lambda p, t, n: p - t),
                "Your `dlogits` is N times too large. The loss is the *mean* over the N "
                "examples, so each example's gradient p - onehot(y) is divided by N."),
        Mistake("sign flipped", _sce_mistake(_mean_loss, lambda p, t, n: (t - p) / n),
                "Your `dlogits` has the wrong sign. Raising the true class's logit lowers "
                "the loss, so that entry of the gradient is negative: "
                "dlogits = (p - onehot(y)) / N."),
        Mistake("one subtracted everywhere", _sce_mistake(_mean_loss, lambda p, t, n: (p - 1) / n),
                "You subtracted 1 from every entry. Only the true class gets the -1: "
                "p[np.arange(N), y] -= 1 (that is, p minus the one-hot target)."),
        Mistake("loss summed", _sce_mistake(_sum_loss, lambda p, t, n: (p - t) / n),
                "Your loss is the sum over the batch; the exercise asks for the mean "
                "(divide by N), so the loss does not grow with the batch size."),
        Mistake("loss summed, gradient of the sum",
                _sce_mistake(_sum_loss, lambda p, t, n: p - t),
                "You computed the summed loss and its gradient. Use the mean: divide both "
                "the loss and dlogits by N."),
        Mistake("p[:, y] instead of p[range(N), y]",
                _sce_mistake(lambda z, y: float(-np.mean(activations.log_softmax(z)[:, y])),
                             lambda p, t, n: (p - t) / n),
                "`logp[:, y]` picks a whole N x N block. To pick one entry per row, index "
                "with pairs: logp[np.arange(N), y]."),
        Mistake("log(p + eps)",
                _sce_mistake(lambda z, y: float(-np.mean(np.log(
                    _probs(z)[np.arange(len(y)), y] + 1e-12))), lambda p, t, n: (p - t) / n),
                "Adding a small epsilon inside log(p + eps) caps the loss of a confident "
                "wrong answer (at about 27.6 for eps=1e-12) instead of computing it. "
                "Work with log-probabilities: logp = shifted - log(sum(exp(shifted))), "
                "where shifted = logits - row max."),
        Mistake("one-hot not subtracted", _sce_mistake(_mean_loss, lambda p, t, n: p / n),
                "Your `dlogits` is softmax(logits) / N: the -1 at the true class is missing. "
                "dlogits = (p - onehot(y)) / N, that is p[np.arange(N), y] -= 1, then / N."),
        Mistake("only p divided by N", _sce_mistake(_mean_loss, lambda p, t, n: p / n - t),
                "Only p was divided by N: `p / N - onehot` is parsed as (p / N) - onehot. "
                "Divide the whole difference: (p - onehot(y)) / N."),
        Mistake("probabilities returned", _sce_mistake(_mean_loss, lambda p, t, n: p),
                "Your `dlogits` is the softmax itself. The gradient is the probabilities minus "
                "the one-hot target, divided by N: (p - onehot(y)) / N."),
        Mistake("label subtracted instead of one-hot",
                _sce_mistake(_mean_loss, lambda p, t, n: (p - t.argmax(axis=1)[:, None]) / n),
                "You subtracted the label *value* y from every entry of a row. The target "
                "is one-hot: subtract 1 only in column y of each row, "
                "p[np.arange(N), y] -= 1."),
        Mistake("loss averaged over N*C entries",
                _sce_mistake(lambda z, y: losses.cross_entropy(z, y) / z.shape[1],
                             lambda p, t, n: (p - t) / n),
                "Your loss is C times too small: np.mean over the (N, C) array of "
                "onehot * logp divides by N*C. Average over the N examples only: "
                "-logp[np.arange(N), y].mean()."),
        Mistake("(dlogits, loss) returned",
                lambda z, y: tuple(reversed(losses.softmax_cross_entropy(z, y))),
                "You returned the pair in the wrong order: return (loss, dlogits)."),
        Mistake("forgot the minus in the loss",
                _sce_mistake(lambda z, y: -losses.cross_entropy(z, y),
                             lambda p, t, n: (p - t) / n),
                "The loss is minus the log-probability of the true class, so it is >= 0."),
    ),
    hint="loss = mean over the batch of -log softmax(logits)[n, y_n]; "
         "dlogits = (softmax(logits) - onehot(y)) / N.",
    hints={
        "warning": "exp of a large logit overflows (exp(1000) is inf), and log(0) is -inf. "
                   "Subtract each row's maximum before exp (it cancels in the softmax), and "
                   "compute the log-probabilities as shifted - log(sum(exp(shifted))) instead "
                   "of log(softmax).",
        "mutation": "Do not change `logits` in place (logits -= ...): compute "
                    "shifted = logits - logits.max(axis=1, keepdims=True) as a new array.",
        "exception": "logits is (N, C) and y holds N integer labels. Row-wise reductions "
                     "need keepdims=True to broadcast back against logits: "
                     "logits.max(axis=1, keepdims=True) has shape (N, 1), while without it "
                     "(N,) does not broadcast against (N, C). Pick the true class's entry of "
                     "each row with logp[np.arange(N), y].",
    },
    extra_checks=(_sce_gradcheck,),
)
