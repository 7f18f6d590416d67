"""Layers as pure forward/backward pairs: the dense (linear) layer and dropout.

Batch rows are examples: ``x`` has shape (N, D), ``w`` (D, M), ``b`` (M,),
and the dense layer computes ``x @ w + b``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, check_probability, check_rng


class LinearCache(NamedTuple):
    """What ``linear_backward`` needs: the forward inputs."""

    x: np.ndarray
    w: np.ndarray
    b: np.ndarray


class DropoutCache(NamedTuple):
    """What ``dropout_backward`` needs.

    ``mask`` is the scaled keep mask (entries ``0`` or ``1 / (1 - p)``), or
    ``None`` when the forward pass ran in evaluation mode (identity).
    """

    mask: np.ndarray | None
    p: float


def _check_linear_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    """Shapes only: no pass over the data, so cheap enough for every call."""
    if x.ndim != 2:
        raise ValueError(f"x must have 2 dimensions, got {x.ndim} (shape {x.shape})")
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"w must have shape ({x.shape[1]}, any) to match x of shape "
            f"(N, {x.shape[1]}), got {w.shape}"
        )
    if b.shape != (w.shape[1],):
        raise ValueError(
            f"b must have shape ({w.shape[1]},) to match w of shape {w.shape}, got {b.shape}"
        )


def linear_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, LinearCache]:
    """Dense layer: an affine map of every example in the batch.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs, one row per example.
    w : array_like, shape (D, M)
        Weights.
    b : array_like, shape (M,)
        Biases.

    Returns
    -------
    out : numpy.ndarray, shape (N, M)
    cache : LinearCache
        ``(x, w, b)`` for ``linear_backward``.

    Notes
    -----
    :math:`\\mathrm{out} = x W + b`, with ``b`` broadcast over the N rows.

    Examples
    --------
    >>> out, _ = linear_forward(np.ones((2, 3)), np.ones((3, 1)), np.array([0.5]))
    >>> out
    array([[3.5],
           [3.5]])

    Taught in chapter 2, section 'The dense layer'.
    """
    x = as_array(x, "x", ndim=2)
    w = as_array(w, "w", ndim=2)
    b = as_array(b, "b", ndim=1)
    _check_linear_shapes(x, w, b)
    return _linear_forward(x, w, b)


def linear_backward(
    dout: np.ndarray, cache: LinearCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of the loss with respect to the dense layer's inputs.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient, dL/d(out).
    cache : LinearCache
        From ``linear_forward``.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dw : numpy.ndarray, shape (D, M)
    db : numpy.ndarray, shape (M,)

    Notes
    -----
    :math:`dx = d\\mathrm{out}\\, W^\\top`, :math:`dW = x^\\top d\\mathrm{out}`,
    :math:`db = \\sum_n d\\mathrm{out}_n` (the bias was broadcast over rows,
    so its gradient sums over them).

    Taught in chapter 3, section 'The dense layer'.
    """
    if not isinstance(cache, LinearCache):
        raise TypeError(
            f"cache must be the LinearCache returned by linear_forward, got {type(cache).__name__}"
        )
    dout = as_array(dout, "dout", ndim=2)
    _check_dout_shape(dout, cache)
    return _linear_backward(dout, cache)


def _check_dout_shape(dout: np.ndarray, cache: LinearCache) -> None:
    """Shapes only, like ``_check_linear_shapes``."""
    if dout.ndim != 2:
        raise ValueError(f"dout must have 2 dimensions, got {dout.ndim} (shape {dout.shape})")
    expected = (cache.x.shape[0], cache.w.shape[1])
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected} like the forward output, "
                         f"got {dout.shape}")


def dropout_forward(
    x: np.ndarray, p: float, training: bool, rng: np.random.Generator
) -> tuple[np.ndarray, DropoutCache]:
    """Inverted dropout: drop each entry with probability ``p`` while training.

    Parameters
    ----------
    x : array_like, any shape
        Activations.
    p : float in [0, 1)
        Drop probability.
    training : bool
        When false the layer is the identity and ``cache.mask`` is None.
    rng : numpy.random.Generator
        Source of the random mask.

    Returns
    -------
    out : numpy.ndarray, same shape as ``x``
    cache : DropoutCache

    Notes
    -----
    ``mask = (u >= p) / (1 - p)`` with ``u`` uniform on [0, 1) and
    ``out = x * mask``. Kept entries are scaled by :math:`1/(1-p)` so that
    :math:`E[\\mathrm{out}] = x`, and nothing changes at evaluation time.

    Examples
    --------
    >>> out, cache = dropout_forward(np.ones((1, 4)), 0.5, False, np.random.default_rng(0))
    >>> out, cache.mask
    (array([[1., 1., 1., 1.]]), None)

    Taught in chapter 5, section 'Dropout'.
    """
    x = as_array(x, "x")
    p = check_probability(p, "p")
    rng = check_rng(rng)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    return _dropout_forward(x, p, training, rng)


def dropout_backward(dout: np.ndarray, cache: DropoutCache) -> np.ndarray:
    """Gradient of the loss with respect to dropout's input.

    Parameters
    ----------
    dout : array_like, same shape as the forward input
    cache : DropoutCache
        From ``dropout_forward``.

    Returns
    -------
    dx : numpy.ndarray, same shape as ``dout``

    Notes
    -----
    ``dx = dout * mask`` in training (the same scaled mask), ``dx = dout``
    in evaluation mode.

    Taught in chapter 5, section 'Dropout'.
    """
    if not isinstance(cache, DropoutCache):
        raise TypeError(
            f"cache must be the DropoutCache returned by dropout_forward, "
            f"got {type(cache).__name__}"
        )
    dout = as_array(dout, "dout")
    _check_dropout_dout(dout, cache)
    return _dropout_backward(dout, cache)


def _check_dropout_dout(dout: np.ndarray, cache: DropoutCache) -> None:
    if cache.mask is not None and dout.shape != cache.mask.shape:
        raise ValueError(
            f"dout must have the shape of the forward input {cache.mask.shape}, got {dout.shape}"
        )


# --------------------------------------------------------------------------
# The computations themselves, without input checks. The public functions
# above check their arguments and then call these. ``modules`` calls them
# directly on arrays that were checked once where the batch entered the
# model, so a training step does not rescan every array for NaN.
# --------------------------------------------------------------------------


def _linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray
                    ) -> tuple[np.ndarray, LinearCache]:
    out = x @ w
    if np.can_cast(b.dtype, out.dtype):
        out += b  # in place: the same numbers as x @ w + b, one array fewer
    else:
        out = out + b  # a float64 b makes a float32 product float64, as x @ w + b does
    return out, LinearCache(x, w, b)


def _linear_backward(dout: np.ndarray, cache: LinearCache, input_grad: bool = True
                     ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """As ``linear_backward``; ``input_grad=False`` skips dx (returned as None).

    dx is the costliest product when D is large, and nobody needs it for the
    first layer of a network: its input is the data, not a parameter.
    """
    x, w, _ = cache
    dx = dout @ w.T if input_grad else None
    return dx, x.T @ dout, dout.sum(axis=0)


def _dropout_forward(x: np.ndarray, p: float, training: bool, rng: np.random.Generator
                     ) -> tuple[np.ndarray, DropoutCache]:
    if not training:
        return x, DropoutCache(None, p)
    mask = ((rng.random(x.shape) >= p) / (1 - p)).astype(x.dtype, copy=False)
    return x * mask, DropoutCache(mask, p)


def _dropout_backward(dout: np.ndarray, cache: DropoutCache) -> np.ndarray:
    return dout if cache.mask is None else dout * cache.mask
