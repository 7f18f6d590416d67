"""A thin module layer with PyTorch's names over the functional core.

Each module keeps the cache of its last ``forward`` and, in ``backward``,
calls the matching functional backward, adds parameter gradients into
``Parameter.grad`` (``+=``, like PyTorch, so call ``zero_grad`` between
steps) and returns the gradient for its input. No math lives here.

Checking inputs once. ``forward`` and ``backward`` of a single module check
their arguments like the functions they wrap. Inside a ``Sequential`` every
module's input is an array the module before it produced, so rescanning it
for NaN and converting its dtype again only costs time (a fifth of a small
model's training step). ``Sequential`` therefore checks the batch once,
where it enters the model, and then calls each module's ``_forward`` /
``_backward``: the same computation through the unchecked functions of
``layers`` and ``activations``, keeping only the shape checks, which cost
nothing. A module that does not define them (your own, say) falls back to
its ``forward`` / ``backward``. Non-finite values that appear inside the
model reach its output, where the loss function reports them.
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
        self.grad = np.zeros(self.value.shape, self.value.dtype)  # zeros_like, but cheaper

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

    # The fast path that Sequential and fit use: x or dout is an array that was
    # already checked. ``input_grad=False`` means nobody needs the gradient for
    # the input, so a module may skip it and return None. (So that a subclass
    # can override forward and call super().forward, no public method here
    # calls these two.)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        return self.backward(dout)

    def __init_subclass__(cls, **kwargs: object) -> None:
        # A subclass that redefines forward or backward (your own module, or a
        # Linear that also prints something) runs its own method inside a
        # Sequential too: it gets the fallbacks above instead of inheriting
        # a fast path that would bypass what it wrote.
        super().__init_subclass__(**kwargs)
        if "forward" in vars(cls) and "_forward" not in vars(cls):
            cls._forward = Module._forward
        if "backward" in vars(cls) and "_backward" not in vars(cls):
            cls._backward = Module._backward

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
        self._accumulate(dw, db)
        return dx

    def _forward(self, x: np.ndarray) -> np.ndarray:
        w, b = self.weight.value, self.bias.value
        layers._check_linear_shapes(x, w, b)
        out, self._cache = layers._linear_forward(x, w, b)
        return out

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        cache = self._cache_or_raise(self._cache)
        layers._check_dout_shape(dout, cache)
        dx, dw, db = layers._linear_backward(dout, cache, input_grad)
        self._accumulate(dw, db)
        return dx

    def _accumulate(self, dw: np.ndarray, db: np.ndarray) -> None:
        self.weight.grad += dw
        self.bias.grad += db

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class _Activation(Module):
    """An elementwise activation wrapping a functional forward/backward pair."""

    # (forward, backward) of the functional pair, checked and unchecked
    _pair: tuple = ()
    _kernels: tuple = ()

    def __init__(self) -> None:
        super().__init__()
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = self._pair[0](x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self._pair[1](dout, self._cache_or_raise(self._cache))

    def _forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = self._kernels[0](x)
        return out

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        cache = self._cache_or_raise(self._cache)
        activations._check_dout_shape(dout, cache[0])
        return self._kernels[1](dout, cache)


class ReLU(_Activation):
    """ReLU module over ``activations.relu_forward`` / ``relu_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _pair = (activations.relu_forward, activations.relu_backward)
    _kernels = (activations._relu_forward, activations._relu_backward)


class Sigmoid(_Activation):
    """Sigmoid module over ``activations.sigmoid_forward`` / ``sigmoid_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _pair = (activations.sigmoid_forward, activations.sigmoid_backward)
    _kernels = (activations._sigmoid_forward, activations._sigmoid_backward)


class Tanh(_Activation):
    """Tanh module over ``activations.tanh_forward`` / ``tanh_backward``.

    Taught in chapter 4, section 'Training the MLP end to end'.
    """

    _pair = (activations.tanh_forward, activations.tanh_backward)
    _kernels = (activations._tanh_forward, activations._tanh_backward)


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

    def _forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = layers._dropout_forward(x, self.p, self.training, self.rng)
        return out

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        cache = self._cache_or_raise(self._cache)
        layers._check_dropout_dout(dout, cache)
        return layers._dropout_backward(dout, cache)

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
        """Check the batch ``x`` once, then run every module on it in order."""
        x = as_array(x, "x")
        for m in self.modules:
            x = m._forward(x)
        return x

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Back-propagate ``dout`` through the modules in reverse order.

        Parameters
        ----------
        dout : array_like
            Gradient of the loss with respect to the output.
        input_grad : bool
            Return the gradient with respect to the input batch. ``False``
            skips it when nobody needs it (training: the input is data, not
            a parameter), which saves the first layer's largest product;
            parameter gradients are the same. Returns None then.
        """
        return self._backward_modules(as_array(dout, "dout"), input_grad)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        for m in self.modules:
            x = m._forward(x)
        return x

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        return self._backward_modules(dout, input_grad)

    def _backward_modules(self, dout: np.ndarray, input_grad: bool) -> np.ndarray | None:
        # Without input_grad, the modules before the first one with parameters
        # need no backward at all, and that one needs no gradient for its input.
        first = 0 if input_grad else next(
            (i for i, m in enumerate(self.modules) if m.parameters()), len(self.modules))
        for i in range(len(self.modules) - 1, first - 1, -1):
            dout = self.modules[i]._backward(dout, input_grad or i > first)
        return dout if input_grad else None

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
