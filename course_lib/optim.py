"""Optimizers: pure update rules and the classes that apply them to parameters.

The pure functions (``gd_step``, ``momentum_step``, ...) take arrays and
return new arrays; they never modify their inputs, so a notebook can call
them in a loop to draw the path of an optimizer on a 2-D loss surface. The
classes (``SGD``, ``RMSProp``, ``Adam``, ``AdamW``) keep one state per
parameter and apply the same update rules with PyTorch's names. Like
PyTorch's, they update the parameters and their own state *in place*
(``p.value -= ...``), which saves a new array per parameter and step; keep a
``p.value.copy()`` to remember old values. The arithmetic is the same as the
pure functions', in the same order, so the numbers are the same.

Weight decay follows the course's L2 convention: it applies to weight
matrices (parameters with two or more dimensions) and never to biases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from course_lib.validation import as_array, check_positive, check_probability, describe

__all__ = [
    "gd_step", "momentum_step", "nesterov_step", "rmsprop_step", "adam_step", "adamw_step",
    "Optimizer", "SGD", "RMSProp", "Adam", "AdamW",
]


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
    w, grad = _arrays(w, grad)
    return _gd(w, grad, _lr(lr))


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
    w, grad, velocity = _arrays(w, grad, velocity=velocity)
    return _momentum(w, grad, velocity, _lr(lr), check_probability(beta, "beta"))


def nesterov_step(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray, lr: float,
                  beta: float) -> tuple[np.ndarray, np.ndarray]:
    """One step of Nesterov momentum, in the form PyTorch and Sutskever et al. use.

    Parameters
    ----------
    w, grad, velocity : ndarray, all the same shape
        Parameters, gradient at ``w``, previous velocity (zeros at first).
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
    w, grad, velocity = _arrays(w, grad, velocity=velocity)
    return _nesterov(w, grad, velocity, _lr(lr), check_probability(beta, "beta"))


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
    w, grad, s = _arrays(w, grad, s=s)
    return _rmsprop(w, grad, s, _lr(lr), check_probability(rho, "rho"),
                    check_positive(eps, "eps"))


def _check_adam(w: object, grad: object, m: object, v: object, t: object, lr: object,
                beta1: object, beta2: object, eps: object) -> tuple:
    """Validate Adam's inputs and return them converted, in the same order."""
    w, grad, m, v = _arrays(w, grad, m=m, v=v)
    return (w, grad, m, v, check_positive(t, "t", integer=True), _lr(lr),
            check_probability(beta1, "beta1"), check_probability(beta2, "beta2"),
            check_positive(eps, "eps"))


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
    return _adam(*_check_adam(w, grad, m, v, t, lr, beta1, beta2, eps))


