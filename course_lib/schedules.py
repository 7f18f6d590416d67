"""Learning-rate schedules: functions that map a step number to a learning rate.

Each factory returns a callable ``schedule(step) -> lr`` with ``step``
counting from 0. :func:`course_lib.train.fit` calls it once per epoch and
sets ``optimizer.lr``; a hand-written loop may call it per mini-batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from course_lib.validation import check_positive, check_probability, describe

__all__ = ["constant", "step_decay", "cosine", "linear_warmup"]

Schedule = Callable[[int], float]


def _step(step: object) -> int:
    return check_positive(step, "step", allow_zero=True, integer=True)


def constant(lr: float) -> Schedule:
    """The same learning rate at every step.

    >>> constant(0.1)(7)
    0.1

    Taught in chapter 4, section 'Learning-rate schedules and warm-up'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)

    def schedule(step: int) -> float:
        _step(step)
        return lr

    return schedule


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    Notes
    -----
    .. math:: \\eta_t = \\eta_0 \\, \\gamma^{\\lfloor t / \\text{step\\_size} \\rfloor}

    Examples
    --------
    >>> s = step_decay(1.0, step_size=2, gamma=0.5)
    >>> [s(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]

    Taught in chapter 4, section 'Learning-rate schedules and warm-up'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    step_size = check_positive(step_size, "step_size", integer=True)
    gamma = check_probability(gamma, "gamma", upper_inclusive=True)

    def schedule(step: int) -> float:
        return lr * gamma ** (_step(step) // step_size)

    return schedule


def cosine(lr: float, total_steps: int, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing from ``lr`` at step 0 to ``min_lr`` at ``total_steps``.

    After ``total_steps`` the rate stays at ``min_lr``.

    Notes
    -----
    .. math:: \\eta_t = \\eta_{\\min} + \\tfrac12 (\\eta_0 - \\eta_{\\min})
              \\left(1 + \\cos\\left(\\pi \\min(t, T) / T\\right)\\right)

    Examples
    --------
    >>> s = cosine(1.0, total_steps=4)
    >>> [round(s(t), 3) for t in range(6)]
    [1.0, 0.854, 0.5, 0.146, 0.0, 0.0]

    Taught in chapter 4, section 'Learning-rate schedules and warm-up'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    total_steps = check_positive(total_steps, "total_steps", integer=True)
    min_lr = check_positive(min_lr, "min_lr", allow_zero=True)
    if min_lr > lr:
        raise ValueError(f"min_lr must be <= lr={lr}, got {min_lr}")

    def schedule(step: int) -> float:
        progress = min(_step(step), total_steps) / total_steps
        return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * progress))

    return schedule


def linear_warmup(schedule: Schedule, warmup_steps: int) -> Schedule:
    """Ramp the learning rate of ``schedule`` up linearly over the first steps.

    Notes
    -----
    .. math:: \\eta_t = \\text{schedule}(t) \\cdot \\min\\left(1, \\frac{t + 1}{W}\\right)

    with ``W = warmup_steps``; ``warmup_steps=0`` returns ``schedule``'s rates
    unchanged. The step is not shifted, so a cosine schedule still ends at
    its own ``total_steps``.

    Examples
    --------
    >>> s = linear_warmup(constant(1.0), warmup_steps=4)
    >>> [s(t) for t in range(6)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]

    Taught in chapter 4, section 'Learning-rate schedules and warm-up'.
    """
    if not callable(schedule):
        raise TypeError(
            f"schedule must be a callable step -> learning rate, got {describe(schedule)}"
        )
    warmup_steps = check_positive(warmup_steps, "warmup_steps", allow_zero=True, integer=True)

    def warmed(step: int) -> float:
        step = _step(step)
        if step >= warmup_steps:
            return schedule(step)
        return schedule(step) * (step + 1) / warmup_steps

    return warmed
