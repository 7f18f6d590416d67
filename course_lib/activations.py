"""Activation functions and their forward/backward pairs.

Elementwise nonlinearities (sigmoid, ReLU, tanh, leaky ReLU), the row-wise
softmax and log-softmax, and for each elementwise activation a
``*_forward(x) -> (out, cache)`` / ``*_backward(dout, cache) -> dx`` pair.
Floating inputs keep their dtype (float32 stays float32); everything else
becomes float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, check_positive, checked

# Argument checks, kept apart from the math by ``@checked``: each takes the
# arguments and returns them converted. ``f.unchecked`` is the math alone.


def _check_array(name: str) -> Callable:
    """The check of a function of one array argument called ``name``."""
    def check(value: object) -> tuple[np.ndarray]:
        return (as_array(value, name),)
    return check


def _check_slope(name: str) -> Callable:
    """The check of ``f(<name>, slope=0.01)``, the leaky ReLU's arguments."""
    def check(value: object, slope: object = 0.01) -> tuple[np.ndarray, float]:
        return as_array(value, name), check_positive(slope, "slope", allow_zero=True)
    return check


def _check_logits(z: object) -> tuple[np.ndarray]:
    return (as_array(z, "z", ndim=2),)


@checked(_check_array("z"))
def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, computed without overflow for large ``abs(z)``.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray, same shape as ``z``
        Values in [0, 1].

    Notes
    -----
    :math:`\\sigma(z) = 1 / (1 + e^{-z})`. For negative ``z`` the equal form
    :math:`e^{z} / (1 + e^{z})` is used, so ``exp`` only ever sees
    non-positive numbers and cannot overflow.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])

    Taught in chapter 1, section 'Activation functions'.
    """
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@checked(_check_array("z"))
def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``max(0, z)`` elementwise.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape as ``z``

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])

    Taught in chapter 1, section 'Activation functions'.
    """
    return np.maximum(z, 0)


@checked(_check_array("z"))
def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent elementwise, values in [-1, 1].

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape as ``z``

    Taught in chapter 1, section 'Activation functions'.
    """
    return np.tanh(z)


@checked(_check_slope("z"))
def leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU: ``z`` where positive, ``slope * z`` elsewhere.

    Parameters
    ----------
    z : array_like, any shape
    slope : float, >= 0
        Gradient for negative inputs.

    Returns
    -------
    numpy.ndarray, same shape as ``z``

    Examples
    --------
    >>> leaky_relu(np.array([-100.0, 2.0]), slope=0.1)
    array([-10.,   2.])

    Taught in chapter 1, section 'Activation functions'.
    """
    return np.where(z > 0, z, slope * z)


@checked(_check_logits)
def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits, stable for large values.

    Parameters
    ----------
    z : array_like, shape (N, C)
        One row of C logits per example.

    Returns
    -------
    numpy.ndarray, shape (N, C)
        Non-negative; each row sums to 1.

    Notes
    -----
    :math:`\\mathrm{softmax}(z)_{ic} = e^{z_{ic} - m_i} / \\sum_k e^{z_{ik} - m_i}`
    with :math:`m_i = \\max_k z_{ik}`. Subtracting the row maximum changes
    nothing mathematically and keeps every exponent <= 0 (the log-sum-exp trick).

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 1000.0]]))
    array([[0.5, 0.5],
           [0.5, 0.5]])

    Taught in chapter 2, section 'Softmax and the log-sum-exp trick'.
    """
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@checked(_check_logits)
def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log of the softmax, computed without taking ``log(0)``.

    Parameters
    ----------
    z : array_like, shape (N, C)

    Returns
    -------
    numpy.ndarray, shape (N, C)
        Non-positive; ``exp`` of each row sums to 1.

    Notes
    -----
    :math:`\\log \\mathrm{softmax}(z)_{ic} = (z_{ic} - m_i) - \\log \\sum_k e^{z_{ik} - m_i}`.

    Examples
    --------
    >>> log_softmax(np.array([[0.0, 1000.0]]))
    array([[-1000.,     0.]])

    Taught in chapter 2, section 'Softmax and the log-sum-exp trick'.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# --------------------------------------------------------------------------
# Forward/backward pairs
# --------------------------------------------------------------------------


class SigmoidCache(NamedTuple):
    """What ``sigmoid_backward`` needs: the forward output ``out``."""

    out: np.ndarray


class ReluCache(NamedTuple):
    """What ``relu_backward`` needs: the forward input ``x``."""

    x: np.ndarray


class TanhCache(NamedTuple):
    """What ``tanh_backward`` needs: the forward output ``out``."""

    out: np.ndarray


class LeakyReluCache(NamedTuple):
    """What ``leaky_relu_backward`` needs: the input ``x`` and the ``slope``."""

    x: np.ndarray
    slope: float


def _check_backward(kind: type, field: str) -> Callable:
    """The check of ``*_backward(dout, cache)``: ``cache`` must be a ``kind`` and
    ``dout`` have the shape of ``cache.<field>``."""
    def check(dout: object, cache: object) -> tuple[np.ndarray, object]:
        if not isinstance(cache, kind):
            raise TypeError(f"cache must be the {kind.__name__} returned by the forward "
                            f"function, got {type(cache).__name__}")
        dout, like = as_array(dout, "dout"), getattr(cache, field)
        if dout.shape != like.shape:
            raise ValueError(f"dout must have the shape of the forward output {like.shape}, "
                             f"got {dout.shape}")
        return dout, cache
    return check


@checked(_check_array("x"))
def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, SigmoidCache]:
    """Sigmoid that also returns what its backward pass needs.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    out : numpy.ndarray, same shape as ``x``
    cache : SigmoidCache

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    out = sigmoid.unchecked(x)
    return out, SigmoidCache(out)