def adamw_step(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int, lr: float,
               beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Parameters are as in :func:`adam_step`, plus ``weight_decay >= 0``.

    Returns
    -------
    w, m, v : ndarray
        New parameters and moment estimates.

    Notes
    -----
    The decay shrinks the weights directly instead of entering the gradient,
    so Adam's per-coordinate scaling does not weaken it:

    .. math:: w \\leftarrow w - \\eta \\left(\\hat m / (\\sqrt{\\hat v} + \\epsilon)
              + \\lambda w\\right)

    Taught in chapter 5, section 'Weight decay under Adam is not L2'.
    """
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    return _adam(*_check_adam(w, grad, m, v, t, lr, beta1, beta2, eps), weight_decay)


# The update rules themselves, without validation. The public functions above
# check their inputs and call these.


def _gd(w: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    return w - lr * grad


def _momentum(w, grad, velocity, lr: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    velocity = beta * velocity + grad
    return w - lr * velocity, velocity


def _nesterov(w, grad, velocity, lr: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    velocity = beta * velocity + grad
    return w - lr * (grad + beta * velocity), velocity


def _rmsprop(w, grad, s, lr: float, rho: float, eps: float) -> tuple[np.ndarray, np.ndarray]:
    s = rho * s + (1.0 - rho) * (grad * grad)
    return w - lr * grad / (np.sqrt(s) + eps), s


def _adam(w, grad, m, v, t: int, lr: float, beta1: float, beta2: float, eps: float,
          weight_decay: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam; with ``weight_decay`` the decoupled decay of AdamW.

    Computes ``m_hat / (sqrt(v_hat) + eps)`` as ``(sqrt(c2) / c1) * m / (sqrt(v)
    + eps sqrt(c2))`` with ``c = 1 - beta**t`` (the same number, fewer array
    passes), updating fresh arrays in place so inputs are never modified.
    """
    m = beta1 * m
    m += (1.0 - beta1) * grad
    v = beta2 * v
    v += (1.0 - beta2) * np.square(grad)
    c1, root_c2 = 1.0 - beta1**t, math.sqrt(1.0 - beta2**t)
    direction = np.sqrt(v)
    direction += eps * root_c2
    np.divide(m, direction, out=direction)
    direction *= root_c2 / c1
    if weight_decay:
        direction += weight_decay * w
    return w - lr * direction, m, v


def _adam_inplace(w, grad, m, v, t: int, lr: float, beta1: float, beta2: float, eps: float,
                  weight_decay: float = 0.0) -> None:
    """``_adam`` for the classes: the same operations, updating w, m and v in place."""
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * np.square(grad)
    c1, root_c2 = 1.0 - beta1**t, math.sqrt(1.0 - beta2**t)
    direction = np.sqrt(v)
    direction += eps * root_c2
    np.divide(m, direction, out=direction)
    direction *= root_c2 / c1
    if weight_decay:
        direction += weight_decay * w
    direction *= lr
    w -= direction


def _check_params(params: object) -> list:
    """Return ``params`` as a non-empty list of objects with ``value`` and ``grad``."""
    if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
        raise TypeError(
            "params must be a list of Parameter objects (model.parameters()), "
            f"got {describe(params)}"
        )
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one Parameter, got an empty list")
    for i, p in enumerate(params):
        if not (hasattr(p, "value") and hasattr(p, "grad")):
            raise TypeError(
                f"params[{i}] must be a Parameter (with .value and .grad), got {describe(p)}"
            )
    return params


def _betas(betas: object) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {describe(betas)}")
    return check_probability(betas[0], "betas[0]"), check_probability(betas[1], "betas[1]")


class Optimizer:
    """Base class: holds the parameters, the learning rate and per-parameter state.

    Parameters
    ----------
    params : iterable of Parameter
        What to update, usually ``model.parameters()``.
    lr : float
        Learning rate, ``>= 0``; a schedule may set ``optimizer.lr`` between steps.

    Notes
    -----
    Subclasses implement ``_update(p, state)``, which updates ``p.value`` in
    place with the same rule the pure function applies (skipping its input
    checks, which cost a noticeable share of a small model's step).

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self, params: Iterable, lr: float) -> None:
        self.params = _check_params(params)
        self.lr = _lr(lr)
        self.state: list[dict] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter from its ``grad``."""
        for i, (p, state) in enumerate(zip(self.params, self.state)):
            if np.shape(p.grad) != np.shape(p.value):
                raise ValueError(f"params[{i}].grad must have the shape of its value "
                                 f"{np.shape(p.value)}, got {np.shape(p.grad)}")
            self._update(p, state)

    def _update(self, p, state: dict) -> None:
        raise NotImplementedError

    @staticmethod
    def _decays(p) -> bool:
        """Weight decay applies to weight matrices only, never to biases."""
        return np.ndim(p.value) >= 2


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum and L2.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float
        Learning rate, ``>= 0``.
    momentum : float
        Momentum coefficient ``beta`` in [0, 1); 0 gives plain gradient descent.
    nesterov : bool
        Use :func:`nesterov_step` instead of :func:`momentum_step`.
    weight_decay : float
        L2 coefficient ``lam``: ``lam * W`` is added to the gradient of weight
        matrices (biases excluded).

    Taught in chapter 4, section 'Momentum'.
    """

    def __init__(self, params: Iterable, lr: float, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = check_probability(momentum, "momentum")
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {describe(nesterov)}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)

    def _update(self, p, state: dict) -> None:
        grad = p.grad
        if self.weight_decay and self._decays(p):
            grad = grad + self.weight_decay * p.value
        if self.momentum:  # as _momentum and _nesterov, in place
            if "velocity" not in state:
                state["velocity"] = np.zeros_like(p.value)
            velocity = state["velocity"]
            velocity *= self.momentum
            velocity += grad
            grad = grad + self.momentum * velocity if self.nesterov else velocity
        p.value -= self.lr * grad


class RMSProp(Optimizer):
    """RMSProp; see :func:`rmsprop_step`. ``weight_decay`` adds L2 to weight gradients.

    Taught in chapter 4, section 'Adaptive learning rates: RMSProp'.
    """

    def __init__(self, params: Iterable, lr: float, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.rho = check_probability(rho, "rho")
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)

    def _update(self, p, state: dict) -> None:
        grad = p.grad
        if self.weight_decay and self._decays(p):
            grad = grad + self.weight_decay * p.value
        if "s" not in state:
            state["s"] = np.zeros_like(p.value)
        s = state["s"]  # as _rmsprop, in place
        s *= self.rho
        s += (1.0 - self.rho) * (grad * grad)
        p.value -= self.lr * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam; see :func:`adam_step`.

    ``weight_decay`` is classic L2: ``lam * W`` is added to the gradient of
    weight matrices *before* the adaptive scaling (use :class:`AdamW` for
    decoupled decay).

    Taught in chapter 4, section 'Adam'.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.betas = _betas(betas)
        self.eps = check_positive(eps, "eps")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)

    def _moments(self, p, state: dict) -> tuple:
        if "t" not in state:
            state.update(t=0, m=np.zeros_like(p.value), v=np.zeros_like(p.value))
        state["t"] += 1
        return state["m"], state["v"], state["t"]

    def _update(self, p, state: dict) -> None:
        grad = p.grad
        if self.weight_decay and self._decays(p):
            grad = grad + self.weight_decay * p.value
        m, v, t = self._moments(p, state)
        _adam_inplace(p.value, grad, m, v, t, self.lr, *self.betas, self.eps)


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay; see :func:`adamw_step`.

    The decay applies to weight matrices only (PyTorch also decays biases
    unless told otherwise).

    Taught in chapter 5, section 'Weight decay under Adam is not L2'.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, p, state: dict) -> None:
        m, v, t = self._moments(p, state)
        decay = self.weight_decay if self._decays(p) else 0.0
        _adam_inplace(p.value, p.grad, m, v, t, self.lr, *self.betas, self.eps, decay)
