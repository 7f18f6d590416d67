"""The chapter 3 checks on banks of correct and wrong learner answers."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import activations, layers, losses, network
from course_lib.exercises import CheckFailed, check, evaluate
from tests.exercise_bank import bank_tests

# --------------------------------------------------------------------------- numerical_gradient


def ng_loop(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f(x)
        x[idx] = old - h
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * h)
    return grad


def ng_copies(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        grad.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def ng_add_subtract(f, x, h=1e-5):
    """Restores x by adding and subtracting h (off by a rounding error at most)."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / 2 / h
    return grad


def ng_flat_view(f, x, h=1e-5):
    x = x.astype(float, copy=True)
    flat = x.reshape(-1)
    grad = np.empty_like(flat)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = float(f(x))
        flat[i] = old - h
        fm = float(f(x))
        flat[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad.reshape(x.shape)


@pytest.mark.parametrize("answer", [ng_loop, ng_copies, ng_add_subtract, ng_flat_view])
def test_numerical_gradient_accepts_correct_answers(answer):
    result = evaluate("numerical_gradient", answer)
    assert result.status == "passed", result.to_text()


def ng_forward(f, x, h=1e-5):
    x = x.copy()
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad


def ng_divided_by_h(f, x, h=1e-5):
    x = x.copy()
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f(x)
        x[idx] = old - h
        fm = f(x)
        x[idx] = old
        grad[idx] = (fp - fm) / h
    return grad


def ng_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fp = f(x)
        x[idx] -= 2 * h
        fm = f(x)
        grad[idx] = (fp - fm) / (2 * h)
    return grad


def ng_all_at_once(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


def ng_ignores_h(f, x, h=1e-5):
    return ng_loop(f, x.copy(), 1e-5)


def ng_only_rows(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@pytest.mark.parametrize("answer, status, words", [
    (ng_forward, "failed", "forward difference"),
    (ng_divided_by_h, "failed", "divide by 2 * h"),
    (ng_not_restored, "failed", "left `x` changed"),
    (ng_all_at_once, "failed", "all entries of x at once"),
    (ng_ignores_h, "failed", "using the h the caller passed"),
    (ng_only_rows, "failed", "np.ndindex(x.shape)"),
])
def test_numerical_gradient_recognises_mistakes(answer, status, words):
    result = evaluate("numerical_gradient", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


def test_numerical_gradient_mutation_hint_says_how_to_restore():
    result = evaluate("numerical_gradient", ng_not_restored)
    assert "x[i] = old" in result.hint


# --------------------------------------------------------------------------- relu_backward


@pytest.mark.parametrize("answer", [
    lambda dout, cache: dout * (cache.x > 0),
    lambda dout, cache: np.where(cache.x > 0, dout, 0.0),
    lambda dout, cache: dout * np.heaviside(cache.x, 0.0),
    lambda dout, cache: (lambda d: (d.__setitem__(cache.x <= 0, 0), d)[1])(dout.copy()),
    lambda dout, cache: activations.relu_backward(dout, cache),
    lambda dout, cache: dout * (cache[0] > 0).astype(dout.dtype),
])
def test_relu_backward_accepts_correct_answers(answer):
    result = evaluate("relu_backward", answer)
    assert result.status == "passed", result.to_text()


def relu_in_place(dout, cache):
    dout[cache.x <= 0] = 0
    return dout


@pytest.mark.parametrize("answer, status, words", [
    (lambda dout, cache: dout, "failed", "gradient there is 0"),
    (lambda dout, cache: dout * (dout > 0), "failed", "sign of the forward input"),
    (lambda dout, cache: dout * (cache.x < 0), "failed", "inverted"),
    (lambda dout, cache: dout * np.maximum(cache.x, 0), "failed", "slope"),
    (lambda dout, cache: (cache.x > 0).astype(float), "failed", "upstream gradient"),
    (relu_in_place, "failed", "in place"),
    (lambda dout, cache: dout[cache.x > 0], "failed", "flat 1-D array"),
    (lambda dout, cache: dout * (cache > 0), "error", "cache.x"),
])
def test_relu_backward_recognises_mistakes(answer, status, words):
    result = evaluate("relu_backward", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


# --------------------------------------------------------------------------- sigmoid_backward


def sig_unpacked(dout, cache):
    s, = cache
    return dout * (s - s**2)


def sig_multiply(dout, cache):
    return np.multiply(dout, cache.out * (1.0 - cache.out))


def sig_loop(dout, cache):
    dx = np.zeros(np.shape(dout))
    for idx in np.ndindex(dx.shape):
        s = cache.out[idx]
        dx[idx] = dout[idx] * s * (1 - s)
    return dx


@pytest.mark.parametrize("answer", [
    lambda dout, cache: dout * cache.out * (1 - cache.out),
    sig_unpacked,
    sig_multiply,
    sig_loop,
    lambda dout, cache: dout * cache[0] * (1 - cache[0]),
    activations.sigmoid_backward,
])
def test_sigmoid_backward_accepts_correct_answers(answer):
    result = evaluate("sigmoid_backward", answer)
    assert result.status == "passed", result.to_text()
    assert "numerical gradient check" in result.message, result.to_text()


def _sigmoid(z):
    return activations.sigmoid(z)


def sig_in_place(dout, cache):
    dout *= cache.out * (1 - cache.out)
    return dout


def sig_zero_shortcut(dout, cache):
    if not np.any(dout):
        return dout                 # "nothing to do": but this is dout itself
    return dout * cache.out * (1 - cache.out)


def sig_zeros_like(dout, cache):
    dx = np.zeros_like(dout)        # integer when dout is
    dx[...] = dout * cache.out * (1 - cache.out)
    return dx


@pytest.mark.parametrize("answer, status, words", [
    (lambda dout, cache: dout * _sigmoid(cache.out) * (1 - _sigmoid(cache.out)),
     "failed", "already s = sigmoid(x)"),
    (lambda dout, cache: cache.out * (1 - cache.out), "failed", "upstream gradient"),
    (lambda dout, cache: dout * cache.out * (cache.out - 1), "failed", "wrong sign"),
    (lambda dout, cache: -dout * cache.out * (1 - cache.out), "failed", "wrong sign"),
    (lambda dout, cache: dout * (1 - cache.out ** 2), "failed", "slope of tanh"),
    (lambda dout, cache: dout * cache.out, "failed", "output s alone"),
    (lambda dout, cache: dout * (1 - cache.out), "failed", "factor s is missing"),
    (lambda dout, cache: dout, "failed", "unchanged"),
    (lambda dout, cache: dout * cache.out * (1 - cache.out) / len(dout), "failed",
     "batch size"),
    (lambda dout, cache: dout * _sigmoid(dout) * (1 - _sigmoid(dout)), "failed",
     "slope at dout"),
    (sig_in_place, "failed", "in place"),
    (sig_zero_shortcut, "failed", "shares memory with the argument `dout`"),
    (sig_zeros_like, "failed", "np.zeros_like(dout)"),
    (lambda dout, cache: (dout * cache.out * (1 - cache.out)).tolist(), "failed", "a list"),
    (lambda dout, cache: (dout * cache.out * (1 - cache.out)).ravel(), "failed", "has shape"),
    (lambda dout, cache: dout * cache.x, "error", "cache.out"),
])
def test_sigmoid_backward_recognises_mistakes(answer, status, words):
    result = evaluate("sigmoid_backward", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


def test_sigmoid_backward_hint_names_the_mistake_not_just_the_formula():
    result = evaluate("sigmoid_backward", lambda dout, cache: cache.out * (1 - cache.out))
    assert "chain rule" in result.hint, result.to_text()
    # the failing case is named, with the worst entry and both values
    assert result.message.startswith("On ") and "worst is entry" in result.message


def test_sigmoid_backward_integer_dout_must_give_floats():
    result = evaluate("sigmoid_backward", sig_zeros_like)
    assert "integer upstream gradient" in result.message, result.to_text()
    assert "dtype" in result.message, result.to_text()


# --------------------------------------------------------------------------- linear_backward


def lin_unpacked(dout, cache):
    x, w, b = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def lin_einsum(dout, cache):
    return (np.einsum("nm,dm->nd", dout, cache.w), np.einsum("nd,nm->dm", cache.x, dout),
            np.einsum("nm->m", dout))


def lin_loops(dout, cache):
    x, w, _ = cache
    dw = np.zeros_like(w)
    for n in range(x.shape[0]):
        dw += np.outer(x[n], dout[n])
    return [np.dot(dout, w.T), dw, np.ones(len(x)) @ dout]


@pytest.mark.parametrize("answer", [lin_unpacked, lin_einsum, lin_loops, layers.linear_backward])
def test_linear_backward_accepts_correct_answers(answer):
    result = evaluate("linear_backward", answer)
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("answer, status, words", [
    (lambda d, c: (d @ c.w.T, d.T @ c.x, d.sum(0)), "failed", "`dw` is transposed"),
    (lambda d, c: (d @ c.w.T, c.x.T @ d, d.mean(0)), "failed", "*sums*"),
    (lambda d, c: (d @ c.w, c.x.T @ d, d.sum(0)), "failed", "dx = dout @ w.T"),
    (lambda d, c: (d @ c.w.T, c.x.T @ d, d.sum(1)), "failed", "axis=0"),
    (lambda d, c: (c.w @ d.T, c.x.T @ d, d.sum(0)), "failed", "`dx` is transposed"),
    (lambda d, c: (d @ c.w.T, c.x.T @ d, d.sum(0, keepdims=True)), "failed", "keepdims"),
    (lambda d, c: (d @ c.w.T, c.x.T @ d, np.sum(d)), "failed", "b's shape"),
    (lambda d, c: (d @ c.w.T, c.x.T @ d), "failed", "returned 2 values"),
    (lambda d, c: (c.w.T @ d, c.x.T @ d, d.sum(0)), "error", "dx = dout @ w.T is (N, D)"),
])
def test_linear_backward_recognises_mistakes(answer, status, words):
    result = evaluate("linear_backward", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


def test_linear_backward_names_the_transpose_on_a_non_square_layer():
    # on the first (square) case the values differ; the hint still says transposed
    result = evaluate("linear_backward", lambda d, c: (d @ c.w.T, d.T @ c.x, d.sum(0)))
    assert "On N=4 examples" in result.message


# --------------------------------------------------------------------------- softmax_cross_entropy


def sce_onehot(logits, y):
    n, c = logits.shape
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    t = np.eye(c)[y]
    return -np.sum(t * logp) / n, (np.exp(logp) - t) / n


def sce_indexing(logits, y):
    n = len(y)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=1))
    loss = np.mean(lse - shifted[np.arange(n), y])
    d = np.exp(shifted - lse[:, None])
    d[np.arange(n), y] -= 1
    return loss, d / n


def sce_library_pieces(logits, y):
    p = activations.softmax(logits)
    p[range(len(y)), y] -= 1
    return losses.cross_entropy(logits, y), p / len(y)


@pytest.mark.parametrize("answer", [sce_onehot, sce_indexing, sce_library_pieces,
                                    losses.softmax_cross_entropy])
def test_softmax_cross_entropy_accepts_correct_answers(answer):
    result = evaluate("softmax_cross_entropy", answer)
    assert result.status == "passed", result.to_text()


def _p(z):
    return activations.softmax(z)


def sce_unstable(logits, y):
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(y)), y]))
    d = p.copy()
    d[np.arange(len(y)), y] -= 1
    return loss, d / len(y)


def sce_log_of_softmax(logits, y):
    p = _p(logits)
    loss = -np.mean(np.log(p[np.arange(len(y)), y]))
    d = p.copy()
    d[np.arange(len(y)), y] -= 1
    return loss, d / len(y)


def sce_in_place(logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    return losses.softmax_cross_entropy(logits, y)


def sce_eps(logits, y):
    p = _p(logits)
    t = np.eye(logits.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)), (p - t) / len(y)


@pytest.mark.parametrize("answer, status, words", [
    (lambda z, y: (losses.cross_entropy(z, y), _p(z) - np.eye(z.shape[1])[y]),
     "failed", "divided by N"),
    (lambda z, y: (losses.cross_entropy(z, y), (np.eye(z.shape[1])[y] - _p(z)) / len(y)),
     "failed", "wrong sign"),
    (lambda z, y: (losses.cross_entropy(z, y), (_p(z) - 1) / len(y)),
     "failed", "Only the true class"),
    (lambda z, y: (len(y) * losses.cross_entropy(z, y), losses.softmax_cross_entropy(z, y)[1]),
     "failed", "the mean"),
    (lambda z, y: (len(y) * losses.cross_entropy(z, y), _p(z) - np.eye(z.shape[1])[y]),
     "failed", "divide both"),
    (lambda z, y: (float(-np.mean(activations.log_softmax(z)[:, y])),
                   losses.softmax_cross_entropy(z, y)[1]), "failed", "np.arange(N), y"),
    (lambda z, y: (-losses.cross_entropy(z, y), losses.softmax_cross_entropy(z, y)[1]),
     "failed", ">= 0"),
    (sce_unstable, "failed", "Subtract each row's maximum"),
    (sce_log_of_softmax, "failed", "instead of log(softmax)"),
    (sce_eps, "failed", "epsilon"),
    (sce_in_place, "failed", "in place"),
    (lambda z, y: losses.softmax_cross_entropy(z, y)[1], "failed", "expected a tuple"),
])
def test_softmax_cross_entropy_recognises_mistakes(answer, status, words):
    result = evaluate("softmax_cross_entropy", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


# --------------------------------------------------------------------------- mlp_loss_and_grads


def mlp_by_hand(x, y, params):
    hs, zs = [np.asarray(x, float)], []
    for i, (w, b) in enumerate(params):
        z = hs[-1] @ w + b
        zs.append(z)
        hs.append(z if i == len(params) - 1 else np.maximum(z, 0))
    n = len(y)
    p = np.exp(zs[-1] - zs[-1].max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean()
    d = p
    d[np.arange(n), y] -= 1
    d /= n
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        w, _ = params[i]
        grads[i] = (hs[i].T @ d, d.sum(0))
        if i > 0:
            d = (d @ w.T) * (zs[i - 1] > 0)
    return loss, grads


def mlp_with_library(x, y, params):
    caches, h = [], x
    for i, (w, b) in enumerate(params):
        h, lin = layers.linear_forward(h, w, b)
        relu = None
        if i < len(params) - 1:
            h, relu = activations.relu_forward(h)
        caches.append((lin, relu))
    loss, d = losses.softmax_cross_entropy(h, y)
    grads = []
    for lin, relu in caches[::-1]:
        if relu is not None:
            d = activations.relu_backward(d, relu)
        d, dw, db = layers.linear_backward(d, lin)
        grads.insert(0, [dw, db])
    return np.float64(loss), tuple(grads)


@pytest.mark.parametrize("answer", [mlp_by_hand, mlp_with_library, network.mlp_loss_and_grads])
def test_mlp_loss_and_grads_accepts_correct_answers(answer):
    result = evaluate("mlp_loss_and_grads", answer)
    assert result.status == "passed", result.to_text()


def mlp_variant(reverse=False, mask=True, loss_sum=False, all_sum=False):
    def answer(x, y, params):
        caches, h = [], x
        for i, (w, b) in enumerate(params):
            h, lin = layers.linear_forward(h, w, b)
            relu = None
            if i < len(params) - 1:
                h, relu = activations.relu_forward(h)
            caches.append((lin, relu))
        loss, d = losses.softmax_cross_entropy(h, y)
        if all_sum:
            d = d * len(y)
        if loss_sum or all_sum:
            loss = loss * len(y)
        grads = []
        for lin, relu in reversed(caches):
            if relu is not None and mask:
                d = activations.relu_backward(d, relu)
            d, dw, db = layers.linear_backward(d, lin)
            grads.append((dw, db))
        return loss, grads if reverse else grads[::-1]
    return answer


def mlp_relu_on_logits(x, y, params):
    h, caches = x, []
    for w, b in params:
        h, lin = layers.linear_forward(h, w, b)
        h, relu = activations.relu_forward(h)
        caches.append((lin, relu))
    loss, d = losses.softmax_cross_entropy(h, y)
    grads = []
    for lin, relu in reversed(caches):
        d = activations.relu_backward(d, relu)
        d, dw, db = layers.linear_backward(d, lin)
        grads.append((dw, db))
    return loss, grads[::-1]


def mlp_mutates(x, y, params):
    x -= 0  # harmless
    params[0][0][...] = params[0][0] * 1.0001
    return network.mlp_loss_and_grads(x, y, params)


@pytest.mark.parametrize("answer, status, words", [
    (mlp_variant(reverse=True), "failed", "reverse layer order"),
    (mlp_variant(mask=False), "failed", "skipped the ReLU"),
    (mlp_variant(loss_sum=True), "failed", "return the mean"),
    (mlp_relu_on_logits, "failed", "ReLU after the last layer"),
    (mlp_variant(all_sum=True), "failed", "N times too large"),
    (lambda x, y, p: (network.mlp_loss_and_grads(x, y, p)[0],
                      network.mlp_loss_and_grads(x, y, p)[1][:-1]), "failed", "one (dw, db) pair"),
    (lambda x, y, p: (network.mlp_loss_and_grads(x, y, p)[0],
                      [dw for dw, _ in network.mlp_loss_and_grads(x, y, p)[1]]),
     "failed", "expected a (dw, db) pair"),
    (mlp_mutates, "failed", "in place"),
    (lambda x, y, p: p[5], "error", "IndexError"),
])
def test_mlp_loss_and_grads_recognises_mistakes(answer, status, words):
    result = evaluate("mlp_loss_and_grads", answer)
    assert result.status == status, result.to_text()
    assert words in result.to_text(), result.to_text()


def test_mlp_reverse_order_hint_on_a_square_free_network():
    result = evaluate("mlp_loss_and_grads", mlp_variant(reverse=True))
    assert "grads[::-1]" in result.hint


# --------------------------------------------------------------------------- common behaviour

ALL = {
    "numerical_gradient": (2, lambda f, x, h=1e-5: ng_loop(f, x.copy(), h)),
    "relu_backward": (2, lambda dout, cache: dout * (cache.x > 0)),
    "sigmoid_backward": (2, lambda dout, cache: dout * cache.out * (1 - cache.out)),
    "linear_backward": (2, lin_unpacked),
    "softmax_cross_entropy": (2, sce_indexing),
    "mlp_loss_and_grads": (3, mlp_by_hand),
}


def _stub(nargs):
    def stub(*args, **kwargs):
        # YOUR CODE HERE
        raise NotImplementedError
    return stub


@pytest.mark.parametrize("name", ALL)
def test_stub_is_not_implemented(name):
    result = evaluate(name, _stub(ALL[name][0]))
    assert result.status == "not_implemented"
    assert "NotImplementedError" in result.message


@pytest.mark.parametrize("name", ALL)
def test_other_exception_is_an_error_naming_the_case(name):
    def broken(*args, **kwargs):
        return args[0].no_such_attribute

    result = evaluate(name, broken)
    assert result.status == "error"
    assert result.message.startswith("On ")
    assert "AttributeError" in result.message


@pytest.mark.parametrize("name", ALL)
def test_returning_none_is_reported(name):
    result = evaluate(name, lambda *a, **k: None)
    assert result.status == "failed"
    assert "None" in result.message


def test_not_a_function_is_reported():
    for name in ALL:
        result = evaluate(name, 3)
        assert result.status == "failed" and "should be a function" in result.message


@pytest.mark.parametrize("name, answer, words", [
    ("numerical_gradient", lambda f, x, h=1e-5: ng_loop(f, x.copy(), h).tolist(), "a list"),
    ("numerical_gradient", lambda f, x, h=1e-5: ng_loop(f, x.copy(), h).ravel()[:1], "shape"),
    ("numerical_gradient",
     lambda f, x, h=1e-5: np.full(x.shape, np.nan), "nan"),
    ("relu_backward", lambda d, c: (d * (c.x > 0)).tolist(), "a list"),
    ("relu_backward", lambda d, c: (d * (c.x > 0)).ravel(), "has shape"),
    ("relu_backward", lambda d, c: (d > 0).astype(np.int64) * (c.x > 0), "dtype int64"),
    ("relu_backward", lambda d, c: np.where(c.x > 0, d, np.nan), "nan"),
    ("linear_backward", lambda d, c: [x.tolist() for x in lin_unpacked(d, c)], "a list"),
    ("linear_backward", lambda d, c: (lin_unpacked(d, c)[0].T, *lin_unpacked(d, c)[1:]),
     "`dx` has shape"),
    ("linear_backward", lambda d, c: (lin_unpacked(d, c)[0].astype(np.int64),
                                      *lin_unpacked(d, c)[1:]), "dtype int64"),
    ("softmax_cross_entropy", lambda z, y: (np.nan, sce_indexing(z, y)[1]), "nan"),
    ("softmax_cross_entropy", lambda z, y: (sce_indexing(z, y)[0], [1, 2]), "a list"),
    ("softmax_cross_entropy", lambda z, y: (sce_indexing(z, y)[0],
                                            np.round(sce_indexing(z, y)[1]).astype(int)),
     "dtype"),
    ("mlp_loss_and_grads", lambda x, y, p: (mlp_by_hand(x, y, p)[0],
                                            [(dw.T, db) for dw, db in mlp_by_hand(x, y, p)[1]]),
     "shape"),
])
def test_wrong_types_shapes_dtypes_and_nans_are_named(name, answer, words):
    result = evaluate(name, answer)
    assert result.status == "failed", result.to_text()
    assert words in result.message, result.to_text()


def test_linear_backward_mutating_dout_is_reported():
    def mutates(dout, cache):
        dout *= 1.0
        dout += 1e-3
        return lin_unpacked(dout - 1e-3, cache)

    result = evaluate("linear_backward", mutates)
    assert result.status == "failed" and "in place" in result.message


@pytest.mark.parametrize("name", ALL)
def test_strict_mode_raises_on_failure(name, monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        check(name, _stub(ALL[name][0]))
    check(name, ALL[name][1])  # a correct answer does not raise


@pytest.mark.parametrize("name", ALL)
def test_each_check_is_fast(name):
    import time

    start = time.perf_counter()
    evaluate(name, ALL[name][1])
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------- learner walk-through


def _ng_combine(combine):
    def answer(f, x, h=1e-5):
        grad = np.zeros_like(x, dtype=float)
        for idx in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[idx] += h
            xm[idx] -= h
            grad[idx] = combine(f(xp), f(xm), h)
        return grad
    return answer


def ng_same_array(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        xp = x  # not a copy
        xm = x
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


def ng_backward(f, x, h=1e-5):
    fx = f(x)
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        xm = x.copy()
        xm[idx] -= h
        grad[idx] = (fx - f(xm)) / h
    return grad


def ng_fixed_h(f, x, h=1e-5):
    return _ng_combine(lambda fp, fm, _h: (fp - fm) / (2 * 1e-5))(f, x, 1e-5)


@pytest.mark.parametrize("answer, words", [
    (_ng_combine(lambda fp, fm, h: (fp - fm) / 2 * h), "(2 * h)"),
    (_ng_combine(lambda fp, fm, h: (fm - fp) / (2 * h)), "wrong sign"),
    (ng_backward, "backward difference"),
    (ng_same_array, "same* array"),
    (ng_fixed_h, "`h` argument"),
])
def test_numerical_gradient_walkthrough_mistakes(answer, words):
    result = evaluate("numerical_gradient", answer)
    assert result.status == "failed", result.to_text()
    assert words in result.hint, result.to_text()


@pytest.mark.parametrize("answer, words", [
    (lambda dout, cache: dout * np.sign(cache.x), "np.sign"),
    (lambda dout, cache: dout * cache.x > 0, "parentheses"),
])
def test_relu_backward_walkthrough_mistakes(answer, words):
    result = evaluate("relu_backward", answer)
    assert result.status == "failed", result.to_text()
    assert words in result.hint, result.to_text()


@pytest.mark.parametrize("answer, words", [
    (lambda dout, c: (dout @ c.w.T, c.x.T @ dout / len(dout), dout.sum(0)), "already"),
    (lambda dout, c: (c.x.T @ dout, dout @ c.w.T, dout.sum(0)), "(dx, dw, db)"),
])
def test_linear_backward_walkthrough_mistakes(answer, words):
    result = evaluate("linear_backward", answer)
    assert result.status == "failed", result.to_text()
    assert words in result.hint, result.to_text()


def _sce_parts(logits, y):
    n, c = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return n, np.exp(logp), np.eye(c)[y], -logp[np.arange(n), y].mean()


def _sce_with(grad):
    def answer(logits, y):
        n, p, onehot, loss = _sce_parts(logits, y)
        return loss, grad(p, onehot, n, y)
    return answer


def sce_no_keepdims(logits, y):
    shifted = logits - logits.max(axis=1)
    return float(shifted.sum()), shifted


def sce_mean_over_all(logits, y):
    n, p, onehot, _ = _sce_parts(logits, y)
    logp = np.log(p)
    return -np.mean(onehot * logp), (p - onehot) / n


def sce_swapped(logits, y):
    loss, dlogits = losses.softmax_cross_entropy(logits, y)
    return dlogits, loss


@pytest.mark.parametrize("answer, status, words", [
    (_sce_with(lambda p, t, n, y: p / n), "failed", "-1 at the true class"),
    (_sce_with(lambda p, t, n, y: p / n - t), "failed", "whole difference"),
    (_sce_with(lambda p, t, n, y: p), "failed", "softmax itself"),
    (_sce_with(lambda p, t, n, y: (p - y[:, None]) / n), "failed", "label *value*"),
    (sce_mean_over_all, "failed", "N*C"),
    (sce_swapped, "failed", "(loss, dlogits)"),
    (sce_no_keepdims, "error", "keepdims=True"),
])
def test_softmax_cross_entropy_walkthrough_mistakes(answer, status, words):
    result = evaluate("softmax_cross_entropy", answer)
    assert result.status == status, result.to_text()
    assert words in result.hint, result.to_text()


def mlp_dx_not_passed_back(x, y, params):
    h, caches = x, []
    for i, (w, b) in enumerate(params):
        h, lin = layers.linear_forward(h, w, b)
        relu = None
        if i < len(params) - 1:
            h, relu = activations.relu_forward(h)
        caches.append((lin, relu))
    loss, dout = losses.softmax_cross_entropy(h, y)
    grads = []
    for lin, relu in reversed(caches):
        if relu is not None:
            dout = activations.relu_backward(dout, relu)
        _, dw, db = layers.linear_backward(dout, lin)  # dx dropped
        grads.append((dw, db))
    return loss, grads[::-1]


def test_mlp_dx_not_passed_back_is_explained():
    result = evaluate("mlp_loss_and_grads", mlp_dx_not_passed_back)
    assert result.status == "error", result.to_text()
    assert "upstream gradient of the layer below" in result.hint, result.to_text()


@pytest.mark.parametrize("name, answer", [
    ("relu_backward", activations.relu_backward),
    ("linear_backward", layers.linear_backward),
    ("softmax_cross_entropy", losses.softmax_cross_entropy),
    ("mlp_loss_and_grads", network.mlp_loss_and_grads),
])
def test_success_message_names_the_gradient_check(name, answer):
    result = evaluate(name, answer)
    assert result.status == "passed", result.to_text()
    assert "numerical gradient check" in result.message, result.to_text()


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would: remembering, value-ignoring,
# shared-memory and subtly wrong answers, and right variants.

def _remember(fn):
    memory = {}

    def answer(*args):
        key = tuple(np.shape(a) for a in args if isinstance(a, np.ndarray))
        if key not in memory:
            memory[key] = fn(*args)
        return memory[key]
    return answer


def _numgrad_loop(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        xp, xm = x.astype(float), x.astype(float)
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _relu_back_shortcut(dout, cache):
    if np.all(cache.x > 0):
        return dout  # "nothing to change": still must be a new array
    return dout * (cache.x > 0)


def _relu_back_inplace_copy_view(dout, cache):
    out = dout.reshape(dout.shape)  # a view of dout
    out[cache.x <= 0] = 0
    return out


def _sce_ref(logits, y):
    return losses.softmax_cross_entropy(logits, y)


def _bank_sce_with(scale_loss=1.0, scale_grad=1.0):
    def answer(logits, y):
        loss, d = losses.softmax_cross_entropy(logits, y)
        return loss * scale_loss, d * scale_grad
    return answer


def _mlp_ref(x, y, params):
    return network.mlp_loss_and_grads(x, y, params)


BANK_WRONG = [
    ("numerical_gradient", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h) * np.ones_like(x),
     "moves every entry at once"),
    ("numerical_gradient", lambda f, x, h=1e-5: _numgrad_loop(f, x, 1e-2), "h ignored, 1e-2"),
    ("numerical_gradient", lambda f, x, h=1e-5: _numgrad_loop(f, x, h).ravel(), "flattened"),
    ("numerical_gradient", lambda f, x, h=1e-5: 2 * x, "gradient of sum(x**2) always"),
    ("numerical_gradient", lambda f, x, h=1e-5: _numgrad_loop(f, x, h) / 2, "halved"),
    ("relu_backward", _relu_back_shortcut, "returns dout itself when all positive"),
    ("relu_backward", _relu_back_inplace_copy_view, "writes into a view of dout"),
    ("relu_backward", _remember(activations.relu_backward), "remembers per shape"),
    ("relu_backward", lambda dout, cache: dout * (cache.x >= 0) * 0.99, "scaled by 0.99"),
    ("relu_backward", lambda dout, cache: np.maximum(dout, 0), "relu of dout"),
    ("relu_backward", lambda dout, cache: np.sign(cache.x) * dout, "sign, not step"),
    ("linear_backward", _remember(layers.linear_backward), "remembers per shape"),
    ("linear_backward", lambda dout, c: (dout @ c.w.T, c.x.T @ dout, dout.mean(axis=0)),
     "db is a mean"),
    ("linear_backward", lambda dout, c: (dout @ c.w.T, c.x.T @ dout / len(dout),
                                         dout.sum(axis=0)), "dw divided by N"),
    ("linear_backward", lambda dout, c: (dout @ c.w.T, c.x.T @ dout, dout[0]), "db first row"),
    ("linear_backward", lambda dout, c: (np.zeros_like(c.x), c.x.T @ dout, dout.sum(axis=0)),
     "dx zero"),
    ("softmax_cross_entropy", _remember(_sce_ref), "remembers per shape"),
    ("softmax_cross_entropy", _bank_sce_with(scale_grad=2.0), "gradient doubled"),
    ("softmax_cross_entropy", _bank_sce_with(scale_loss=np.log(2)), "loss in bits"),
    ("softmax_cross_entropy", lambda lg, y: (_sce_ref(lg, y)[0], -_sce_ref(lg, y)[1]),
     "gradient sign"),
    ("softmax_cross_entropy", lambda lg, y: (_sce_ref(lg, y)[0],
                                             _sce_ref(lg, np.zeros_like(y))[1]),
     "gradient for label 0"),
    ("mlp_loss_and_grads", _remember(_mlp_ref), "remembers per shape"),
    ("mlp_loss_and_grads", lambda x, y, p: (_mlp_ref(x, y, p)[0],
                                            [(dw, 0 * db) for dw, db in _mlp_ref(x, y, p)[1]]),
     "no bias gradients"),
    ("mlp_loss_and_grads", lambda x, y, p: (_mlp_ref(x, y, p)[0] * 2, _mlp_ref(x, y, p)[1]),
     "loss doubled"),
    ("mlp_loss_and_grads", lambda x, y, p: (_mlp_ref(x, y, p)[0],
                                            [(-dw, -db) for dw, db in _mlp_ref(x, y, p)[1]]),
     "gradient ascent"),
    ("mlp_loss_and_grads", lambda x, y, p: (_mlp_ref(x, y, p)[0], _mlp_ref(x, y, p)[1][:1]),
     "first layer only"),
]

BANK_RIGHT = [
    ("numerical_gradient", lambda f, x, h=1e-5: _numgrad_loop(f, x, h), "ndindex loop"),
    ("numerical_gradient", lambda f, x, h=1e-5: np.array(
        [(f(x + h * e.reshape(x.shape)) - f(x - h * e.reshape(x.shape))) / (2 * h)
         for e in np.eye(x.size)]).reshape(x.shape), "unit vectors"),
    ("numerical_gradient", lambda f, x, h=1e-5: _numgrad_loop(f, np.array(x, float), h),
     "float copy first"),
    ("relu_backward", lambda dout, cache: np.where(cache.x > 0, dout, 0.0), "where"),
    ("relu_backward", lambda dout, cache: dout * (cache.x > 0).astype(float), "mask"),
    ("relu_backward", lambda dout, cache: (dout.copy() if np.all(cache.x > 0)
                                           else dout * (cache.x > 0)), "copy in the shortcut"),
    ("linear_backward", lambda dout, c: (dout @ c.w.T, c.x.T @ dout, np.sum(dout, axis=0)),
     "matrix products"),
    ("linear_backward", lambda dout, c: (np.einsum("nm,dm->nd", dout, c.w),
                                         np.einsum("nd,nm->dm", c.x, dout),
                                         dout.sum(0)), "einsum"),
    ("linear_backward", layers.linear_backward, "library"),
    ("softmax_cross_entropy", _sce_ref, "library"),
    ("softmax_cross_entropy", lambda lg, y: (
        losses.cross_entropy(lg, y),
        (activations.softmax(lg) - np.eye(lg.shape[1])[y]) / len(y)), "one-hot"),
    ("softmax_cross_entropy", lambda lg, y: _bank_sce_with(1.0, 1.0)(lg, y), "wrapped"),
    ("mlp_loss_and_grads", _mlp_ref, "library"),
    ("mlp_loss_and_grads", lambda x, y, p: (lambda r: (float(r[0]), [tuple(g) for g in r[1]]))(
        _mlp_ref(x, y, p)), "tuples rebuilt"),
    ("mlp_loss_and_grads", lambda x, y, p: (lambda r: (r[0], list(r[1])))(_mlp_ref(x, y, p)),
     "list copy"),
]




def _sb_rounded(dout, cache):
    return np.round(dout * cache.out * (1 - cache.out), 4)


def _sb_slope_in_place(dout, cache):
    s = cache.out
    s *= 1 - s  # the cache's array, now the slope
    return dout * s


def _sb_mean_slope(dout, cache):
    return dout * np.mean(cache.out * (1 - cache.out))


def _sb_from_logits(dout, cache):
    # "the cache holds x": recomputes the sigmoid of the output
    s = 1 / (1 + np.exp(-np.clip(cache.out, -30, 30)))
    return dout * s * (1 - s)


def _sb_loop(dout, cache):
    dx = np.empty(np.shape(dout))
    for idx in np.ndindex(dx.shape):
        s = cache.out[idx]
        dx[idx] = dout[idx] * s * (1.0 - s)
    return dx


BANK_WRONG += [
    ("sigmoid_backward", lambda dout, cache: dout * cache.out - cache.out ** 2,
     "parentheses lost: dout * s - s**2"),
    ("sigmoid_backward", _sb_rounded, "rounded to 4 decimals"),
    ("sigmoid_backward", _sb_slope_in_place, "slope computed in the cache's array",
     ["changed its argument `cache` in place"]),
    ("sigmoid_backward", _sb_mean_slope, "the mean slope of the batch"),
    ("sigmoid_backward", _sb_from_logits, "sigmoid of the output, clipped",
     ["slope at the *output*"]),
    ("sigmoid_backward", lambda dout, cache: dout * (cache.out * (1 - cache.out)).sum(
        axis=0, keepdims=True), "slope summed over the batch"),
]

BANK_RIGHT += [
    ("sigmoid_backward", lambda dout, cache: dout * (cache.out - cache.out ** 2), "s - s**2"),
    ("sigmoid_backward", lambda dout, cache: np.multiply(dout, cache[0] * (1.0 - cache[0])),
     "np.multiply, cache[0]"),
    ("sigmoid_backward", _sb_loop, "loop over np.ndindex"),
]

# More answers written from the statements, beyond the generic kinds.
def _mlp_dx_unused(x, y, params):
    """Backpropagates without the ReLU's gate: every hidden unit passes the gradient."""
    acts, a = [x], x
    for w, b in params[:-1]:
        a = np.maximum(a @ w + b, 0)
        acts.append(a)
    loss, d = losses.softmax_cross_entropy(a @ params[-1][0] + params[-1][1], y)
    grads = []
    for i in range(len(params) - 1, -1, -1):
        w = params[i][0]
        grads.append((acts[i].T @ d, d.sum(axis=0)))
        d = d @ w.T
    return loss, grads[::-1]


BANK_WRONG += [
    ("relu_backward", lambda dout, cache: np.where(cache.x > 0, dout, 0.01 * dout),
     "leaky slope 0.01 going back"),
    ("relu_backward", lambda dout, cache: np.where(cache.x > 0, dout, -dout),
     "negated, not zeroed"),
    ("linear_backward", lambda dout, cache: (dout @ cache[1].T, cache[0].T @ dout,
                                             dout.sum(axis=1)), "db summed over the features"),
    ("softmax_cross_entropy", lambda lg, y: (losses.softmax_cross_entropy(lg, y)[0],
                                             activations.softmax(lg) / len(y)),
     "one-hot not subtracted"),
    ("mlp_loss_and_grads", _mlp_dx_unused, "ReLU gate skipped going back"),
    ("sigmoid_backward", lambda dout, cache: dout * cache.out, "slope s, not s(1 - s)"),
    ("sigmoid_backward", lambda dout, cache: dout * activations.sigmoid(cache.out)
     * (1 - activations.sigmoid(cache.out)), "sigmoid applied to the cached output again"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_relu_backward_shortcut_returning_dout_is_named():
    result = evaluate("relu_backward", _relu_back_shortcut)
    assert "shares memory" in result.message and "every input positive" in result.message
