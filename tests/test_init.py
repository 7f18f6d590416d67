"""Tests for course_lib.init: shapes, scales, determinism, bad input."""

import numpy as np
import pytest

from course_lib import init


@pytest.mark.parametrize(
    "name,std",
    [("normal", 0.01), ("xavier", np.sqrt(2 / (400 + 200))), ("he", np.sqrt(2 / 400))],
)
def test_random_schemes_have_the_documented_scale(name, std):
    w = init.init_weights(name, 400, 200, np.random.default_rng(0))
    assert w.shape == (400, 200)
    assert abs(w.mean()) < 0.05 * std
    assert w.std() == pytest.approx(std, rel=0.02)


def test_he_init_contract():
    w = init.he_init(3, 5, np.random.default_rng(0))
    assert w.shape == (3, 5) and w.dtype == np.float64
    np.testing.assert_array_equal(w, init.he_init(3, 5, np.random.default_rng(0)))


def test_zeros():
    np.testing.assert_array_equal(init.zeros(2, 3), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.init_weights("zeros", 2, 3, np.random.default_rng(0)), 0)


def test_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in must be > 0, got 0"):
        init.he_init(0, 3, rng)
    with pytest.raises(TypeError, match="fan_out must be an integer"):
        init.xavier_init(3, 2.5, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        init.he_init(3, 2, 42)
    with pytest.raises(ValueError, match="std must be > 0"):
        init.normal(3, 2, rng, std=-1.0)
    with pytest.raises(ValueError, match="name must be one of 'zeros', 'normal', 'xavier', 'he'"):
        init.init_weights("kaiming", 3, 2, rng)
