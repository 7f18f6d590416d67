"""The chapter 7 checks accept correct answers written several ways and reject the
known mistakes with their targeted hints."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_lib import clipping, normalization
from course_lib.exercises import evaluate, exercises_of_chapter
from course_lib.normalization import BatchNormCache, LayerNormCache
from tests.exercise_bank import bank_tests

NAMES = ("batchnorm_forward", "batchnorm_backward", "layernorm_forward", "clip_grad_norm")


def assert_passes(name, answer):
    result = evaluate(name, answer)
    assert result.status == "passed", result.to_text()


def assert_fails(name, answer, *phrases, status="failed"):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = f"{result.message} {result.hint}".lower()
    for phrase in phrases:
        assert phrase.lower() in text, f"{phrase!r} not in:\n{result.to_text()}"
    return result


def test_registered_in_chapter_order():
    assert exercises_of_chapter(7) == ["clip_grad_norm", "batchnorm_forward",
                                       "batchnorm_backward", "layernorm_forward"]


def stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("name", NAMES)
def test_stub_is_not_implemented_and_checks_are_fast(name):
    assert evaluate(name, stub).status == "not_implemented"
    start = time.perf_counter()
    references = {"batchnorm_forward": normalization.batchnorm_forward,
                  "batchnorm_backward": normalization.batchnorm_backward,
                  "layernorm_forward": normalization.layernorm_forward,
                  "clip_grad_norm": clipping.clip_grad_norm}
    assert_passes(name, references[name])
    assert time.perf_counter() - start < 1.0


def test_hard_coded_answers_fail():
    # the answer of the first case, returned for every input
    from course_lib.exercises.ch07 import clip_grad_norm, normalization_forward
    first = normalization_forward._forward_cases(False)[0]
    memorised = normalization.batchnorm_forward(*first.args)
    assert_fails("batchnorm_forward", lambda x, gamma, beta, eps=1e-5: memorised,
                 "another 6x4 batch")
    case = clip_grad_norm._clip_cases()[0]
    remembered = clipping.clip_grad_norm(*case.args)
    assert_fails("clip_grad_norm", lambda grads, max_norm: remembered, "two other arrays")


# --------------------------------------------------------------------------- batchnorm_forward

def bn_np_var(x, gamma, beta, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, BatchNormCache(x_hat, gamma, std)


def bn_keepdims_tuple_cache(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0, keepdims=True)
    centred = x - mu
    std = np.sqrt(np.mean(centred ** 2, axis=0, keepdims=True) + eps)
    x_hat = centred / std
    return x_hat * gamma + beta, (x_hat, gamma, std)


def bn_loop(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    n, d = x.shape
    out, x_hat, std = np.empty((n, d)), np.empty((n, d)), np.empty(d)
    for j in range(d):
        column = x[:, j]
        mean = sum(column) / n
        var = sum((column - mean) ** 2) / n
        std[j] = (var + eps) ** 0.5
        x_hat[:, j] = (column - mean) / std[j]
        out[:, j] = gamma[j] * x_hat[:, j] + beta[j]
    return out, BatchNormCache(x_hat, gamma, std)


BN_CORRECT = {"reference": normalization.batchnorm_forward, "np.var": bn_np_var,
              "keepdims, plain tuple cache": bn_keepdims_tuple_cache, "loop": bn_loop}


@pytest.mark.parametrize("answer", BN_CORRECT.values(), ids=BN_CORRECT.keys())
def test_batchnorm_forward_accepts_correct(answer):
    assert_passes("batchnorm_forward", answer)


def bn_with(var=lambda x, m: x.var(axis=0), std=lambda v, eps: np.sqrt(v + eps),
            axis=0, affine=lambda g, xh, b: g * xh + b, cached=None):
    def answer(x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=axis, keepdims=True)
        v = var(x, mean) if axis == 0 else x.var(axis=axis, keepdims=True)
        s = std(v, eps)
        x_hat = (x - mean) / s
        kept = s if cached is None else cached(v, eps)
        return affine(gamma, x_hat, beta), BatchNormCache(x_hat, gamma, np.ravel(kept))
    return answer


BN_WRONG = [
    ("unbiased variance", bn_with(var=lambda x, m: x.var(axis=0, ddof=1)), ["N - 1", "ddof"]),
    ("eps outside the root", bn_with(std=lambda v, eps: np.sqrt(v) + eps), ["inside"]),
    ("no eps", bn_with(std=lambda v, eps: np.sqrt(v)), ["add eps"]),
    ("divided by the variance", bn_with(std=lambda v, eps: v + eps), ["standard deviation"]),
    ("normalized over the features",
     lambda x, g, b, eps=1e-5: normalization.layernorm_forward(x, g, b, eps)[0:1] + (
         BatchNormCache(*normalization.layernorm_forward(x, g, b, eps)[1]),),
     ["over the features (axis=1)"]),
    ("moments formula", bn_with(var=lambda x, m: (x ** 2).mean(axis=0) - m ** 2),
     ["catastrophic cancellation"]),
    ("gamma and beta swapped", bn_with(affine=lambda g, xh, b: b * xh + g), ["gamma scales"]),
    ("no gamma and beta", bn_with(affine=lambda g, xh, b: xh), ["x_hat itself"]),
    ("variance in the cache", bn_with(cached=lambda v, eps: v + eps), ["not the variance"]),
]


@pytest.mark.parametrize("label,answer,phrases", BN_WRONG, ids=[w[0] for w in BN_WRONG])
def test_batchnorm_forward_rejects_mistakes(label, answer, phrases):
    assert_fails("batchnorm_forward", answer, *phrases)


def test_batchnorm_forward_whole_array_statistics():
    def whole(x, gamma, beta, eps=1e-5):
        x_hat = (x - x.mean()) / np.sqrt(x.var() + eps)
        return gamma * x_hat + beta, BatchNormCache(x_hat, gamma, np.full(x.shape[1], 1.0))
    assert_fails("batchnorm_forward", whole, "whole array")


def test_batchnorm_forward_in_place_and_integer_input():
    def in_place(x, gamma, beta, eps=1e-5):
        x -= x.mean(axis=0)
        std = np.sqrt((x ** 2).mean(axis=0) + eps)
        x /= std
        return gamma * x + beta, BatchNormCache(x, gamma, std)
    # float cases: x changed in place; the message names the argument
    assert_fails("batchnorm_forward", in_place, "in place", "`x`")


def test_batchnorm_forward_integer_output_for_integer_input():
    def empty_like(x, gamma, beta, eps=1e-5):
        result, cache = normalization.batchnorm_forward(x, gamma, beta, eps)
        out = np.empty_like(x)  # an int array when x is one: the fractions are lost
        out[...] = result
        return out, cache
    assert_fails("batchnorm_forward", empty_like, "integer inputs", "dtype int64")


def test_batchnorm_forward_returns_a_view():
    def shortcut(x, gamma, beta, eps=1e-5):
        out, cache = normalization.batchnorm_forward(x, gamma, beta, eps)
        if len(x) == 1:  # one example: out is beta, so return beta itself
            return np.broadcast_to(beta, x.shape), cache
        return out, cache
    assert_fails("batchnorm_forward", shortcut, "batch of one", "shares memory", "`beta`")


def test_batchnorm_forward_cache_missing():
    assert_fails("batchnorm_forward",
                 lambda x, gamma, beta, eps=1e-5: normalization.batchnorm_forward(
                     x, gamma, beta, eps)[0], "expected a pair (out, cache)")


# --------------------------------------------------------------------------- batchnorm_backward

def bnb_compact(dout, cache):
    x_hat, gamma, std = cache
    n = dout.shape[0]
    dx_hat = dout * gamma
    dx = (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (n * std)
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def bnb_staged(dout, cache):
    """Back through the graph step by step, as in CS231n."""
    x_hat, gamma, std = cache.x_hat, cache.gamma, cache.std
    n = dout.shape[0]
    centred = x_hat * std
    dx_hat = dout * gamma
    dinv_std = (dx_hat * centred).sum(axis=0)
    dstd = -dinv_std / std ** 2
    dvar = dstd / (2 * std)
    dcentred = dx_hat / std + 2 * centred * dvar / n
    dmean = -dcentred.sum(axis=0)
    dx = dcentred + dmean / n
    return dx, (dout * x_hat).sum(0), dout.sum(0)


def bnb_einsum(dout, cache):
    x_hat, gamma, std = cache
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dbeta = dout.sum(axis=0)
    n = len(dout)
    dx = gamma / (n * std) * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


BNB_CORRECT = {"reference": normalization.batchnorm_backward, "compact": bnb_compact,
               "staged": bnb_staged, "einsum": bnb_einsum}


@pytest.mark.parametrize("answer", BNB_CORRECT.values(), ids=BNB_CORRECT.keys())
def test_batchnorm_backward_accepts_correct(answer):
    assert_passes("batchnorm_backward", answer)


def _right(dout, cache):
    return normalization.batchnorm_backward(dout, cache)


BNB_WRONG = [
    ("mean and variance paths dropped",
     lambda d, c: (d * c.gamma / c.std, *_right(d, c)[1:]), ["as if the mean and the variance"]),
    ("variance path dropped",
     lambda d, c: ((d * c.gamma - (d * c.gamma).mean(0)) / c.std, *_right(d, c)[1:]),
     ["through the variance"]),
    ("dgamma not summed", lambda d, c: (_right(d, c)[0], d * c.x_hat, d.sum(0)),
     ["add the examples' contributions"]),
    ("dbeta not summed", lambda d, c: (_right(d, c)[0], (d * c.x_hat).sum(0), d),
     ["dbeta = dout.sum(axis=0)"]),
    ("both averaged", lambda d, c: (_right(d, c)[0], (d * c.x_hat).mean(0), d.mean(0)),
     ["do not average"]),
    ("gamma forgotten", lambda d, c: (
        (d - d.mean(0) - c.x_hat * (d * c.x_hat).mean(0)) / c.std, *_right(d, c)[1:]),
     ["g = dout * gamma"]),
    ("swapped", lambda d, c: (_right(d, c)[0], _right(d, c)[2], _right(d, c)[1]),
     ["the order is (dx, dgamma, dbeta)"]),
]


@pytest.mark.parametrize("label,answer,phrases", BNB_WRONG, ids=[w[0] for w in BNB_WRONG])
def test_batchnorm_backward_rejects_mistakes(label, answer, phrases):
    assert_fails("batchnorm_backward", answer, *phrases)


def test_batchnorm_backward_gradient_check_catches_what_the_cases_miss():
    def right_on_cases(dout, cache):
        dx, dgamma, dbeta = normalization.batchnorm_backward(dout, cache)
        if dout.shape == (5, 3) and abs(float(cache.gamma[0]) - 1.0) < 2.0 and \
                not np.any(np.isclose(cache.std, np.sqrt(1e-5))):
            dx = 1.01 * dx  # only on the gradient check's input
        return dx, dgamma, dbeta
    assert_fails("batchnorm_backward", right_on_cases, "central differences")


def test_batchnorm_backward_mutation():
    def in_place(dout, cache):
        dout *= cache.gamma
        return normalization.batchnorm_backward(dout / cache.gamma, cache)
    assert_fails("batchnorm_backward", in_place, "in place")


# --------------------------------------------------------------------------- layernorm_forward

def ln_np_var(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, std)


def ln_transpose(x, gamma, beta, eps=1e-5):
    """Layer norm as batch norm of the transpose."""
    xt = np.asarray(x, dtype=float).T
    mean = xt.mean(axis=0)
    std = np.sqrt(((xt - mean) ** 2).mean(axis=0) + eps)
    x_hat = ((xt - mean) / std).T
    return x_hat * gamma + beta, (x_hat, gamma, std[:, None])


def ln_loop(x, gamma, beta, eps=1e-5):
    rows, stds = [], []
    for row in np.asarray(x, dtype=float):
        std = np.sqrt(np.mean((row - row.mean()) ** 2) + eps)
        rows.append((row - row.mean()) / std)
        stds.append([std])
    x_hat = np.array(rows)
    return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, np.array(stds))


LN_CORRECT = {"reference": normalization.layernorm_forward, "np.var": ln_np_var,
              "transpose": ln_transpose, "loop": ln_loop}


@pytest.mark.parametrize("answer", LN_CORRECT.values(), ids=LN_CORRECT.keys())
def test_layernorm_forward_accepts_correct(answer):
    assert_passes("layernorm_forward", answer)


def ln_with(ddof=0, std=lambda v, eps: np.sqrt(v + eps), affine=lambda g, xh, b: g * xh + b):
    def answer(x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=1, keepdims=True)
        s = std(x.var(axis=1, ddof=ddof, keepdims=True), eps)
        x_hat = (x - mean) / s
        return affine(gamma, x_hat, beta), LayerNormCache(x_hat, gamma, s)
    return answer


LN_WRONG = [
    ("unbiased variance", ln_with(ddof=1), ["D - 1"]),
    ("eps outside the root", ln_with(std=lambda v, eps: np.sqrt(v) + eps), ["inside"]),
    ("over the batch", lambda x, g, b, eps=1e-5: (
        normalization.batchnorm_forward(x, g, b, eps)[0],
        LayerNormCache(*normalization.layernorm_forward(x, g, b, eps)[1])),
     ["over the batch (axis=0)"]),
    ("beta forgotten", ln_with(affine=lambda g, xh, b: g * xh), ["forgot beta"]),
    ("swapped", ln_with(affine=lambda g, xh, b: b * xh + g), ["gamma scales"]),
]


@pytest.mark.parametrize("label,answer,phrases", LN_WRONG, ids=[w[0] for w in LN_WRONG])
def test_layernorm_forward_rejects_mistakes(label, answer, phrases):
    assert_fails("layernorm_forward", answer, *phrases)


def test_layernorm_forward_without_keepdims_is_an_error_with_hint():
    def no_keepdims(x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=1)
        std = np.sqrt(x.var(axis=1) + eps)
        x_hat = (x - mean) / std
        return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, std)
    assert_fails("layernorm_forward", no_keepdims, "keepdims=True", status="error")


def test_layernorm_cache_std_needs_a_column():
    def flat_std(x, gamma, beta, eps=1e-5):
        out, cache = normalization.layernorm_forward(x, gamma, beta, eps)
        return out, LayerNormCache(cache.x_hat, gamma, cache.std.ravel())
    assert_fails("layernorm_forward", flat_std, "cache.std", "shape")


# --------------------------------------------------------------------------- clip_grad_norm

def clip_loop(grads, max_norm):
    total = 0.0
    for g in grads:
        total += np.sum(g * g)
    total = np.sqrt(total)
    factor = max_norm / total if total > max_norm else 1.0
    return [g * factor for g in grads], total


def clip_concatenate(grads, max_norm):
    total = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]))
    if total <= max_norm:
        return [np.array(g, dtype=float) for g in grads], float(total)
    return [g * (max_norm / total) for g in grads], float(total)


def clip_minimum(grads, max_norm):
    total = float(np.sqrt(sum(np.linalg.norm(g) ** 2 for g in grads)))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return tuple(np.multiply(g, scale) for g in grads), total


CLIP_CORRECT = {"reference": clipping.clip_grad_norm, "loop": clip_loop,
                "concatenate": clip_concatenate, "minimum, tuple": clip_minimum}


@pytest.mark.parametrize("answer", CLIP_CORRECT.values(), ids=CLIP_CORRECT.keys())
def test_clip_accepts_correct(answer):
    assert_passes("clip_grad_norm", answer)


def _total(grads):
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))


CLIP_WRONG = [
    ("each array separately",
     lambda gs, c: ([g * min(1.0, c / max(np.linalg.norm(g), 1e-12)) for g in gs], _total(gs)),
     ["each array by its own norm", "global norm"]),
    ("scaled below the limit",
     lambda gs, c: ([g * (c / _total(gs)) if _total(gs) else g * 1.0 for g in gs],
                    _total(gs)),
     ["only when total_norm > max_norm"]),
    ("same arrays when below",
     lambda gs, c: ([g * (c / _total(gs)) for g in gs] if _total(gs) > c else gs, _total(gs)),
     ["shares memory", "copies"]),
    ("no square root",
     lambda gs, c: clip_loop(gs, c)[0] if False else (
         [g * min(1.0, c / max(_total(gs) ** 2, 1e-12)) for g in gs], _total(gs) ** 2),
     ["square root"]),
    ("sum of norms",
     lambda gs, c: (lambda t: ([g * min(1.0, c / t) if t else g * 1.0 for g in gs], t))(
         sum(float(np.linalg.norm(g)) for g in gs)),
     ["added the arrays' norms"]),
    ("np.clip on values", lambda gs, c: ([np.clip(g, -c, c) * 1.0 for g in gs], _total(gs)),
     ["np.clip"]),
    ("norm after clipping",
     lambda gs, c: (clipping.clip_grad_norm(gs, c)[0], min(_total(gs), c)),
     ["before clipping"]),
]


@pytest.mark.parametrize("label,answer,phrases", CLIP_WRONG, ids=[w[0] for w in CLIP_WRONG])
def test_clip_rejects_mistakes(label, answer, phrases):
    assert_fails("clip_grad_norm", answer, *phrases)


def test_clip_in_place_is_a_mutation():
    def in_place(grads, max_norm):
        total = _total(grads)
        for g in grads:
            if total > max_norm and g.dtype.kind == "f":
                g *= max_norm / total
        return [g * 1.0 if g.dtype.kind == "f" else g * (max_norm / total) for g in grads], total
    assert_fails("clip_grad_norm", in_place, "in place")


def test_clip_divides_by_zero_norm():
    def no_guard(grads, max_norm):
        total = _total(grads)
        factor = min(1.0, max_norm / total)
        return [g * factor for g in grads], total
    assert_fails("clip_grad_norm", no_guard, "all-zero", "compare total_norm > max_norm",
                 status="error")

    def numpy_no_guard(grads, max_norm):
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        return [g * min(1.0, max_norm / total) for g in grads], total
    assert_fails("clip_grad_norm", numpy_no_guard, "runtimewarning", "norm is 0")


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would, beyond the mistakes above:
# truncated integer copies, views, caches holding the wrong array, float32
# shortcuts; and right answers written other ways.

def _bn_stats(x, axis, eps):
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(((x - mean) ** 2).mean(axis=axis, keepdims=True) + eps)
    return x, mean, std


def bn_cache_with(field):
    """A right ``out`` whose cache holds ``field(x, x_hat, gamma, beta, std)`` in one slot."""
    def batchnorm_forward(x, gamma, beta, eps=1e-5):
        x, mean, std = _bn_stats(x, 0, eps)
        x_hat = (x - mean) / std
        return gamma * x_hat + beta, BatchNormCache(*field(x, x_hat, gamma, beta, std.ravel()))
    return batchnorm_forward


def bn_float32(x, gamma, beta, eps=1e-5):
    out, cache = normalization.batchnorm_forward(np.asarray(x, dtype=np.float32), gamma, beta,
                                                 np.float32(eps))
    return out, cache


def bn_median(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    centre = np.median(x, axis=0)
    std = np.sqrt(((x - centre) ** 2).mean(axis=0) + eps)
    x_hat = (x - centre) / std
    return gamma * x_hat + beta, BatchNormCache(x_hat, gamma, std)


def bn_reciprocal(x, gamma, beta, eps=1e-5):
    x = x.astype(np.float64)  # a copy: the in-place steps below change only it
    x -= x.sum(axis=0) / len(x)
    std = np.sqrt(np.einsum("nd,nd->d", x, x) / len(x) + eps)
    x *= 1.0 / std
    return x * gamma + beta, BatchNormCache(x, gamma, std)


def bn_columns(x, gamma, beta, eps=1e-5):
    columns = [normalization.layernorm_forward(np.asarray(c, float)[None, :], np.ones(len(c)),
                                               np.zeros(len(c)), eps) for c in np.asarray(x).T]
    x_hat = np.stack([out[0] for out, _ in columns], axis=1)
    std = np.array([cache.std.item() for _, cache in columns])
    return gamma * x_hat + beta, BatchNormCache(x_hat, gamma, std)


def ln_with_cache(std_field):
    def layernorm_forward(x, gamma, beta, eps=1e-5):
        x, mean, std = _bn_stats(x, 1, eps)
        x_hat = (x - mean) / std
        return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, std_field(std, eps))
    return layernorm_forward


def ln_min_max(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    low, high = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
    x_hat = (x - low) / (high - low + eps)
    return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, high - low + eps)


def ln_int(x, gamma, beta, eps=1e-5):
    return normalization.layernorm_forward(np.asarray(x).astype(np.int64), gamma, beta, eps)


def ln_variance_of_batch(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=0).mean() + eps) * np.ones((len(x), 1))
    x_hat = (x - mean) / std
    return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, std)


def ln_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    centred = x - x.mean(axis=-1, keepdims=True)
    std = np.sqrt(np.linalg.norm(centred, axis=-1, keepdims=True) ** 2 / x.shape[-1] + eps)
    return gamma * (centred / std) + beta, LayerNormCache(centred / std, gamma, std)


def ln_by_batchnorm(x, gamma, beta, eps=1e-5):
    _, cache = normalization.batchnorm_forward(np.asarray(x, float).T, np.ones(len(x)),
                                               np.zeros(len(x)), eps)
    x_hat = cache.x_hat.T
    return gamma * x_hat + beta, LayerNormCache(x_hat, gamma, cache.std[:, None])


def ln_float_copy(x, gamma, beta, eps=1e-5):
    x = np.array(x, dtype=float)
    x -= x.mean(axis=1, keepdims=True)
    std = np.sqrt((x * x).mean(axis=1, keepdims=True) + eps)
    x /= std
    return gamma * x + beta, LayerNormCache(x, gamma, std)


def bnb_with(dx):
    """``dgamma`` and ``dbeta`` right, ``dx = dx(g, x_hat, std, n)`` with g = dout * gamma."""
    def batchnorm_backward(dout, cache):
        x_hat, gamma, std = cache
        g = dout * gamma
        return dx(g, x_hat, std, len(dout)), (dout * x_hat).sum(0), dout.sum(0)
    return batchnorm_backward


def _bn_dx(g, x_hat, std, n):
    return (g - g.mean(0) - x_hat * (g * x_hat).mean(0)) / std


def bnb_dvar_dmean(dout, cache):
    """The CS231n route: through the variance, then the mean, then x."""
    x_hat, gamma, std = cache
    n = len(dout)
    centred = x_hat * std
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * centred, axis=0) * -0.5 * std ** -3
    dmean = np.sum(-dx_hat / std, axis=0) + dvar * np.mean(-2.0 * centred, axis=0)
    dx = dx_hat / std + dvar * 2.0 * centred / n + dmean / n
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def bnb_feature_loop(dout, cache):
    x_hat, gamma, std = cache
    dx = np.empty(dout.shape)
    for d in range(dout.shape[1]):
        g = dout[:, d] * gamma[d]
        dx[:, d] = (g - g.mean() - x_hat[:, d] * np.mean(g * x_hat[:, d])) / std[d]
    return dx, np.array([dout[:, d] @ x_hat[:, d] for d in range(dout.shape[1])]), \
        np.add.reduce(dout)


def clip_with(norm=_total, scale=None, copy=lambda g, f: g * f, container=list):
    def clip_grad_norm(grads, max_norm):
        total = norm(grads)
        factor = (scale or (lambda t, c: c / t if t > c else 1.0))(total, max_norm)
        return container(copy(g, factor) for g in grads), total
    return clip_grad_norm


def _remember_per_shape(reference):
    memory = {}

    def answer(*args):
        key = repr([np.shape(a) for a in args[0]]) if isinstance(args[0], list) else \
            np.shape(args[0])
        if key not in memory:
            memory[key] = reference(*args)
        return memory[key]
    return answer


BANK_WRONG = [
    ("clip_grad_norm", clip_with(copy=lambda g, f: (g * f).astype(g.dtype)),
     "integer arrays truncated"),
    ("clip_grad_norm", clip_with(copy=lambda g, f: np.asarray(g) if f == 1.0 else g * f),
     "np.asarray as the copy"),
    ("clip_grad_norm", clip_with(scale=lambda t, c: t / c if t > c else 1.0), "factor inverted"),
    ("clip_grad_norm", clip_with(container=lambda parts: (p for p in parts)),
     "a generator, not a list"),
    ("clip_grad_norm", clip_with(norm=lambda gs: float(np.linalg.norm(gs[0]))),
     "norm of the first array only"),
    ("clip_grad_norm", clip_with(norm=lambda gs: float(int(_total(gs)))),
     "total_norm truncated to an int"),
    ("clip_grad_norm", _remember_per_shape(clipping.clip_grad_norm), "remembers per shapes"),
    ("batchnorm_forward", bn_cache_with(lambda x, xh, g, b, s: (xh, b, s)), "beta in the cache",
     ["cache.gamma must be the `gamma`"]),
    ("batchnorm_forward", bn_cache_with(lambda x, xh, g, b, s: (x, g, s)),
     "the input x cached as x_hat", ["cache.x_hat must be the standardized input"]),
    ("batchnorm_forward", bn_cache_with(lambda x, xh, g, b, s: (xh, g, s ** 2 - 1e-5)),
     "variance without eps cached"),
    ("batchnorm_forward", bn_float32, "float32 arithmetic"),
    ("batchnorm_forward", bn_median, "centred on the median"),
    ("batchnorm_backward", bnb_with(lambda g, xh, s, n: _bn_dx(g, xh, s, n) * s),
     "dx not divided by std"),
    ("batchnorm_backward", bnb_with(lambda g, xh, s, n: (g - g.mean(0) - xh * xh.mean(0)) / s),
     "x_hat.mean instead of (g * x_hat).mean"),
    ("batchnorm_backward", bnb_with(lambda g, xh, s, n: _bn_dx(g, xh, s, n) / n),
     "dx divided by N again"),
    ("batchnorm_backward", bnb_with(lambda g, xh, s, n: _bn_dx(g, xh, s ** 2, n)),
     "divided by the variance"),
    ("batchnorm_backward", lambda d, c: (*normalization.batchnorm_backward(d, c)[:2],
                                         d.sum(axis=1)), "dbeta summed over the features"),
    ("layernorm_forward", ln_with_cache(lambda s, eps: s ** 2), "variance cached as std"),
    ("layernorm_forward", ln_with_cache(lambda s, eps: np.sqrt(s ** 2 - eps)),
     "std without eps cached", ["eps included"]),
    ("layernorm_forward", ln_min_max, "min-max scaling"),
    ("layernorm_forward", ln_int, "x cast to int"),
    ("layernorm_forward", ln_variance_of_batch, "variance over the batch"),
]

BANK_RIGHT = [
    ("clip_grad_norm", clip_with(norm=lambda gs: float(np.linalg.norm(
        [np.linalg.norm(g) for g in gs]))), "norm of the norms"),
    ("clip_grad_norm", clip_with(copy=lambda g, f: g.astype(float) * f), "float copies"),
    ("clip_grad_norm", clip_with(norm=lambda gs: np.sqrt(sum(np.vdot(g, g) for g in gs))),
     "np.vdot, numpy float total"),
    ("batchnorm_forward", bn_reciprocal, "float copy, in-place steps, reciprocal"),
    ("batchnorm_forward", bn_columns, "layernorm of each column"),
    ("batchnorm_forward", bn_cache_with(lambda x, xh, g, b, s: (xh, g, s[None, :])),
     "std cached as (1, D)"),
    ("batchnorm_backward", bnb_dvar_dmean, "through dvar and dmean"),
    ("batchnorm_backward", bnb_feature_loop, "loop over features"),
    ("batchnorm_backward", bnb_with(lambda g, xh, s, n: (n * g - g.sum(0) - xh * np.einsum(
        "nd,nd->d", g, xh)) / (n * s)), "einsum, sums over N"),
    ("layernorm_forward", ln_norm, "np.linalg.norm"),
    ("layernorm_forward", ln_by_batchnorm, "batchnorm of the transpose"),
    ("layernorm_forward", ln_float_copy, "float copy, in-place steps"),
]

# More answers written from the statements, beyond the generic kinds.
def _clip_each(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    out = []
    for g in grads:
        n = float(np.linalg.norm(g))
        out.append(g * (max_norm / n) if n > max_norm else np.array(g, copy=True))
    return out, total


BANK_WRONG += [
    ("clip_grad_norm", _clip_each, "each array clipped by its own norm"),
    ("clip_grad_norm", lambda grads, max_norm: ([np.clip(g, -max_norm, max_norm)
                                                 for g in grads],
                                                float(np.sqrt(sum(np.sum(np.square(g))
                                                                  for g in grads)))),
     "values clipped, not the norm"),
    ("batchnorm_forward", lambda x, gamma, beta, eps=1e-5: normalization.batchnorm_forward(
        x, gamma, beta, eps) if len(x) > 1 else (np.broadcast_to(gamma, x.shape).copy(),
                                                 normalization.BatchNormCache(
                                                     np.zeros(x.shape), gamma,
                                                     np.sqrt(np.zeros(x.shape[1]) + eps))),
     "batch of one returns gamma"),
    ("layernorm_forward", lambda x, gamma, beta, eps=1e-5: normalization.layernorm_forward(
        x, beta, gamma, eps), "gamma and beta swapped"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_layernorm_forward_integer_output_for_integer_input():
    def empty_like(x, gamma, beta, eps=1e-5):
        result, cache = normalization.layernorm_forward(x, gamma, beta, eps)
        out = np.empty_like(x)  # an int array when x is one: the fractions are lost
        out[...] = result
        return out, cache
    assert_fails("layernorm_forward", empty_like, "integer inputs", "dtype int64")
