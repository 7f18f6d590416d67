"""Tests for course_lib.optim: pure update rules and optimizer classes."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import optim
from course_lib.modules import Parameter

finite = st.floats(-10, 10, allow_nan=False)
vectors = arrays(np.float64, st.integers(1, 6), elements=finite)


def zeros(w):
    return np.zeros_like(w)


# ---------------------------------------------------------------- known values

def test_gd_step_known_value():
    np.testing.assert_allclose(optim.gd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1),
                               [0.95, 2.1])


def test_momentum_accumulates_velocity():
    w, v = np.array([1.0]), np.zeros(1)
    for _ in range(2):
        w, v = optim.momentum_step(w, np.array([1.0]), v, lr=0.1, beta=0.9)
    np.testing.assert_allclose(v, [1.9])
    np.testing.assert_allclose(w, [1.0 - 0.1 - 0.19])


def test_nesterov_looks_ahead():
    w, v = optim.nesterov_step(np.array([1.0]), np.array([1.0]), np.array([1.0]), 0.1, 0.5)
    np.testing.assert_allclose(v, [1.5])
    np.testing.assert_allclose(w, [1.0 - 0.1 * (1.0 + 0.5 * 1.5)])


def test_rmsprop_known_value():
    w, s = optim.rmsprop_step(np.array([1.0]), np.array([2.0]), np.zeros(1), lr=0.1, rho=0.9)
    np.testing.assert_allclose(s, [0.4])
    np.testing.assert_allclose(w, [1.0 - 0.1 * 2.0 / (np.sqrt(0.4) + 1e-8)])


@given(arrays(np.float64, 5, elements=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)))
def test_adam_first_step_magnitude_is_lr(grad):
    w, m, v = optim.adam_step(np.zeros(5), grad, np.zeros(5), np.zeros(5), t=1, lr=0.01)
    np.testing.assert_allclose(np.abs(w), 0.01, rtol=1e-4)
    np.testing.assert_allclose(m, 0.1 * grad)
    np.testing.assert_allclose(v, 0.001 * grad**2)


def test_adam_eps_is_outside_the_sqrt():
    w, _, _ = optim.adam_step(np.zeros(1), np.array([1e-4]), np.zeros(1), np.zeros(1),
                              t=1, lr=1.0, eps=1e-4)
    np.testing.assert_allclose(w, [-0.5])


def _textbook_adam(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam as adam_step's docstring writes it, with new arrays."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@pytest.mark.parametrize("eps", [1e-8, 0.3])  # 0.3: where eps's place in the fused form shows
def test_adam_fused_form_equals_the_textbook_lines(eps):
    rng = np.random.default_rng(3)
    w = rng.normal(size=(4, 3))
    m, v, ref = zeros(w), zeros(w), (w, zeros(w), zeros(w))
    for t in range(1, 30):
        g = rng.normal(scale=10.0 ** rng.integers(-3, 3), size=w.shape)
        w, m, v = optim.adam_step(w, g, m, v, t, 0.05, 0.8, 0.99, eps)
        ref = _textbook_adam(*ref[:1], g, *ref[1:], t, 0.05, 0.8, 0.99, eps)
        for got, want in zip((w, m, v), ref):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_adamw_differs_from_adam_with_l2():
    w, g, m, v = np.array([2.0, -3.0]), np.array([0.1, 0.2]), np.zeros(2), np.zeros(2)
    decoupled, _, _ = optim.adamw_step(w, g, m, v, 1, lr=0.1, weight_decay=0.5)
    coupled, _, _ = optim.adam_step(w, g + 0.5 * w, m, v, 1, lr=0.1)
    plain, _, _ = optim.adam_step(w, g, m, v, 1, lr=0.1)
    np.testing.assert_allclose(decoupled, plain - 0.1 * 0.5 * w)
    assert not np.allclose(decoupled, coupled)


def test_float32_is_preserved():
    w = np.ones(3, dtype=np.float32)
    assert optim.gd_step(w, w, 0.1).dtype == np.float32
    out = optim.adam_step(w, w, zeros(w), zeros(w), 1, 0.1)
    assert all(a.dtype == np.float32 for a in out)


# ---------------------------------------------------------------- properties

@settings(max_examples=30)
@given(vectors, st.integers(1, 50))
def test_pure_steps_do_not_mutate_inputs(w, t):
    g = np.cos(w)
    state = [np.abs(w), np.abs(g)]
    copies = [a.copy() for a in (w, g, *state)]
    optim.gd_step(w, g, 0.1)
    optim.momentum_step(w, g, state[0], 0.1, 0.9)
    optim.nesterov_step(w, g, state[0], 0.1, 0.9)
    optim.rmsprop_step(w, g, state[1], 0.1)
    optim.adam_step(w, g, state[0], state[1], t, 0.1)
    optim.adamw_step(w, g, state[0], state[1], t, 0.1, weight_decay=0.1)
    for a, c in zip((w, g, *state), copies):
        np.testing.assert_array_equal(a, c)


def make_params(seed=0):
    rng = np.random.default_rng(seed)
    params = [Parameter(rng.standard_normal((3, 2))), Parameter(rng.standard_normal(2))]
    for p in params:
        p.grad = rng.standard_normal(p.value.shape)
    return params


OPTIMIZERS = [
    lambda ps, lr: optim.SGD(ps, lr),
    lambda ps, lr: optim.SGD(ps, lr, momentum=0.9, nesterov=True, weight_decay=0.1),
    lambda ps, lr: optim.RMSProp(ps, lr, weight_decay=0.1),
    lambda ps, lr: optim.Adam(ps, lr, weight_decay=0.1),
    lambda ps, lr: optim.AdamW(ps, lr),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
@settings(max_examples=10)
@given(seed=st.integers(0, 1000))
def test_optimizer_with_zero_lr_changes_nothing(make, seed):
    params = make_params(seed)
    before = [p.value.copy() for p in params]
    opt = make(params, 0.0)
    for _ in range(3):
        opt.step()
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.value, b)


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_optimizers_minimise_a_quadratic(make):
    p = Parameter(np.array([[3.0, -2.0]]))
    opt = make([p], 0.05)
    for _ in range(300):
        opt.zero_grad()
        p.grad = p.grad + p.value  # gradient of 0.5 ||w||^2
        opt.step()
    assert np.abs(p.value).max() < 0.3


def test_classes_match_pure_functions():
    params = make_params()
    w0 = params[0].value.copy()
    opt = optim.SGD(params, 0.1, momentum=0.9)
    opt.step()
    opt.step()
    w, v = optim.momentum_step(w0, params[0].grad, np.zeros_like(w0), 0.1, 0.9)
    w, v = optim.momentum_step(w, params[0].grad, v, 0.1, 0.9)
    np.testing.assert_allclose(params[0].value, w)


def test_weight_decay_skips_biases():
    params = make_params()
    for p in params:
        p.grad = np.zeros_like(p.value)
    bias = params[1].value.copy()
    optim.AdamW(params, lr=0.1, weight_decay=0.5).step()
    np.testing.assert_array_equal(params[1].value, bias)
    assert not np.allclose(params[0].value, make_params()[0].value)


def test_zero_grad_and_settable_lr():
    params = make_params()
    opt = optim.Adam(params)
    opt.zero_grad()
    assert all(not p.grad.any() for p in params)
    opt.lr = 0.5
    assert opt.lr == 0.5


# ---------------------------------------------------------------- bad input

W = np.ones(2)


@pytest.mark.parametrize("call, error, name", [
    (lambda: optim.gd_step("w", W, 0.1), TypeError, "w"),
    (lambda: optim.gd_step(W, np.ones(3), 0.1), ValueError, "grad"),
    (lambda: optim.gd_step(W, W, -1.0), ValueError, "lr"),
    (lambda: optim.gd_step(W, np.array([np.nan, 1.0]), 0.1), ValueError, "grad"),
    (lambda: optim.momentum_step(W, W, np.ones(1), 0.1, 0.9), ValueError, "velocity"),
    (lambda: optim.momentum_step(W, W, W, 0.1, 1.0), ValueError, "beta"),
    (lambda: optim.nesterov_step(W, W, W, 0.1, -0.1), ValueError, "beta"),
    (lambda: optim.rmsprop_step(W, W, W, 0.1, rho=1.5), ValueError, "rho"),
    (lambda: optim.rmsprop_step(W, W, W, 0.1, eps=0.0), ValueError, "eps"),
    (lambda: optim.adam_step(W, W, W, W, 0, 0.1), ValueError, "t"),
    (lambda: optim.adam_step(W, W, W, W, 1.5, 0.1), TypeError, "t"),
    (lambda: optim.adam_step(W, W, W, np.ones(3), 1, 0.1), ValueError, "v"),
    (lambda: optim.adam_step(W, W, W, W, 1, 0.1, beta2=1.0), ValueError, "beta2"),
    (lambda: optim.adamw_step(W, W, W, W, 1, 0.1, weight_decay=-1), ValueError, "weight_decay"),
    (lambda: optim.SGD(np.ones(3), 0.1), TypeError, "params"),
    (lambda: optim.SGD([], 0.1), ValueError, "params"),
    (lambda: optim.SGD([np.ones(3)], 0.1), TypeError, "params[0]"),
    (lambda: optim.SGD(make_params(), -0.1), ValueError, "lr"),
    (lambda: optim.SGD(make_params(), 0.1, momentum=1.0), ValueError, "momentum"),
    (lambda: optim.SGD(make_params(), 0.1, nesterov=True), ValueError, "nesterov"),
    (lambda: optim.SGD(make_params(), 0.1, nesterov="yes"), TypeError, "nesterov"),
    (lambda: optim.RMSProp(make_params(), 0.1, rho=1.0), ValueError, "rho"),
    (lambda: optim.Adam(make_params(), betas=(0.9, 1.0)), ValueError, "betas[1]"),
    (lambda: optim.Adam(make_params(), betas=0.9), TypeError, "betas"),
    (lambda: optim.AdamW(make_params(), weight_decay=-0.1), ValueError, "weight_decay"),
    (lambda: optim.Adam(make_params(), eps=-1.0), ValueError, "eps"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()
