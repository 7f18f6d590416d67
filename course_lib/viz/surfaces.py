"""Two-dimensional test losses and the paths optimizers take on them.

Each :class:`Surface` bundles a loss ``f(w)``, its gradient ``grad(w)``, a
starting point and a plotting window. ``w`` has shape (2,) for one point or
(..., 2) for a grid of points, so the same function draws contours and
drives an optimizer.

:func:`trajectory` runs any *update rule* from a start point and returns the
path. An update rule is a callable ``update(w, grad, state, t) -> (w, state)``
(``state`` a dict, empty at the first step; ``t`` counts from 1). The
factories :func:`sgd`, :func:`momentum`, :func:`rmsprop` and :func:`adam` wrap
the pure step functions of :mod:`course_lib.optim`, and each takes a ``step=``
argument so a learner can plug in their own ``gd_step``, ``momentum_step``,
... with the contract signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib import optim
from course_lib.validation import as_array, check_positive, check_probability, describe

__all__ = [
    "Surface", "bowl", "ravine", "rosenbrock", "saddle", "SURFACES",
    "Update", "sgd", "momentum", "rmsprop", "adam", "trajectory",
]

Update = Callable[[np.ndarray, np.ndarray, dict, int], tuple[np.ndarray, dict]]


def _points(w: object) -> np.ndarray:
    """``w`` as a float array whose last axis has length 2."""
    w = as_array(w, "w", finite=False)
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"w must have shape (2,) or (..., 2), got {w.shape}")
    return w


def _value(out: np.ndarray) -> np.ndarray | float:
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class Surface:
    """A 2-D loss with its gradient, a start point and a window to draw it in.

    Attributes
    ----------
    name : str
    f : callable
        ``f(w)``: ``w`` (..., 2) -> loss (...) (a float for one point).
    grad : callable
        ``grad(w)``: ``w`` (..., 2) -> gradient (..., 2).
    start : ndarray, shape (2,)
        Where the chapter's optimizers start.
    minimum : ndarray, shape (2,)
        A global minimiser.
    xlim, ylim : tuple of float
        The plotting window.

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """

    name: str
    f: Callable
    grad: Callable
    start: np.ndarray
    minimum: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def __call__(self, w: np.ndarray) -> np.ndarray | float:
        return self.f(w)

    def grid(self, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, y, z)`` on an ``n`` by ``n`` grid over the window, for ``contour``."""
        n = check_positive(n, "n", integer=True)
        x, y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return x, y, self.f(np.stack([x, y], axis=-1))


# --------------------------------------------------------------------------- the surfaces

def _bowl(w: np.ndarray) -> np.ndarray | float:
    w = _points(w)
    return _value(0.5 * (w[..., 0] ** 2 + w[..., 1] ** 2))


def _bowl_grad(w: np.ndarray) -> np.ndarray:
    return np.array(_points(w), dtype=np.float64, copy=True)


RAVINE_CURVATURE = 20.0


def _ravine(w: np.ndarray) -> np.ndarray | float:
    w = _points(w)
    return _value(0.5 * (w[..., 0] ** 2 + RAVINE_CURVATURE * w[..., 1] ** 2))


def _ravine_grad(w: np.ndarray) -> np.ndarray:
    w = _points(w)
    return np.stack([w[..., 0], RAVINE_CURVATURE * w[..., 1]], axis=-1)


def _rosenbrock(w: np.ndarray) -> np.ndarray | float:
    w = _points(w)
    x, y = w[..., 0], w[..., 1]
    return _value((1 - x) ** 2 + 100 * (y - x**2) ** 2)


