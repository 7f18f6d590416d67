"""Synthetic data sets in the plane (and one curve), made from an explicit ``rng``.

Each returns ``(x, y)`` with ``x`` float64 of shape (N, D) and ``y`` int64
labels of shape (N,), or float64 targets of shape (N, 1) for regression.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import check_positive, check_probability, check_rng

__all__ = ["spirals", "moons", "circles", "regression_1d"]


def spirals(n_per_class: int, rng: np.random.Generator, classes: int = 2,
            noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, in the plane.

    Returns
    -------
    x : ndarray, shape (classes * n_per_class, 2), float64
    y : ndarray, shape (classes * n_per_class,), int64

    Notes
    -----
    Arm :math:`k` has radius :math:`r \\in [0.05, 1]` and angle
    :math:`\\theta = 3\\pi r + 2\\pi k / K + \\text{noise}\\cdot\\varepsilon`,
    :math:`\\varepsilon \\sim N(0, 1)`; no straight line separates the arms.

    Taught in chapter 2, section 'Stacking layers into an MLP'.
    """
    n = check_positive(n_per_class, "n_per_class", integer=True)
    rng = check_rng(rng)
    classes = check_positive(classes, "classes", integer=True)
    if classes < 2:
        raise ValueError(f"classes must be >= 2, got {classes}")
    noise = check_positive(noise, "noise", allow_zero=True)
    r = np.tile(np.linspace(0.05, 1.0, n), classes)
    y = np.repeat(np.arange(classes, dtype=np.int64), n)
    theta = 3 * np.pi * r + 2 * np.pi * y / classes + noise * rng.standard_normal(r.size)
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)]), y


def moons(n: int, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (like scikit-learn's ``make_moons``).

    Returns ``x`` (n, 2) float64 and ``y`` (n,) int64; ``n // 2`` examples in class 0.

    Taught in chapter 5, section 'Overfitting, shown'.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    x = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return x + noise * rng.standard_normal(x.shape), y


def circles(n: int, rng: np.random.Generator, noise: float = 0.05,
            factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1, radius ``factor``) inside a unit circle (class 0).

    Returns ``x`` (n, 2) float64 and ``y`` (n,) int64. Not used in the chapters: a
    further data set on which one neuron fails and two layers succeed, for your own
    experiments.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_probability(factor, "factor")
    n0 = n // 2
    radius = np.repeat([1.0, factor], [n0, n - n0])
    t = np.concatenate([np.linspace(0, 2 * np.pi, n0, endpoint=False),
                        np.linspace(0, 2 * np.pi, n - n0, endpoint=False)])
    x = radius[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return x + noise * rng.standard_normal(x.shape), y


def regression_1d(n: int, rng: np.random.Generator,
                  noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a smooth curve, :math:`y = \\sin(3x) + 0.5x + \\text{noise}\\,\\varepsilon`.

    Returns ``x`` (n, 1) float64, sorted, uniform in [-1.5, 1.5], and ``y`` (n, 1) float64.

    Taught in chapter 2, section 'Loss functions'.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    x = np.sort(rng.uniform(-1.5, 1.5, size=(n, 1)), axis=0)
    return x, np.sin(3 * x) + 0.5 * x + noise * rng.standard_normal((n, 1))
