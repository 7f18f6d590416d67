"""Chapter 7 checks: batchnorm_backward.

Compared with ``normalization.batchnorm_backward`` on seeded caches, then
gradient-checked against central differences of ``batchnorm_forward`` with
``gradient.check_answer_backward``. The wrong answers are one parameterised
function, ``_backward``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import normalization
from course_lib.exercises.compare import compare_arrays, compare_tuple
from course_lib.exercises.gradient import check_answer_backward
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake

# --------------------------------------------------------------------------- batchnorm_backward


def _backward(dout, cache, *, mean_term=True, var_term=True, axis=0, reduce="sum",
              unsummed=(), gamma_in_dx=True, swap=False):
    """The batch-norm backward pass, with one mistake chosen."""
    x_hat, gamma, std = cache
    g = dout * gamma if gamma_in_dx else dout
    dx = g.copy()
    if mean_term:
        dx = dx - g.mean(axis=axis, keepdims=True)
    if var_term:
        dx = dx - x_hat * (g * x_hat).mean(axis=axis, keepdims=True)
    dx = dx / std
    total = {"sum": np.sum, "mean": np.mean}[reduce]
    dgamma = dout * x_hat if "dgamma" in unsummed else total(dout * x_hat, axis=0)
    dbeta = dout.copy() if "dbeta" in unsummed else total(dout, axis=0)
    return (dx, dbeta, dgamma) if swap else (dx, dgamma, dbeta)


BACKWARD_MISTAKES = (
    Mistake("terms through the mean and variance dropped",
            lambda d, c: _backward(d, c, mean_term=False, var_term=False),
            "Your dx is dout * gamma / std, as if the mean and the variance were constants. "
            "They are computed from every example of the batch, so each x also moves the "
            "output through them: dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))"
            " / std, with g = dout * gamma."),
    Mistake("term through the variance dropped",
            lambda d, c: _backward(d, c, var_term=False),
            "You kept the path through the mean but dropped the one through the variance: "
            "subtract x_hat * (g * x_hat).mean(axis=0) too."),
    Mistake("term through the mean dropped",
            lambda d, c: _backward(d, c, mean_term=False),
            "You kept the path through the variance but dropped the one through the mean: "
            "subtract g.mean(axis=0) too."),
    *(Mistake(f"{which} not summed",
              lambda d, c, which=which: _backward(d, c, unsummed=which.split(" and ")),
              "gamma and beta are shared by every example of the batch, so their gradients "
              "add the examples' contributions: dgamma = (dout * x_hat).sum(axis=0), "
              "dbeta = dout.sum(axis=0), both of shape (D,).")
      for which in ("dgamma and dbeta", "dgamma", "dbeta")),
    Mistake("dgamma and dbeta averaged", lambda d, c: _backward(d, c, reduce="mean"),
            "Sum dgamma and dbeta over the batch, do not average: the 1/N of the mean loss "
            "is already inside dout."),
    Mistake("dgamma and dbeta swapped", lambda d, c: _backward(d, c, swap=True),
            "The order is (dx, dgamma, dbeta); dgamma = (dout * x_hat).sum(axis=0) and "
            "dbeta = dout.sum(axis=0)."),
    Mistake("gamma forgotten in dx", lambda d, c: _backward(d, c, gamma_in_dx=False),
            "out = gamma * x_hat + beta, so the gradient reaching x_hat is dout * gamma: "
            "use g = dout * gamma in dx."),
    Mistake("means over the features", lambda d, c: _backward(d, c, axis=1),
            "The mean and variance were taken over the batch (axis=0), so the means in dx "
            "are over axis=0 too."),
    Mistake("multiplied by std", lambda d, c: tuple(
                [_backward(d, c)[0] * c.std ** 2, *_backward(d, c)[1:]]),
            "Divide by std (cache.std is sqrt(var + eps)), do not multiply by it."),
)


# --------------------------------------------------------------------------- batchnorm_backward


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(711)

    def case(label: str, x: np.ndarray, dout_scale: float = 1.0) -> Case:
        d = x.shape[1]
        _, cache = normalization.batchnorm_forward(x, rng.uniform(0.5, 2.0, d),
                                                   rng.normal(size=d))
        return Case(label, (rng.normal(0, dout_scale, size=x.shape), cache))

    constant = rng.normal(1.0, 2.0, size=(5, 3))
    constant[:, 2] = -4.0
    return [
        case("a 6x4 batch", rng.normal(2.0, 3.0, size=(6, 4))),
        case("another 6x4 batch with different values", rng.normal(-1.0, 0.5, size=(6, 4))),
        case("a square 5x5 batch", rng.normal(size=(5, 5))),
        case("a 3x7 batch", rng.normal(0.0, 2.0, size=(3, 7))),
        case("a feature constant over the batch (5x3, feature 2)", constant),
        case("large upstream gradients (dout around 1e4), 4x3", rng.normal(size=(4, 3)), 1e4),
        case("a batch of one example (1, 4)", rng.normal(size=(1, 4))),
    ]


def _batchnorm_gradcheck(answer: Any) -> None:
    """Central differences of the reference forward pass against the answer's gradients."""
    rng = np.random.default_rng(719)
    inputs = {"x": rng.normal(1.0, 2.0, size=(5, 3)), "gamma": rng.uniform(0.5, 2.0, 3),
              "beta": rng.normal(size=3)}
    # seed 720 draws a dout for which no entry of dx is near 0, where the
    # entrywise relative error would measure rounding (seed 719 gives 1e-2)
    check_answer_backward(answer, normalization.batchnorm_forward, inputs, seed=720,
                          label="a 5x3 batch (x, gamma and beta)",
                          hint="With g = dout * gamma: dx = (g - g.mean(axis=0) - x_hat * "
                               "(g * x_hat).mean(axis=0)) / std.")


_batchnorm_gradcheck.label = "the numerical gradient check"

BATCHNORM_BACKWARD = FunctionExercise(
    name="batchnorm_backward", chapter=7,
    reference=normalization.batchnorm_backward,
    cases=_backward_cases,
    compare=compare_tuple(("dx", "dgamma", "dbeta"), [compare_arrays] * 3),
    mistakes=BACKWARD_MISTAKES,
    mistake_match="parts",
    fresh_outputs=lambda r: list(zip(("`dx`", "`dgamma`", "`dbeta`"), r))
    if isinstance(r, (tuple, list)) else [],
    extra_checks=(_batchnorm_gradcheck,),
    hint="With g = dout * gamma: dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))"
         " / std, dgamma = (dout * x_hat).sum(axis=0), dbeta = dout.sum(axis=0).",
    hints={
        "exception": "cache is a BatchNormCache: x_hat, gamma, std = cache, with x_hat (N, D) "
                     "and gamma, std (D,). dout has x_hat's shape.",
        "mutation": "Build new arrays; do not change dout or the cache in place.",
        "view": "Return new arrays: dbeta = dout.sum(axis=0) is one; dout itself is not.",
    },
)

