"""How gradients flow through a deep network: per-layer gradient norms.

A deep MLP with a chosen hidden activation (sigmoid, tanh or ReLU) is run
forward and backward on one batch, and the size of the weight gradient of
every layer (``layer_gradient_norms``) or of the gradient of every layer's
output (``activation_gradient_norms``) is reported. It shows vanishing
gradients (sigmoid: each layer multiplies the gradient by at most 1/4) and
how ReLU with He initialization keeps the gradient scale roughly constant
with depth.

For networks built from modules, ``layer_statistics`` measures every
``Linear`` layer on one batch, and the ``Monitor`` callback of ``train.fit``
records them at every step of training, with the update-to-weight ratios.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib import activations
from course_lib.layers import linear_backward
from course_lib.losses import softmax_cross_entropy
from course_lib.modules import Linear, Module
from course_lib.network import mlp_forward_with_caches
from course_lib.validation import check_choice, check_positive, describe

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
    numpy.ndarray, shape (K,)
        :math:`\\lVert \\partial L / \\partial W_\\ell \\rVert_F` for layers
        :math:`\\ell = 1, \\dots, K` (entry ``l - 1`` for layer ``l``), first
        layer first.

    Notes
    -----
    The loss is the mean softmax cross-entropy. Going back through layer
    :math:`\\ell` multiplies the gradient by :math:`W_\\ell^\\top` and by the
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
    numpy.ndarray, shape (K,)
        :math:`\\lVert \\partial L / \\partial A_\\ell \\rVert_F` for
        :math:`\\ell = 1, \\dots, K`, where :math:`A_\\ell` is the output of
        layer :math:`\\ell` for the whole batch (after its activation; the
        logits :math:`Z_K` for the last layer), first layer first.

    Notes
    -----
    This is the gradient the backward pass carries from layer to layer; the
    weight gradient of layer :math:`\\ell` is :math:`A_{\\ell-1}^\\top` times it (after the
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
    forward, backward = _PAIRS[activation]
    h, caches = mlp_forward_with_caches(x, params, forward)
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


# --------------------------------------------------------------------------
# Watching a module network while it trains (chapter 7)
# --------------------------------------------------------------------------


def linear_layers(model: Module) -> list[Linear]:
    """Every ``Linear`` module of a model, in forward order.

    Looks inside ``Sequential`` (its ``modules``) and ``blocks.Residual``
    (its ``body``), however deeply nested.

    Examples
    --------
    >>> from course_lib.modules import ReLU, Sequential
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(4, 8, rng), ReLU(), Linear(8, 3, rng))
    >>> [layer.out_features for layer in linear_layers(model)]
    [8, 3]

    Taught in chapter 7, section 'Watching a network train'.
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be a Module, got {describe(model)}")
    if isinstance(model, Linear):
        return [model]
    children = getattr(model, "modules", None)
    if children is None and isinstance(getattr(model, "body", None), Module):
        children = [model.body]
    return [layer for child in children or [] for layer in linear_layers(child)]


def layer_statistics(model: Module, x: np.ndarray, y: np.ndarray,
                     loss_fn: Callable = softmax_cross_entropy) -> dict[str, np.ndarray]:
    """One forward and backward pass, and what every ``Linear`` layer saw.

    Parameters
    ----------
    model : Module
        Run in training mode; its gradients are reset, then filled by this
        batch (a ``BatchNorm1d`` also updates its running statistics).
    x : array_like, shape (N, D)
    y : array_like
        Targets for ``loss_fn``, such as integer labels (N,).
    loss_fn : callable
        ``loss_fn(outputs, y) -> (loss, doutputs)``.

    Returns
    -------
    dict of str to numpy.ndarray, each of shape (K,), one entry per Linear layer
        ``"activation_std"``: the standard deviation of each Linear layer's
        input (layer 0's is the data); ``"grad_norm"``: the Frobenius norm of
        the loss gradient of its weights; ``"weight_norm"``: that of the
        weights themselves.

    Examples
    --------
    >>> from course_lib.modules import ReLU, Sequential
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(4, 8, rng), ReLU(), Linear(8, 3, rng))
    >>> stats = layer_statistics(model, rng.normal(size=(16, 4)), rng.integers(0, 3, 16))
    >>> sorted(stats), stats["grad_norm"].shape
    (['activation_std', 'grad_norm', 'weight_norm'], (2,))

    Taught in chapter 7, section 'Watching a network train'.
    """
    layers_ = linear_layers(model)
    if not layers_:
        raise ValueError("model must contain at least one Linear layer, got none")
    model.train()
    model.zero_grad()
    _, dout = loss_fn(model.forward(x), y)
    model.backward(dout)
    return {
        "activation_std": np.array([float(layer._cache.x.std()) for layer in layers_]),
        "grad_norm": np.array([float(np.linalg.norm(layer.weight.grad)) for layer in layers_]),
        "weight_norm": np.array([float(np.linalg.norm(layer.weight.value))
                                 for layer in layers_]),
    }


