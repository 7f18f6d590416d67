"""Numerical gradient checking with central differences.

Analytic gradients (what backward functions compute) are checked against
finite differences of the forward function. The recipe works for any
forward/backward pair by weighting the outputs with a random upstream
gradient, as in the CS231n assignments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from course_lib.validation import as_array, check_positive, check_rng, describe


def _check_callable(f: object, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a function, got {type(f).__name__}")


def _float_array(x: object, name: str) -> np.ndarray:
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{name} must be a floating numpy array (it is perturbed in place), "
            f"got {describe(x)}"
        )
    as_array(x, name)  # finite check
    return x


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of a scalar function at ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; it reads ``x``, which is perturbed in place.
    x : numpy.ndarray of float, any shape
        Point at which to differentiate; restored exactly afterwards.
    h : float, > 0
        Step size.

    Returns
    -------
    numpy.ndarray, same shape as ``x``

    Notes
    -----
    :math:`\\partial f / \\partial x_i \\approx (f(x + h e_i) - f(x - h e_i)) / 2h`,
    with error :math:`O(h^2)` from truncation plus about
    :math:`\\epsilon_{\\text{machine}} |f| / h` from rounding.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> np.round(numerical_gradient(lambda v: float(np.sum(v**2)), x), 6)
    array([2., 4.])

    Taught in chapter 3, section 'Gradient checking'.
    """
    _check_callable(f, "f")
    x = _float_array(x, "x")
    h = check_positive(h, "h")
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        x[idx] = old - h
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                             dout: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Numerical gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    Use it to check any backward function: ``dout`` plays the upstream
    gradient, and the result is what ``backward(dout, cache)`` should return
    for ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> array`` of the shape of ``dout``.
    x : numpy.ndarray of float, any shape
        Restored exactly afterwards.
    dout : array_like, shape of ``f(x)``
    h : float, > 0

    Returns
    -------
    numpy.ndarray, same shape as ``x``

    Taught in chapter 3, section 'Gradient checking'.
    """
    _check_callable(f, "f")
    dout = as_array(dout, "dout")
    out_shape = np.shape(f(x))
    if out_shape != dout.shape:
        raise ValueError(f"dout must have the shape of f(x) {out_shape}, got {dout.shape}")
    return numerical_gradient(lambda v: float(np.sum(np.asarray(f(v)) * dout)), x, h)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Largest elementwise relative error between two arrays.

    Parameters
    ----------
    a, b : array_like, same shape

    Returns
    -------
    float
        :math:`\\max_i |a_i - b_i| / \\max(10^{-12}, |a_i| + |b_i|)`.

    Notes
    -----
    Dividing by the size of the entries makes the number scale-free; the
    floor of 1e-12 keeps entries where both are zero from dividing by zero
    (they count as agreeing). In float64 a correct gradient typically gives
    below 1e-7; above 1e-2 something is almost surely wrong.

    Examples
    --------
    >>> relative_error(np.array([1.0, 0.0]), np.array([1.1, 0.0]))  # 0.1 / 2.1
    0.04761904761904766

    Taught in chapter 3, section 'Gradient checking'.
    """
    a = as_array(a, "a")
    b = as_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"b must have the shape of a {a.shape}, got {b.shape}")
    if a.size == 0:
        return 0.0
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return float(np.max(np.abs(a64 - b64) / np.maximum(1e-12, np.abs(a64) + np.abs(b64))))


def check_backward(forward: Callable[..., tuple], backward: Callable[..., object],
                   inputs: Mapping[str, np.ndarray], rng: np.random.Generator,
                   h: float = 1e-6) -> dict[str, float]:
    """Compare a backward function with numerical gradients for every input.

    Parameters
    ----------
    forward : callable
        ``forward(**inputs) -> (out, cache)``.
    backward : callable
        ``backward(dout, cache)`` returning one gradient, or a tuple of
        gradients in the order of ``inputs``.
    inputs : dict of str to numpy.ndarray
        Named float64 inputs to ``forward``.
    rng : numpy.random.Generator
        Draws the random upstream gradient ``dout``.
    h : float, > 0

    Returns
    -------
    dict of str to float
        The relative error of the analytic gradient of each input.

    Notes
    -----
    The scalar checked is :math:`\\sum \\mathrm{out} \\odot d\\mathrm{out}`
    with a random ``dout``, so every output entry contributes with a different
    weight and a wrong backward cannot hide behind symmetric outputs.

    Examples
    --------
    >>> from course_lib.layers import linear_forward, linear_backward
    >>> rng = np.random.default_rng(0)
    >>> inputs = {"x": rng.normal(size=(3, 2)), "w": rng.normal(size=(2, 4)),
    ...           "b": rng.normal(size=4)}
    >>> errors = check_backward(linear_forward, linear_backward, inputs, rng)
    >>> all(e < 1e-7 for e in errors.values())
    True

    Taught in chapter 3, section 'Gradient checking'.
    """
    _check_callable(forward, "forward")
    _check_callable(backward, "backward")
    rng = check_rng(rng)
    if not isinstance(inputs, Mapping) or not inputs:
        raise TypeError(
            f"inputs must be a non-empty dict of named arrays, got {type(inputs).__name__}"
        )
    arrays = {k: _float_array(v, f"inputs[{k!r}]").copy() for k, v in inputs.items()}
    out, cache = forward(**arrays)
    dout = rng.normal(size=np.shape(out))
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) < len(arrays):
        raise ValueError(f"backward returned {len(grads)} gradients for {len(arrays)} inputs")
    errors = {}
    for (name, value), analytic in zip(arrays.items(), grads[: len(arrays)], strict=True):
        def f(v: np.ndarray, name: str = name) -> np.ndarray:
            return forward(**{**arrays, name: v})[0]

        numeric = numerical_gradient_array(f, value, dout, h)
        errors[name] = relative_error(analytic, numeric)
    return errors
