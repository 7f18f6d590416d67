"""The chapter 6 checks accept correct answers written many ways and explain wrong ones."""

import itertools
import time

import numpy as np
import pytest

from course_lib import datasets as data
from course_lib import losses, metrics, modules, optim, regularization, train
from course_lib.exercises import CheckFailed, check, evaluate
from course_lib.exercises.ch06 import confusion_matrix as confusion
from course_lib.exercises.ch06 import train_classifier as training
from tests.exercise_bank import bank_tests


def _stub(*args, **kwargs):
    raise NotImplementedError


def _assert_result(name, answer, status, words):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = (result.message + " " + result.hint).lower()
    for word in words if isinstance(words, (list, tuple)) else [words]:
        assert word.lower() in text, f"{word!r} not in: {result.to_text()}"
    return result


# --------------------------------------------------------------------------- accuracy

def _acc_loop(logits, y):
    correct = 0
    for row, label in zip(logits, y):
        if list(row).index(max(row)) == label:
            correct += 1
    return correct / len(y)


def _acc_count_nonzero(logits, y):
    return np.count_nonzero(logits.argmax(axis=1) == y) / y.shape[0]


def _acc_softmax_first(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return np.mean(np.argmax(p, axis=-1) == y)  # np.float64 is fine


def _acc_zero_d_array(logits, y):
    return np.asarray(np.mean(np.argmax(logits, 1) == y))


def _acc_mutates(logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    return float(np.mean(np.argmax(logits, axis=1) == y))


ACCURACY_CORRECT = [metrics.accuracy, _acc_loop, _acc_count_nonzero, _acc_softmax_first,
                    _acc_zero_d_array,
                    lambda logits, y: float((logits.argmax(1) == y).sum()) / len(y)]

ACCURACY_WRONG = [
    # (implementation, expected status, words the message or hint must contain)
    (lambda logits, y: float(np.mean(logits == y)), "error", ["argmax", "axis=1"]),
    (lambda logits, y: np.mean(logits == y[:, None]), "failed", ["argmax"]),
    (lambda logits, y: 100 * np.mean(np.argmax(logits, 1) == y), "failed", "percentage"),
    (lambda logits, y: int(np.sum(np.argmax(logits, 1) == y)), "failed", "number of correct"),
    (lambda logits, y: np.sum(np.argmax(logits, 1) == y), "failed", "divide"),
    (lambda logits, y: float(np.mean(np.argmax(logits, axis=0) == y)), "error", "a batch of 20"),
    (lambda logits, y: float(np.mean(np.argmax(logits) == y)), "failed", "without an axis"),
    (lambda logits, y: float(np.mean(np.argmax(logits, 1) != y)), "failed", "error rate"),
    (lambda logits, y: np.argmax(logits, 1) == y, "failed", "single number"),
    (lambda logits, y: None, "failed", "forget `return`"),
    (lambda logits, y: [0.5], "failed", "single number"),
    (lambda logits, y: float("nan"), "failed", "nan"),
    (_acc_mutates, "failed", "in place"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda logits, y: logits.argmax(axis=1).mean() / undefined_name, "error",  # noqa: F821
     "NameError"),
]


@pytest.mark.parametrize("answer", ACCURACY_CORRECT)
def test_accuracy_accepts(answer):
    result = evaluate("accuracy", answer)
    assert result.passed, result.to_text()


@pytest.mark.parametrize("answer, status, words", ACCURACY_WRONG)
def test_accuracy_rejects(answer, status, words):
    _assert_result("accuracy", answer, status, words)


def test_accuracy_argmax_axis0_on_square_case_is_named():
    # On the square case (N = C) argmax over axis 0 gives a number, and the hint names the axis.
    def axis0(logits, y):
        if logits.shape[0] != logits.shape[1]:
            return float(np.mean(np.argmax(logits, axis=1) == y))
        return float(np.mean(np.argmax(logits, axis=0) == y))
    _assert_result("accuracy", axis0, "failed", ["square", "axis=1"])


# --------------------------------------------------------------------------- confusion_matrix

def _cm_add_at(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def _cm_bincount(y_true, y_pred, num_classes):
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes ** 2)
    return flat.reshape(num_classes, num_classes)


def _cm_outer(y_true, y_pred, num_classes):
    classes = np.arange(num_classes)
    return ((y_true[:, None, None] == classes[None, :, None])
            & (y_pred[:, None, None] == classes[None, None, :])).sum(axis=0)


def _cm_histogram(y_true, y_pred, num_classes):
    counts, _, _ = np.histogram2d(y_true, y_pred, bins=num_classes,
                                  range=[[0, num_classes], [0, num_classes]])
    return counts.astype(np.int32)


def _cm_lists(y_true, y_pred, num_classes):
    rows = [[0] * num_classes for _ in range(num_classes)]
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        rows[t][p] += 1
    return np.array(rows)


def _cm_float(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes))
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def _cm_len_unique(y_true, y_pred, num_classes):
    size = len(np.unique(np.concatenate([y_true, y_pred])))
    cm = np.zeros((size, size), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def _cm_mutates(y_true, y_pred, num_classes):
    y_true.sort()
    return _cm_add_at(y_true, y_pred, num_classes)


CONFUSION_CORRECT = [metrics.confusion_matrix, _cm_add_at, _cm_bincount, _cm_outer,
                     _cm_histogram, _cm_lists]

CONFUSION_WRONG = [
    (lambda t, p, c: _cm_add_at(p, t, c), "failed", ["transpose", "rows are the true"]),
    (confusion._cm_sized_by_data, "failed", ["num_classes x num_classes", "never"]),
    (_cm_len_unique, "failed", "num_classes x num_classes"),
    (confusion._cm_fancy_add, "failed", ["np.add.at", "does not accumulate"]),
    (lambda t, p, c: _cm_add_at(t, p, c) / len(t), "failed", "counts"),
    (_cm_float, "failed", ["dtype float64", "dtype=int"]),
    (lambda t, p, c: _cm_add_at(t, p, c).astype(bool), "failed", "dtype bool"),
    (lambda t, p, c: None, "failed", "forget `return`"),
    (lambda t, p, c: _cm_add_at(t, p, c).tolist(), "failed", "numpy array"),
    (lambda t, p, c: _cm_add_at(t, p, c)[:, :-1], "failed", "shape"),
    (lambda t, p, c: np.full((c, c), np.nan), "failed", "nan"),
    (_cm_mutates, "failed", "in place"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda t, p, c: np.zeros((c, c), dtype=int) + t, "error", "30 random labels"),
]


@pytest.mark.parametrize("answer", CONFUSION_CORRECT)
def test_confusion_matrix_accepts(answer):
    result = evaluate("confusion_matrix", answer)
    assert result.passed, result.to_text()


@pytest.mark.parametrize("answer, status, words", CONFUSION_WRONG)
def test_confusion_matrix_rejects(answer, status, words):
    _assert_result("confusion_matrix", answer, status, words)


@pytest.mark.parametrize("name, answer", [("accuracy", metrics.accuracy),
                                          ("confusion_matrix", metrics.confusion_matrix)])
def test_checks_are_fast(name, answer):
    start = time.perf_counter()
    evaluate(name, answer)
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------- train_classifier

def _fit_mlp(train_set, rng, epochs=15, lr=3e-3, hidden=128, p=0.0):
    layers = [modules.Linear(64, hidden, rng), modules.ReLU()]
    if p:
        layers.append(modules.Dropout(p, rng))
    net = modules.Sequential(*layers, modules.Linear(hidden, 10, rng))
    train.fit(net, losses.softmax_cross_entropy, optim.Adam(net.parameters(), lr=lr),
              train_set, epochs=epochs, batch_size=32, rng=rng,
              regularizer=lambda w: regularization.l2_penalty(w, 1e-4), progress=False)
    return net


def _tc_module(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng)
    return net, train.evaluate(net, losses.softmax_cross_entropy, *val_set)["accuracy"]


def _tc_standardized_function(train_set, val_set, rng):
    scaler = data.Standardizer().fit(train_set[0])
    net = _fit_mlp((scaler.transform(train_set[0]), train_set[1]), rng, epochs=10)

    def model(x):
        return train.predict(net, scaler.transform(x))
    return model, np.float64(metrics.accuracy(model(val_set[0]), val_set[1]))


def _tc_dropout_list(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng, p=0.1)
    return [net, float(np.mean(np.argmax(train.predict(net, val_set[0]), 1) == val_set[1]))]


def _tc_train_accuracy(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng)
    return net, metrics.accuracy(train.predict(net, train_set[0]), train_set[1])


def _tc_percentage(train_set, val_set, rng):
    net, acc = _tc_module(train_set, val_set, rng)
    return net, 100 * acc


def _tc_trains_on_val(train_set, val_set, rng):
    both = (np.vstack([train_set[0], val_set[0]]), np.concatenate([train_set[1], val_set[1]]))
    net = _fit_mlp(both, rng, epochs=30)
    return net, metrics.accuracy(train.predict(net, val_set[0]), val_set[1])


def _tc_underfits(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng, epochs=1, lr=1e-3, hidden=16)
    return net, metrics.accuracy(train.predict(net, val_set[0]), val_set[1])


_FRESH_SEEDS = itertools.count(1000)


def _tc_unseeded(train_set, val_set, rng):
    # A new generator on every call, as np.random.default_rng() makes; its seeds
    # are counted, not drawn from the OS, so that an unlucky initialisation
    # cannot make this test fail for a reason other than reproducibility.
    return _tc_module(train_set, val_set, np.random.default_rng(next(_FRESH_SEEDS)))


def _tc_dropout_still_training(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng, p=0.5)
    net.train()
    return net, metrics.accuracy(net.forward(val_set[0]), val_set[1])


def _tc_standardized_bare_net(train_set, val_set, rng):
    scaler = data.Standardizer().fit(train_set[0])
    net = _fit_mlp((scaler.transform(train_set[0]), train_set[1]), rng, epochs=10)
    return net, metrics.accuracy(train.predict(net, scaler.transform(val_set[0])), val_set[1])


_CHAPTER = data.train_val_test_split(*data.load_digits(), np.random.default_rng(0))
_CHAPTER_SCALER = data.Standardizer().fit(_CHAPTER.train[0])


def _tc_uses_chapter_globals(train_set, val_set, rng):
    # trains on the chapter's standardized x_train instead of its argument
    net = _fit_mlp((_CHAPTER_SCALER.transform(_CHAPTER.train[0]), _CHAPTER.train[1]), rng)
    return net, metrics.accuracy(train.predict(net, val_set[0]), val_set[1])


def _tc_mutates(train_set, val_set, rng):
    x, y = train_set
    x -= x.mean(axis=0)  # "standardizing" the caller's array in place
    return _tc_module((x, y), val_set, rng)


def _tc_model_wrong_shape(train_set, val_set, rng):
    net, acc = _tc_module(train_set, val_set, rng)
    return (lambda x: np.argmax(train.predict(net, x), axis=1)), acc


def _tc_raises(train_set, val_set, rng):
    x, y = train_set
    return modules.Linear(32, 10, rng).forward(x), 0.5


TRAIN_CORRECT = [_tc_module, _tc_standardized_function, _tc_dropout_list]

TRAIN_WRONG = [
    (_tc_train_accuracy, "failed", ["own training data", "val"]),
    (_tc_percentage, "failed", "percentage"),
    (_tc_trains_on_val, "failed", ["trained on the validation set", "only on `train_set`"]),
    (_tc_underfits, "failed", ["misses by", "percentage points", "underfits"]),
    (_tc_unseeded, "failed", ["reproducible", "rng"]),
    (_tc_dropout_still_training, "failed", ["evaluation mode"]),
    (_tc_standardized_bare_net, "failed", ["raw", "scaler.transform"]),
    (_tc_uses_chapter_globals, "failed", ["misses by", "own `train_set`"]),
    (_tc_mutates, "failed", "in place"),
    (_tc_model_wrong_shape, "failed", "expected scores of shape (359, 10)"),
    (_tc_raises, "error", ["ValueError", "digits split"]),
    (lambda tr, va, rng: None, "failed", "(model, val_accuracy)"),
    (lambda tr, va, rng: _tc_module(tr, va, rng)[0], "failed", "(model, val_accuracy)"),
    (lambda tr, va, rng: (lambda x: np.full((len(x), 10), np.nan), 0.1), "failed", "nan"),
    (lambda tr, va, rng: (_tc_module(tr, va, rng)[0], None), "failed", "val_accuracy is None"),
    (lambda tr, va, rng: ("model", 0.9), "failed", "str"),
    (_stub, "not_implemented", "NotImplementedError"),
]


@pytest.mark.parametrize("answer", TRAIN_CORRECT)
def test_train_classifier_accepts(answer):
    result = evaluate("train_classifier", answer)
    assert result.passed, result.to_text()
    assert "held-out" in result.message


@pytest.mark.parametrize("answer, status, words", TRAIN_WRONG)
def test_train_classifier_rejects(answer, status, words):
    _assert_result("train_classifier", answer, status, words)


def test_train_classifier_reports_the_shortfall():
    result = evaluate("train_classifier", _tc_underfits)
    (value,) = [w for w in result.message.split() if w.endswith("%") and "95" not in w][:1]
    held_out = float(value.rstrip("%")) / 100
    missing = f"{100 * (training.TARGET_ACCURACY - held_out):.1f} percentage points"
    assert missing in result.message, result.message


def test_train_classifier_never_passes_the_held_out_digits():
    seen = []

    def spy(train_set, val_set, rng):
        seen.append((train_set[0].copy(), val_set[0].copy()))
        return _tc_module(train_set, val_set, rng)

    assert evaluate("train_classifier", spy).passed
    test_x = training._digits_split().test[0]
    given = np.vstack(seen[0])
    shared = (given[:, None, :] == test_x[None, :, :]).all(axis=2).any(axis=0)
    # a few digits of the data set are exact duplicates of others; the split is disjoint
    assert shared.mean() < 0.02


def test_train_classifier_rejects_a_non_function():
    _assert_result("train_classifier", 0.97, "failed", "should be a function")


# --------------------------------------------------------------------------- strict mode

@pytest.mark.parametrize("name, answer", [("accuracy", _stub), ("confusion_matrix", _stub),
                                          ("train_classifier", _stub),
                                          ("accuracy", lambda z, y: 100.0)])
def test_strict_mode_raises(monkeypatch, name, answer):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        check(name, answer)


def test_strict_mode_quiet_on_success(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    check("accuracy", metrics.accuracy)
    assert "passed" in capsys.readouterr().out


# --------------------------------------------------------------------------- learner review
# Attempts a new learner made while working through the chapter, with what the check
# must say about each.

def _cm_and(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for i in range(num_classes):
        for j in range(num_classes):
            cm[i, j] = np.sum((y_true == i) and (y_pred == j))
    return cm


def _cm_set_not_add(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] = 1
    return cm


def _cm_rows_normalised(y_true, y_pred, num_classes):
    cm = metrics.confusion_matrix(y_true, y_pred, num_classes)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


def _cm_diagonal(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            cm[t, t] += 1
    return cm


def _acc_softmax_overflow(logits, y):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(np.mean(np.argmax(probs, axis=1) == y))


def _tc_swapped(train_set, val_set, rng):
    net, val_accuracy = _tc_module(train_set, val_set, rng)
    return val_accuracy, net


def _tc_history(train_set, val_set, rng):
    net = modules.Sequential(modules.Linear(64, 32, rng), modules.ReLU(),
                             modules.Linear(32, 10, rng))
    history = train.fit(net, losses.softmax_cross_entropy, optim.Adam(net.parameters()),
                        train_set, val_set, epochs=1, batch_size=64, rng=rng, progress=False)
    return history, history["val_accuracy"][-1]


REVIEW_WRONG = [
    ("accuracy", lambda z, y: np.sum(np.argmax(z, axis=1) == y) // len(y), "failed",
     ["whole number 0", "integer division"]),
    ("accuracy", lambda z, y: float(np.mean(np.max(z, axis=1) == y)), "failed",
     ["largest score itself", "np.argmax(logits, axis=1)"]),
    ("accuracy", lambda z, y: round(float(np.mean(np.argmax(z, axis=1) == y)), 2), "failed",
     ["rounded"]),
    ("accuracy", _acc_softmax_overflow, "failed", ["do not need softmax"]),
    ("confusion_matrix", _cm_and, "error", ["`&`"]),
    ("confusion_matrix", _cm_set_not_add, "failed", ["only once", "cm[t, p] = 1"]),
    ("confusion_matrix", _cm_rows_normalised, "failed", ["normalised", "counts"]),
    ("confusion_matrix", _cm_diagonal, "failed", ["only the correct predictions"]),
    ("train_classifier", _tc_swapped, "failed", ["returned (val_accuracy, model)",
                                                 "return model, val_accuracy"]),
    ("train_classifier", _tc_history, "failed", ["History that train.fit returns",
                                                 "return that network"]),
]


@pytest.mark.parametrize("name, answer, status, words", REVIEW_WRONG,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(REVIEW_WRONG)])
def test_review_mistakes_are_named(name, answer, status, words):
    _assert_result(name, answer, status, words)


def test_review_flat_argmax_and_count_keep_their_hints():
    _assert_result("accuracy", lambda z, y: float(np.mean(np.argmax(z) == y)), "failed",
                   ["without an axis"])
    _assert_result("accuracy", lambda z, y: int(np.sum(np.argmax(z, axis=1) == y)), "failed",
                   ["number of correct predictions"])


def test_review_sklearn_confusion_matrix_with_labels_passes():
    from sklearn.metrics import confusion_matrix as sk_confusion

    def answer(y_true, y_pred, num_classes):
        return sk_confusion(y_true, y_pred, labels=list(range(num_classes)))

    _assert_result("confusion_matrix", answer, "passed", [])


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would: overflowing counts, value-
# ignoring accuracies, a training function with its own generator, and right
# variants.

def _acc_remember():
    memory = {}

    def accuracy(logits, y):
        if logits.shape not in memory:
            memory[logits.shape] = metrics.accuracy(logits, y)
        return memory[logits.shape]
    return accuracy


def _cm_small_dtype(dtype):
    def confusion_matrix(y_true, y_pred, num_classes):
        cm = np.zeros((num_classes, num_classes), dtype=dtype)
        np.add.at(cm, (y_true, y_pred), 1)
        return cm
    return confusion_matrix


def _tc_fixed_rng(train_set, val_set, rng):
    return _tc_module(train_set, val_set, np.random.default_rng(0))


def _val_accuracy(net, val_set):
    return metrics.accuracy(train.predict(net, val_set[0]), val_set[1])


def _tc_global_seed(train_set, val_set, rng):
    np.random.seed(0)  # noqa: NPY002 - numpy's global state, whatever rng is given
    mine = np.random.default_rng(np.random.randint(2**31))  # noqa: NPY002
    net = _fit_mlp(train_set, mine)
    return net, _val_accuracy(net, val_set)


def _tc_global_permutation(train_set, val_set, rng):
    x, y = train_set
    idx = np.random.permutation(len(x))  # noqa: NPY002 - global: another order each call
    net = _fit_mlp((x[idx], y[idx]), rng)
    return net, _val_accuracy(net, val_set)


def _tc_shuffles_in_place(train_set, val_set, rng):
    x, y = train_set
    order = rng.permutation(len(x))
    x[:], y[:] = x[order], y[order]
    net = _fit_mlp((x, y), rng)
    return net, _val_accuracy(net, val_set)


def _tc_all_digits(train_set, val_set, rng):
    net = _fit_mlp(data.load_digits(), rng, epochs=10)  # "more data is better"
    return net, _val_accuracy(net, val_set)


def _tc_remembers():
    memory = []

    def train_classifier(train_set, val_set, rng):
        if not memory:
            memory.append(_fit_mlp(train_set, rng))
        return memory[0], _val_accuracy(memory[0], val_set)
    return train_classifier


def _tc_swapped_sets(train_set, val_set, rng):
    net = _fit_mlp(val_set, rng, epochs=30)
    return net, _val_accuracy(net, train_set)


def _tc_integer_division(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng)
    predictions = np.argmax(train.predict(net, val_set[0]), axis=1)
    return net, np.sum(predictions == val_set[1]) // len(val_set[1])


def _tc_rounded(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng)
    return net, round(_val_accuracy(net, val_set), 2)


def _tc_child_generator(train_set, val_set, rng):
    net = _fit_mlp(train_set, np.random.default_rng(rng.integers(2**32)))
    return net, _val_accuracy(net, val_set)


def _tc_probabilities(train_set, val_set, rng):
    net = _fit_mlp(train_set, rng)

    def model(x):
        z = train.predict(net, x)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return model, metrics.accuracy(model(val_set[0]), val_set[1])


def _tc_own_loop_unshuffled(train_set, val_set, rng):
    x, y = train_set
    net = modules.Sequential(modules.Linear(64, 128, rng), modules.ReLU(),
                             modules.Linear(128, 10, rng))
    adam = optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(15):
        for start in range(0, len(x), 32):  # the same order every epoch
            _, dout = losses.softmax_cross_entropy(net.forward(x[start:start + 32]),
                                                   y[start:start + 32])
            adam.zero_grad()
            net.backward(dout)
            adam.step()
    net.eval()
    return net, float(np.mean(np.argmax(net.forward(val_set[0]), axis=1) == val_set[1]))


def _tc_float_labels(train_set, val_set, rng):
    x, y = train_set
    net = _fit_mlp((x, y.astype(np.float64)), rng)
    return net, _val_accuracy(net, val_set)


BANK_WRONG = [
    ("accuracy", _acc_remember(), "remembers per shape"),
    ("accuracy", lambda lg, y: float(np.mean(np.argmax(lg, axis=1)[:5] == y[:5])),
     "first five examples"),
    ("accuracy", lambda lg, y: float(np.mean(np.argmax(lg, axis=1) == np.sort(y))),
     "labels sorted"),
    ("accuracy", lambda lg, y: float(np.mean(np.argmin(-np.abs(lg), axis=1) == y)),
     "closest to zero"),
    ("accuracy", lambda lg, y: round(metrics.accuracy(lg, y), 1), "rounded"),
    ("confusion_matrix", _cm_small_dtype(np.uint8), "uint8 counts"),
    ("confusion_matrix", _cm_small_dtype(np.int16), "int16 counts"),
    ("confusion_matrix", _cm_small_dtype(np.uint16), "uint16 counts"),
    ("confusion_matrix", lambda t, p, c: np.minimum(metrics.confusion_matrix(t, p, c), 255),
     "saturating counts"),
    ("confusion_matrix", lambda t, p, c: metrics.confusion_matrix(t[:50], p[:50], c),
     "first 50 examples"),
    ("train_classifier", _tc_fixed_rng, "own fixed generator"),
    ("train_classifier", _tc_global_seed, "np.random.seed global state",
     ["different generators", "np.random.seed"]),
    ("train_classifier", _tc_global_permutation, "np.random.permutation: same rng, other model",
     ["not reproducible", "nor use np.random"]),
    ("train_classifier", _tc_shuffles_in_place, "shuffles train_set in place",
     ["changed its argument `train_set` in place", "x[:] = x[idx]"]),
    ("train_classifier", _tc_all_digits, "ignores train_set, trains on all of load_digits",
     ["mirrored", "own `train_set`"]),
    ("train_classifier", _tc_remembers(), "keeps the first model",
     ["different generators", "kept from an earlier call"]),
    ("train_classifier", _tc_swapped_sets, "trains on val_set, measures on train_set",
     ["swapped"]),
    ("train_classifier", _tc_integer_division, "accuracy by integer division",
     ["the integer 0", "`//`"]),
    ("train_classifier", _tc_rounded, "val_accuracy rounded to 2 digits", ["0.9700"]),
]

BANK_RIGHT = [
    ("accuracy", lambda lg, y: float(np.count_nonzero(lg.argmax(1) == y)) / len(y), "count"),
    ("accuracy", lambda lg, y: np.mean(np.equal(np.argmax(lg, -1), y)), "np.equal"),
    ("accuracy", lambda lg, y: sum(int(np.argmax(r) == t) for r, t in zip(lg, y)) / len(y),
     "loop"),
    ("confusion_matrix", _cm_small_dtype(np.int32), "int32 counts"),
    ("confusion_matrix", _cm_small_dtype(np.int64), "int64 counts"),
    ("confusion_matrix", lambda t, p, c: np.bincount(t * c + p, minlength=c * c).reshape(c, c),
     "bincount"),
    ("train_classifier", _tc_child_generator, "a child generator seeded from rng"),
    ("train_classifier", _tc_probabilities, "model returns softmax probabilities"),
    ("train_classifier", _tc_own_loop_unshuffled, "own loop, batches never shuffled"),
    ("train_classifier", _tc_float_labels, "labels cast to float for the loss"),
]


# More answers written from the statements, beyond the generic kinds.
BANK_WRONG += [
    ("accuracy", lambda lg, y: float(np.mean(np.argmax(lg, axis=1) != y)), "error rate"),
    ("accuracy", lambda lg, y: int(np.sum(np.argmax(lg, axis=1) == y)), "count, not fraction"),
    ("confusion_matrix", lambda t, p, c: metrics.confusion_matrix(t, p, c).T, "rows predicted"),
    ("confusion_matrix", lambda t, p, c: metrics.confusion_matrix(
        t, p, int(max(t.max(), p.max())) + 1), "size from the labels seen"),
    ("confusion_matrix", lambda t, p, c: np.diag(np.bincount(t[t == p], minlength=c)),
     "only the diagonal"),
    ("confusion_matrix", lambda t, p, c: metrics.confusion_matrix(t, p, c)
     / max(len(t), 1), "fractions, not counts"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_confusion_matrix_small_dtype_is_named():
    result = evaluate("confusion_matrix", _cm_small_dtype(np.int16))
    assert "overflow" in result.message, result.to_text()


def test_train_classifier_own_generator_is_named():
    result = evaluate("train_classifier", _tc_fixed_rng)
    assert "different generators" in result.message, result.to_text()


def _tc_unseeded_underfits(train_set, val_set, rng):
    # Both bugs at once: a generator of its own on every call (as
    # np.random.default_rng() makes) and too little training to reach the target.
    net = _fit_mlp(train_set, np.random.default_rng(next(_FRESH_SEEDS)), epochs=1, lr=1e-3,
                   hidden=16)
    return net, metrics.accuracy(train.predict(net, val_set[0]), val_set[1])


def test_train_classifier_tests_reproducibility_before_accuracy():
    """The check tests the rng rule first, so an unseeded answer is told it is
    unseeded even when its model also misses the accuracy target."""
    result = evaluate("train_classifier", _tc_unseeded_underfits)
    assert result.status == "failed", result.to_text()
    assert "not reproducible" in result.message and "misses by" not in result.message, \
        result.to_text()
