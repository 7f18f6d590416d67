"""Weight initialisation: zeros, small normal, Xavier (Glorot) and He.

Every function returns a weight matrix of shape (fan_in, fan_out), matching
``x @ w`` with ``x`` of shape (N, fan_in). Randomness comes only from ``rng``.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import check_choice, check_positive, check_rng

INITS = ("zeros", "normal", "xavier", "he")


def _fans(fan_in: object, fan_out: object) -> tuple[int, int]:
    return (
        check_positive(fan_in, "fan_in", integer=True),
        check_positive(fan_out, "fan_out", integer=True),
    )


def zeros(fan_in: int, fan_out: int) -> np.ndarray:
    """All-zero weights, shape (fan_in, fan_out).

    Zero weights make every hidden unit compute the same thing and receive
    the same gradient, so they never become different (symmetry is never
    broken). Fine for biases, bad for weights.

    Parameters
    ----------
    fan_in : int, > 0
    fan_out : int, > 0

    Returns
    -------
    numpy.ndarray, shape (fan_in, fan_out)

    Taught in chapter 2, section 'Initialization'.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return np.zeros((fan_in, fan_out))


def normal(fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.01) -> np.ndarray:
    """Normal weights with a fixed standard deviation ``std``.

    Parameters
    ----------
    fan_in : int, > 0
    fan_out : int, > 0
    rng : numpy.random.Generator
    std : float, > 0

    Returns
    -------
    numpy.ndarray, shape (fan_in, fan_out)

    Taught in chapter 2, section 'Initialization'.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    rng = check_rng(rng)
    std = check_positive(std, "std")
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def xavier_init(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier (Glorot) normal initialisation, suited to tanh and sigmoid.

    Parameters
    ----------
    fan_in : int, > 0
    fan_out : int, > 0
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (fan_in, fan_out)

    Notes
    -----
    :math:`W_{ij} \\sim \\mathcal N(0, \\sigma^2)` with
    :math:`\\sigma = \\sqrt{2 / (\\text{fan\\_in} + \\text{fan\\_out})}`, which keeps
    the variance of activations and of gradients roughly constant across layers.

    Taught in chapter 2, section 'Initialization'.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return normal(fan_in, fan_out, rng, std=np.sqrt(2.0 / (fan_in + fan_out)))


def he_init(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He (Kaiming) normal initialisation, suited to ReLU.

    Parameters and returns are those of :func:`xavier_init`.

    Notes
    -----
    :math:`W_{ij} \\sim \\mathcal N(0, 2 / \\text{fan\\_in})`. ReLU zeroes half of
    its inputs on average, and the factor 2 makes up for it so the activation
    scale neither grows nor shrinks with depth.

    Examples
    --------
    >>> he_init(3, 2, np.random.default_rng(0)).shape
    (3, 2)

    Taught in chapter 2, section 'Initialization'.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return normal(fan_in, fan_out, rng, std=np.sqrt(2.0 / fan_in))


def init_weights(name: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Weights from the scheme called ``name``.

    Parameters
    ----------
    name : {"zeros", "normal", "xavier", "he"}
    fan_in : int, > 0
    fan_out : int, > 0
    rng : numpy.random.Generator
        Checked even for ``"zeros"``, so calls look the same for every scheme.

    Returns
    -------
    numpy.ndarray, shape (fan_in, fan_out)

    Taught in chapter 2, section 'Initialization'.
    """
    check_choice(name, "name", INITS)
    rng = check_rng(rng)
    if name == "zeros":
        return zeros(fan_in, fan_out)
    if name == "normal":
        return normal(fan_in, fan_out, rng)
    if name == "xavier":
        return xavier_init(fan_in, fan_out, rng)
    return he_init(fan_in, fan_out, rng)
