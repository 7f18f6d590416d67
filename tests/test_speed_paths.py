"""The fast paths give the same numbers as the checked public functions.

``Sequential`` and ``fit`` check a batch once and then run each function's
math unchecked (``layers.linear_forward.unchecked``, ...); ``fit`` skips the
gradient for the input batch; the optimizer classes write into the
parameters' arrays. None of that may change a number, a dtype or an error
message.
"""

import warnings

import numpy as np
import pytest

from course_lib import activations as act
from course_lib import datasets as data
from course_lib import layers, losses, optim, train
from course_lib import modules as nn
from course_lib.validation import as_array, as_labels

DTYPES = [np.float64, np.float32]


def _arrays(rng, dtype, *shapes):
    return [rng.normal(size=s).astype(dtype) for s in shapes]


def _assert_same(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


# ------------------------------------------------------ kernels vs public functions


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_kernels_match_public_functions(dtype):
    rng = np.random.default_rng(0)
    x, w, b, dout = _arrays(rng, dtype, (5, 4), (4, 3), (3,), (5, 3))
    out, cache = layers.linear_forward(x, w, b)
    fast_out, fast_cache = layers.linear_forward.unchecked(x, w, b)
    _assert_same(fast_out, out)
    for got, want in zip(layers.linear_backward.unchecked(dout, fast_cache),
                         layers.linear_backward(dout, cache)):
        _assert_same(got, want)
    dx, dw, db = layers.linear_backward.unchecked(dout, fast_cache, input_grad=False)
    assert dx is None
    _assert_same(dw, layers.linear_backward(dout, cache)[1])


def test_linear_forward_keeps_the_dtype_rules_of_x_at_w_plus_b():
    rng = np.random.default_rng(0)
    x, w = _arrays(rng, np.float32, (2, 3), (3, 4))
    b64 = rng.normal(size=4)
    out, _ = layers.linear_forward(x, w, b64)  # float64 b: float64 out, as x @ w + b
    _assert_same(out, x @ w + b64)
    out, _ = layers.linear_forward(x.astype(np.float64), w.astype(np.float64),
                                   b64.astype(np.float32))
    assert out.dtype == np.float64


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_activation_kernels_match_public_functions(name, dtype):
    rng = np.random.default_rng(1)
    x, dout = _arrays(rng, dtype, (6, 5), (6, 5))
    x[0, 0] = 0.0
    fwd, bwd = getattr(act, f"{name}_forward"), getattr(act, f"{name}_backward")
    fast_fwd, fast_bwd = fwd.unchecked, bwd.unchecked
    extra = (0.01,) if name == "leaky_relu" else ()
    out, cache = fwd(x, *extra)
    fast_out, fast_cache = fast_fwd(x, *extra)
    _assert_same(fast_out, out)
    _assert_same(fast_bwd(dout, fast_cache), bwd(dout, cache))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("training", [True, False])
def test_dropout_kernels_match_public_functions(dtype, training):
    x, dout = _arrays(np.random.default_rng(2), dtype, (8, 6), (8, 6))
    out, cache = layers.dropout_forward(x, 0.3, training, np.random.default_rng(5))
    fast_out, fast_cache = layers.dropout_forward.unchecked(x, 0.3, training,
                                                          np.random.default_rng(5))
    _assert_same(fast_out, out)
    _assert_same(layers.dropout_backward.unchecked(dout, fast_cache),
                 layers.dropout_backward(dout, cache))


# ------------------------------------------------------------- Sequential


def _model(rng, dtype=np.float64, dropout=0.25):
    model = nn.Sequential(nn.Linear(4, 8, rng), nn.Tanh(), nn.Dropout(dropout, rng),
                          nn.Linear(8, 6, rng), nn.ReLU(), nn.Linear(6, 5, rng), nn.Sigmoid(),
                          nn.Linear(5, 3, rng))
    for p in model.parameters():
        p.value = (p.value + 0.1 * rng.normal(size=p.value.shape)).astype(dtype)
        p.zero_grad()
    return model


def _checked_forward_backward(model, x, dout):
    """What Sequential did before the fast path: every module's checked methods."""
    for m in model.modules:
        x = m.forward(x)
    for m in reversed(model.modules):
        dout = m.backward(dout)
    return x, dout


@pytest.mark.parametrize("dtype", DTYPES)
def test_sequential_fast_path_matches_checked_modules(dtype):
    x, dout = _arrays(np.random.default_rng(3), dtype, (7, 4), (7, 3))
    slow, fast = _model(np.random.default_rng(0), dtype), _model(np.random.default_rng(0), dtype)
    want_out, want_dx = _checked_forward_backward(slow, x, dout)
    got_out = fast.forward(x)
    got_dx = fast.backward(dout)
    _assert_same(got_out, want_out)
    _assert_same(got_dx, want_dx)
    for p, q in zip(fast.parameters(), slow.parameters()):
        _assert_same(p.grad, q.grad)


@pytest.mark.parametrize("dtype", DTYPES)
def test_skipping_the_input_gradient_keeps_parameter_gradients(dtype):
    x, dout = _arrays(np.random.default_rng(4), dtype, (7, 4), (7, 3))
    full, skip = _model(np.random.default_rng(0), dtype), _model(np.random.default_rng(0), dtype)
    full.forward(x)
    skip.forward(x)
    assert full.backward(dout).shape == x.shape
    assert skip.backward(dout, input_grad=False) is None
    for p, q in zip(skip.parameters(), full.parameters()):
        _assert_same(p.grad, q.grad)


def test_skipping_the_input_gradient_with_leading_parameter_free_modules():
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    grads = []
    for input_grad in (True, False):
        model = nn.Sequential(nn.Dropout(0.5, np.random.default_rng(1)), nn.ReLU(),
                              nn.Linear(3, 4, np.random.default_rng(2)), nn.Tanh(),
                              nn.Linear(4, 2, np.random.default_rng(3)))
        model.forward(x)
        model.backward(dout, input_grad=input_grad)
        grads.append([p.grad for p in model.parameters()])
    for g, h in zip(*grads):
        _assert_same(g, h)
    relu_only = nn.Sequential(nn.ReLU())
    relu_only(np.ones((1, 2)))
    assert relu_only.backward(np.ones((1, 2)), input_grad=False) is None


def test_custom_modules_in_a_sequential_use_their_own_forward_and_backward():
    class Double(nn.Module):
        def forward(self, x):
            return 2 * x

        def backward(self, dout):
            return 2 * dout

    rng = np.random.default_rng(0)
    model = nn.Sequential(Double(), nn.Linear(2, 3, rng), Double())
    x = rng.normal(size=(4, 2))
    np.testing.assert_allclose(model(x), 2 * (2 * x @ model[1].weight.value))
    assert model.backward(np.ones((4, 3))).shape == (4, 2)
    assert model.backward(np.ones((4, 3)), input_grad=False) is None


def test_subclasses_that_override_forward_or_backward_run_their_code_in_a_sequential():
    calls = []

    class LoudLinear(nn.Linear):
        def forward(self, x):
            calls.append("forward")
            return super().forward(x)

    class LoudSequential(nn.Sequential):
        def forward(self, x):
            calls.append("sequential forward")
            return super().forward(x)

        def backward(self, dout, input_grad=True):
            calls.append("sequential backward")
            return super().backward(dout, input_grad)

    rng = np.random.default_rng(0)
    inner = LoudSequential(LoudLinear(2, 3, rng), nn.ReLU())
    model = nn.Sequential(inner, nn.Linear(3, 2, rng))
    model(np.ones((4, 2)))
    model.backward(np.ones((4, 2)))
    assert calls == ["sequential forward", "forward", "sequential backward"]
    x, y = data.moons(32, np.random.default_rng(0))
    calls.clear()
    loud = LoudSequential(LoudLinear(2, 4, rng), nn.ReLU(), nn.Linear(4, 2, rng))
    train.fit(loud, losses.softmax_cross_entropy, optim.SGD(loud.parameters(), 0.1), (x, y),
              epochs=1, batch_size=32, rng=rng, progress=False)
    assert calls[:3] == ["sequential forward", "forward", "sequential backward"]


def test_sequential_still_reports_bad_input_like_its_layers():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(3, 4, rng), nn.ReLU(), nn.Linear(4, 2, rng))
    with pytest.raises(ValueError, match=r"w must have shape \(5, any\) to match x"):
        model(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"x must have 2 dimensions, got 1 \(shape \(3,\)\)"):
        model(np.zeros(3))
    with pytest.raises(ValueError, match="x must be finite, got 1 NaN or infinite entries"):
        model(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(TypeError, match="x must be a numeric array"):
        model("abc")
    with pytest.raises(RuntimeError, match="Linear: call forward before backward"):
        nn.Sequential(nn.Linear(3, 2, rng)).backward(np.zeros((1, 2)))
    model(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 2\), got \(2, 3\)"):
        model.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dout must be finite"):
        model.backward(np.full((2, 2), np.inf))
    relu_model = nn.Sequential(nn.ReLU())
    relu_model(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 2\), got \(2, 3\)"):
        relu_model.backward(np.zeros((2, 3)))


# ------------------------------------------------------------- optimizers


OPTIMIZERS = {
    "sgd": (lambda ps: optim.SGD(ps, 0.1),
            lambda w, g, s, t: (optim.gd_step(w, g, 0.1), s)),
    "momentum": (lambda ps: optim.SGD(ps, 0.1, momentum=0.9),
                 lambda w, g, s, t: optim.momentum_step(w, g, s, 0.1, 0.9)),
    "nesterov": (lambda ps: optim.SGD(ps, 0.1, momentum=0.9, nesterov=True),
                 lambda w, g, s, t: optim.nesterov_step(w, g, s, 0.1, 0.9)),
    "rmsprop": (lambda ps: optim.RMSProp(ps, 0.01),
                lambda w, g, s, t: optim.rmsprop_step(w, g, s, 0.01)),
    "adam": (lambda ps: optim.Adam(ps, 0.01),
             lambda w, g, s, t: _adam(optim.adam_step, w, g, s, t)),
    "adamw": (lambda ps: optim.AdamW(ps, 0.01, weight_decay=0.1),
              lambda w, g, s, t: _adam(optim.adamw_step, w, g, s, t,
                                       weight_decay=0.1 if w.ndim == 2 else 0.0)),
}


def _adam(step, w, g, s, t, **kw):
    m, v = s if isinstance(s, tuple) else (np.zeros_like(w), np.zeros_like(w))
    w, m, v = step(w, g, m, v, t, 0.01, **kw)
    return w, (m, v)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_classes_update_in_place_with_the_pure_functions_numbers(name, dtype):
    make, pure = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    params = [nn.Parameter(rng.normal(size=(3, 2)).astype(dtype)),
              nn.Parameter(rng.normal(size=2).astype(dtype))]
    values = [p.value for p in params]
    expected = [p.value.copy() for p in params]
    state = [np.zeros_like(p.value) for p in params]
    opt = make(params)
    for t in range(1, 4):
        for i, p in enumerate(params):
            p.grad = rng.normal(size=p.value.shape).astype(dtype)
            expected[i], state[i] = pure(expected[i], p.grad, state[i], t)
        opt.step()
    for p, value, want in zip(params, values, expected):
        assert p.value is value  # updated in place, like PyTorch
        _assert_same(p.value, want)


# ------------------------------------------------------- float32 end to end


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, 0.1, momentum=0.9, weight_decay=1e-3),
    lambda ps: optim.RMSProp(ps, 0.01, weight_decay=1e-3),
    lambda ps: optim.Adam(ps, 1e-3, weight_decay=1e-3),
    lambda ps: optim.AdamW(ps, 1e-3),
])
def test_float32_stays_float32_through_a_training_step(make):
    rng = np.random.default_rng(0)
    model = _model(rng, np.float32, dropout=0.1)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    opt = make(model.parameters())
    for _ in range(2):
        opt.zero_grad()
        logits = model.forward(x)
        _, dlogits = losses.softmax_cross_entropy(logits, y)
        model.backward(dlogits, input_grad=False)
        opt.step()
        assert logits.dtype == dlogits.dtype == np.float32
        for p in model.parameters():
            assert p.value.dtype == p.grad.dtype == np.float32
        for state in opt.state:
            assert all(v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray))