def _rosenbrock_grad(w: np.ndarray) -> np.ndarray:
    w = _points(w)
    x, y = w[..., 0], w[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def _saddle(w: np.ndarray) -> np.ndarray | float:
    w = _points(w)
    x, y = w[..., 0], w[..., 1]
    return _value(0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2)


def _saddle_grad(w: np.ndarray) -> np.ndarray:
    w = _points(w)
    x, y = w[..., 0], w[..., 1]
    return np.stack([x, y**3 - y], axis=-1)


bowl = Surface("bowl", _bowl, _bowl_grad, np.array([-1.6, 1.2]), np.zeros(2),
               (-2.0, 2.0), (-1.5, 1.5))

ravine = Surface("ravine", _ravine, _ravine_grad, np.array([-1.8, 0.6]), np.zeros(2),
                 (-2.0, 2.0), (-1.0, 1.0))

rosenbrock = Surface("rosenbrock", _rosenbrock, _rosenbrock_grad, np.array([-1.2, 1.0]),
                     np.ones(2), (-2.0, 2.0), (-1.0, 3.0))

saddle = Surface("saddle", _saddle, _saddle_grad, np.array([-1.8, 1e-3]),
                 np.array([0.0, 1.0]), (-2.0, 2.0), (-1.6, 1.6))

#: The chapter's surfaces by name. Their formulas:
#:
#: - ``bowl``: :math:`\tfrac12 (w_1^2 + w_2^2)`, minimum at the origin;
#: - ``ravine``: :math:`\tfrac12 (w_1^2 + 20 w_2^2)`, curvature 20 times larger
#:   across the valley than along it;
#: - ``rosenbrock``: :math:`(1 - w_1)^2 + 100 (w_2 - w_1^2)^2`, a curved,
#:   flat-bottomed valley with its minimum at (1, 1);
#: - ``saddle``: :math:`\tfrac12 w_1^2 + \tfrac14 w_2^4 - \tfrac12 w_2^2`, a
#:   saddle point at the origin between two minima at (0, 1) and (0, -1).
SURFACES = {s.name: s for s in (bowl, ravine, rosenbrock, saddle)}


# --------------------------------------------------------------------------- update rules

def _step_fn(step: object, default: Callable) -> Callable:
    if step is None:
        return default
    if not callable(step):
        raise TypeError(f"step must be a step function, got {describe(step)}")
    return step


def sgd(lr: float, step: Callable | None = None) -> Update:
    """Plain gradient descent as an update rule, using ``step(w, grad, lr)``.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    step : callable, optional
        A ``gd_step(w, grad, lr) -> w``; :func:`course_lib.optim.gd_step` by default.

    Returns
    -------
    callable
        ``update(w, grad, state, t) -> (w, state)``.

    Examples
    --------
    >>> path = trajectory(bowl, sgd(lr=0.5), steps=2, start=np.array([2.0, 0.0]))
    >>> path.tolist()
    [[2.0, 0.0], [1.0, 0.0], [0.5, 0.0]]

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    step = _step_fn(step, optim.gd_step)

    def update(w: np.ndarray, grad: np.ndarray, state: dict, t: int) -> tuple[np.ndarray, dict]:
        return step(w, grad, lr), state

    return update


def momentum(lr: float, beta: float = 0.9, step: Callable | None = None) -> Update:
    """Heavy-ball momentum as an update rule, using ``step(w, grad, velocity, lr, beta)``.

    The velocity lives in ``state["velocity"]`` and starts at zeros.

    Taught in chapter 4, section 'Momentum'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    beta = check_probability(beta, "beta")
    step = _step_fn(step, optim.momentum_step)

    def update(w: np.ndarray, grad: np.ndarray, state: dict, t: int) -> tuple[np.ndarray, dict]:
        velocity = state.get("velocity", np.zeros_like(w))
        w, velocity = step(w, grad, velocity, lr, beta)
        return w, {"velocity": velocity}

    return update


def rmsprop(lr: float, rho: float = 0.9, step: Callable | None = None) -> Update:
    """RMSProp as an update rule, using ``step(w, grad, s, lr, rho)``.

    Taught in chapter 4, section 'Adaptive learning rates: RMSProp'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    rho = check_probability(rho, "rho")
    step = _step_fn(step, optim.rmsprop_step)

    def update(w: np.ndarray, grad: np.ndarray, state: dict, t: int) -> tuple[np.ndarray, dict]:
        w, s = step(w, grad, state.get("s", np.zeros_like(w)), lr, rho)
        return w, {"s": s}

    return update


def adam(lr: float, beta1: float = 0.9, beta2: float = 0.999,
         step: Callable | None = None) -> Update:
    """Adam as an update rule, using ``step(w, grad, m, v, t, lr, beta1, beta2)``.

    Taught in chapter 4, section 'Adam'.
    """
    lr = check_positive(lr, "lr", allow_zero=True)
    beta1 = check_probability(beta1, "beta1")
    beta2 = check_probability(beta2, "beta2")
    step = _step_fn(step, optim.adam_step)

    def update(w: np.ndarray, grad: np.ndarray, state: dict, t: int) -> tuple[np.ndarray, dict]:
        zeros = np.zeros_like(w)
        w, m, v = step(w, grad, state.get("m", zeros), state.get("v", zeros), t, lr, beta1, beta2)
        return w, {"m": m, "v": v}

    return update


def trajectory(surface: Surface, update: Update, steps: int,
               start: np.ndarray | None = None, max_norm: float = 1e6) -> np.ndarray:
    """The points an update rule visits on a surface.

    Parameters
    ----------
    surface : Surface
        Supplies the gradient (and the default start).
    update : callable
        ``update(w, grad, state, t) -> (w, state)``, e.g. ``momentum(lr=0.01)``.
    steps : int
        How many updates to take, ``>= 0``.
    start : ndarray, shape (2,), optional
        Defaults to ``surface.start``.
    max_norm : float
        Stop early once ``|w|`` exceeds this (the run diverged) or ``w`` is
        not finite; the path then ends at the last finite point.

    Returns
    -------
    ndarray, shape (K + 1, 2)
        The start followed by the K points reached, ``K = steps`` unless the
        run diverged.

    Notes
    -----
    :math:`w_t = \\text{update}(w_{t-1}, \\nabla L(w_{t-1}))` for :math:`t = 1, \\dots, K`.

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface such as surfaces.ravine, "
                        f"got {describe(surface)}")
    if not callable(update):
        raise TypeError(f"update must be a callable (w, grad, state, t) -> (w, state), "
                        f"got {describe(update)}")
    steps = check_positive(steps, "steps", allow_zero=True, integer=True)
    max_norm = check_positive(max_norm, "max_norm")
    w = surface.start if start is None else start
    w = np.array(as_array(w, "start", ndim=1), dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"start must have shape (2,), got {w.shape}")
    path, state = [w], {}
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            w, state = update(w, surface.grad(w), state, t)
            w = np.asarray(w, dtype=np.float64)
            if not np.all(np.isfinite(w)) or np.linalg.norm(w) > max_norm:
                break
            path.append(w)
    return np.array(path)
