"""Activation functions and their forward/backward pairs.

Elementwise nonlinearities (sigmoid, ReLU, tanh, leaky ReLU), the row-wise
softmax and log-softmax, and for each elementwise activation a
``*_forward(x) -> (out, cache)`` / ``*_backward(dout, cache) -> dx`` pair.
Floating inputs keep their dtype (float32 stays float32); everything else
becomes float64.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, check_positive


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
    return _sigmoid(as_array(z, "z"))


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
    return _relu(as_array(z, "z"))


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
    return np.tanh(as_array(z, "z"))


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
    z = as_array(z, "z")
    return _leaky_relu(z, check_positive(slope, "slope", allow_zero=True))


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
    z = as_array(z, "z", ndim=2)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


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
    return _log_softmax(as_array(z, "z", ndim=2))


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


def _check_dout(dout: object, like: np.ndarray) -> np.ndarray:
    dout = as_array(dout, "dout")
    _check_dout_shape(dout, like)
    return dout


def _check_dout_shape(dout: np.ndarray, like: np.ndarray) -> None:
    if dout.shape != like.shape:
        raise ValueError(
            f"dout must have the shape of the forward output {like.shape}, got {dout.shape}"
        )


def _check_cache(cache: object, kind: type) -> None:
    if not isinstance(cache, kind):
        raise TypeError(
            f"cache must be the {kind.__name__} returned by the forward function, "
            f"got {type(cache).__name__}"
        )


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
    out = sigmoid(x)
    return out, SigmoidCache(out)


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
    _check_cache(cache, SigmoidCache)
    return _sigmoid_backward(_check_dout(dout, cache.out), cache)


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
    return _relu_forward(as_array(x, "x"))


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
    _check_cache(cache, ReluCache)
    return _relu_backward(_check_dout(dout, cache.x), cache)


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, TanhCache]:
    """Tanh that also returns what its backward pass needs.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    out : numpy.ndarray, same shape as ``x``
    cache : TanhCache

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    out = tanh(x)
    return out, TanhCache(out)


def tanh_backward(dout: np.ndarray, cache: TanhCache) -> np.ndarray:
    """Gradient of the loss with respect to the tanh's input.

    Parameters
    ----------
    dout : array_like, same shape as the forward output
    cache : TanhCache

    Returns
    -------
    dx : numpy.ndarray, same shape as ``dout``

    Notes
    -----
    :math:`\\tanh'(x) = 1 - \\tanh(x)^2`.

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    _check_cache(cache, TanhCache)
    return _tanh_backward(_check_dout(dout, cache.out), cache)


def leaky_relu_forward(
    x: np.ndarray, slope: float = 0.01
) -> tuple[np.ndarray, LeakyReluCache]:
    """Leaky ReLU that also returns what its backward pass needs.

    Parameters
    ----------
    x : array_like, any shape
    slope : float, >= 0

    Returns
    -------
    out : numpy.ndarray, same shape as ``x``
    cache : LeakyReluCache

    Taught in chapter 3, section 'Activations: ReLU and sigmoid'.
    """
    x = as_array(x, "x")
    return _leaky_relu_forward(x, check_positive(slope, "slope", allow_zero=True))


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
    _check_cache(cache, LeakyReluCache)
    return _leaky_relu_backward(_check_dout(dout, cache.x), cache)


# --------------------------------------------------------------------------
# The computations themselves, without input checks. The public functions
# above check their arguments and then call these; ``modules`` calls them
# directly on arrays checked once where the batch entered the model.
# --------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def _leaky_relu(z: np.ndarray, slope: float) -> np.ndarray:
    return np.where(z > 0, z, slope * z).astype(z.dtype, copy=False)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, SigmoidCache]:
    out = _sigmoid(x)
    return out, SigmoidCache(out)


def _sigmoid_backward(dout: np.ndarray, cache: SigmoidCache) -> np.ndarray:
    return dout * cache.out * (1 - cache.out)


def _relu_forward(x: np.ndarray) -> tuple[np.ndarray, ReluCache]:
    return _relu(x), ReluCache(x)


def _relu_backward(dout: np.ndarray, cache: ReluCache) -> np.ndarray:
    return dout * (cache.x > 0)


def _tanh_forward(x: np.ndarray) -> tuple[np.ndarray, TanhCache]:
    out = np.tanh(x)
    return out, TanhCache(out)


def _tanh_backward(dout: np.ndarray, cache: TanhCache) -> np.ndarray:
    return dout * (1 - cache.out**2)


def _leaky_relu_forward(x: np.ndarray, slope: float) -> tuple[np.ndarray, LeakyReluCache]:
    return _leaky_relu(x, slope), LeakyReluCache(x, float(slope))


def _leaky_relu_backward(dout: np.ndarray, cache: LeakyReluCache) -> np.ndarray:
    return np.where(cache.x > 0, dout, cache.slope * dout).astype(dout.dtype, copy=False)
