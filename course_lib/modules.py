"""A thin module layer with PyTorch's names over the functional core.

Each module keeps the cache of its last ``forward`` and, in ``backward``,
calls the matching functional backward, adds parameter gradients into
``Parameter.grad`` (``+=``, like PyTorch, so call ``zero_grad`` between
steps) and returns the gradient for its input. No math lives here.

Checking inputs once. The functions of ``layers`` and ``activations`` check
their arguments and then run their math, which stays reachable unchecked as
``f.unchecked`` (see ``validation.checked``). A module's ``forward`` and
``backward`` run that math on arrays, keeping only shape checks, which cost
nothing: inside a model every module's input is an array the module before
it produced, and rescanning it for NaN at every layer cost a fifth of a small
model's training step. ``Sequential``, the model's entrance, checks the batch
``x`` and the upstream gradient ``dout`` once. Non-finite values that appear
inside the model reach its output, where the loss function reports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course_lib import activations, layers
from course_lib.init import INITS, init_weights
from course_lib.validation import (
    as_array,
    check_choice,
    check_positive,
    check_probability,
    check_rng,
    check_shape,
)


@dataclass(repr=False)
class Parameter:
    """A trainable array and the gradient accumulated for it.

    Parameters
    ----------
    value : numpy.ndarray
        The current values.
    grad : numpy.ndarray
        Same shape as ``value``; starts at zero.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    value: np.ndarray
    grad: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.value = as_array(self.value, "value")
        self.grad = np.zeros_like(self.value)

    def zero_grad(self) -> None:
        """Reset the gradient to zeros of the shape of ``value``."""
        self.grad = np.zeros(self.value.shape, self.value.dtype)  # zeros_like, but cheaper

    def __repr__(self) -> str:
        return f"Parameter(shape={self.value.shape}, dtype={self.value.dtype})"


class Module:
    """Base class: ``forward``, ``backward``, parameters and a training flag.

    ``forward(x)`` computes the output for an array ``x`` and remembers what
    ``backward`` needs; ``backward(dout)`` adds the parameter gradients into
    their ``grad`` and returns the gradient for the input. ``module(x)`` is
    ``module.forward(x)``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    training = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output for a batch ``x`` and remember what backward needs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Accumulate parameter gradients and return the gradient for the input."""
        raise NotImplementedError(f"{type(self).__name__} must implement backward")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def parameters(self) -> list[Parameter]:
        """Every trainable ``Parameter`` of this module (none by default)."""
        return []

    def zero_grad(self) -> None:
        """Reset the gradients of every parameter."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> Module:
        """Switch to training mode (or evaluation when ``mode`` is false)."""
        self.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode: dropout becomes the identity."""
        return self.train(False)

    def _cache_or_raise(self, cache: object) -> object:
        if cache is None:
            raise RuntimeError(f"{type(self).__name__}: call forward before backward")
        return cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Module):
    """Dense layer ``x @ weight + bias``.

    Parameters
    ----------
    in_features : int
        D, the size of each input row.
    out_features : int
        M, the size of each output row.
    rng : numpy.random.Generator
        Draws the initial weights.
    init : {"he", "xavier", "normal", "zeros"}
        Weight scheme; biases start at zero.

    Attributes
    ----------
    weight : Parameter, shape (in_features, out_features)
    bias : Parameter, shape (out_features,)

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator,
                 init: str = "he") -> None:
        self.in_features = check_positive(in_features, "in_features", integer=True)
        self.out_features = check_positive(out_features, "out_features", integer=True)
        check_choice(init, "init", INITS)
        self.weight = Parameter(init_weights(init, self.in_features, self.out_features,
                                             check_rng(rng)))
        self.bias = Parameter(np.zeros(self.out_features))
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        layers.check_linear_shapes(x, self.weight.value, self.bias.value)
        out, self._cache = layers.linear_forward.unchecked(x, self.weight.value, self.bias.value)
        return out

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """As ``Module.backward``; ``input_grad=False`` skips dx (see ``linear_backward``)."""
        cache = self._cache_or_raise(self._cache)
        dx, dw, db = layers.linear_backward.unchecked(dout, cache, input_grad)
        self.weight.grad += dw
        self.bias.grad += db
        return dx

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class Activation(Module):
    """An elementwise activation: the module over a forward/backward pair.

    Parameters
    ----------
    forward_fn, backward_fn : callable
        A pair of ``course_lib.activations``, e.g. ``relu_forward`` and
        ``relu_backward``; the module runs their math (``.unchecked``).
    """

    def __init__(self, forward_fn: Callable, backward_fn: Callable) -> None:
        self.forward_fn, self.backward_fn = forward_fn, backward_fn
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = self.forward_fn.unchecked(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.backward_fn.unchecked(dout, self._cache_or_raise(self._cache))


class ReLU(Activation):
    """ReLU module over ``activations.relu_forward`` / ``relu_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self) -> None:
        super().__init__(activations.relu_forward, activations.relu_backward)


