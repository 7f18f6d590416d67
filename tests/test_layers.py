"""Tests for course_lib.layers: dense layer and dropout."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import layers
from course_lib.gradcheck import check_backward


@pytest.mark.parametrize("shape", [(1, 1, 1), (4, 3, 2), (5, 7, 3)])
def test_linear_backward_gradcheck(shape):
    n, d, m = shape
    rng = np.random.default_rng(n)
    inputs = {"x": rng.normal(size=(n, d)), "w": rng.normal(size=(d, m)), "b": rng.normal(size=m)}
    errors = check_backward(layers.linear_forward, layers.linear_backward, inputs, rng)
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) < 1e-7


def test_linear_known_value_and_shapes():
    out, cache = layers.linear_forward(np.ones((2, 3)), np.ones((3, 1)), np.array([0.5]))
    np.testing.assert_allclose(out, [[3.5], [3.5]])
    assert isinstance(cache, layers.LinearCache)
    dx, dw, db = layers.linear_backward(np.ones((2, 1)), cache)
    assert (dx.shape, dw.shape, db.shape) == ((2, 3), (3, 1), (1,))
    np.testing.assert_allclose(db, [2.0])


def test_linear_keeps_float32():
    f = np.float32
    out, _ = layers.linear_forward(np.ones((2, 3), f), np.ones((3, 4), f), np.zeros(4, f))
    assert out.dtype == np.float32


def test_linear_bad_shapes():
    with pytest.raises(ValueError, match=r"w must have shape \(3, any\) to match x of shape "
                                         r"\(N, 3\), got \(4, 2\)"):
        layers.linear_forward(np.zeros((5, 3)), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        layers.linear_forward(np.zeros((5, 3)), np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="x must have 2 dimensions, got 1"):
        layers.linear_forward(np.zeros(3), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="w must be finite"):
        layers.linear_forward(np.zeros((1, 1)), np.array([[np.inf]]), np.zeros(1))


def test_linear_backward_bad_input():
    _, cache = layers.linear_forward(np.zeros((5, 3)), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"dout must have shape \(5, 2\)"):
        layers.linear_backward(np.zeros((2, 5)), cache)
    with pytest.raises(TypeError, match="cache must be the LinearCache"):
        layers.linear_backward(np.zeros((5, 2)), (1, 2, 3))


@pytest.mark.parametrize("p", [0.0, 0.3, 0.8])
def test_dropout_backward_gradcheck(p):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 6))
    seed = 123

    def forward(x):  # the same mask on every call, as the check requires
        return layers.dropout_forward(x, p, True, np.random.default_rng(seed))

    errors = check_backward(forward, layers.dropout_backward, {"x": x}, rng)
    assert errors["x"] < 1e-7


def test_dropout_eval_is_identity_and_mask_none():
    x = np.arange(6.0).reshape(2, 3)
    out, cache = layers.dropout_forward(x, 0.5, False, np.random.default_rng(0))
    np.testing.assert_array_equal(out, x)
    assert cache.mask is None
    np.testing.assert_array_equal(layers.dropout_backward(x, cache), x)


def test_dropout_mask_values_and_float32():
    x = np.ones((50, 50), dtype=np.float32)
    out, cache = layers.dropout_forward(x, 0.75, True, np.random.default_rng(0))
    assert out.dtype == np.float32
    assert set(np.unique(out)) <= {0.0, 4.0}
    np.testing.assert_array_equal(layers.dropout_backward(np.ones_like(x), cache), cache.mask)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 0.9), st.integers(0, 2**32 - 1))
def test_dropout_keeps_the_mean(p, seed):
    x = np.full((200, 100), 2.0)
    out, _ = layers.dropout_forward(x, p, True, np.random.default_rng(seed))
    # the mean of 20,000 scaled Bernoulli entries: std 2*sqrt(p/(1-p)/20000) <= 0.043
    assert abs(out.mean() - 2.0) < 0.25


def test_dropout_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"p=1.0 is out of range \[0, 1\)"):
        layers.dropout_forward(np.zeros(3), 1.0, True, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        layers.dropout_forward(np.zeros(3), 0.5, True, 0)
    with pytest.raises(TypeError, match="training must be True or False"):
        layers.dropout_forward(np.zeros(3), 0.5, "yes", rng)
    _, cache = layers.dropout_forward(np.zeros((2, 3)), 0.5, True, rng)
    with pytest.raises(ValueError, match=r"dout must have the shape .*\(2, 3\)"):
        layers.dropout_backward(np.zeros((3, 2)), cache)
    with pytest.raises(TypeError, match="cache must be the DropoutCache"):
        layers.dropout_backward(np.zeros((2, 3)), None)
