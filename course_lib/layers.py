"""Layers as pure forward/backward pairs: the dense (linear) layer and dropout.

Batch rows are examples: ``x`` has shape (N, D), ``w`` (D, M), ``b`` (M,),
and the dense layer computes ``x @ w + b``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.validation import as_array, check_probability, check_rng, checked


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


def check_linear_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    """Raise a clear ``ValueError`` unless ``x @ w + b`` fits: x (N, D), w (D, M), b (M,).

    Shapes only, no pass over the data: cheap enough for every call
    (``modules.Linear`` makes it on every batch).
    """
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


def _check_linear(x: object, w: object, b: object) -> tuple[np.ndarray, ...]:
    x, w, b = as_array(x, "x", ndim=2), as_array(w, "w", ndim=2), as_array(b, "b", ndim=1)
    check_linear_shapes(x, w, b)
    return x, w, b


@checked(_check_linear)
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

    The code adds ``b`` into the product (``out += b``) instead of writing
    ``x @ w + b``, which makes a second (N, M) array: on this course's
    machine that new array made a (1024, 128) forward (what ``fit``
    measures on a whole set) three times as slow (2.4 ms against 0.7 ms).
    The numbers and the dtype are those of ``x @ w + b``: the product is
    converted first only when ``b``'s dtype is wider (a float64 ``b`` with
    float32 ``x`` and ``w``).

    Examples
    --------
    >>> out, _ = linear_forward(np.ones((2, 3)), np.ones((3, 1)), np.array([0.5]))
    >>> out
    array([[3.5],
           [3.5]])

    Taught in chapter 2, section 'The dense layer'.
    """
    out = (x @ w).astype(np.result_type(x, w, b), copy=False)  # no copy unless b is wider
    out += b
    return out, LinearCache(x, w, b)


def _check_linear_backward(dout: object, cache: object, input_grad: bool = True) -> tuple:
    if not isinstance(cache, LinearCache):
        raise TypeError(
            f"cache must be the LinearCache returned by linear_forward, got {type(cache).__name__}"
        )
    dout = as_array(dout, "dout", ndim=2)
    expected = (cache.x.shape[0], cache.w.shape[1])
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected} like the forward output, "
                         f"got {dout.shape}")
    return dout, cache, bool(input_grad)


@checked(_check_linear_backward)
def linear_backward(
    dout: np.ndarray, cache: LinearCache, input_grad: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of the loss with respect to the dense layer's inputs.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient, dL/d(out).
    cache : LinearCache
        From ``linear_forward``.
    input_grad : bool
        ``False`` skips ``dx`` (returned as None): nobody needs it for the
        first layer of a network, whose input is the data, and it is the
        costliest product when D is large.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D), or None
    dw : numpy.ndarray, shape (D, M)
    db : numpy.ndarray, shape (M,)

    Notes
    -----
    :math:`dx = d\\mathrm{out}\\, W^\\top`, :math:`dW = x^\\top d\\mathrm{out}`,
    :math:`db = \\sum_n d\\mathrm{out}_n` (the bias was broadcast over rows,
    so its gradient sums over them).

    Taught in chapter 3, section 'The dense layer'.
    """
    x, w, _ = cache
    dx = dout @ w.T if input_grad else None
    return dx, x.T @ dout, dout.sum(axis=0)


def _check_dropout(x: object, p: object, training: object, rng: object) -> tuple:
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    return as_array(x, "x"), check_probability(p, "p"), bool(training), check_rng(rng)


@checked(_check_dropout)
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
    if not training:
        return x, DropoutCache(None, p)
    mask = ((rng.random(x.shape) >= p) / (1 - p)).astype(x.dtype, copy=False)
    return x * mask, DropoutCache(mask, p)


def _check_dropout_backward(dout: object, cache: object) -> tuple:
    if not isinstance(cache, DropoutCache):
        raise TypeError(f"cache must be the DropoutCache returned by dropout_forward, "
                        f"got {type(cache).__name__}")
    dout = as_array(dout, "dout")
    if cache.mask is not None and dout.shape != cache.mask.shape:
        raise ValueError(
            f"dout must have the shape of the forward input {cache.mask.shape}, got {dout.shape}"
        )
    return dout, cache


@checked(_check_dropout_backward)
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
    return dout if cache.mask is None else dout * cache.mask
