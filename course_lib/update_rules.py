"""The optimizers' update rules, each written once, as the textbook writes it.

Each rule is a ``*_update`` function (``adam_update``, ...) that applies one
step to the parameters and the optimizer's state *in place*, line by line
the formula of its docstring (``m_hat``, ``v_hat``, ...); the classes of
:mod:`course_lib.optim` call it on a model's parameters. Each also has a
pure form, ``*_step``, which checks its arguments, copies, applies the rule
and returns new arrays, never modifying its inputs, so a notebook can call it
in a loop to draw the path of an optimizer on a 2-D loss surface.
``optim.adam_step`` and the others are these functions.

Why in place: on the weights of a 784-256 layer, the rule written with new
arrays (``w - lr * ...``) took about four times as long as the same
arithmetic written into the existing arrays (``w -= lr * ...``), on this
course's 2-core machine; new arrays of that size are slow to get from the
allocator. The numbers are the same either way.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.validation import as_array, check_positive, check_probability, checked

__all__ = ["gd_update", "momentum_update", "nesterov_update", "rmsprop_update",
           "adam_update", "adamw_update", "gd_step", "momentum_step", "nesterov_step",
           "rmsprop_step", "adam_step", "adamw_step"]


def _arrays(w: object, grad: object, **state: object) -> list[np.ndarray]:
    """Validate ``w``, ``grad`` and state arrays: all numeric and shaped like ``w``."""
    w = as_array(w, "w")
    out = [w]
    for name, value in {"grad": grad, **state}.items():
        array = as_array(value, name)
        if array.shape != w.shape:
            raise ValueError(f"{name} must have the shape of w {w.shape}, got {array.shape}")
        out.append(array)
    return out


def _lr(lr: object) -> float:
    return check_positive(lr, "lr", allow_zero=True)


def _check_gd(w: object, grad: object, lr: object) -> tuple:
    return (*_arrays(w, grad), _lr(lr))


def _check_momentum(w: object, grad: object, velocity: object, lr: object,
                    beta: object) -> tuple:
    return (*_arrays(w, grad, velocity=velocity), _lr(lr), check_probability(beta, "beta"))


def _check_rmsprop(w: object, grad: object, s: object, lr: object, rho: object = 0.9,
                   eps: object = 1e-8) -> tuple:
    return (*_arrays(w, grad, s=s), _lr(lr), check_probability(rho, "rho"),
            check_positive(eps, "eps"))


def _check_adam(w: object, grad: object, m: object, v: object, t: object, lr: object,
                beta1: object = 0.9, beta2: object = 0.999, eps: object = 1e-8) -> tuple:
    return (*_arrays(w, grad, m=m, v=v), check_positive(t, "t", integer=True), _lr(lr),
            check_probability(beta1, "beta1"), check_probability(beta2, "beta2"),
            check_positive(eps, "eps"))


def _check_adamw(w: object, grad: object, m: object, v: object, t: object, lr: object,
                 beta1: object = 0.9, beta2: object = 0.999, eps: object = 1e-8,
                 weight_decay: object = 0.01) -> tuple:
    return (*_check_adam(w, grad, m, v, t, lr, beta1, beta2, eps),
            check_positive(weight_decay, "weight_decay", allow_zero=True))


def gd_update(w: np.ndarray, grad: np.ndarray, lr: float) -> None:
    """Gradient descent in place: ``w -= lr * grad`` (see :func:`gd_step`)."""
    w -= lr * grad


def momentum_update(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float,
                    beta: float) -> None:
    """Heavy-ball momentum in place on ``w`` and ``velocity`` (see :func:`momentum_step`)."""
    velocity[...] = beta * velocity + grad
    w -= lr * velocity


def nesterov_update(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float,
                    beta: float) -> None:
    """Nesterov momentum in place on ``w`` and ``velocity`` (see :func:`nesterov_step`)."""
    velocity[...] = beta * velocity + grad
    w -= lr * (grad + beta * velocity)


def rmsprop_update(w: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float, rho: float,
                   eps: float) -> None:
    """RMSProp in place on ``w`` and ``s`` (see :func:`rmsprop_step`)."""
    s[...] = rho * s + (1 - rho) * grad**2
    w -= lr * grad / (np.sqrt(s) + eps)


def adam_update(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
                lr: float, beta1: float, beta2: float, eps: float) -> None:
    """Adam in place on ``w``, ``m`` and ``v`` (see :func:`adam_step`).

    Notes
    -----
    The textbook's step, after the moments,

    .. code-block:: python

        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        w -= lr * m_hat / (np.sqrt(v_hat) + eps)

    runs here fused: with the bias corrections ``c1 = 1 - beta1**t`` and
    ``c2 = 1 - beta2**t``, ``m_hat / (sqrt(v_hat) + eps)`` equals
    ``sqrt(c2) / c1 * m / (sqrt(v) + eps * sqrt(c2))``, so the corrections
    are two numbers and the step needs one new array (``denom``), reused for
    every line, where the textbook lines make five. On this course's 2-core machine that made
    Adam about twice as fast on a (64, 128) weight (23 against 55 us per
    call) and four times on (784, 256) (0.55 against 2.3 ms), and the
    digits benchmark about 10% faster (``benchmarks/README.md``). The
    numbers agree with the textbook lines to rounding (``tests/test_optim.py``).
    """
    m *= beta1
    m += (1 - beta1) * grad                      # m = beta1 m + (1 - beta1) g
    v *= beta2
    v += (1 - beta2) * grad**2                   # v = beta2 v + (1 - beta2) g^2
    c1, c2 = 1 - beta1**t, 1 - beta2**t          # m_hat = m / c1, v_hat = v / c2
    denom = np.sqrt(v)
    denom += eps * math.sqrt(c2)                 # sqrt(v_hat) + eps, times sqrt(c2)
    np.divide(m, denom, out=denom)
    denom *= lr * math.sqrt(c2) / c1
    w -= denom                                   # w -= lr * m_hat / (sqrt(v_hat) + eps)


def adamw_update(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
                 lr: float, beta1: float, beta2: float, eps: float,
                 weight_decay: float) -> None:
    """AdamW in place on ``w``, ``m`` and ``v`` (see :func:`adamw_step`).

    The decay shrinks ``w`` directly, by ``lr * weight_decay * w``, and the
    Adam step, which does not depend on ``w``, follows.
    """
    w -= lr * weight_decay * w
    adam_update(w, grad, m, v, t, lr, beta1, beta2, eps)


@checked(_check_gd)
def gd_step(w: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    """One step of plain gradient descent.

    Parameters
    ----------
    w : ndarray, any shape
        Current parameters.
    grad : ndarray, shape like ``w``
        Gradient of the loss at ``w``.
    lr : float
        Learning rate, ``>= 0``.

    Returns
    -------
    ndarray, shape like ``w``
        The new parameters (a new array; ``w`` is not modified).

    Notes
    -----
    .. math:: w \\leftarrow w - \\eta \\, \\nabla L(w)

    Examples
    --------
    >>> gd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1)
    array([0.95, 2.1 ])

    Taught in chapter 4, section 'Walking downhill'.
    """
    w = w.copy()
    gd_update(w, grad, lr)
    return w


@checked(_check_momentum)
def momentum_step(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float,
                  beta: float) -> tuple[np.ndarray, np.ndarray]:
    """One step of heavy-ball momentum.

    Parameters
    ----------
    w, grad, velocity : ndarray, all the same shape
        Parameters, gradient, and the velocity from the previous step
        (zeros at the first step).
    lr : float
        Learning rate, ``>= 0``.
    beta : float
        Momentum coefficient in [0, 1).

    Returns
    -------
    w : ndarray
        New parameters.
    velocity : ndarray
        New velocity.

    Notes
    -----
    .. math::

        v \\leftarrow \\beta v + \\nabla L(w), \\qquad w \\leftarrow w - \\eta v

    Examples
    --------
    >>> w, v = momentum_step(np.array([1.0]), np.array([1.0]), np.array([1.0]), 0.1, 0.9)
    >>> w, v
    (array([0.81]), array([1.9]))

    Taught in chapter 4, section 'Momentum'.
    """
    w, velocity = w.copy(), velocity.copy()
    momentum_update(w, grad, velocity, lr, beta)
    return w, velocity


@checked(_check_momentum)
def nesterov_step(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float,
                  beta: float) -> tuple[np.ndarray, np.ndarray]:
    """One step of Nesterov momentum, in the form PyTorch and Sutskever et al. use.

    Parameters and returns are those of :func:`momentum_step`.

    Notes
    -----
    Nesterov's method evaluates the gradient at the look-ahead point
    :math:`w - \\eta \\beta v`. Tracking the look-ahead point itself as the
    parameters turns that into an update that needs only the gradient at the
    current parameters:

    .. math::

        v \\leftarrow \\beta v + \\nabla L(w), \\qquad
        w \\leftarrow w - \\eta (\\nabla L(w) + \\beta v)

    Compared with heavy-ball momentum, the step takes one more look along the
    new velocity, which damps oscillations.

    Taught in chapter 4, section 'Momentum'.
    """
    w, velocity = w.copy(), velocity.copy()
    nesterov_update(w, grad, velocity, lr, beta)
    return w, velocity


@checked(_check_rmsprop)
def rmsprop_step(w: np.ndarray, grad: np.ndarray, s: np.ndarray, lr: float, rho: float = 0.9,
                 eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """One step of RMSProp.

    Parameters
    ----------
    w, grad, s : ndarray, all the same shape
        Parameters, gradient, running mean of squared gradients (zeros at first).
    lr : float
        Learning rate, ``>= 0``.
    rho : float
        Decay rate of the running mean, in [0, 1).
    eps : float
        Small positive number that keeps the division finite.

    Returns
    -------
    w : ndarray
        New parameters.
    s : ndarray
        New running mean of squared gradients.

    Notes
    -----
    .. math::

        s \\leftarrow \\rho s + (1 - \\rho) g^2, \\qquad
        w \\leftarrow w - \\eta \\, g / (\\sqrt{s} + \\epsilon)

    Taught in chapter 4, section 'Adaptive learning rates: RMSProp'.
    """
    w, s = w.copy(), s.copy()
    rmsprop_update(w, grad, s, lr, rho, eps)
    return w, s


@checked(_check_adam)
def adam_step(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int, lr: float,
              beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of Adam (Kingma and Ba, 2015).

    Parameters
    ----------
    w, grad, m, v : ndarray, all the same shape
        Parameters, gradient, first and second moment estimates (zeros at first).
    t : int
        Step number, counting from 1.
    lr : float
        Learning rate, ``>= 0``.
    beta1, beta2 : float
        Decay rates of the moment estimates, in [0, 1).
    eps : float
        Small positive number added *outside* the square root.

    Returns
    -------
    w, m, v : ndarray
        New parameters and moment estimates.

    Notes
    -----
    .. math::

        m \\leftarrow \\beta_1 m + (1-\\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2, \\\\
        \\hat m = m / (1-\\beta_1^t), \\quad \\hat v = v / (1-\\beta_2^t), \\quad
        w \\leftarrow w - \\eta \\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)

    Bias correction makes the first step about ``lr`` long in every
    coordinate, whatever the gradient's scale:

    >>> w, m, v = adam_step(np.zeros(2), np.array([1e-3, 50.0]), np.zeros(2), np.zeros(2),
    ...                     t=1, lr=0.1)
    >>> np.round(w, 4)
    array([-0.1, -0.1])

    Taught in chapter 4, section 'Adam'.
    """
    w, m, v = w.copy(), m.copy(), v.copy()
    adam_update(w, grad, m, v, t, lr, beta1, beta2, eps)
    return w, m, v


@checked(_check_adamw)
def adamw_step(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int, lr: float,
               beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Parameters and returns are those of :func:`adam_step`, plus
    ``weight_decay >= 0``.

    Notes
    -----
    The decay shrinks the weights directly instead of entering the gradient,
    so Adam's per-coordinate scaling does not weaken it:

    .. math:: w \\leftarrow w - \\eta \\left(\\hat m / (\\sqrt{\\hat v} + \\epsilon)
              + \\lambda w\\right)

    Taught in chapter 5, section 'Weight decay under Adam is not L2'.
    """
    w, m, v = w.copy(), m.copy(), v.copy()
    adamw_update(w, grad, m, v, t, lr, beta1, beta2, eps, weight_decay)
    return w, m, v
