"""Tests for course_lib.gradcheck itself."""

import numpy as np
import pytest

from course_lib import gradcheck
from course_lib.layers import linear_backward, linear_forward


def test_numerical_gradient_of_a_quadratic_and_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = gradcheck.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * before, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_array_matches_analytic():
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    g = gradcheck.numerical_gradient_array(np.sin, x, dout)
    assert gradcheck.relative_error(g, np.cos(x) * dout) < 1e-8


def test_relative_error_definition():
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error(np.array([1.0, 0.0]), np.array([1.1, 0.0])) == pytest.approx(
        0.1 / 2.1)
    assert gradcheck.relative_error(np.array([1.0]), np.array([-1.0])) == 1.0


def test_check_backward_passes_correct_and_catches_wrong():
    rng = np.random.default_rng(0)
    inputs = {"x": rng.normal(size=(3, 2)), "w": rng.normal(size=(2, 4)), "b": rng.normal(size=4)}
    good = gradcheck.check_backward(linear_forward, linear_backward, inputs, rng)
    assert max(good.values()) < 1e-7

    def forgot_transpose(dout, cache):
        dx, dw, db = linear_backward(dout, cache)
        return dx, dw, 2 * db

    bad = gradcheck.check_backward(linear_forward, forgot_transpose, inputs, rng)
    assert bad["b"] > 1e-2 and bad["x"] < 1e-7


def test_check_backward_does_not_mutate_inputs():
    rng = np.random.default_rng(0)
    inputs = {"x": rng.normal(size=(2, 2)), "w": rng.normal(size=(2, 2)), "b": np.zeros(2)}
    copies = {k: v.copy() for k, v in inputs.items()}
    gradcheck.check_backward(linear_forward, linear_backward, inputs, rng)
    for k in inputs:
        np.testing.assert_array_equal(inputs[k], copies[k])


def test_bad_input():
    f = lambda v: float(np.sum(v))  # noqa: E731
    with pytest.raises(TypeError, match="x must be a floating numpy array"):
        gradcheck.numerical_gradient(f, [1.0, 2.0])
    with pytest.raises(TypeError, match="x must be a floating numpy array"):
        gradcheck.numerical_gradient(f, np.array([1, 2]))
    with pytest.raises(ValueError, match="h must be > 0"):
        gradcheck.numerical_gradient(f, np.zeros(2), h=0.0)
    with pytest.raises(TypeError, match="f must be a function"):
        gradcheck.numerical_gradient(3, np.zeros(2))
    with pytest.raises(ValueError, match=r"dout must have the shape of f\(x\) \(2,\)"):
        gradcheck.numerical_gradient_array(np.sin, np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"b must have the shape of a \(2,\)"):
        gradcheck.relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        gradcheck.check_backward(linear_forward, linear_backward, {"x": np.zeros(1)}, None)
    with pytest.raises(TypeError, match="inputs must be a non-empty dict"):
        gradcheck.check_backward(linear_forward, linear_backward, [], np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"inputs\['x'\] must be finite"):
        gradcheck.check_backward(linear_forward, linear_backward,
                                 {"x": np.array([np.nan])}, np.random.default_rng(0))
