"""Tests for course_lib.train, including end-to-end training smoke tests."""

import re

import numpy as np
import pytest

from course_lib import datasets as data
from course_lib import losses, modules, optim, regularization, schedules, train


def mlp(sizes, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [modules.Linear(d_in, d_out, rng), modules.ReLU()]
    return modules.Sequential(*layers[:-1])


def fit_mlp(x, y, sizes, epochs, lr=0.01, batch_size=32, seed=0, **kwargs):
    model = mlp(sizes, seed)
    history = train.fit(model, losses.softmax_cross_entropy,
                        optim.Adam(model.parameters(), lr=lr), (x, y), epochs=epochs,
                        batch_size=batch_size, rng=np.random.default_rng(seed),
                        progress=False, **kwargs)
    return model, history


def test_two_spirals_reach_95_percent():
    x, y = data.spirals(100, np.random.default_rng(1))
    _, history = fit_mlp(x, y, [2, 64, 64, 2], epochs=150)
    assert history["train_accuracy"][-1] >= 0.95


def test_moons_reach_95_percent():
    x, y = data.moons(200, np.random.default_rng(1))
    _, history = fit_mlp(x, y, [2, 32, 32, 2], epochs=60)
    assert history["train_accuracy"][-1] >= 0.95


def test_digits_mlp_reaches_96_percent_test_accuracy():
    x, y = data.load_digits()
    split = data.train_val_test_split(x, y, np.random.default_rng(0))
    model, history = fit_mlp(*split.train, [64, 128, 10], epochs=20, lr=1e-3, val=split.val)
    result = train.evaluate(model, losses.softmax_cross_entropy, *split.test)
    assert result["accuracy"] >= 0.96
    assert len(history["val_accuracy"]) == 20
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_history_records_every_epoch_and_schedule():
    x, y = data.moons(64, np.random.default_rng(0))
    _, history = fit_mlp(x, y, [2, 8, 2], epochs=4, schedule=schedules.step_decay(0.1, 2, 0.5))
    assert history["lr"] == [0.1, 0.1, 0.05, 0.05]
    assert len(history["train_loss"]) == len(history["train_accuracy"]) == 4
    assert history["val_loss"] == [] and isinstance(history, dict)
    assert history.best_epoch("train_accuracy") == int(np.argmax(history["train_accuracy"]))


def test_fit_is_deterministic_given_rng():
    x, y = data.moons(64, np.random.default_rng(0))
    runs = [fit_mlp(x, y, [2, 8, 2], epochs=3) for _ in range(2)]
    assert runs[0][1] == runs[1][1]
    for p, q in zip(runs[0][0].parameters(), runs[1][0].parameters()):
        np.testing.assert_array_equal(p.value, q.value)


def test_regularizer_shrinks_weights_but_not_biases():
    x, y = data.moons(64, np.random.default_rng(0))
    plain, _ = fit_mlp(x, y, [2, 16, 2], epochs=10)
    l2, _ = fit_mlp(x, y, [2, 16, 2], epochs=10,
                    regularizer=lambda w: regularization.l2_penalty(w, 1.0))
    norms = [sum(float(np.sum(p.value**2)) for p in m.parameters() if p.value.ndim == 2)
             for m in (plain, l2)]
    assert norms[1] < norms[0]


def test_early_stopping_callback_stops_and_restores():
    x, y = data.moons(80, np.random.default_rng(0))
    split = data.train_val_test_split(x, y, np.random.default_rng(0))
    stopper = regularization.EarlyStopping(patience=1)

    class StallAfterTwo:
        def on_epoch_end(self, epoch, history, model):
            history["val_loss"][-1] = [1.0, 0.5, 0.9][min(epoch, 2)]
            return False

    model, history = fit_mlp(*split.train, [2, 8, 2], epochs=10, val=split.val,
                             callbacks=[StallAfterTwo(), stopper])
    assert len(history["val_loss"]) == 3 and stopper.best_epoch == 1
    assert all(np.array_equal(p.value, b) for p, b in zip(model.parameters(),
                                                           stopper._best_values))


def test_fit_leaves_model_in_eval_mode_and_dropout_predicts_deterministically():
    rng = np.random.default_rng(0)
    model = modules.Sequential(modules.Linear(2, 16, rng), modules.ReLU(),
                               modules.Dropout(0.5, rng), modules.Linear(16, 2, rng))
    x, y = data.moons(64, rng)
    train.fit(model, losses.softmax_cross_entropy, optim.SGD(model.parameters(), 0.1), (x, y),
              epochs=2, batch_size=16, rng=rng, progress=False)
    assert not model.training
    np.testing.assert_allclose(train.predict(model, x, 7), train.predict(model, x))


def test_predict_restores_training_mode_and_batches():
    model = mlp([3, 4, 2])
    model.train()
    x = np.random.default_rng(0).standard_normal((10, 3))
    np.testing.assert_allclose(train.predict(model, x, batch_size=3), model.forward(x))
    assert model.training


def test_regression_fit_records_loss_only():
    x, y = data.regression_1d(64, np.random.default_rng(0))
    model = mlp([1, 16, 1])
    history = train.fit(model, losses.mse, optim.Adam(model.parameters(), lr=0.01), (x, y),
                        epochs=30, batch_size=16, rng=np.random.default_rng(0), progress=False)
    assert history["train_accuracy"] == [] and history["train_loss"][-1] < history["train_loss"][0]
    assert train.evaluate(model, losses.mse, x, y)["accuracy"] is None


def test_history_best_epoch_errors():
    with pytest.raises(ValueError, match="^metric must be one of"):
        train.History().best_epoch("loss")
    with pytest.raises(ValueError, match="^metric 'val_loss' has no recorded epochs"):
        train.History().best_epoch()


X, Y = np.zeros((4, 2)), np.zeros(4, dtype=np.int64)


def fit_call(**changes):
    model = mlp([2, 2])
    kwargs = dict(model=model, loss_fn=losses.softmax_cross_entropy,
                  optimizer=optim.SGD(model.parameters(), 0.1), train=(X, Y), epochs=1,
                  batch_size=2, rng=np.random.default_rng(0), progress=False)
    kwargs.update(changes)
    return lambda: train.fit(**kwargs)


@pytest.mark.parametrize("call, error, name", [
    (fit_call(model="mlp"), TypeError, "model"),
    (fit_call(loss_fn=3), TypeError, "loss_fn"),
    (fit_call(optimizer=None), TypeError, "optimizer"),
    (fit_call(train=X), TypeError, "train"),
    (fit_call(train=(X, Y[:3])), ValueError, "train[1] (y)"),
    (fit_call(train=(np.zeros(4), Y)), ValueError, "train[0] (x)"),
    (fit_call(val=(X,)), TypeError, "val"),
    (fit_call(epochs=0), ValueError, "epochs"),
    (fit_call(batch_size=1.5), TypeError, "batch_size"),
    (fit_call(rng=0), TypeError, "rng"),
    (fit_call(schedule=0.1), TypeError, "schedule"),
    (fit_call(regularizer="l2"), TypeError, "regularizer"),
    (fit_call(callbacks=[object()]), TypeError, "callbacks"),
    (fit_call(schedule=lambda epoch: -1.0), ValueError, "schedule(epoch)"),
    (lambda: train.predict(mlp([2, 2]), np.zeros(2)), ValueError, "x"),
    (lambda: train.predict(mlp([2, 2]), X, batch_size=0), ValueError, "batch_size"),
    (lambda: train.predict(None, X), TypeError, "model"),
    (lambda: train.evaluate(mlp([2, 2]), None, X, Y), TypeError, "loss_fn"),
    (lambda: train.evaluate(mlp([2, 2]), losses.softmax_cross_entropy, X, Y[:2]),
     ValueError, "(x, y)"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()
