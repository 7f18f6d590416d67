"""Loss functions: each returns the mean loss and, where used for training,
its gradient with respect to the predictions or logits.
"""

from __future__ import annotations

import numpy as np

from course_lib.activations import log_softmax, sigmoid
from course_lib.validation import as_array, as_labels


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over all entries, and its gradient.

    Parameters
    ----------
    pred : array_like, shape (N,) or (N, M)
        Predictions.
    target : array_like, same shape as ``pred``
        Targets.

    Returns
    -------
    loss : float
    dpred : numpy.ndarray, same shape as ``pred``

    Notes
    -----
    With K the number of entries of ``pred``:
    :math:`L = \\frac{1}{K} \\sum (\\hat y - y)^2` and
    :math:`\\partial L / \\partial \\hat y = \\frac{2}{K} (\\hat y - y)`.
    (Some texts use half the mean over examples of the summed squares; that
    differs only by a constant factor.)

    Examples
    --------
    >>> loss, dpred = mse(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    >>> float(loss), dpred
    (5.0, array([1., 3.]))

    Taught in chapter 2, section 'Loss functions'.
    """
    pred = as_array(pred, "pred", ndim=(1, 2))
    target = as_array(target, "target", ndim=(1, 2))
    if target.shape != pred.shape:
        raise ValueError(
            f"target must have the shape of pred {pred.shape}, got {target.shape}"
        )
    if pred.size == 0:
        raise ValueError(f"pred must not be empty, got shape {pred.shape}")
    diff = pred - target
    return float(np.mean(diff**2)), (2 / diff.size) * diff


def _check_logits_and_labels(logits: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    logits = as_array(logits, "logits", ndim=2)
    if logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"logits must have at least one example and one class, got {logits.shape}")
    y = as_labels(y, "y", n=logits.shape[0], num_classes=logits.shape[1])
    return logits, y


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of integer labels under the softmax of ``logits``.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Unnormalised class scores.
    y : array_like of int, shape (N,)
        True classes in [0, C).

    Returns
    -------
    float
        Mean over the batch of :math:`-\\log \\mathrm{softmax}(z_n)_{y_n}`.

    Notes
    -----
    Computed with ``log_softmax`` rather than ``log(softmax(z))``, so a
    confident wrong answer gives a large but finite loss instead of ``inf``.

    Examples
    --------
    >>> round(cross_entropy(np.zeros((2, 4)), np.array([0, 3])), 4)  # log 4
    1.3863

    Taught in chapter 2, section 'Loss functions'.
    """
    logits, y = _check_logits_and_labels(logits, y)
    logp = log_softmax.unchecked(logits)  # logits were checked above
    return float(-np.mean(logp[np.arange(len(y)), y]))


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient with respect to the logits.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    y : array_like of int, shape (N,)

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray, shape (N, C)

    Notes
    -----
    :math:`\\partial L / \\partial z_{nc} = (\\mathrm{softmax}(z_n)_c - [c = y_n]) / N`:
    predicted probabilities minus the one-hot target, divided by the batch size
    because the loss is a mean.

    Taught in chapter 3, section 'Softmax and cross-entropy together'.
    """
    logits, y = _check_logits_and_labels(logits, y)
    n = len(y)
    logp = log_softmax.unchecked(logits)  # logits were checked above
    loss = float(-np.mean(logp[np.arange(n), y]))
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1
    return loss, dlogits / n


def binary_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy from logits, and its gradient.

    Parameters
    ----------
    logits : array_like, shape (N,)
        One score per example; :math:`\\sigma(z)` is the probability of class 1.
    y : array_like, shape (N,)
        Targets in [0, 1] (usually 0 or 1).

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray, shape (N,)

    Notes
    -----
    :math:`L = \\frac1N \\sum \\max(z, 0) - z y + \\log(1 + e^{-|z|})`, the
    stable form of :math:`-y \\log \\sigma(z) - (1-y) \\log(1-\\sigma(z))`;
    :math:`\\partial L / \\partial z = (\\sigma(z) - y) / N`.

    Examples
    --------
    >>> loss, _ = binary_cross_entropy(np.array([0.0]), np.array([1.0]))
    >>> round(loss, 4)  # log 2
    0.6931

    Taught in chapter 2, section 'Loss functions'.
    """
    logits = as_array(logits, "logits", ndim=1)
    y = as_array(y, "y", ndim=1)
    if y.shape != logits.shape:
        raise ValueError(f"y must have the shape of logits {logits.shape}, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"y must lie in [0, 1], got values from {y.min()} to {y.max()}")
    n = logits.shape[0]
    if n == 0:
        raise ValueError("logits must hold at least one example, got shape (0,)")
    per_example = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return float(np.mean(per_example)), (sigmoid.unchecked(logits) - y) / n
