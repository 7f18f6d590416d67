"""Tests for course_lib.regularization."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import regularization as reg
from course_lib.modules import Parameter


def test_l2_penalty_known_value():
    w1, w2 = np.array([[1.0, -2.0]]), np.array([[3.0], [0.0]])
    penalty, grads = reg.l2_penalty([w1, w2], lam=0.1)
    assert penalty == pytest.approx(0.5 * 0.1 * 14.0)
    np.testing.assert_allclose(grads[0], 0.1 * w1)
    np.testing.assert_allclose(grads[1], 0.1 * w2)


def test_l2_gradient_matches_finite_differences():
    w = np.random.default_rng(0).standard_normal((3, 2))
    _, (g,) = reg.l2_penalty([w], 0.3)
    h = 1e-6
    e = np.zeros_like(w)
    e[1, 0] = h
    numeric = (reg.l2_penalty([w + e], 0.3)[0] - reg.l2_penalty([w - e], 0.3)[0]) / (2 * h)
    assert numeric == pytest.approx(g[1, 0], rel=1e-6)


def test_l1_penalty_subgradient():
    penalty, (g,) = reg.l1_penalty([np.array([[-2.0, 0.0, 3.0]])], lam=0.5)
    assert penalty == 2.5
    np.testing.assert_array_equal(g, [[-0.5, 0.0, 0.5]])


def test_penalties_do_not_mutate():
    w = np.ones((2, 2))
    reg.l2_penalty([w], 1.0)[1][0][0, 0] = 99.0
    assert w[0, 0] == 1.0


@pytest.mark.parametrize("losses, patience, expected", [
    ([1.0], 1, 0),
    ([1.0, 0.9, 0.8, 0.7], 1, 3),           # never stops: best overall
    ([1.0, 0.8, 0.9, 0.95, 0.5], 2, 1),     # stops at epoch 3, best so far is 1
    ([1.0, 0.8, 0.9, 0.95, 0.5], 3, 4),     # the late improvement is reached
    ([0.5, 0.6, 0.4], 1, 0),                # patience 1 stops at the first stall
    ([0.5, 0.5, 0.5], 5, 0),                # ties do not improve
    ([3.0, 2.0, 2.5, 1.0, 1.5, 1.6, 0.1], 2, 3),
])
def test_early_stopping_epoch_cases(losses, patience, expected):
    assert reg.early_stopping_epoch(losses, patience) == expected


@given(st.lists(st.floats(0, 10), min_size=1, max_size=30), st.integers(1, 40))
def test_early_stopping_epoch_properties(losses, patience):
    best = reg.early_stopping_epoch(losses, patience)
    assert 0 <= best < len(losses)
    assert losses[best] == min(losses[: best + 1])
    if patience >= len(losses):
        assert losses[best] == min(losses)


class FakeModel:
    def __init__(self):
        self.p = Parameter(np.zeros((1, 1)))

    def parameters(self):
        return [self.p]


def test_early_stopping_callback_restores_best():
    model, cb = FakeModel(), reg.EarlyStopping(patience=2)
    history = {"val_loss": [], "train_loss": []}
    stops = []
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.8, 0.2]):
        model.p.value = np.full((1, 1), float(epoch))
        history["val_loss"].append(loss)
        stops.append(cb.on_epoch_end(epoch, history, model))
        if stops[-1]:
            break
    assert stops == [False, False, False, True]
    assert cb.best_epoch == 1 and cb.stopped_epoch == 3
    cb.on_train_end(history, model)
    assert model.p.value[0, 0] == 1.0


def test_early_stopping_min_delta_and_no_restore():
    model, cb = FakeModel(), reg.EarlyStopping(patience=1, min_delta=0.1, restore_best=False)
    history = {"val_loss": [], "train_loss": [1.0]}
    assert not cb.on_epoch_end(0, {"val_loss": [], "train_loss": [1.0]}, model)
    history["val_loss"] = [0.95]
    model.p.value = np.ones((1, 1))
    assert cb.on_epoch_end(1, history, model)  # 0.05 better is not enough
    cb.on_train_end(history, model)
    assert model.p.value[0, 0] == 1.0


@pytest.mark.parametrize("call, error, name", [
    (lambda: reg.l2_penalty(np.ones((2, 2)), 0.1), TypeError, "weights"),
    (lambda: reg.l1_penalty(np.ones((2, 2)), 0.1), TypeError, "weights"),
    (lambda: reg.l2_penalty([np.ones(2), "w"], 0.1), TypeError, "weights[1]"),
    (lambda: reg.l2_penalty([np.ones(2)], -0.1), ValueError, "lam"),
    (lambda: reg.l1_penalty([np.ones(2)], None), TypeError, "lam"),
    (lambda: reg.early_stopping_epoch([], 2), ValueError, "val_losses"),
    (lambda: reg.early_stopping_epoch([[1.0]], 2), ValueError, "val_losses"),
    (lambda: reg.early_stopping_epoch([1.0, np.nan], 2), ValueError, "val_losses"),
    (lambda: reg.early_stopping_epoch([1.0], 0), ValueError, "patience"),
    (lambda: reg.early_stopping_epoch([1.0], 1.5), TypeError, "patience"),
    (lambda: reg.EarlyStopping(0), ValueError, "patience"),
    (lambda: reg.EarlyStopping(2, min_delta=-1.0), ValueError, "min_delta"),
    (lambda: reg.EarlyStopping(2, restore_best="yes"), TypeError, "restore_best"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()


def test_single_array_error_names_the_contract():
    with pytest.raises(TypeError, match=r"list of weight arrays.*\[w\]"):
        reg.l2_penalty(np.ones((2, 2)), 0.1)
