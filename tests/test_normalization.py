"""Batch and layer normalization, their modules, residual blocks, gradient
clipping, the learning-rate range test and the training monitor (chapter 7)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import (
    blocks,
    clipping,
    gradcheck,
    losses,
    lr_finder,
    modules,
    optim,
    train,
)
from course_lib import normalization as norm
from course_lib.viz import gradflow

PAIRS = [(norm.batchnorm_forward, norm.batchnorm_backward),
         (norm.layernorm_forward, norm.layernorm_backward)]


def _inputs(rng, shape):
    return {"x": rng.normal(1.0, 2.0, size=shape), "gamma": rng.uniform(0.5, 2.0, shape[1]),
            "beta": rng.normal(size=shape[1])}


@pytest.mark.parametrize("forward,backward", PAIRS, ids=["batchnorm", "layernorm"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (6, 6), (1, 4)])
def test_backward_agrees_with_central_differences(forward, backward, shape):
    rng = np.random.default_rng(7)
    errors = gradcheck.check_backward(forward, backward, _inputs(rng, shape), rng, h=1e-5)
    assert max(errors.values()) < 1e-7, errors


def test_a_wrong_backward_fails_the_same_gradient_check():
    rng = np.random.default_rng(7)

    def no_mean_terms(dout, cache):
        dx, dgamma, dbeta = norm.batchnorm_backward(dout, cache)
        return dout * cache.gamma / cache.std, dgamma, dbeta

    errors = gradcheck.check_backward(norm.batchnorm_forward, no_mean_terms,
                                      _inputs(rng, (5, 3)), rng, h=1e-5)
    assert errors["x"] > 1e-2


def test_batchnorm_standardizes_each_feature_over_the_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 5.0, size=(50, 4))
    out, cache = norm.batchnorm_forward(x, np.ones(4), np.zeros(4))
    assert np.allclose(out.mean(axis=0), 0) and np.allclose(out.std(axis=0), 1, atol=1e-5)
    assert np.allclose(cache.std, np.sqrt(x.var(axis=0) + 1e-5))
    out, _ = norm.batchnorm_forward(x, 2 * np.ones(4), np.full(4, 3.0))
    assert np.allclose(out.mean(axis=0), 3) and np.allclose(out.std(axis=0), 2, atol=1e-4)


def test_layernorm_standardizes_each_row_and_ignores_the_rest_of_the_batch():
    rng = np.random.default_rng(1)
    x = rng.normal(3.0, 5.0, size=(6, 10))
    out, cache = norm.layernorm_forward(x, np.ones(10), np.zeros(10))
    assert np.allclose(out.mean(axis=1), 0) and cache.std.shape == (6, 1)
    alone, _ = norm.layernorm_forward(x[2:3], np.ones(10), np.zeros(10))
    assert np.allclose(alone, out[2:3])


def test_constant_feature_and_batch_of_one_give_beta():
    beta = np.array([0.5, -1.0])
    out, _ = norm.batchnorm_forward(np.array([[2.0, 7.0]]), np.ones(2), beta)
    assert np.allclose(out, beta)
    x = np.array([[1.0, 4.0], [3.0, 4.0]])
    out, _ = norm.batchnorm_forward(x, np.ones(2), beta)
    assert np.allclose(out[:, 1], beta[1]) and np.all(np.isfinite(out))


def test_float32_stays_float32():
    x = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)
    g = np.ones(3, np.float32)
    out, cache = norm.batchnorm_forward(x, g, np.zeros(3, np.float32))
    assert out.dtype == np.float32
    dx, dgamma, _ = norm.batchnorm_backward(np.ones_like(out), cache)
    assert dx.dtype == np.float32 and dgamma.dtype == np.float32


@pytest.mark.parametrize("call,error,text", [
    (lambda: norm.batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3)), ValueError, "x must"),
    (lambda: norm.batchnorm_forward(np.ones((2, 3)), np.ones(2), np.zeros(3)), ValueError,
     "gamma must have shape (3,)"),
    (lambda: norm.layernorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(4)), ValueError,
     "beta must have shape (3,)"),
    (lambda: norm.batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), eps=0), ValueError,
     "eps must be > 0"),
    (lambda: norm.batchnorm_forward(np.full((2, 3), np.nan), np.ones(3), np.zeros(3)),
     ValueError, "finite"),
    (lambda: norm.batchnorm_backward(np.ones((2, 3)), (1, 2, 3)), TypeError, "BatchNormCache"),
    (lambda: norm.layernorm_backward(
        np.ones((2, 2)), norm.layernorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3))[1]),
     ValueError, "dout must have the shape"),
    (lambda: norm.batchnorm_backward(
        np.ones((2, 3)), norm.layernorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3))[1]),
     TypeError, "batchnorm_forward"),
])
def test_bad_input_names_the_argument(call, error, text):
    with pytest.raises(error, match=None) as info:
        call()
    assert text in str(info.value)


# --------------------------------------------------------------------------- modules


def test_batchnorm_module_train_and_eval():
    rng = np.random.default_rng(3)
    bn = blocks.BatchNorm1d(3, momentum=0.5)
    x = rng.normal(2.0, 3.0, size=(200, 3))
    for _ in range(30):
        bn(x)
    assert np.allclose(bn.running_mean, x.mean(axis=0))
    assert np.allclose(bn.running_var, x.var(axis=0))
    bn.eval()
    single = bn(x[:1])  # evaluation: running statistics, so one example is fine
    assert np.allclose(single, bn(x)[:1])
    expected, _ = norm.batchnorm_forward(x, np.ones(3), np.zeros(3))
    assert np.allclose(bn(x), expected)  # the running statistics are the data's


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_module_backward_matches_numerical(training):
    rng = np.random.default_rng(4)
    bn = blocks.BatchNorm1d(3)
    bn.running_mean, bn.running_var = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    bn.weight.value = rng.uniform(0.5, 2, 3)
    bn.train(training)
    x, dout = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    saved = (bn.running_mean.copy(), bn.running_var.copy())

    def f(v):
        bn.running_mean, bn.running_var = saved[0].copy(), saved[1].copy()
        return bn.forward(v)

    numeric = gradcheck.numerical_gradient_array(f, x.copy(), dout)
    f(x)
    bn.zero_grad()
    dx = bn.backward(dout)
    assert gradcheck.relative_error(dx, numeric) < 1e-7
    mean, var = (x.mean(axis=0), x.var(axis=0)) if training else saved
    _, x_hat, _ = norm.normalize(x, mean, var, bn.weight.value, bn.bias.value, bn.eps)
    assert np.allclose(bn.weight.grad, (dout * x_hat).sum(0))
    assert np.allclose(bn.bias.grad, dout.sum(0))


def test_layernorm_module_and_residual_gradients():
    rng = np.random.default_rng(5)
    model = modules.Sequential(
        modules.Linear(4, 6, rng), blocks.LayerNorm(6),
        blocks.Residual(modules.Linear(6, 6, rng), modules.ReLU(), blocks.BatchNorm1d(6)),
        modules.Linear(6, 3, rng))
    x, y = rng.normal(size=(8, 4)), rng.integers(0, 3, 8)
    model.train()
    _, dlogits = losses.softmax_cross_entropy(model.forward(x), y)
    model.zero_grad()
    model.backward(dlogits)
    for p in model.parameters():
        analytic = p.grad.copy()

        def loss_at(v, p=p):
            old = p.value
            p.value = v
            loss = losses.softmax_cross_entropy(model.forward(x), y)[0]
            p.value = old
            return loss

        numeric = gradcheck.numerical_gradient(loss_at, p.value.copy())
        assert gradcheck.relative_error(analytic, numeric) < 1e-6
    assert len(model.parameters()) == 10


def test_residual_is_identity_with_a_zero_body_and_propagates_modes():
    rng = np.random.default_rng(6)
    block = blocks.Residual(modules.Linear(3, 3, rng, init="zeros"), blocks.BatchNorm1d(3))
    x = rng.normal(size=(4, 3))
    assert np.allclose(block(x), x + block.body.modules[1].bias.value)
    block.eval()
    assert not block.body.modules[1].training
    with pytest.raises(ValueError, match="keep the shape"):
        blocks.Residual(modules.Linear(3, 2, rng))(x)
    with pytest.raises(ValueError, match="at least one module"):
        blocks.Residual()
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        blocks.BatchNorm1d(3)(np.ones((2, 4)))


# --------------------------------------------------------------------------- clipping


def test_clip_grad_norm_scales_every_array_by_one_factor():
    grads = [np.array([[3.0, 0.0]]), np.array([0.0, 4.0])]
    clipped, total = clipping.clip_grad_norm(grads, 1.0)
    assert total == 5.0 and np.isclose(clipping.global_norm(clipped), 1.0)
    assert np.allclose(clipped[0], [[0.6, 0.0]]) and np.allclose(clipped[1], [0.0, 0.8])
    assert np.array_equal(grads[0], [[3.0, 0.0]])  # inputs untouched
    kept, total = clipping.clip_grad_norm(grads, 10.0)
    assert total == 5.0 and all(np.array_equal(k, g) for k, g in zip(kept, grads))
    assert not any(np.shares_memory(k, g) for k, g in zip(kept, grads))


@pytest.mark.parametrize("call,error,text", [
    (lambda: clipping.clip_grad_norm(np.ones(3), 1.0), TypeError, "list of arrays"),
    (lambda: clipping.clip_grad_norm([], 1.0), TypeError, "non-empty"),
    (lambda: clipping.clip_grad_norm([np.ones(2)], 0.0), ValueError, "max_norm must be > 0"),
    (lambda: clipping.clip_grad_norm([np.ones(2), "a"], 1.0), TypeError, "grads[1]"),
])
def test_clip_bad_input(call, error, text):
    with pytest.raises(error) as info:
        call()
    assert text in str(info.value)


def _digits_like(rng, n=120):
    x = rng.normal(size=(n, 5))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int)


def test_fit_clip_caps_every_step_and_reports_the_norm():
    rng = np.random.default_rng(8)
    x, y = _digits_like(rng)
    model = modules.Sequential(modules.Linear(5, 8, rng), modules.ReLU(),
                               modules.Linear(8, 2, rng))
    monitor = gradflow.Monitor(model)
    train.fit(model, losses.softmax_cross_entropy, optim.SGD(model.parameters(), 0.1),
              (x, y), epochs=2, batch_size=40, rng=rng, clip=0.01, callbacks=[monitor],
              progress=False)
    rows = monitor.arrays()
    assert len(monitor.loss) == 6 and rows["grad_norm"].shape == (6, 2)
    assert all(n is not None and n > 0.01 for n in monitor.total_grad_norm)
    # the clipped gradients that the step used have global norm 0.01
    assert np.all(np.sqrt((rows["grad_norm"] ** 2).sum(axis=1)) <= 0.01 + 1e-12)
    with pytest.raises(ValueError, match="clip must be > 0"):
        train.fit(model, losses.softmax_cross_entropy, optim.SGD(model.parameters(), 0.1),
                  (x, y), epochs=1, batch_size=40, rng=rng, clip=-1.0, progress=False)


def test_monitor_update_ratio_is_the_relative_change_of_one_step():
    rng = np.random.default_rng(9)
    x, y = _digits_like(rng, 40)
    model = modules.Sequential(modules.Linear(5, 4, rng), modules.ReLU(),
                               modules.Linear(4, 2, rng))
    w0 = model[0].weight.value.copy()
    monitor = gradflow.Monitor(model)
    train.fit(model, losses.softmax_cross_entropy, optim.SGD(model.parameters(), 0.5),
              (x, y), epochs=1, batch_size=40, rng=rng, callbacks=[monitor], progress=False)
    ratio = np.linalg.norm(model[0].weight.value - w0) / np.linalg.norm(w0)
    assert np.isclose(monitor.arrays()["update_ratio"][0, 0], ratio)
    assert np.isclose(monitor.arrays()["activation_std"][0, 0], x.std())


def test_layer_statistics_and_linear_layers_look_inside_residual_blocks():
    rng = np.random.default_rng(10)
    model = modules.Sequential(modules.Linear(5, 6, rng),
                               blocks.Residual(modules.ReLU(), modules.Linear(6, 6, rng)),
                               modules.Linear(6, 2, rng))
    assert len(gradflow.linear_layers(model)) == 3
    x, y = _digits_like(rng, 10)
    stats = gradflow.layer_statistics(model, x, y)
    assert stats["grad_norm"].shape == (3,) and np.all(stats["grad_norm"] > 0)
    assert np.isclose(stats["weight_norm"][0], np.linalg.norm(model[0].weight.value))
    with pytest.raises(TypeError, match="Module"):
        gradflow.linear_layers([1, 2])


# --------------------------------------------------------------------------- range test


def test_lr_range_test_finds_a_rate_that_trains_and_leaves_the_model_alone():
    rng = np.random.default_rng(11)
    x, y = _digits_like(rng, 200)
    model = modules.Sequential(modules.Linear(5, 16, rng), modules.ReLU(),
                               modules.Linear(16, 2, rng))
    before = [p.value.copy() for p in model.parameters()]
    result = lr_finder.lr_range_test(model, losses.softmax_cross_entropy, (x, y),
                                     rng=np.random.default_rng(0), lr_min=1e-4,
                                     lr_max=100.0, steps=80)
    assert all(np.array_equal(b, p.value) for b, p in zip(before, model.parameters()))
    assert len(result.lrs) == len(result.losses) == len(result.smoothed) <= 80
    assert len(result.lrs) < 80  # the loss blew up before lr_max
    best = int(np.argmin(result.smoothed))
    assert np.isclose(result.suggested_lr, result.lrs[best] / 10)
    assert np.all(np.diff(np.log(result.lrs)) > 0)
    assert result.smoothed[best] < 0.8 * result.smoothed[0]


@pytest.mark.parametrize("kwargs,error,text", [
    ({"lr_min": 1.0, "lr_max": 0.1}, ValueError, "lr_max must be larger"),
    ({"diverge": 1.0}, ValueError, "diverge must be > 1"),
    ({"steps": 0}, ValueError, "steps must be > 0"),
    ({"rng": 0}, TypeError, "rng must be"),
])
def test_lr_range_test_bad_input(kwargs, error, text):
    rng = np.random.default_rng(12)
    x, y = _digits_like(rng, 20)
    model = modules.Sequential(modules.Linear(5, 2, rng))
    arguments = {"rng": rng, **kwargs}
    with pytest.raises(error) as info:
        lr_finder.lr_range_test(model, losses.softmax_cross_entropy, (x, y), **arguments)
    assert text in str(info.value)


@pytest.mark.parametrize("make", [
    lambda rng: blocks.LayerNorm(4),
    lambda rng: blocks.Residual(modules.Linear(4, 4, rng), modules.Tanh(),
                                modules.Linear(4, 4, rng)),
], ids=["LayerNorm", "Residual"])
def test_module_input_gradient_agrees_with_central_differences(make):
    rng = np.random.default_rng(13)
    module = make(rng)
    for p in module.parameters():
        p.value = p.value + rng.normal(0, 0.5, size=p.value.shape)
    x, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    numeric = gradcheck.numerical_gradient_array(module.forward, x.copy(), dout)
    module.forward(x)
    assert gradcheck.relative_error(module.backward(dout), numeric) < 1e-7
