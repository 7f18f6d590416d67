"""Preparing a data set for training: splits, scaling, one-hot labels, mini-batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, as_labels, check_positive, check_probability, check_rng

__all__ = ["Split", "train_val_test_split", "Standardizer", "minibatches", "one_hot"]


class Split(NamedTuple):
    """Train, validation and test sets, each an ``(x, y)`` pair."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def _xy(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    x = as_array(x, "x", ndim=2)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"y must have one entry per row of x ({x.shape[0]}), got shape {y.shape}")
    return x, y


def train_val_test_split(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
                         val_fraction: float = 0.2, test_fraction: float = 0.2,
                         stratify: bool = True) -> Split:
    """Shuffle and split ``(x, y)`` into train, validation and test sets.

    With ``stratify`` (``y`` must then be class labels) each class is split
    in the same proportions, so every set has about the class balance of
    the whole.

    Examples
    --------
    >>> x, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    >>> s = train_val_test_split(x, y, np.random.default_rng(0))
    >>> [len(part[0]) for part in s]
    [6, 2, 2]

    Taught in chapter 6, section 'Training, validation and test sets'.
    """
    x, y = _xy(x, y)
    rng = check_rng(rng)
    val_fraction = check_probability(val_fraction, "val_fraction")
    test_fraction = check_probability(test_fraction, "test_fraction")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError("val_fraction + test_fraction must be < 1, got "
                         f"{val_fraction} + {test_fraction}")
    if stratify:
        groups = [np.flatnonzero(y == c) for c in np.unique(as_labels(y, "y"))]
    else:
        groups = [np.arange(len(y))]
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        n_test, n_val = round(test_fraction * len(idx)), round(val_fraction * len(idx))
        cuts = [len(idx) - n_val - n_test, len(idx) - n_test]
        for part, chunk in zip(parts, np.split(idx, cuts)):
            part.append(chunk)
    order = [rng.permutation(np.concatenate(p)) for p in parts]
    return Split(*((x[i], y[i]) for i in order))


class Standardizer:
    """Scale each feature to mean 0 and standard deviation 1, using training statistics.

    Parameters
    ----------
    min_std : float
        Floor on each feature's standard deviation, ``>= 0``. A feature that
        is almost constant in the training set (a border pixel that is dark
        in all but one image) has a tiny std, and dividing by it turns a
        new example's small deviation into a huge input; the floor caps
        that amplification at ``1 / min_std``. Features with standard
        deviation 0 are only centred (their std is taken as 1) when
        ``min_std`` is 0.

    Examples
    --------
    >>> s = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    >>> s.transform(np.array([[1.0, 6.0]]))
    array([[0., 1.]])
    >>> s = Standardizer(min_std=0.5).fit(np.array([[0.0, 5.0], [0.2, 5.0]]))
    >>> s.transform(np.array([[1.1, 6.0]]))
    array([[2., 2.]])

    Taught in chapter 6, section 'Preprocessing'.
    """

    def __init__(self, min_std: float = 0.0) -> None:
        self.min_std = check_positive(min_std, "min_std", allow_zero=True)
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, x: np.ndarray) -> Standardizer:
        """Learn per-feature mean and std from ``x`` (N, D); returns ``self``."""
        x = as_array(x, "x", ndim=2)
        self.mean = x.mean(axis=0)
        std = np.maximum(x.std(axis=0), self.min_std)
        self.std = np.where(std == 0, 1.0, std).astype(x.dtype)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Return ``(x - mean) / std`` as a new array, shape (N, D)."""
        if self.mean is None:
            raise RuntimeError("Standardizer.transform called before fit(x_train)")
        x = as_array(x, "x", ndim=2)
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"x must have {self.mean.shape[0]} columns (as in fit), got {x.shape[1]}"
            )
        return (x - self.mean) / self.std

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)


def minibatches(x: np.ndarray, y: np.ndarray, batch_size: int,
                rng: np.random.Generator | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(xb, yb)`` mini-batches covering every example exactly once.

    One permutation shuffles ``x`` and ``y`` together (``rng=None``: keep the
    order). Batches have ``batch_size`` rows, the last one possibly fewer.

    Examples
    --------
    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(x, y, 2, rng=None)]
    [[0, 1], [2, 3], [4]]

    Taught in chapter 4, section 'Batch, stochastic and mini-batch descent'.
    """
    x = as_array(x, "x", finite=False)
    y = np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of rows, got shapes {x.shape} "
                         f"and {y.shape}")
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    if rng is not None:
        check_rng(rng)
    return _batches(x, y, batch_size, rng)


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int,
             rng: np.random.Generator | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    n = x.shape[0]
    order = np.arange(n) if rng is None else rng.permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def one_hot(y: np.ndarray, num_classes: int) -> np.ndarray:
    """One-hot encode labels ``y`` (N,) into a float64 array (N, C).

    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])

    Taught in chapter 2, section 'Loss functions'.
    """
    num_classes = check_positive(num_classes, "num_classes", integer=True)
    y = as_labels(y, "y", num_classes=num_classes)
    out = np.zeros((y.size, num_classes))
    out[np.arange(y.size), y] = 1.0
    return out
