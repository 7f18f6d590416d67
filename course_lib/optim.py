"""Optimizers: the classes that apply the update rules to a model's parameters.

``SGD``, ``RMSProp``, ``Adam`` and ``AdamW`` have PyTorch's names. Each keeps
one state per parameter and applies the rule of :mod:`course_lib.update_rules`
(``adam_update``, ...), which updates ``p.value`` and the state in place, as
PyTorch does; keep a ``p.value.copy()`` to remember old values. The numbers
are those of the pure functions (``adam_step``, ...), which apply the same
rule to copies; they are importable from here too (``optim.adam_step``), as
the chapters use them.

Weight decay follows the course's L2 convention: it applies to weight
matrices (``regularization.is_weight_matrix``) and never to biases.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from course_lib.regularization import is_weight_matrix
from course_lib.update_rules import (  # noqa: F401 (the *_step re-exported: optim.adam_step)
    adam_step,
    adam_update,
    adamw_step,
    adamw_update,
    gd_step,
    gd_update,
    momentum_step,
    momentum_update,
    nesterov_step,
    nesterov_update,
    rmsprop_step,
    rmsprop_update,
)
from course_lib.validation import check_positive, check_probability, describe

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam", "AdamW"]


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
    Subclasses implement ``update(w, grad, state)``, which applies their rule
    (``update_rules.*_update``) to ``w``, the parameter's value, in place;
    the arguments were checked when the optimizer was built.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self, params: Iterable, lr: float, weight_decay: float = 0.0) -> None:
        self.params = _check_params(params)
        self.lr = check_positive(lr, "lr", allow_zero=True)
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
            self.update(p.value, p.grad, state)

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> None:
        """Update one parameter's value ``w`` in place from its ``grad``."""
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

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> None:
        grad = self.l2(w, grad)
        if not self.momentum:
            gd_update(w, grad, self.lr)
            return
        if not state:
            state["velocity"] = np.zeros_like(w)
        rule = nesterov_update if self.nesterov else momentum_update
        rule(w, grad, state["velocity"], self.lr, self.momentum)


class RMSProp(Optimizer):
    """RMSProp; see :func:`rmsprop_step`. ``weight_decay`` adds L2 to weight gradients.

    Taught in chapter 4, section 'Adaptive learning rates: RMSProp'.
    """

    def __init__(self, params: Iterable, lr: float, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = check_probability(rho, "rho")
        self.eps = check_positive(eps, "eps")

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> None:
        if not state:
            state["s"] = np.zeros_like(w)
        rmsprop_update(w, self.l2(w, grad), state["s"], self.lr, self.rho, self.eps)


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

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> None:
        m, v, t = self.moments(w, state)
        adam_update(w, self.l2(w, grad), m, v, t, self.lr, *self.betas, self.eps)

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

    def update(self, w: np.ndarray, grad: np.ndarray, state: dict) -> None:
        m, v, t = self.moments(w, state)
        decay = self.weight_decay if is_weight_matrix(w) else 0.0  # decoupled: not in grad
        adamw_update(w, grad, m, v, t, self.lr, *self.betas, self.eps, decay)
