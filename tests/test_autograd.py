"""Tests for course_lib.autograd: the scalar Value engine and its drawing."""

import math

import matplotlib
import numpy as np
import pytest

from course_lib.autograd import Value, draw_graph

matplotlib.use("Agg")

UNARY = {
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0)),
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), math.log),
    "pow": (lambda v: v**3, lambda x: x**3),
    "div": (lambda v: 2.0 / v, lambda x: 2.0 / x),
    "sub": (lambda v: 1.0 - v * 3 - v, lambda x: 1.0 - 4 * x),
    "neg": (lambda v: -v + 5, lambda x: -x + 5),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("x0", [0.7, 1.9])
def test_unary_value_and_gradient(name, x0):
    build, f = UNARY[name]
    x = Value(x0)
    out = build(x)
    out.backward()
    assert out.data == pytest.approx(f(x0))
    h = 1e-6
    numeric = (f(x0 + h) - f(x0 - h)) / (2 * h)
    assert abs(x.grad - numeric) / max(1e-12, abs(x.grad) + abs(numeric)) < 1e-7


def test_neuron_graph_matches_micrograd_example():
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-4)


def test_reused_node_accumulates_and_backward_twice_is_stable():
    a = Value(3.0)
    c = a * a + a  # dc/da = 2a + 1
    c.backward()
    assert a.grad == 7.0
    c.backward()
    assert a.grad == 7.0


def test_sigmoid_is_stable():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_bad_input():
    with pytest.raises(TypeError, match="data must be a finite number"):
        Value("1")
    with pytest.raises(TypeError, match="data must be a finite number"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="exponent must be a number"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="log needs a positive value"):
        Value(0.0).log()
    with pytest.raises(TypeError, match="root must be a Value"):
        draw_graph(1.0)


def test_draw_graph_returns_axes_with_every_node():
    import matplotlib.pyplot as plt

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b + a).relu()
    out.label = "out"
    out.backward()
    ax = draw_graph(out)
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("a | data 2") for t in texts)
    assert any(t.startswith("out | data 0") for t in texts)
    assert sorted(t for t in texts if t and "data" not in t) == ["*", "+", "relu"]
    fig, given_ax = plt.subplots()
    assert draw_graph(out, ax=given_ax) is given_ax
    plt.close("all")
    assert np.isfinite(out.data)