class Sigmoid(Activation):
    """Sigmoid module over ``activations.sigmoid_forward`` / ``sigmoid_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self) -> None:
        super().__init__(activations.sigmoid_forward, activations.sigmoid_backward)


class Tanh(Activation):
    """Tanh module over ``activations.tanh_forward`` / ``tanh_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self) -> None:
        super().__init__(activations.tanh_forward, activations.tanh_backward)


class Dropout(Module):
    """Inverted dropout with drop probability ``p``; the identity in ``eval()`` mode.

    Parameters
    ----------
    p : float in [0, 1)
        Drop probability.
    rng : numpy.random.Generator
        Draws the masks.

    Taught in chapter 5, section 'Dropout'.
    """

    def __init__(self, p: float, rng: np.random.Generator) -> None:
        self.p = check_probability(p, "p")
        self.rng = check_rng(rng)
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = layers.dropout_forward.unchecked(x, self.p, self.training, self.rng)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return layers.dropout_backward.unchecked(dout, self._cache_or_raise(self._cache))

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class Sequential(Module):
    """Modules applied in order; ``backward`` runs them in reverse.

    The model's entrance: ``forward`` checks the batch and ``backward`` the
    upstream gradient once, then run every module's math on arrays.

    Parameters
    ----------
    *modules : Module

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(2, 8, rng), ReLU(), Linear(8, 2, rng))
    >>> model(np.ones((4, 2))).shape
    (4, 2)
    >>> len(model.parameters())
    4

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"modules[{i}] must be a Module, got {type(m).__name__}")
        self.modules = list(modules)
        self.out_shape: tuple | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Check the batch ``x`` once, then run every module on it in order."""
        x = as_array(x, "x")
        for m in self.modules:
            x = m.forward(x)
        self.out_shape = x.shape
        return x

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Check ``dout`` once, then back-propagate it through the modules in reverse.

        Parameters
        ----------
        dout : array_like
            Gradient of the loss with respect to the output.
        input_grad : bool
            Return the gradient with respect to the input batch. ``False``
            skips it when nobody needs it (training: the input is data, not
            a parameter): a first ``Linear`` then skips its input gradient,
            the first layer's largest product. Parameter gradients are the
            same. Returns None then.
        """
        dout = as_array(dout, "dout")
        if self.out_shape is not None:  # else the last module says: call forward first
            check_shape(dout, "dout", self.out_shape)
        for i, m in reversed(list(enumerate(self.modules))):
            if i == 0 and not input_grad and isinstance(m, (Linear, Sequential)):
                m.backward(dout, input_grad=False)
            else:
                dout = m.backward(dout)
        return dout if input_grad else None

    def parameters(self) -> list[Parameter]:
        return [p for m in self.modules for p in m.parameters()]

    def train(self, mode: bool = True) -> Sequential:
        self.training = bool(mode)
        for m in self.modules:
            m.train(mode)
        return self

    def __getitem__(self, index: int) -> Module:
        return self.modules[index]

    def __len__(self) -> int:
        return len(self.modules)

    def __repr__(self) -> str:
        lines = ["Sequential("]
        for i, m in enumerate(self.modules):
            child = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({i}): {child}")
        return "\n".join(lines + [")"])
