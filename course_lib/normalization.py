"""Normalization layers as pure forward/backward pairs: batch and layer norm.

Both standardize the pre-activations ``x`` (N, D) and then scale and shift
them with learned ``gamma`` and ``beta`` (D,). **Batch normalization**
standardizes each feature over the N examples of the batch (axis 0);
**layer normalization** standardizes each example over its D features
(axis 1). The backward passes are one formula, applied along that axis.
Variances are the biased ones (divided by N, or D), and ``eps`` sits inside
the square root.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, check_positive, checked


class BatchNormCache(NamedTuple):
    """What ``batchnorm_backward`` needs.

    ``x_hat`` (N, D) is the standardized input, ``gamma`` (D,) the scale and
    ``std`` (D,) the batch's :math:`\\sqrt{\\sigma^2 + \\epsilon}` per feature.
    """

    x_hat: np.ndarray
    gamma: np.ndarray
    std: np.ndarray


class LayerNormCache(NamedTuple):
    """What ``layernorm_backward`` needs.

    ``x_hat`` (N, D) is the standardized input, ``gamma`` (D,) the scale and
    ``std`` (N, 1) each example's :math:`\\sqrt{\\sigma^2 + \\epsilon}`.
    """

    x_hat: np.ndarray
    gamma: np.ndarray
    std: np.ndarray


def _check_inputs(x: object, gamma: object, beta: object, eps: object = 1e-5
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    x = as_array(x, "x", ndim=2)
    gamma = as_array(gamma, "gamma", ndim=1)
    beta = as_array(beta, "beta", ndim=1)
    d = x.shape[1]
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},), one entry per feature of x "
                             f"(shape {x.shape}), got {value.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"x must hold at least one example, got shape {x.shape}")
    return x, gamma, beta, check_positive(eps, "eps")


def _check_backward(kind: type, forward: str):
    """The check of ``*_backward(dout, cache)``, for caches of type ``kind``."""
    def check(dout: object, cache: object) -> tuple[np.ndarray, object]:
        if not isinstance(cache, kind):
            raise TypeError(f"cache must be the {kind.__name__} returned by {forward}, "
                            f"got {type(cache).__name__}")
        dout = as_array(dout, "dout", ndim=2)
        if dout.shape != cache.x_hat.shape:
            raise ValueError(f"dout must have the shape of the forward output "
                             f"{cache.x_hat.shape}, got {dout.shape}")
        return dout, cache
    return check


def normalize(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
              beta: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardize ``x`` with the statistics given, then scale and shift it.

    The forward pass shared by batch and layer normalization, with no input
    checks (the functions and modules that call it check their own).

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D)
    mean, var : numpy.ndarray, broadcastable to (N, D)
        Shape (D,) for batch norm (per feature), (N, 1) for layer norm (per example).
    gamma, beta : numpy.ndarray, shape (D,)
    eps : float

    Returns
    -------
    out, x_hat : numpy.ndarray, shape (N, D)
        ``gamma * x_hat + beta`` and ``x_hat = (x - mean) / std``.
    std : numpy.ndarray, the shape of ``var``
        :math:`\\sqrt{\\mathrm{var} + \\epsilon}`.
    """
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, x_hat, std


