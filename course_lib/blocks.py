"""Modules for deep networks: ``BatchNorm1d``, ``LayerNorm`` and ``Residual``.

They follow ``course_lib.modules``: ``forward`` keeps a cache, ``backward``
adds the parameter gradients into ``Parameter.grad`` and returns the
gradient for the input; the math lives in ``course_lib.normalization``.
Like the modules there, they work on arrays and check only shapes; the
model's ``Sequential`` checks the batch where it enters.
"""

from __future__ import annotations

import numpy as np

from course_lib import normalization as norm
from course_lib.modules import Module, Parameter, Sequential
from course_lib.validation import check_positive, check_probability


class Normalization(Module):
    """What ``BatchNorm1d`` and ``LayerNorm`` share: ``gamma``, ``beta`` and backward.

    Parameters
    ----------
    num_features : int
        D, the number of features of each example.
    eps : float, > 0
    backward_fn : callable
        ``normalization.batchnorm_backward`` or ``layernorm_backward``.
    """

    def __init__(self, num_features: int, eps: float, backward_fn) -> None:
        self.num_features = check_positive(num_features, "num_features", integer=True)
        self.eps = check_positive(eps, "eps")
        self.weight = Parameter(np.ones(self.num_features))
        self.bias = Parameter(np.zeros(self.num_features))
        self.backward_fn = backward_fn
        self._cache = None

    def _check_features(self, x: np.ndarray) -> None:
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: x must have shape "
                             f"(N, {self.num_features}), got {x.shape}")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, dgamma, dbeta = self.backward_fn.unchecked(dout, self._cache_or_raise(self._cache))
        self.weight.grad += dgamma
        self.bias.grad += dbeta
        return dx

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]


class BatchNorm1d(Normalization):
    """Batch normalization of (N, D) pre-activations, with running statistics.

    Parameters
    ----------
    num_features : int
        D, the number of features normalized.
    momentum : float in [0, 1)
        Weight of each new batch in the running statistics:
        ``running = (1 - momentum) * running + momentum * batch``.
    eps : float, > 0

    Attributes
    ----------
    weight, bias : Parameter, shape (D,)
        ``gamma`` (starts at ones) and ``beta`` (zeros).
    running_mean, running_var : numpy.ndarray, shape (D,)
        Exponential moving averages of the batch statistics seen in training
        (the biased variance; PyTorch stores the unbiased one, N / (N - 1)
        times larger).

    Notes
    -----
    In training mode (``.train()``) the layer normalizes with the batch's own
    mean and variance and updates the running statistics; in evaluation mode
    (``.eval()``) it uses the running statistics, so each example's output
    no longer depends on the rest of its batch.

    Examples
    --------
    >>> bn = BatchNorm1d(2)
    >>> x = np.array([[0.0, 10.0], [2.0, 30.0]])
    >>> np.round(bn(x), 3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean
    array([0.1, 2. ])

    Taught in chapter 7, section 'Batch normalization'.
    """

    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5) -> None:
        super().__init__(num_features, eps, norm.batchnorm_backward)
        self.momentum = check_probability(momentum, "momentum")
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._check_features(x)
        if self.training:
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var
        else:
            mean, var = self.running_mean, self.running_var
        gamma = self.weight.value
        out, x_hat, std = norm.normalize(x, mean, var, gamma, self.bias.value, self.eps)
        self._cache = norm.BatchNormCache(x_hat, gamma, std)
        self.backward_fn = (norm.batchnorm_backward if self.training  # else fixed statistics
                            else norm.batchnorm_fixed_stats_backward)
        return out

    def __repr__(self) -> str:
        return f"BatchNorm1d({self.num_features}, momentum={self.momentum})"


class LayerNorm(Normalization):
    """Layer normalization of each example over its D features.

    Parameters
    ----------
    num_features : int
        D.
    eps : float, > 0

    Attributes
    ----------
    weight, bias : Parameter, shape (D,)

    Notes
    -----
    The same computation in training and evaluation, and for a batch of one.

    Examples
    --------
    >>> ln = LayerNorm(2)
    >>> np.round(ln(np.array([[0.0, 2.0], [5.0, 1.0]])), 3)
    array([[-1.,  1.],
           [ 1., -1.]])

    Taught in chapter 7, section 'Layer normalization'.
    """

    def __init__(self, num_features: int, eps: float = 1e-5) -> None:
        super().__init__(num_features, eps, norm.layernorm_backward)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._check_features(x)
        out, self._cache = norm.layernorm_forward.unchecked(x, self.weight.value,
                                                            self.bias.value, self.eps)
        return out

    def __repr__(self) -> str:
        return f"LayerNorm({self.num_features})"


class Residual(Module):
    """A residual block: ``x + body(x)``, where ``body`` keeps the shape of ``x``.

    Parameters
    ----------
    *modules : Module
        The body, applied in order (as by ``Sequential``).

    Notes
    -----
    Forward :math:`y = x + F(x)`; backward
    :math:`\\partial L / \\partial x = \\partial L / \\partial y + F'(x)^\\top
    \\partial L / \\partial y`: the upstream gradient reaches ``x`` unchanged
    through the identity, however small the body's contribution.

    Examples
    --------
    >>> from course_lib.modules import Linear, ReLU
    >>> block = Residual(Linear(3, 3, np.random.default_rng(0), init="zeros"), ReLU())
    >>> block(np.ones((2, 3)))  # a zero body: the block is the identity
    array([[1., 1., 1.],
           [1., 1., 1.]])

    Taught in chapter 7, section 'Residual connections'.
    """

    def __init__(self, *modules: Module) -> None:
        if not modules:
            raise ValueError("Residual needs at least one module in its body, got none")
        self.body = Sequential(*modules)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = self.body.forward(x)
        if out.shape != x.shape:
            raise ValueError(f"Residual: the body must keep the shape of its input "
                             f"{x.shape}, got {out.shape}")
        return x + out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout + self.body.backward(dout)

    def parameters(self) -> list[Parameter]:
        return self.body.parameters()

    def train(self, mode: bool = True) -> Residual:
        self.training = bool(mode)
        self.body.train(mode)
        return self

    def __repr__(self) -> str:
        return "Residual(" + repr(self.body).removeprefix("Sequential(")