def _ratio(after: np.ndarray, before: np.ndarray) -> float:
    """||after - before|| / ||before||; NaN for weights that were all zero."""
    size = float(np.linalg.norm(before))
    return float(np.linalg.norm(after - before)) / size if size > 0 else float("nan")


class Monitor:
    """A ``fit`` callback that records, after every step, what each layer does.

    Parameters
    ----------
    model : Module
        The model that ``fit`` trains; its ``Linear`` layers are watched
        (see ``linear_layers``). Create the monitor before training.
    every : int
        Record one step in ``every`` (the update ratio is still measured
        over that one step).

    Attributes
    ----------
    steps : list of int
        The steps recorded (counting from 0 across epochs).
    loss : list of float
        The mini-batch loss of each recorded step.
    total_grad_norm : list of float or None
        The global gradient norm before clipping (only when ``fit`` clips).

    Notes
    -----
    Per recorded step and Linear layer :math:`\\ell`: the standard deviation of
    the layer's input, the norm of its weight gradient
    :math:`\\lVert \\nabla_{W_\\ell} L \\rVert`, and the **update-to-weight
    ratio** :math:`\\lVert \\Delta W_\\ell \\rVert / \\lVert W_\\ell \\rVert`, the
    relative size of the change that step made (near :math:`10^{-3}` is
    healthy for SGD; much smaller learns slowly, much larger is unstable;
    NaN for a layer whose weights were all zero before the step).
    ``arrays()`` returns them as (steps, K) arrays.

    Taught in chapter 7, section 'Watching a network train'.
    """

    def __init__(self, model: Module, every: int = 1) -> None:
        self.layers = linear_layers(model)
        if not self.layers:
            raise ValueError("model must contain at least one Linear layer, got none")
        self.every = check_positive(every, "every", integer=True)
        self.steps: list[int] = []
        self.loss: list[float] = []
        self.total_grad_norm: list[float | None] = []
        self._records: dict[str, list] = {"activation_std": [], "grad_norm": [],
                                          "update_ratio": []}
        self._before = [layer.weight.value.copy() for layer in self.layers]

    def on_step_end(self, step: int, info: dict, model: Module) -> None:
        """Record the step that ``fit`` just took."""
        record = step % self.every == 0
        if record:
            self.steps.append(step)
            self.loss.append(float(info["loss"]))
            self.total_grad_norm.append(info.get("grad_norm"))
            self._records["activation_std"].append(
                [float(layer._cache.x.std()) for layer in self.layers])
            self._records["grad_norm"].append(
                [float(np.linalg.norm(layer.weight.grad)) for layer in self.layers])
            self._records["update_ratio"].append([
                _ratio(layer.weight.value, before)
                for layer, before in zip(self.layers, self._before)])
        if record or (step + 1) % self.every == 0:
            self._before = [layer.weight.value.copy() for layer in self.layers]

    def on_epoch_end(self, epoch: int, history: dict, model: Module) -> bool:
        """Never stops training."""
        return False

    def arrays(self) -> dict[str, np.ndarray]:
        """The records as arrays: ``loss`` (S,) and per-layer values (S, L)."""
        out = {"steps": np.array(self.steps), "loss": np.array(self.loss)}
        for key, rows in self._records.items():
            out[key] = np.array(rows, dtype=float).reshape(len(rows), len(self.layers))
        return out
