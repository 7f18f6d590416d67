"""Tests for course_lib.schedules."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import schedules


def test_constant():
    assert schedules.constant(0.3)(0) == schedules.constant(0.3)(1000) == 0.3


def test_step_decay_known_values():
    s = schedules.step_decay(1.0, step_size=3, gamma=0.5)
    assert [s(t) for t in range(7)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_cosine_endpoints_and_midpoint():
    s = schedules.cosine(0.1, total_steps=10, min_lr=0.01)
    assert s(0) == pytest.approx(0.1)
    assert s(5) == pytest.approx(0.055)
    assert s(10) == pytest.approx(0.01)
    assert s(50) == pytest.approx(0.01)


@given(st.integers(1, 200), st.integers(0, 400))
def test_cosine_stays_between_min_and_max(total, step):
    s = schedules.cosine(1.0, total, min_lr=0.1)
    assert 0.1 - 1e-12 <= s(step) <= 1.0 + 1e-12


@given(st.integers(0, 50))
def test_cosine_is_non_increasing(step):
    s = schedules.cosine(1.0, 40)
    assert s(step + 1) <= s(step) + 1e-12


def test_linear_warmup():
    s = schedules.linear_warmup(schedules.step_decay(1.0, 4, 0.5), warmup_steps=4)
    assert [s(t) for t in range(6)] == [0.25, 0.5, 0.75, 1.0, 0.5, 0.5]
    plain = schedules.cosine(1.0, 10)
    assert schedules.linear_warmup(plain, 0)(3) == plain(3)
    assert math.isclose(schedules.linear_warmup(plain, 5)(10), 0.0, abs_tol=1e-12)


@pytest.mark.parametrize("call, error, name", [
    (lambda: schedules.constant(-1.0), ValueError, "lr"),
    (lambda: schedules.constant("0.1"), TypeError, "lr"),
    (lambda: schedules.step_decay(0.1, 0), ValueError, "step_size"),
    (lambda: schedules.step_decay(0.1, 2.5), TypeError, "step_size"),
    (lambda: schedules.step_decay(0.1, 2, gamma=2.0), ValueError, "gamma"),
    (lambda: schedules.cosine(0.1, 0), ValueError, "total_steps"),
    (lambda: schedules.cosine(0.1, 10, min_lr=0.5), ValueError, "min_lr"),
    (lambda: schedules.linear_warmup(0.1, 10), TypeError, "schedule"),
    (lambda: schedules.linear_warmup(schedules.constant(0.1), -1), ValueError, "warmup_steps"),
    (lambda: schedules.constant(0.1)(-1), ValueError, "step"),
    (lambda: schedules.cosine(0.1, 10)(1.5), TypeError, "step"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()