def normalized_backward(dout: np.ndarray, x_hat: np.ndarray, gamma: np.ndarray,
                        std: np.ndarray, axis: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backward pass of ``normalize`` with statistics taken along ``axis``.

    The formula in ``batchnorm_backward``'s Notes, for axis 0 (batch norm) or
    1 (layer norm), with no input checks. Returns ``dx``, ``dgamma``, ``dbeta``.
    """
    g = dout * gamma
    dx = (g - g.mean(axis=axis, keepdims=True)
          - x_hat * (g * x_hat).mean(axis=axis, keepdims=True)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


@checked(_check_inputs)
def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = 1e-5) -> tuple[np.ndarray, BatchNormCache]:
    """Batch normalization in training mode: each feature standardized over the batch.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Pre-activations, one row per example.
    gamma, beta : array_like, shape (D,)
        Learned scale and shift, one per feature.
    eps : float, > 0
        Added to the variance inside the square root.

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
    cache : BatchNormCache
        ``(x_hat, gamma, std)`` for ``batchnorm_backward``.

    Notes
    -----
    With :math:`\\mu_d = \\frac1N \\sum_n x_{nd}` and the biased variance
    :math:`\\sigma_d^2 = \\frac1N \\sum_n (x_{nd} - \\mu_d)^2`,
    :math:`\\hat x_{nd} = (x_{nd} - \\mu_d) / \\sqrt{\\sigma_d^2 + \\epsilon}` and
    :math:`\\mathrm{out}_{nd} = \\gamma_d \\hat x_{nd} + \\beta_d`. A feature that
    is constant over the batch gives :math:`\\hat x = 0`, so ``out = beta``.
    In evaluation mode the module ``blocks.BatchNorm1d`` uses running
    statistics instead of the batch's.

    Examples
    --------
    >>> out, cache = batchnorm_forward(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1))
    >>> np.round(out, 4)
    array([[-1.],
           [ 1.]])

    Taught in chapter 7, section 'Batch normalization'.
    """
    out, x_hat, std = normalize(x, x.mean(axis=0), x.var(axis=0), gamma, beta, eps)
    return out, BatchNormCache(x_hat, gamma, std)


@checked(_check_backward(BatchNormCache, "batchnorm_forward"))
def batchnorm_backward(dout: np.ndarray, cache: BatchNormCache
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of batch normalization (training mode) for x, gamma and beta.

    Parameters
    ----------
    dout : array_like, shape (N, D)
        Upstream gradient, dL/d(out).
    cache : BatchNormCache
        From ``batchnorm_forward``.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dgamma, dbeta : numpy.ndarray, shape (D,)

    Notes
    -----
    :math:`d\\beta = \\sum_n d\\mathrm{out}_n`,
    :math:`d\\gamma = \\sum_n d\\mathrm{out}_n \\odot \\hat x_n` and, with
    :math:`g = \\gamma \\odot d\\mathrm{out}` and :math:`s = \\sqrt{\\sigma^2+\\epsilon}`,
    :math:`dx = (g - \\bar g - \\hat x\\, \\overline{g \\hat x}) / s`, the bars
    being means over the batch. The two subtracted terms are the paths through
    the mean and the variance, which depend on every example.

    Taught in chapter 7, section 'Batch normalization'.
    """
    return normalized_backward(dout, cache.x_hat, cache.gamma, cache.std, axis=0)


@checked(_check_backward(BatchNormCache, "batchnorm_forward"))
def batchnorm_fixed_stats_backward(dout: np.ndarray, cache: BatchNormCache
                                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of batch normalization with fixed statistics (evaluation mode).

    As :func:`batchnorm_backward` when the mean and variance were not the
    batch's but constants (the running statistics of ``blocks.BatchNorm1d``
    in evaluation mode): the paths through them vanish and
    :math:`dx = \\gamma \\odot d\\mathrm{out} / s`.

    Taught in chapter 7, section 'Batch normalization'.
    """
    return dout * cache.gamma / cache.std, (dout * cache.x_hat).sum(axis=0), dout.sum(axis=0)


@checked(_check_inputs)
def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = 1e-5) -> tuple[np.ndarray, LayerNormCache]:
    """Layer normalization: each example standardized over its own features.

    Parameters
    ----------
    x : array_like, shape (N, D)
    gamma, beta : array_like, shape (D,)
        Learned scale and shift, one per feature.
    eps : float, > 0

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
    cache : LayerNormCache
        ``(x_hat, gamma, std)``, ``std`` of shape (N, 1).

    Notes
    -----
    As ``batchnorm_forward`` with the statistics of each row:
    :math:`\\mu_n = \\frac1D \\sum_d x_{nd}`,
    :math:`\\sigma_n^2 = \\frac1D \\sum_d (x_{nd} - \\mu_n)^2`. No example
    depends on another, so training and evaluation compute the same thing.

    Examples
    --------
    >>> out, _ = layernorm_forward(np.array([[1.0, 3.0]]), np.ones(2), np.zeros(2))
    >>> np.round(out, 4)
    array([[-1.,  1.]])

    Taught in chapter 7, section 'Layer normalization'.
    """
    mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    out, x_hat, std = normalize(x, mean, var, gamma, beta, eps)
    return out, LayerNormCache(x_hat, gamma, std)


@checked(_check_backward(LayerNormCache, "layernorm_forward"))
def layernorm_backward(dout: np.ndarray, cache: LayerNormCache
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of layer normalization for x, gamma and beta.

    Parameters
    ----------
    dout : array_like, shape (N, D)
    cache : LayerNormCache
        From ``layernorm_forward``.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dgamma, dbeta : numpy.ndarray, shape (D,)

    Notes
    -----
    The formula of ``batchnorm_backward`` with the means taken over each
    row's features; ``dgamma`` and ``dbeta`` still sum over the batch.

    Taught in chapter 7, section 'Layer normalization'.
    """
    return normalized_backward(dout, cache.x_hat, cache.gamma, cache.std, axis=1)
