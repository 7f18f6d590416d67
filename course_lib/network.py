"""The functional multilayer perceptron of chapters 1 to 3.

Parameters are a plain list of ``(w, b)`` pairs, one per dense layer, with
``w`` of shape (D_in, D_out) and ``b`` of shape (D_out,). Hidden layers use
ReLU; the last layer outputs logits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course_lib.activations import ReluCache, relu_backward, relu_forward, sigmoid
from course_lib.init import INITS, init_weights
from course_lib.layers import LinearCache, linear_backward, linear_forward
from course_lib.losses import softmax_cross_entropy
from course_lib.validation import as_array, check_choice, check_rng, describe

Params = list[tuple[np.ndarray, np.ndarray]]


def neuron(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """One sigmoid neuron applied to a batch: ``sigmoid(x @ w + b)``.

    Parameters
    ----------
    x : array_like, shape (N, D)
    w : array_like, shape (D,)
    b : float

    Returns
    -------
    numpy.ndarray, shape (N,)
        Outputs in [0, 1].

    Examples
    --------
    >>> neuron(np.array([[1.0, 2.0]]), np.array([0.5, -0.25]), 0.0)
    array([0.5])

    Taught in chapter 1, section 'The neuron'.
    """
    x = as_array(x, "x", ndim=2)
    w = as_array(w, "w", ndim=1)
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"w must have shape ({x.shape[1]},) to match x of shape (N, {x.shape[1]}), "
            f"got {w.shape}"
        )
    b = as_array(b, "b", ndim=0)
    return sigmoid(x @ w + b)


def _check_layer_sizes(layer_sizes: object) -> list[int]:
    if not isinstance(layer_sizes, (list, tuple)) or len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes must be a list of at least two sizes (inputs, ..., outputs), "
            f"got {describe(layer_sizes)}"
        )
    for i, size in enumerate(layer_sizes):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"layer_sizes[{i}] must be a positive integer, got {size!r}")
    return [int(s) for s in layer_sizes]


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Number of weights and biases in a dense network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first, outputs last.

    Returns
    -------
    int
        :math:`\\sum_l (n_{l-1} n_l + n_l)`.

    Examples
    --------
    >>> count_parameters([2, 3, 1])  # (2*3 + 3) + (3*1 + 1)
    13

    Taught in chapter 1, section 'Counting parameters'.
    """
    sizes = _check_layer_sizes(layer_sizes)
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def init_mlp(
    layer_sizes: Sequence[int], rng: np.random.Generator, init: str = "he"
) -> Params:
    """Random weights and zero biases for a dense network.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., C]``.
    rng : numpy.random.Generator
    init : {"he", "xavier", "normal", "zeros"}
        Weight scheme, see ``course_lib.init``.

    Returns
    -------
    list of (w, b)
        ``w`` of shape (layer_sizes[i], layer_sizes[i+1]), ``b`` zeros.

    Taught in chapter 2, section 'Stacking layers into an MLP'.
    """
    sizes = _check_layer_sizes(layer_sizes)
    rng = check_rng(rng)
    check_choice(init, "init", INITS)
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    return [(init_weights(init, a, b, rng), np.zeros(b)) for a, b in pairs]


def _check_params(params: object) -> None:
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise ValueError(f"params must be a non-empty list of (w, b) pairs, got {describe(params)}")
    for i, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"params[{i}] must be a (w, b) pair, got {describe(pair)}")


def mlp_forward_with_caches(
    x: np.ndarray, params: Params, activation_forward: Callable = relu_forward
) -> tuple[np.ndarray, list[tuple[LinearCache, ReluCache | None]]]:
    """Forward pass of the MLP that keeps each layer's caches for backprop.

    Parameters
    ----------
    x : array_like, shape (N, D)
    params : list of (w, b)
    activation_forward : callable, default ``relu_forward``
        The hidden layers' activation, returning ``(out, cache)``; for
        example ``activations.sigmoid_forward``.

    Returns
    -------
    logits : numpy.ndarray, shape (N, C)
    caches : list of (LinearCache, activation cache or None)
        One entry per layer; the last layer has no activation.

    Taught in chapter 3, section 'The whole backward pass'.
    """
    _check_params(params)
    h = as_array(x, "x", ndim=2)
    caches = []
    for i, (w, b) in enumerate(params):
        try:
            h, lin_cache = linear_forward(h, w, b)
        except ValueError as exc:
            raise ValueError(f"params[{i}]: {exc}") from exc
        act_cache = None
        if i < len(params) - 1:
            h, act_cache = activation_forward(h)
        caches.append((lin_cache, act_cache))
    return h, caches


def mlp_forward(x: np.ndarray, params: Params) -> np.ndarray:
    """Logits of the MLP: dense layers with ReLU between them, none after the last.

    Parameters
    ----------
    x : array_like, shape (N, D)
    params : list of (w, b)
        ``w`` (D_in, D_out), ``b`` (D_out,).

    Returns
    -------
    logits : numpy.ndarray, shape (N, C)

    Examples
    --------
    >>> params = init_mlp([2, 4, 3], np.random.default_rng(0))
    >>> mlp_forward(np.ones((5, 2)), params).shape
    (5, 3)

    Taught in chapter 2, section 'Stacking layers into an MLP'.
    """
    logits, _ = mlp_forward_with_caches(x, params)
    return logits


def mlp_loss_and_grads(
    x: np.ndarray, y: np.ndarray, params: Params
) -> tuple[float, Params]:
    """Softmax cross-entropy of the MLP and its gradient for every parameter.

    Parameters
    ----------
    x : array_like, shape (N, D)
    y : array_like of int, shape (N,)
    params : list of (w, b)

    Returns
    -------
    loss : float
        Mean over the batch.
    grads : list of (dw, db)
        Same structure and shapes as ``params``.

    Notes
    -----
    Backpropagation walks the layers in reverse: the loss gives dlogits, each
    dense layer turns its upstream gradient into (dx, dw, db), and each ReLU
    masks dx where its input was not positive.

    Taught in chapter 3, section 'The whole backward pass'.
    """
    logits, caches = mlp_forward_with_caches(x, params)
    loss, dout = softmax_cross_entropy(logits, y)
    grads = []
    for lin_cache, relu_cache in reversed(caches):
        if relu_cache is not None:
            dout = relu_backward(dout, relu_cache)
        dout, dw, db = linear_backward(dout, lin_cache)
        grads.append((dw, db))
    return loss, grads[::-1]
