"""Optimizers: pure update rules and the classes that apply them to parameters.

Each update rule is written once, as the textbook writes it, in a pure
function (``gd_step``, ``momentum_step``, ...): it takes arrays and returns
new arrays, never modifying its inputs, so a notebook can call it in a loop
to draw the path of an optimizer on a 2-D loss surface. The function checks
its arguments; its math alone is ``f.unchecked`` (``validation.checked``).
The classes (``SGD``, ``RMSProp``, ``Adam``, ``AdamW``) keep one state per
parameter and apply the same rule with PyTorch's names, writing the result
into the parameter's array (``p.value[...] = ...``), so ``p.value`` stays
the same array, as in PyTorch; keep a ``p.value.copy()`` to remember old
values. The numbers are the pure functions' exactly.

Weight decay follows the course's L2 convention: it applies to weight
matrices (``regularization.is_weight_matrix``) and never to biases.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from course_lib.regularization import is_weight_matrix
from course_lib.validation import (
    as_array,
    check_positive,
    check_probability,
    checked,
    describe,
)

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
    return w - lr * grad


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
    velocity = beta * velocity + grad
    return w - lr * velocity, velocity


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
    velocity = beta * velocity + grad
    return w - lr * (grad + beta * velocity), velocity


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
    s = rho * s + (1 - rho) * grad**2
    return w - lr * grad / (np.sqrt(s) + eps), s


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
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@checked(_check_adamw)
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
    new_w, m, v = adam_step.unchecked(w, grad, m, v, t, lr, beta1, beta2, eps)
    return new_w - lr * weight_decay * w, m, v


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
    weight_decay : float
        L2 coefficient ``lam``: ``lam * W`` is added to the gradient of weight
        matrices (``regularization.is_weight_matrix``; biases excluded).

    Notes
    -----
    Subclasses implement ``update(w, grad, state)``, which applies their pure
    rule's math (``*_step.unchecked``: the arguments were checked when the
    optimizer was built) and returns the new value; ``step`` writes it into
    ``p.value`` in place.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self, params: Iterable, lr: float, weight_decay: float = 0.0) -> None:
        self.params = _check_params(params)
        self.lr = _lr(lr)
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
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
            p.value[...] = self.update(p.value, p.grad, state)

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> np.ndarray:
        """The new value of one parameter ``w`` (not modified) from its ``grad``."""
        raise NotImplementedError

    def l2(self, w: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """``grad`` plus the L2 term ``weight_decay * w`` if ``w`` is a weight matrix."""
        if self.weight_decay and is_weight_matrix(w):
            return grad + self.weight_decay * w
        return grad


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
        L2 coefficient, as in :class:`Optimizer`.

    Taught in chapter 4, section 'Momentum'.
    """

    def __init__(self, params: Iterable, lr: float, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = check_probability(momentum, "momentum")
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {describe(nesterov)}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> np.ndarray:
        grad = self.l2(w, grad)
        if not self.momentum:
            return gd_step.unchecked(w, grad, self.lr)
        rule = nesterov_step if self.nesterov else momentum_step
        velocity = state["velocity"] if state else np.zeros_like(w)
        w, state["velocity"] = rule.unchecked(w, grad, velocity, self.lr, self.momentum)
        return w


class RMSProp(Optimizer):
    """RMSProp; see :func:`rmsprop_step`. ``weight_decay`` adds L2 to weight gradients.

    Taught in chapter 4, section 'Adaptive learning rates: RMSProp'.
    """

    def __init__(self, params: Iterable, lr: float, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = check_probability(rho, "rho")
        self.eps = check_positive(eps, "eps")

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> np.ndarray:
        s = state["s"] if state else np.zeros_like(w)
        w, state["s"] = rmsprop_step.unchecked(w, self.l2(w, grad), s, self.lr, self.rho,
                                               self.eps)
        return w


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
        super().__init__(params, lr, weight_decay)
        self.betas = _betas(betas)
        self.eps = check_positive(eps, "eps")

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> np.ndarray:
        m, v, t = self.moments(w, state)
        w, state["m"], state["v"] = adam_step.unchecked(w, self.l2(w, grad), m, v, t, self.lr,
                                                        *self.betas, self.eps)
        return w

    @staticmethod
    def moments(w: np.ndarray, state: dict) -> tuple[np.ndarray, np.ndarray, int]:
        """``m``, ``v`` (zeros at first) and the step number ``t``, counted from 1."""
        if not state:
            state.update(t=0, m=np.zeros_like(w), v=np.zeros_like(w))
        state["t"] += 1
        return state["m"], state["v"], state["t"]


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

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> np.ndarray:
        m, v, t = self.moments(w, state)
        decay = self.weight_decay if is_weight_matrix(w) else 0.0  # decoupled: not in grad
        w, state["m"], state["v"] = adamw_step.unchecked(w, grad, m, v, t, self.lr,
                                                         *self.betas, self.eps, decay)
        return w