def test_float32_stays_float32_through_fit():
    x, y = data.moons(64, np.random.default_rng(0))
    model = _model(np.random.default_rng(0), np.float32, dropout=0.0)
    model.modules[0] = nn.Linear(2, 8, np.random.default_rng(1))
    for p in model[0].parameters():
        p.value = p.value.astype(np.float32)
        p.zero_grad()
    train.fit(model, losses.softmax_cross_entropy, optim.Adam(model.parameters(), 1e-2),
              (x.astype(np.float32), y), epochs=2, batch_size=16,
              rng=np.random.default_rng(0), progress=False)
    assert all(p.value.dtype == np.float32 for p in model.parameters())


# ------------------------------------------------------------------- fit


def test_fit_gives_the_numbers_of_a_loop_over_the_checked_api():
    x, y = data.moons(50, np.random.default_rng(0))
    fitted, manual = _model(np.random.default_rng(0)), _model(np.random.default_rng(0))
    fitted.modules[0] = nn.Linear(2, 8, np.random.default_rng(1))
    manual.modules[0] = nn.Linear(2, 8, np.random.default_rng(1))
    train.fit(fitted, losses.softmax_cross_entropy, optim.Adam(fitted.parameters(), 1e-2),
              (x, y), epochs=3, batch_size=16, rng=np.random.default_rng(7), progress=False)
    opt, rng = optim.Adam(manual.parameters(), 1e-2), np.random.default_rng(7)
    for _ in range(3):  # fit's epochs, through every module's checked methods
        for xb, yb in data.minibatches(x, y, 16, rng):
            opt.zero_grad()
            out = xb
            for m in manual.modules:
                out = m.forward(out)
            _, dout = losses.softmax_cross_entropy(out, yb)
            for m in reversed(manual.modules):
                dout = m.backward(dout)
            opt.step()
    for p, q in zip(fitted.parameters(), manual.parameters()):
        _assert_same(p.value, q.value)


