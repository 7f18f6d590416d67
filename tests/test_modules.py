"""Tests for course_lib.modules: the PyTorch-named layer over the functional core."""

import numpy as np
import pytest

from course_lib import modules as nn
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.losses import softmax_cross_entropy


def _model(rng, dropout=0.0):
    return nn.Sequential(nn.Linear(3, 5, rng), nn.Tanh(), nn.Dropout(dropout, rng),
                         nn.Linear(5, 4, rng), nn.ReLU(), nn.Linear(4, 2, rng), nn.Sigmoid())


def test_parameter_zero_grad():
    p = nn.Parameter(np.ones((2, 3)))
    assert p.grad.shape == (2, 3) and np.all(p.grad == 0)
    p.grad += 1
    p.zero_grad()
    assert np.all(p.grad == 0)


@pytest.mark.parametrize("seed", [0, 1])
def test_sequential_backward_gradcheck(seed):
    rng = np.random.default_rng(seed)
    model = _model(rng)
    for p in model.parameters():  # non-zero biases, so every path is exercised
        p.value = p.value + 0.1 * rng.normal(size=p.value.shape)
    x = rng.normal(size=(6, 3))
    dout = rng.normal(size=(6, 2))

    def loss(_):
        return float(np.sum(model.forward(x) * dout))

    model.zero_grad()
    model.forward(x)
    dx = model.backward(dout)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    for p in model.parameters():
        assert relative_error(p.grad, numerical_gradient(loss, p.value)) < 1e-7


def test_backward_accumulates_like_pytorch():
    rng = np.random.default_rng(0)
    layer = nn.Linear(2, 3, rng)
    x, dout = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    layer(x)
    layer.backward(dout)
    once = layer.weight.grad.copy()
    layer.backward(dout)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    layer.zero_grad()
    assert np.all(layer.weight.grad == 0) and np.all(layer.bias.grad == 0)


def test_train_eval_propagate_and_dropout_identity_in_eval():
    rng = np.random.default_rng(0)
    model = _model(rng, dropout=0.5)
    assert model.eval() is model
    assert not any(m.training for m in model.modules)
    x = rng.normal(size=(4, 3))
    np.testing.assert_array_equal(model(x), model(x))
    assert model.train() is model and all(m.training for m in model.modules)
    drop = nn.Dropout(0.5, rng)
    assert np.any(drop(np.ones((10, 10))) == 0)


def test_container_protocol_and_repr():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 4, rng), nn.ReLU(), nn.Dropout(0.1, rng))
    assert len(model) == 3 and isinstance(model[0], nn.Linear)
    assert len(model.parameters()) == 2
    assert model[0].weight.value.shape == (2, 4) and model[0].bias.value.shape == (4,)
    assert repr(model) == (
        "Sequential(\n  (0): Linear(in_features=2, out_features=4)\n  (1): ReLU()\n"
        "  (2): Dropout(p=0.1)\n)"
    )


@pytest.mark.parametrize("module", [nn.Linear(2, 2, np.random.default_rng(0)), nn.ReLU(),
                                    nn.Sigmoid(), nn.Tanh(),
                                    nn.Dropout(0.5, np.random.default_rng(0))])
def test_backward_before_forward(module):
    with pytest.raises(RuntimeError, match="call forward before backward"):
        module.backward(np.zeros((1, 2)))


def test_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="in_features must be > 0"):
        nn.Linear(0, 2, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.Linear(2, 2, None)
    with pytest.raises(ValueError, match="init must be one of"):
        nn.Linear(2, 2, rng, init="uniform")
    with pytest.raises(ValueError, match=r"p=1.5 is out of range"):
        nn.Dropout(1.5, rng)
    with pytest.raises(TypeError, match=r"modules\[1\] must be a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)
    with pytest.raises(ValueError, match=r"w must have shape \(3, any\)"):
        nn.Linear(2, 2, rng)(np.zeros((1, 3)))


def test_training_a_small_classifier_reaches_high_accuracy():
    rng = np.random.default_rng(0)
    n = 200  # two interleaved half-moons-like blobs: not linearly separable
    t = rng.uniform(0, np.pi, n)
    y = rng.integers(0, 2, n)
    x = np.stack([np.cos(t) + y, np.sin(t) * (1 - 2 * y) + 0.5 * y], axis=1)
    x += 0.1 * rng.normal(size=x.shape)
    model = nn.Sequential(nn.Linear(2, 32, rng), nn.ReLU(), nn.Linear(32, 2, rng))
    for _ in range(300):
        _, dlogits = softmax_cross_entropy(model(x), y)
        model.zero_grad()
        model.backward(dlogits)
        for param in model.parameters():
            param.value -= 0.5 * param.grad
    accuracy = np.mean(model(x).argmax(axis=1) == y)
    assert accuracy > 0.95
