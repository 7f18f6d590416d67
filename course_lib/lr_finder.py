"""The learning-rate range test: one short run with a growing learning rate.

Starting from a tiny rate, every mini-batch step multiplies the learning
rate by the same factor, and the loss of each step is recorded. The loss
first barely moves (the rate is too small), then falls quickly, then blows
up (too large). A good rate lies in the falling part, below the rate where
the loss was lowest (Smith, 2017).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from course_lib.datasets.prepare import minibatches
from course_lib.optim import SGD
from course_lib.validation import (
    as_array,
    check_positive,
    check_probability,
    check_rng,
    describe,
)


class RangeTest(NamedTuple):
    """The result of ``lr_range_test``.

    ``lrs`` and ``losses`` (the mini-batch loss at each step) and
    ``smoothed`` (their exponential moving average) have one entry per step
    taken; ``suggested_lr`` is a tenth of the rate with the lowest smoothed
    loss.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float


def _check_range(lr_min: float, lr_max: float, steps: int) -> tuple[float, float, int]:
    lr_min = check_positive(lr_min, "lr_min")
    lr_max = check_positive(lr_max, "lr_max")
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be larger than lr_min={lr_min}, got {lr_max}")
    return lr_min, lr_max, check_positive(steps, "steps", integer=True)


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator):
    """Mini-batches without end: a new shuffled epoch whenever one runs out."""
    while True:
        yield from minibatches(x, y, batch_size, rng)


def lr_range_test(model, loss_fn: Callable, train: tuple, *, rng: np.random.Generator,
                  make_optimizer: Callable | None = None, lr_min: float = 1e-5,
                  lr_max: float = 10.0, steps: int = 100, batch_size: int = 32,
                  smoothing: float = 0.9, diverge: float = 4.0) -> RangeTest:
    """Train a copy of ``model`` with an exponentially growing learning rate.

    Parameters
    ----------
    model : Module
        Copied (``copy.deepcopy``) before the test, so it is not changed.
    loss_fn : callable
        ``loss_fn(outputs, y) -> (loss, doutputs)``.
    train : (x, y)
        ``x`` (N, D) and its targets; batches cycle through it.
    rng : numpy.random.Generator
        Shuffles the batches.
    make_optimizer : callable, optional
        ``make_optimizer(parameters) -> Optimizer``; plain ``optim.SGD`` by default.
        Its ``lr`` is overwritten at every step.
    lr_min, lr_max : float, > 0
        The first and the last learning rate.
    steps : int
        Steps from ``lr_min`` to ``lr_max``; the rate grows by
        :math:`(lr_{max} / lr_{min})^{1/(steps-1)}` per step.
    batch_size : int
    smoothing : float in [0, 1)
        Weight of the past in the moving average of the loss.
    diverge : float, > 1
        Stop once the smoothed loss exceeds ``diverge`` times its minimum, or
        as soon as the outputs stop being finite.

    Returns
    -------
    RangeTest
        ``(lrs, losses, smoothed, suggested_lr)``, one entry per step taken.

    Notes
    -----
    The smoothed loss is the bias-corrected average
    :math:`\\bar\\ell_t = \\frac{(1-\\beta)\\sum_{s \\le t} \\beta^{t-s}\\ell_s}{1-\\beta^t}`.
    The suggested rate, a tenth of the rate where :math:`\\bar\\ell` is lowest,
    is a starting point for a run at a constant rate, not a guarantee.

    Taught in chapter 7, section 'Choosing the learning rate: the range test'.
    """
    if not isinstance(train, (tuple, list)) or len(train) != 2:
        raise TypeError(f"train must be a pair (x, y), got {describe(train)}")
    x = as_array(train[0], "train[0] (x)", ndim=2)
    y = np.asarray(train[1])
    rng = check_rng(rng)
    lr_min, lr_max, steps = _check_range(lr_min, lr_max, steps)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    smoothing = check_probability(smoothing, "smoothing")
    if check_positive(diverge, "diverge") <= 1:
        raise ValueError(f"diverge must be > 1 (a factor above the lowest loss), got {diverge}")
    model = copy.deepcopy(model)
    params = model.parameters()
    optimizer = SGD(params, lr=lr_min) if make_optimizer is None else make_optimizer(params)
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / max(steps - 1, 1))
    losses, smoothed, average = [], [], 0.0
    model.train()
    with np.errstate(all="ignore"):  # the test drives the model to overflow on purpose
        for t, (lr, (xb, yb)) in enumerate(zip(lrs, _batches(x, y, batch_size, rng)), 1):
            optimizer.lr = float(lr)
            optimizer.zero_grad()
            out = model.forward(xb)
            if not np.all(np.isfinite(out)):
                break
            loss, dout = loss_fn(out, yb)
            losses.append(float(loss))
            average = smoothing * average + (1 - smoothing) * float(loss)
            smoothed.append(average / (1 - smoothing ** t))
            if smoothed[-1] > diverge * min(smoothed) or not np.isfinite(smoothed[-1]):
                break
            model.backward(dout)
            optimizer.step()
    if not losses:
        raise ValueError(f"the model's outputs were not finite even at lr_min={lr_min}")
    smoothed_arr = np.array(smoothed)
    best = int(np.argmin(smoothed_arr))
    return RangeTest(lrs[:len(losses)], np.array(losses), smoothed_arr, float(lrs[best] / 10))
