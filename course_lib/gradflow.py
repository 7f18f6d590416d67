"""How gradients flow through a deep network: per-layer gradient norms.

A deep MLP with a chosen hidden activation (sigmoid, tanh or ReLU) is run
forward and backward on one batch, and the size of the weight gradient of
every layer (``layer_gradient_norms``) or of the gradient of every layer's
output (``activation_gradient_norms``) is reported. It shows vanishing
gradients (sigmoid: each layer multiplies the gradient by at most 1/4) and
how ReLU with He initialization keeps the gradient scale roughly constant
with depth.
"""

from __future__ import annotations

import numpy as np

from course_lib import activations
from course_lib.layers import linear_backward, linear_forward
from course_lib.losses import softmax_cross_entropy
from course_lib.validation import as_array, check_choice, describe

ACTIVATIONS = ("relu", "sigmoid", "tanh")

_PAIRS = {
    "relu": (activations.relu_forward, activations.relu_backward),
    "sigmoid": (activations.sigmoid_forward, activations.sigmoid_backward),
    "tanh": (activations.tanh_forward, activations.tanh_backward),
}


def layer_gradient_norms(x: np.ndarray, y: np.ndarray,
                         params: list[tuple[np.ndarray, np.ndarray]],
                         activation: str = "relu") -> np.ndarray:
    """Frobenius norm of the loss gradient of every layer's weights.

    Parameters
    ----------
    x : array_like, shape (N, D)
        A batch of inputs.
    y : array_like of int, shape (N,)
        Class labels in [0, C).
    params : list of (w, b)
        ``w`` (D_in, D_out), ``b`` (D_out,), as made by ``network.init_mlp``.
    activation : {"relu", "sigmoid", "tanh"}
        Applied after every layer but the last, which outputs logits.

    Returns
    -------
    numpy.ndarray, shape (L,)
        :math:`\\lVert \\partial L / \\partial W_l \\rVert_F` for layers
        ``l = 0 .. L-1``, input layer first.

    Notes
    -----
    The loss is the mean softmax cross-entropy. Going back through layer
    :math:`l` multiplies the gradient by :math:`W_l^\\top` and by the
    activation's slope; the sigmoid's slope is at most 1/4, so with
    variance-preserving weights the gradient shrinks by roughly that factor
    per layer, while ReLU's slope is 0 or 1 and He initialization
    (variance 2 / fan_in) makes up for the half that is 0.

    Examples
    --------
    >>> from course_lib.network import init_mlp
    >>> rng = np.random.default_rng(0)
    >>> params = init_mlp([4, 8, 8, 3], rng)
    >>> x, y = rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)
    >>> layer_gradient_norms(x, y, params).shape
    (3,)

    Taught in chapter 3, section 'Vanishing and exploding gradients'.
    """
    return _gradient_norms(x, y, params, activation)[0]


def activation_gradient_norms(x: np.ndarray, y: np.ndarray,
                              params: list[tuple[np.ndarray, np.ndarray]],
                              activation: str = "relu") -> np.ndarray:
    """Frobenius norm of the loss gradient of every layer's output.

    Parameters
    ----------
    x, y, params, activation
        As in ``layer_gradient_norms``.

    Returns
    -------
    numpy.ndarray, shape (L,)
        :math:`\\lVert \\partial L / \\partial h_l \\rVert_F`, where
        :math:`h_l` is the output of layer ``l`` for the whole batch (after
        its activation; the logits for the last layer), input layer first.

    Notes
    -----
    This is the gradient the backward pass carries from layer to layer; the
    weight gradient of layer ``l`` is :math:`h_{l-1}^\\top` times it (after the
    activation's slope), so it also scales with the layer's input. With
    oversized weights the activations grow on the way forward and this
    gradient grows on the way back.

    Examples
    --------
    >>> from course_lib.network import init_mlp
    >>> rng = np.random.default_rng(0)
    >>> params = init_mlp([4, 8, 8, 3], rng)
    >>> x, y = rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)
    >>> activation_gradient_norms(x, y, params).shape
    (3,)

    Taught in chapter 3, section 'Vanishing and exploding gradients'.
    """
    return _gradient_norms(x, y, params, activation)[1]


def _gradient_norms(x: np.ndarray, y: np.ndarray, params: list, activation: str
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Norms of the weight gradient and of the output gradient of every layer."""
    check_choice(activation, "activation", ACTIVATIONS)
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError(f"params must be a non-empty list of (w, b) pairs, got {describe(params)}")
    forward, backward = _PAIRS[activation]
    h = as_array(x, "x", ndim=2)
    caches = []
    for i, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"params[{i}] must be a (w, b) pair, got {describe(pair)}")
        try:
            h, lin = linear_forward(h, *pair)
        except ValueError as exc:
            raise ValueError(f"params[{i}]: {exc}") from exc
        act = None
        if i < len(params) - 1:
            h, act = forward(h)
        caches.append((lin, act))
    _, dout = softmax_cross_entropy(h, y)
    weight_norms, output_norms = np.empty(len(params)), np.empty(len(params))
    for i in reversed(range(len(params))):
        lin, act = caches[i]
        output_norms[i] = np.linalg.norm(dout)
        if act is not None:
            dout = backward(dout, act)
        dout, dw, _ = linear_backward(dout, lin)
        weight_norms[i] = np.linalg.norm(dw)
    return weight_norms, output_norms
