"""Tests for course_lib.losses: values, gradients, stability, bad input."""

import numpy as np
import pytest

from course_lib import losses
from course_lib.gradcheck import numerical_gradient, relative_error


def _gradcheck(loss_fn, x, *args):
    _, analytic = loss_fn(x, *args)
    numeric = numerical_gradient(lambda v: loss_fn(v, *args)[0], x.copy(), h=1e-6)
    return relative_error(analytic, numeric)


@pytest.mark.parametrize("shape", [(1, 1), (4, 3), (6,)])
def test_mse_gradcheck(shape):
    rng = np.random.default_rng(0)
    assert _gradcheck(losses.mse, rng.normal(size=shape), rng.normal(size=shape)) < 1e-7


@pytest.mark.parametrize("n,c", [(1, 2), (5, 3), (8, 10)])
def test_softmax_cross_entropy_gradcheck(n, c):
    rng = np.random.default_rng(n)
    logits, y = rng.normal(size=(n, c)), rng.integers(0, c, size=n)
    assert _gradcheck(losses.softmax_cross_entropy, logits, y) < 1e-7


@pytest.mark.parametrize("n", [1, 7])
def test_binary_cross_entropy_gradcheck(n):
    rng = np.random.default_rng(n)
    logits, y = rng.normal(size=n), rng.integers(0, 2, size=n).astype(float)
    assert _gradcheck(losses.binary_cross_entropy, logits, y) < 1e-7


def test_known_values():
    loss, dpred = losses.mse(np.array([1.0, 3.0]), np.zeros(2))
    assert loss == 5.0
    np.testing.assert_allclose(dpred, [1.0, 3.0])
    for c in (2, 5, 10):
        assert losses.cross_entropy(np.zeros((3, c)), np.zeros(3, int)) == pytest.approx(np.log(c))
    loss, _ = losses.binary_cross_entropy(np.zeros(4), np.array([0.0, 1.0, 1.0, 0.0]))
    assert loss == pytest.approx(np.log(2))


def test_cross_entropy_agrees_with_softmax_cross_entropy():
    rng = np.random.default_rng(3)
    logits, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    assert losses.cross_entropy(logits, y) == pytest.approx(
        losses.softmax_cross_entropy(logits, y)[0])


def test_confident_wrong_answer_is_large_but_finite():
    logits, y = np.array([[1000.0, -1000.0]]), np.array([1])
    assert losses.cross_entropy(logits, y) == pytest.approx(2000.0)
    loss, dlogits = losses.softmax_cross_entropy(logits, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    loss, dlogits = losses.binary_cross_entropy(np.array([-1000.0]), np.array([1.0]))
    assert loss == pytest.approx(1000.0) and np.isfinite(dlogits).all()


def test_softmax_cross_entropy_gradient_rows_sum_to_zero():
    rng = np.random.default_rng(4)
    _, d = losses.softmax_cross_entropy(rng.normal(size=(5, 3)), rng.integers(0, 3, 5))
    np.testing.assert_allclose(d.sum(axis=1), 0.0, atol=1e-15)


def test_float32_is_kept():
    _, d = losses.softmax_cross_entropy(np.zeros((2, 3), np.float32), np.array([0, 1]))
    assert d.dtype == np.float32


@pytest.mark.parametrize("fn", [losses.cross_entropy, losses.softmax_cross_entropy])
def test_cross_entropy_bad_input(fn):
    with pytest.raises(ValueError, match="logits must have 2 dimensions"):
        fn(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"y must have length 2"):
        fn(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 3\)"):
        fn(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match="y must hold integer class labels"):
        fn(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="logits must be finite"):
        fn(np.array([[np.nan, 0.0]]), np.array([0]))
    with pytest.raises(ValueError, match="logits must have at least one example"):
        fn(np.zeros((0, 3)), np.array([], dtype=int))


def test_mse_bad_input():
    with pytest.raises(ValueError, match=r"target must have the shape of pred \(3,\)"):
        losses.mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="pred must have 1 or 2 dimensions"):
        losses.mse(np.zeros((1, 1, 1)), np.zeros((1, 1, 1)))
    with pytest.raises(ValueError, match="target must be finite"):
        losses.mse(np.zeros(2), np.array([0.0, np.inf]))


def test_binary_cross_entropy_bad_input():
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]"):
        losses.binary_cross_entropy(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"y must have the shape of logits \(2,\)"):
        losses.binary_cross_entropy(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="logits must have 1 dimensions"):
        losses.binary_cross_entropy(np.zeros((2, 1)), np.zeros((2, 1)))