# ------------------------------------------------------------ validation


@pytest.mark.parametrize("dtype", ["?", "b", "B", "i", "q", "e", "f", "d", "g", "F",
                                   "m8[s]", "M8[s]", "U3", "S3", "O"])
def test_as_array_accepts_exactly_the_numeric_dtypes(dtype):
    value = np.zeros(3, dtype=dtype)
    numeric = np.issubdtype(value.dtype, np.number) or value.dtype == bool
    if not numeric:
        with pytest.raises(TypeError, match="x must be a numeric array"):
            as_array(value, "x")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # complex to float64 drops the imaginary part
        out = as_array(value, "x")
    floating = np.issubdtype(value.dtype, np.floating)
    assert out.dtype == (value.dtype if floating else np.float64)
    assert (out is value) == floating


@pytest.mark.parametrize("dtype", ["i", "q", "B", "m8[s]", "f", "d", "?", "U1"])
def test_as_labels_accepts_integer_and_whole_float_labels(dtype):
    value = np.array([0, 1], dtype=dtype) if dtype != "U1" else np.array(["0", "1"])
    ok = np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
    if ok:
        assert as_labels(value, "y").tolist() == [0, 1]
    else:
        with pytest.raises(TypeError, match="y must hold integer class labels"):
            as_labels(value, "y")
