"""Tests for course_lib.network: the functional MLP of chapters 1 to 3."""

import numpy as np
import pytest

from course_lib import network
from course_lib.gradcheck import numerical_gradient, relative_error


def test_neuron_known_value():
    out = network.neuron(np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([0.5, -0.25]), 1.0)
    np.testing.assert_allclose(out, [1 / (1 + np.exp(-1.0))] * 2)
    assert out.shape == (2,)


@pytest.mark.parametrize("sizes,count", [([2, 3, 1], 13), ([784, 10], 7850), ([4, 4, 4, 2], 50)])
def test_count_parameters(sizes, count):
    assert network.count_parameters(sizes) == count
    params = network.init_mlp(sizes, np.random.default_rng(0))
    assert sum(w.size + b.size for w, b in params) == count


def test_init_mlp_shapes_and_zero_biases():
    params = network.init_mlp([3, 5, 2], np.random.default_rng(0), init="xavier")
    assert [(w.shape, b.shape) for w, b in params] == [((3, 5), (5,)), ((5, 2), (2,))]
    assert all(np.all(b == 0) for _, b in params)


def test_mlp_forward_matches_by_hand():
    rng = np.random.default_rng(1)
    params = network.init_mlp([3, 4, 2], rng)
    params = [(w, rng.normal(size=b.shape)) for w, b in params]
    x = rng.normal(size=(5, 3))
    (w1, b1), (w2, b2) = params
    expected = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(network.mlp_forward(x, params), expected)


@pytest.mark.parametrize("sizes", [[3, 2], [3, 5, 4], [2, 6, 5, 3]])
def test_mlp_loss_and_grads_gradcheck(sizes):
    rng = np.random.default_rng(len(sizes))
    params = [(w, rng.normal(size=b.shape) * 0.1)
              for w, b in network.init_mlp(sizes, rng)]
    x = rng.normal(size=(6, sizes[0]))
    y = rng.integers(0, sizes[-1], size=6)
    loss, grads = network.mlp_loss_and_grads(x, y, params)
    assert np.isfinite(loss)
    assert [(dw.shape, db.shape) for dw, db in grads] == [(w.shape, b.shape) for w, b in params]
    for (w, b), (dw, db) in zip(params, grads, strict=True):
        for value, analytic in ((w, dw), (b, db)):
            numeric = numerical_gradient(
                lambda _: network.mlp_loss_and_grads(x, y, params)[0], value, h=1e-5)
            assert relative_error(analytic, numeric) < 1e-7


def test_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"w must have shape \(2,\) to match x"):
        network.neuron(np.zeros((4, 2)), np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="b must have 0 dimensions"):
        network.neuron(np.zeros((4, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="layer_sizes must be a list of at least two"):
        network.count_parameters([3])
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be a positive integer"):
        network.count_parameters([3, 0, 2])
    with pytest.raises(ValueError, match="init must be one of"):
        network.init_mlp([2, 2], rng, init="glorot")
    with pytest.raises(ValueError, match="params must be a non-empty list"):
        network.mlp_forward(np.zeros((1, 2)), [])
    params = network.init_mlp([2, 3, 2], rng)
    with pytest.raises(ValueError, match=r"params\[0\]: w must have shape \(4, any\)"):
        network.mlp_forward(np.zeros((1, 4)), params)
    with pytest.raises(ValueError, match=r"y must lie in \[0, 2\)"):
        network.mlp_loss_and_grads(np.zeros((2, 2)), np.array([0, 5]), params)
