"""A thin module layer with PyTorch's names over the functional core.

Each module keeps the cache of its last ``forward`` and, in ``backward``,
calls the matching functional backward, adds parameter gradients into
``Parameter.grad`` (``+=``, like PyTorch, so call ``zero_grad`` between
steps) and returns the gradient for its input. No math lives here.
"""

from __future__ import annotations

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
        self.grad = np.zeros_like(self.value)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.value.shape}, dtype={self.value.dtype})"


class Module:
    """Base class: ``forward``, ``backward``, parameters and a training flag.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    def __init__(self) -> None:
        self.training = True

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
        super().__init__()
        self.in_features = check_positive(in_features, "in_features", integer=True)
        self.out_features = check_positive(out_features, "out_features", integer=True)
        check_choice(init, "init", INITS)
        self.weight = Parameter(init_weights(init, self.in_features, self.out_features,
                                             check_rng(rng)))
        self.bias = Parameter(np.zeros(self.out_features))
        self._cache: layers.LinearCache | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = layers.linear_forward(x, self.weight.value, self.bias.value)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, dw, db = layers.linear_backward(dout, self._cache_or_raise(self._cache))
        self.weight.grad += dw
        self.bias.grad += db
        return dx

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class _Activation(Module):
    """An elementwise activation wrapping a functional forward/backward pair."""

    _forward = None
    _backward = None

    def __init__(self) -> None:
        super().__init__()
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = type(self)._forward(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return type(self)._backward(dout, self._cache_or_raise(self._cache))


class ReLU(_Activation):
    """ReLU module over ``activations.relu_forward`` / ``relu_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _forward = staticmethod(activations.relu_forward)
    _backward = staticmethod(activations.relu_backward)


class Sigmoid(_Activation):
    """Sigmoid module over ``activations.sigmoid_forward`` / ``sigmoid_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _forward = staticmethod(activations.sigmoid_forward)
    _backward = staticmethod(activations.sigmoid_backward)


class Tanh(_Activation):
    """Tanh module over ``activations.tanh_forward`` / ``tanh_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _forward = staticmethod(activations.tanh_forward)
    _backward = staticmethod(activations.tanh_backward)


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
        super().__init__()
        self.p = check_probability(p, "p")
        self.rng = check_rng(rng)
        self._cache: layers.DropoutCache | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = layers.dropout_forward(x, self.p, self.training, self.rng)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return layers.dropout_backward(dout, self._cache_or_raise(self._cache))

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class Sequential(Module):
    """Modules applied in order; ``backward`` runs them in reverse.

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
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"modules[{i}] must be a Module, got {type(m).__name__}")
        self.modules = list(modules)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for m in self.modules:
            x = m.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for m in reversed(self.modules):
            dout = m.backward(dout)
        return dout

    def parameters(self) -> list[Parameter]:
        return [p for m in self.modules for p in m.parameters()]

    def train(self, mode: bool = True) -> Sequential:
        super().train(mode)
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
