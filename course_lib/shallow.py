"""Small hand-built networks of chapter 1: XOR and sums of sigmoid steps.

Two ideas of the first chapter need a network whose weights are chosen by
hand rather than learned: the 2-2-1 sigmoid network that computes XOR, and a
single hidden layer of steep sigmoids whose weighted sum approximates a curve
(the idea behind the universal approximation theorem).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.activations import sigmoid
from course_lib.validation import as_array, check_positive

#: The four inputs of a two-input truth table, one per row: (0,0), (0,1), (1,0), (1,1).
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: XOR of each row of ``XOR_INPUTS``.
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


def two_layer_sigmoid(x: np.ndarray, w1: np.ndarray, b1: np.ndarray,
                      w2: np.ndarray, b2: float) -> np.ndarray:
    """Output of a network with one sigmoid hidden layer and one sigmoid output.

    Parameters
    ----------
    x : array_like, shape (N, D)
    w1 : array_like, shape (D, H)
        Column ``j`` holds the input weights of hidden unit ``j``.
    b1 : array_like, shape (H,)
    w2 : array_like, shape (H,) or (H, 1)
    b2 : float or array_like of shape (1,)

    Returns
    -------
    numpy.ndarray, shape (N,)
        Outputs in [0, 1].

    Notes
    -----
    :math:`A = \\sigma(X W_1 + b_1)`,
    :math:`\\hat{y} = \\sigma(A W_2 + b_2)`.

    Examples
    --------
    >>> w = xor_weights()
    >>> np.round(two_layer_sigmoid(XOR_INPUTS, **w))
    array([0., 1., 1., 0.])

    Taught in chapter 1, section 'Two layers solve XOR'.
    """
    x = as_array(x, "x", ndim=2)
    w1 = as_array(w1, "w1", ndim=2)
    b1 = as_array(b1, "b1", ndim=1)
    w2 = as_array(w2, "w2", ndim=(1, 2))
    b2 = as_array(b2, "b2", ndim=(0, 1))
    hidden = w1.shape[1]
    if w1.shape[0] != x.shape[1]:
        raise ValueError(f"w1 must have shape ({x.shape[1]}, H) to match x of shape "
                         f"(N, {x.shape[1]}), got {w1.shape}")
    if b1.shape != (hidden,):
        raise ValueError(f"b1 must have shape ({hidden},), one bias per hidden unit, "
                         f"got {b1.shape}")
    if w2.shape not in {(hidden,), (hidden, 1)}:
        raise ValueError(f"w2 must have shape ({hidden},) or ({hidden}, 1), got {w2.shape}")
    if b2.size != 1:
        raise ValueError(f"b2 must be a single number, got shape {b2.shape}")
    h = sigmoid(x @ w1 + b1)
    return sigmoid(h @ w2.reshape(hidden) + b2.reshape(()))


def xor_weights() -> dict[str, np.ndarray]:
    """Weights of a 2-2-1 sigmoid network whose rounded outputs are XOR.

    Hidden unit 1 computes OR, hidden unit 2 computes AND, and the output
    fires when OR is on and AND is off.

    Returns
    -------
    dict
        ``w1`` (2, 2), ``b1`` (2,), ``w2`` (2, 1), ``b2`` (1,), for
        ``two_layer_sigmoid``.

    Taught in chapter 1, section 'Two layers solve XOR'.
    """
    return {
        "w1": np.array([[20.0, 20.0], [20.0, 20.0]]),
        "b1": np.array([-10.0, -30.0]),
        "w2": np.array([[20.0], [-20.0]]),
        "b2": np.array([-10.0]),
    }


def sum_of_sigmoids(x: np.ndarray, offset: float, edges: np.ndarray,
                    heights: np.ndarray, steepness: float) -> np.ndarray:
    """A one-hidden-layer network of shifted sigmoid steps, evaluated at ``x``.

    Parameters
    ----------
    x : array_like, shape (N,)
        Points on the real line.
    offset : float
        The output bias: the value far to the left of every step.
    edges : array_like, shape (H,)
        Where each step rises (hidden unit ``i`` is centred at ``edges[i]``).
    heights : array_like, shape (H,)
        How much each step adds (the output weights); negative steps go down.
    steepness : float, > 0
        The hidden weight; large values make each sigmoid nearly a step.

    Returns
    -------
    numpy.ndarray, shape (N,)

    Notes
    -----
    :math:`f(x) = v_0 + \\sum_i v_i\\, \\sigma(w (x - s_i))`: a hidden layer with
    weight :math:`w` (the steepness), biases :math:`-w s_i` (the edges
    :math:`s_i`), output weights :math:`v_i` (the heights) and output bias
    :math:`v_0` (the offset).

    Examples
    --------
    >>> sum_of_sigmoids(np.array([-10.0, 10.0]), 1.0, np.array([0.0]), np.array([2.0]), 5.0)
    array([1., 3.])

    Taught in chapter 1, section 'Universal approximation'.
    """
    x = as_array(x, "x", ndim=1)
    edges = as_array(edges, "edges", ndim=1)
    heights = as_array(heights, "heights", ndim=1)
    if heights.shape != edges.shape:
        raise ValueError(f"heights must have the shape of edges {edges.shape}, got {heights.shape}")
    steepness = check_positive(steepness, "steepness")
    offset = float(as_array(offset, "offset", ndim=0))
    return offset + sigmoid(steepness * (x[:, None] - edges[None, :])) @ heights


def fit_steps(f: Callable[[np.ndarray], np.ndarray], n_steps: int,
              lo: float, hi: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Choose steps so that ``sum_of_sigmoids`` follows ``f`` on ``[lo, hi]``.

    ``f`` is sampled at ``n_steps`` equally spaced points from ``lo`` to
    ``hi``, both ends included. The approximation starts at ``f(lo)``, and
    halfway between each pair of neighbouring points a step climbs by the
    change of ``f`` between them. With steep steps the result is the
    nearest-sample staircase: every point of ``[lo, hi]``, the two ends
    included, lies within half a spacing of a sample, so no part of the
    interval is fitted worse than the rest.

    Parameters
    ----------
    f : callable
        ``f(x) -> y`` on arrays of shape (N,).
    n_steps : int, >= 1
        Number of levels of the staircase; the network has ``n_steps - 1``
        hidden units. With one level, ``f`` is sampled at the centre.
    lo, hi : float
        The interval, ``lo < hi``.

    Returns
    -------
    offset : float
        ``f(lo)``, the output bias.
    edges : numpy.ndarray, shape (n_steps - 1,)
        Step positions, halfway between neighbouring samples.
    heights : numpy.ndarray, shape (n_steps - 1,)
        Change of ``f`` from one sample to the next.

    Notes
    -----
    Samples :math:`x_j = lo + j\\,(hi - lo)/(n - 1)`; steps at
    :math:`s_i = (x_{i-1} + x_i)/2` of height :math:`f(x_i) - f(x_{i-1})`.

    Examples
    --------
    >>> offset, edges, heights = fit_steps(np.abs, 3, -1.0, 1.0)
    >>> float(offset), edges, heights
    (1.0, array([-0.5,  0.5]), array([-1.,  1.]))

    Taught in chapter 1, section 'Universal approximation'.
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive integer, got {n_steps!r}")
    lo, hi = float(lo), float(hi)
    if not lo < hi:
        raise ValueError(f"lo must be smaller than hi, got lo={lo}, hi={hi}")
    samples = np.linspace(lo, hi, n_steps) if n_steps > 1 else np.array([(lo + hi) / 2])
    values = as_array(f(samples), "f(x)", ndim=1)
    return float(values[0]), (samples[:-1] + samples[1:]) / 2, np.diff(values)