@checked(_check_backward(SigmoidCache, "out"))
def sigmoid_backward(dout: np.ndarray, cache: SigmoidCache) -> np.ndarray:
    """Gradient of the loss with respect to the sigmoid's input.

    Parameters
    ----------
    dout : array_like, same shape as the forward output
        Upstream gradient.
    cache : SigmoidCache
        From ``sigmoid_forward``.

    Returns
    -------
    dx : numpy.ndarray, same shape as ``dout``

    Notes
    -----
    :math:`\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))`, so ``dx = dout * out * (1 - out)``.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return dout * cache.out * (1 - cache.out)


@checked(_check_array("x"))
def relu_forward(x: np.ndarray) -> tuple[np.ndarray, ReluCache]:
    """ReLU that also returns what its backward pass needs.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    out : numpy.ndarray, same shape as ``x``
    cache : ReluCache
        Holds the input ``x``.

    Examples
    --------
    >>> out, cache = relu_forward(np.array([[-1.0, 2.0]]))
    >>> out
    array([[0., 2.]])

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return relu.unchecked(x), ReluCache(x)


@checked(_check_backward(ReluCache, "x"))
def relu_backward(dout: np.ndarray, cache: ReluCache) -> np.ndarray:
    """Gradient of the loss with respect to the ReLU's input.

    Parameters
    ----------
    dout : array_like, same shape as ``cache.x``
    cache : ReluCache
        From ``relu_forward``.

    Returns
    -------
    dx : numpy.ndarray, same shape as ``dout``

    Notes
    -----
    ``dx = dout * (x > 0)``: the gradient passes where the input was positive
    and is zero elsewhere (we take the derivative at 0 to be 0).

    Examples
    --------
    >>> _, cache = relu_forward(np.array([[-1.0, 2.0]]))
    >>> relu_backward(np.array([[5.0, 5.0]]), cache)
    array([[0., 5.]])

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return dout * (cache.x > 0)


@checked(_check_array("x"))
def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, TanhCache]:
    """Tanh that also returns what its backward pass needs, like ``sigmoid_forward``.

    Returns ``(out, TanhCache(out))``, ``out`` of the shape of ``x``.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    out = np.tanh(x)
    return out, TanhCache(out)


@checked(_check_backward(TanhCache, "out"))
def tanh_backward(dout: np.ndarray, cache: TanhCache) -> np.ndarray:
    """Gradient of the loss with respect to the tanh's input, like ``sigmoid_backward``.

    :math:`\\tanh'(x) = 1 - \\tanh(x)^2`, so ``dx = dout * (1 - out**2)``.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return dout * (1 - cache.out**2)


@checked(_check_slope("x"))
def leaky_relu_forward(x: np.ndarray, slope: float = 0.01) -> tuple[np.ndarray, LeakyReluCache]:
    """Leaky ReLU that also returns what its backward pass needs.

    Returns ``(out, LeakyReluCache(x, slope))``, ``out`` of the shape of ``x``.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return leaky_relu.unchecked(x, slope), LeakyReluCache(x, float(slope))


@checked(_check_backward(LeakyReluCache, "x"))
def leaky_relu_backward(dout: np.ndarray, cache: LeakyReluCache) -> np.ndarray:
    """Gradient of the loss with respect to the leaky ReLU's input.

    Parameters
    ----------
    dout : array_like, same shape as ``cache.x``
    cache : LeakyReluCache

    Returns
    -------
    dx : numpy.ndarray, same shape as ``dout``

    Notes
    -----
    ``dx = dout`` where ``x > 0`` and ``slope * dout`` elsewhere.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    return np.where(cache.x > 0, dout, cache.slope * dout)
