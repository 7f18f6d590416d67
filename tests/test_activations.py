"""Tests for course_lib.activations: values, stability, gradients, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import activations as act
from course_lib.gradcheck import check_backward

finite = st.floats(-1e3, 1e3, allow_nan=False)
matrices = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite)

PAIRS = {
    "sigmoid": (act.sigmoid_forward, act.sigmoid_backward),
    "relu": (act.relu_forward, act.relu_backward),
    "tanh": (act.tanh_forward, act.tanh_backward),
    "leaky_relu": (act.leaky_relu_forward, act.leaky_relu_backward),
}


def test_known_values():
    assert act.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(act.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    np.testing.assert_array_equal(act.relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(act.leaky_relu(np.array([-2.0, 3.0]), 0.5), [-1.0, 3.0])
    np.testing.assert_allclose(act.tanh(np.array([0.0])), [0.0])
    np.testing.assert_allclose(act.softmax(np.zeros((2, 4))), np.full((2, 4), 0.25))
    np.testing.assert_allclose(act.log_softmax(np.zeros((1, 4))), np.full((1, 4), -np.log(4)))


def test_sigmoid_extremes_do_not_warn():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = act.sigmoid(np.array([-1000.0, -50.0, 50.0, 1000.0]))
    assert np.all(np.isfinite(out)) and out[0] == 0.0 and out[-1] == 1.0


def test_softmax_large_logits_and_log_softmax_agree():
    z = np.array([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(act.softmax(z), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(np.exp(act.log_softmax(z)), act.softmax(z))
    assert np.all(np.isfinite(act.log_softmax(z)))


@pytest.mark.parametrize("fn", [act.sigmoid, act.relu, act.tanh, act.leaky_relu])
def test_float32_is_kept(fn):
    assert fn(np.ones((2, 3), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("fn", [act.softmax, act.log_softmax])
def test_softmax_float32_is_kept(fn):
    assert fn(np.ones((2, 3), dtype=np.float32)).dtype == np.float32


@settings(max_examples=50, deadline=None)
@given(matrices, st.floats(-1e3, 1e3))
def test_softmax_rows_sum_to_one_and_shift_invariant(z, c):
    p = act.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    shift = np.full((z.shape[0], 1), c)
    np.testing.assert_allclose(act.softmax(z + shift), p, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_sigmoid_in_unit_interval_and_symmetric(z):
    s = act.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(act.sigmoid(-z), 1 - s, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_relu_idempotent_and_nonnegative(z):
    r = act.relu(z)
    assert np.all(r >= 0)
    np.testing.assert_array_equal(act.relu(r), r)


@pytest.mark.parametrize("name", list(PAIRS))
def test_backward_gradcheck(name):
    rng = np.random.default_rng(0)
    forward, backward = PAIRS[name]
    x = rng.normal(size=(4, 5))
    x[np.abs(x) < 1e-3] = 0.1  # keep away from the ReLU kink
    errors = check_backward(forward, backward, {"x": x}, rng)
    assert errors["x"] < 1e-7


def test_relu_forward_cache_is_named():
    x = np.array([[-1.0, 2.0]])
    out, cache = act.relu_forward(x)
    assert isinstance(cache, act.ReluCache)
    np.testing.assert_array_equal(cache.x, x)
    np.testing.assert_array_equal(act.relu_backward(np.ones((1, 2)), cache), [[0.0, 1.0]])


@pytest.mark.parametrize("fn", [act.sigmoid, act.relu, act.tanh, act.leaky_relu])
def test_rejects_non_finite_and_non_numeric(fn):
    with pytest.raises(ValueError, match="z must be finite"):
        fn(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="z must be a numeric array"):
        fn("abc")


@pytest.mark.parametrize("fn", [act.softmax, act.log_softmax])
def test_softmax_requires_2d(fn):
    with pytest.raises(ValueError, match=r"z must have 2 dimensions, got 1"):
        fn(np.zeros(3))


def test_leaky_relu_rejects_negative_slope():
    with pytest.raises(ValueError, match="slope must be >= 0"):
        act.leaky_relu(np.zeros(2), slope=-1)


@pytest.mark.parametrize("name", list(PAIRS))
def test_backward_rejects_bad_dout_and_cache(name):
    forward, backward = PAIRS[name]
    _, cache = forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape .*\(2, 3\), got \(3, 2\)"):
        backward(np.zeros((3, 2)), cache)
    with pytest.raises(TypeError, match="cache must be the"):
        backward(np.zeros((2, 3)), (np.zeros((2, 3)),))
