"""Tests for course_lib.viz.gradflow (chapter 3, vanishing and exploding gradients)."""

import numpy as np
import pytest

from course_lib import network
from course_lib.viz import gradflow


def _batch(rng, d=8, c=3, n=32):
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


def test_relu_network_matches_mlp_loss_and_grads():
    rng = np.random.default_rng(0)
    params = network.init_mlp([8, 6, 5, 3], rng)
    x, y = _batch(rng)
    _, grads = network.mlp_loss_and_grads(x, y, params)
    expected = [np.linalg.norm(dw) for dw, _ in grads]
    np.testing.assert_allclose(gradflow.layer_gradient_norms(x, y, params), expected)


def test_sigmoid_gradients_vanish_towards_the_input():
    rng = np.random.default_rng(1)
    params = network.init_mlp([16] + [16] * 10 + [3], rng, init="xavier")
    x, y = _batch(rng, d=16)
    norms = gradflow.layer_gradient_norms(x, y, params, activation="sigmoid")
    assert norms[0] < 1e-3 * norms[-1]


def test_relu_with_he_keeps_the_scale():
    rng = np.random.default_rng(2)
    params = network.init_mlp([16] + [64] * 10 + [3], rng, init="he")
    x, y = _batch(rng, d=16)
    norms = gradflow.layer_gradient_norms(x, y, params, activation="relu")
    assert 0.05 < norms[0] / norms[-1] < 20


def test_tanh_runs():
    rng = np.random.default_rng(3)
    params = network.init_mlp([4, 5, 2], rng)
    x, y = _batch(rng, d=4, c=2, n=5)
    assert gradflow.layer_gradient_norms(x, y, params, "tanh").shape == (2,)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"activation": "softplus"}, ValueError, "activation must be one of"),
    ({"params": []}, ValueError, "non-empty list"),
    ({"params": [np.zeros((8, 3))]}, ValueError, "params[0] must be a (w, b) pair"),
    ({"params": [(np.zeros((5, 3)), np.zeros(3))]}, ValueError, "params[0]"),
    ({"x": "data"}, TypeError, "x must be a numeric array"),
])
def test_bad_input_is_named(kwargs, error, words):
    rng = np.random.default_rng(4)
    x, y = _batch(rng)
    args = {"x": x, "y": y, "params": network.init_mlp([8, 3], rng), **kwargs}
    with pytest.raises(error) as info:
        gradflow.layer_gradient_norms(**args)
    assert words in str(info.value)


def test_activation_gradients_match_a_backward_pass_by_hand():
    from course_lib import activations, layers, losses

    rng = np.random.default_rng(5)
    params = network.init_mlp([8, 6, 5, 3], rng)
    x, y = _batch(rng)
    logits, caches = network.mlp_forward_with_caches(x, params)
    _, dout = losses.softmax_cross_entropy(logits, y)
    expected = []
    for lin, relu in reversed(caches):
        expected.append(np.linalg.norm(dout))
        if relu is not None:
            dout = activations.relu_backward(dout, relu)
        dout, _, _ = layers.linear_backward(dout, lin)
    np.testing.assert_allclose(gradflow.activation_gradient_norms(x, y, params),
                               expected[::-1])


def test_oversized_weights_make_the_activation_gradient_grow_towards_the_input():
    rng = np.random.default_rng(6)
    params = [(1.5 * w, b) for w, b in network.init_mlp([16] + [32] * 12 + [3], rng)]
    x, y = _batch(rng, d=16)
    norms = gradflow.activation_gradient_norms(x, y, params, activation="relu")
    assert norms[0] > 100 * norms[-1]


def test_activation_gradient_norms_names_bad_input():
    rng = np.random.default_rng(7)
    x, y = _batch(rng)
    with pytest.raises(ValueError, match="activation must be one of"):
        gradflow.activation_gradient_norms(x, y, network.init_mlp([8, 3], rng), "gelu")
