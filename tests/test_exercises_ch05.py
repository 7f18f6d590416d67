"""The chapter 5 checks accept correct answers written many ways and reject the
known mistakes with their targeted hints."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_lib import layers, regularization
from course_lib.exercises import CheckFailed, check, evaluate, names
from tests.exercise_bank import bank_tests

NAMES = ("l2_penalty", "dropout_forward", "dropout_backward", "early_stopping_epoch")


def result_text(result) -> str:
    return f"{result.message} {result.hint}".lower()


def assert_passes(name, answer):
    result = evaluate(name, answer)
    assert result.status == "passed", result.to_text()


def assert_fails(name, answer, *phrases, status="failed"):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = result_text(result)
    for phrase in phrases:
        assert phrase.lower() in text, f"{phrase!r} not in:\n{result.to_text()}"
    return result


def test_registered():
    assert all(name in names() for name in NAMES)


# --------------------------------------------------------------------------- l2_penalty

def l2_loop(weights, lam):
    total, grads = 0.0, []
    for w in weights:
        total += np.sum(w * w)
        grads.append(lam * w)
    return 0.5 * lam * total, grads


L2_CORRECT = {
    "reference": regularization.l2_penalty,
    "loop": l2_loop,
    "norm squared": lambda ws, lam: (0.5 * lam * sum(np.linalg.norm(w) ** 2 for w in ws),
                                     [lam * w for w in ws]),
    "vdot": lambda ws, lam: (0.5 * lam * sum(np.vdot(w, w) for w in ws),
                             [np.multiply(w, lam) for w in ws]),
    "einsum, tuple of grads": lambda ws, lam: (
        lam / 2 * sum(np.einsum("ij,ij->", w, w) for w in ws), tuple(lam * w for w in ws)),
    "numpy scalar penalty": lambda ws, lam: (np.float64(0.5 * lam) * np.sum(
        [np.sum(w ** 2) for w in ws]), [lam * w for w in ws]),
}


@pytest.mark.parametrize("answer", L2_CORRECT.values(), ids=L2_CORRECT.keys())
def test_l2_accepts_correct(answer):
    assert_passes("l2_penalty", answer)


L2_WRONG = [
    ("factor 0.5 dropped",
     lambda ws, lam: (lam * sum(np.sum(w ** 2) for w in ws), [2 * lam * w for w in ws]),
     ["0.5 is missing"]),
    ("0.5 dropped in penalty",
     lambda ws, lam: (lam * sum(np.sum(w ** 2) for w in ws), [lam * w for w in ws]),
     ["twice too large", "penalty"]),
    ("gradient 2 lam W",
     lambda ws, lam: (0.5 * lam * sum(np.sum(w ** 2) for w in ws), [2 * lam * w for w in ws]),
     ["gradients are twice too large"]),
    ("L1 instead",
     lambda ws, lam: (lam * sum(np.sum(np.abs(w)) for w in ws), [lam * np.sign(w) for w in ws]),
     ["L1 penalty"]),
    ("norm not squared",
     lambda ws, lam: (0.5 * lam * sum(np.linalg.norm(w) for w in ws), [lam * w for w in ws]),
     ["squared norm"]),
    ("mean instead of sum",
     lambda ws, lam: (0.5 * lam * sum(np.mean(w ** 2) for w in ws), [lam * w for w in ws]),
     ["np.mean"]),
    ("gradients inconsistent with nothing known",
     lambda ws, lam: (0.5 * lam * sum(np.sum(w ** 2) for w in ws), [lam * w + 1 for w in ws]),
     ["grads[0]", "lam * w"]),
]


@pytest.mark.parametrize("label,answer,phrases", L2_WRONG, ids=[w[0] for w in L2_WRONG])
def test_l2_rejects_mistakes(label, answer, phrases):
    assert_fails("l2_penalty", answer, *phrases)


def test_l2_single_array_is_an_error_with_list_hint():
    result = assert_fails(
        "l2_penalty", lambda weights, lam: (0.5 * lam * np.sum(np.square(weights)),
                                            lam * np.asarray(weights)),
        "loop over it", status="error")
    assert "two layers" in result.message


def test_l2_single_array_gradient_instead_of_list():
    def stacked(weights, lam):
        penalty = 0.5 * lam * sum(float(np.sum(w ** 2)) for w in weights)
        if len({w.shape for w in weights}) == 1:
            return penalty, lam * np.stack(weights)
        return penalty, [lam * w for w in weights]
    assert_fails("l2_penalty", stacked, "single array", "one gradient array per weight matrix")


def test_l2_numerical_gradient_check_catches_inconsistent_pair():
    # right on every case, but its grads disagree with its own penalty on the
    # weights of the gradient check (the only ones of shape (3, 2)): the extra
    # numerical check is what rejects it
    def inconsistent(weights, lam):
        penalty, grads = regularization.l2_penalty(weights, lam)
        if weights[0].shape == (3, 2):
            grads = [2 * g for g in grads]
        return penalty, grads

    assert_fails("l2_penalty", inconsistent, "numerical gradient check")


def test_l2_mutation():
    def in_place(weights, lam):
        for w in weights:
            w *= lam
        return 0.5 * sum(float(np.sum(w * w)) for w in weights) / lam, list(weights)
    assert_fails("l2_penalty", in_place, "in place", "instead of changing the weights")


# --------------------------------------------------------------------------- dropout_forward

def drop_reference(x, p, training, rng):
    return layers.dropout_forward(x, p, training, rng)


def drop_where(x, p, training, rng):
    if not training:
        return x.copy(), layers.DropoutCache(None, p)
    mask = np.where(rng.random(x.shape) < p, 0.0, 1.0 / (1.0 - p))
    return x * mask, layers.DropoutCache(mask, p)


def drop_uniform_tuple_cache(x, p, training, rng):
    if training:
        keep = rng.uniform(0, 1, size=x.shape) >= p
        mask = keep.astype(float) / (1 - p)
        return np.multiply(x, mask), (mask, p)
    return np.array(x), (None, p)


def drop_binomial(x, p, training, rng):
    if not training:
        return x, layers.DropoutCache(None, p)
    mask = rng.binomial(1, 1 - p, size=x.shape) / (1 - p)
    return x * mask, layers.DropoutCache(mask, p)


def drop_eval_ones_mask(x, p, training, rng):
    if not training:
        return x, layers.DropoutCache(np.ones_like(x), p)
    return layers.dropout_forward(x, p, True, rng)


FORWARD_CORRECT = {
    "reference": drop_reference,
    "np.where": drop_where,
    "uniform, plain tuple cache": drop_uniform_tuple_cache,
    "binomial": drop_binomial,
    "eval mask of ones": drop_eval_ones_mask,
}


@pytest.mark.parametrize("answer", FORWARD_CORRECT.values(), ids=FORWARD_CORRECT.keys())
def test_dropout_forward_accepts_correct(answer):
    assert_passes("dropout_forward", answer)


def _forward_with(make_mask, eval_out=lambda x, p: x):
    def answer(x, p, training, rng):
        if not training:
            return eval_out(x, p), layers.DropoutCache(None, p)
        mask = make_mask(x, p, rng)
        return x * mask, layers.DropoutCache(mask, p)
    return answer


FORWARD_WRONG = [
    ("p as keep probability",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) < p) / p),
     ["drop probability", "80"]),
    ("no rescaling in training",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p).astype(float)),
     ["kept entries are unchanged", "1 / (1 - p)"]),
    ("multiplied by 1 - p",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p) * (1 - p)),
     ["multiplied by 1 - p"]),
    ("divided by p",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p) / p),
     ["divided by p"]),
    ("rescaling at evaluation",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p) / (1 - p),
                   eval_out=lambda x, p: x / (1 - p)),
     ["evaluation", "identity"]),
    ("old-style scaling at evaluation",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p) / (1 - p),
                   eval_out=lambda x, p: x * (1 - p)),
     ["non-inverted"]),
    ("rng ignored (global numpy random)",
     _forward_with(lambda x, p, rng: (np.random.random(x.shape) >= p) / (1 - p)),  # noqa: NPY002
     ["same state", "rng"]),
    ("rng ignored (own fixed seed)",
     _forward_with(lambda x, p, rng: (np.random.default_rng(0).random(x.shape) >= p) / (1 - p)),
     ["different generators", "fixed seed"]),
    ("one mask per column",
     _forward_with(lambda x, p, rng: (rng.random(x.shape[-1]) >= p) / (1 - p)),
     ["same entries dropped", "one random number per entry"]),
    ("drops p / 2 of the entries",
     _forward_with(lambda x, p, rng: (rng.random(x.shape) >= p / 2) / (1 - p / 2)),
     ["dropped", "expected about 20%"]),
]


@pytest.mark.parametrize("label,answer,phrases", FORWARD_WRONG, ids=[w[0] for w in FORWARD_WRONG])
def test_dropout_forward_rejects_mistakes(label, answer, phrases):
    assert_fails("dropout_forward", answer, *phrases)


def test_dropout_applied_at_evaluation():
    def always(x, p, training, rng):
        mask = (rng.random(x.shape) >= p) / (1 - p)
        return x * mask, layers.DropoutCache(mask, p)
    assert_fails("dropout_forward", always, "training=false", "training only")


def test_dropout_forward_unscaled_mask_in_cache():
    def unscaled(x, p, training, rng):
        if not training:
            return x, layers.DropoutCache(None, p)
        keep = rng.random(x.shape) >= p
        return x * keep / (1 - p), layers.DropoutCache(keep.astype(float), p)
    assert_fails("dropout_forward", unscaled, "unscaled", "scaled mask")


def test_dropout_forward_cache_missing():
    def no_cache(x, p, training, rng):
        return layers.dropout_forward(x, p, training, rng)[0]
    assert_fails("dropout_forward", no_cache, "expected a pair (out, cache)")


def test_dropout_forward_mutates_input():
    def in_place(x, p, training, rng):
        if training:
            mask = (rng.random(x.shape) >= p) / (1 - p)
            x *= mask
            return x, layers.DropoutCache(mask, p)
        return x, layers.DropoutCache(None, p)
    assert_fails("dropout_forward", in_place, "changed its argument `x` in place")


def test_dropout_forward_eval_mask_not_none():
    def eval_mask(x, p, training, rng):
        mask = (rng.random(x.shape) >= p) / (1 - p)
        return (x * mask if training else x), layers.DropoutCache(mask, p)
    assert_fails("dropout_forward", eval_mask, "should be none")


# --------------------------------------------------------------------------- dropout_backward

BACKWARD_CORRECT = {
    "reference": layers.dropout_backward,
    "multiply": lambda dout, cache: dout if cache.mask is None else dout * cache.mask,
    "tuple unpacking": lambda dout, cache: (
        np.array(dout) if cache[0] is None else np.multiply(dout, cache[0])),
    "np.where": lambda dout, cache: dout if cache.mask is None else np.where(
        cache.mask == 0, 0.0, dout / (1 - cache.p)),
}


@pytest.mark.parametrize("answer", BACKWARD_CORRECT.values(), ids=BACKWARD_CORRECT.keys())
def test_dropout_backward_accepts_correct(answer):
    assert_passes("dropout_backward", answer)


BACKWARD_WRONG = [
    ("fresh mask drawn",
     lambda dout, cache: dout if cache.mask is None else dout * (
         (np.random.random(dout.shape) >= cache.p) / (1 - cache.p)),  # noqa: NPY002
     ["freshly drawn mask", "cache.mask"]),
    ("fresh mask with fixed seed",
     lambda dout, cache: dout if cache.mask is None else dout * (
         (np.random.default_rng(0).random(dout.shape) >= cache.p) / (1 - cache.p)),
     ["freshly drawn mask"]),
    ("rescale forgotten",
     lambda dout, cache: dout if cache.mask is None else dout * (cache.mask != 0),
     ["forgot the rescale"]),
    ("scaled twice",
     lambda dout, cache: dout if cache.mask is None else dout * cache.mask / (1 - cache.p),
     ["scaled twice"]),
    ("identity",
     lambda dout, cache: dout,
     ["dx equals dout"]),
    ("identity in eval is wrong too",
     lambda dout, cache: dout * cache.mask if cache.mask is not None else 0 * dout,
     ["evaluation mode", "dx = dout"]),
]


@pytest.mark.parametrize("label,answer,phrases", BACKWARD_WRONG,
                         ids=[w[0] for w in BACKWARD_WRONG])
def test_dropout_backward_rejects_mistakes(label, answer, phrases):
    assert_fails("dropout_backward", answer, *phrases)


def test_dropout_backward_none_mask_not_handled():
    result = assert_fails("dropout_backward", lambda dout, cache: dout * cache.mask,
                          "evaluation mode", "none", status="error")
    assert "cache.mask is none" in result.message.lower()


def test_dropout_backward_divides_by_mask():
    assert_fails("dropout_backward",
                 lambda dout, cache: dout if cache.mask is None else dout / cache.mask,
                 "runtimewarning", "dividing by it")


def test_dropout_backward_mutates_dout():
    def in_place(dout, cache):
        if cache.mask is not None:
            dout *= cache.mask
        return dout
    assert_fails("dropout_backward", in_place, "changed its argument `dout` in place")


# --------------------------------------------------------------------------- early stopping

def early_loop(val_losses, patience):
    best_loss, best, bad = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best, bad = loss, epoch, 0
        else:
            bad += 1
            if bad >= patience:
                return best
    return best


def early_stop_minus_patience(val_losses, patience):
    losses = np.asarray(val_losses)
    waited = 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[:epoch].min():
            waited = 0
        else:
            waited += 1
            if waited == patience:
                return epoch - patience
    return int(np.argmin(losses))


def early_prefix_argmin(val_losses, patience):
    losses = list(val_losses)
    for epoch in range(len(losses)):
        best = int(np.argmin(losses[:epoch + 1]))
        if epoch - best >= patience:
            return best
    return int(np.argmin(losses))


EARLY_CORRECT = {
    "reference": regularization.early_stopping_epoch,
    "loop with inf": early_loop,
    "stop minus patience": early_stop_minus_patience,
    "argmin of the prefix": early_prefix_argmin,
    "returns a float": lambda v, p: float(regularization.early_stopping_epoch(v, p)),
}


@pytest.mark.parametrize("answer", EARLY_CORRECT.values(), ids=EARLY_CORRECT.keys())
def test_early_accepts_correct(answer):
    assert_passes("early_stopping_epoch", answer)


def _best(losses, patience, stop_after, ties=False):
    from course_lib.exercises.ch05.early_stopping import _early_stopping
    return _early_stopping(losses, patience, stop_after=lambda _: stop_after, ties=ties)


def stopped_epoch_loop(val_losses, patience):
    best, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return len(val_losses) - 1


EARLY_WRONG = [
    ("returned stop epoch", stopped_epoch_loop, ["epoch at which training stopped"]),
    ("patience + 1", lambda v, p: _best(v, p, p + 1), ["off by one", "patience + 1"]),
    ("patience - 1", lambda v, p: _best(v, p, max(p - 1, 1)), ["off by one", "patience - 1"]),
    ("argmin everywhere", lambda v, p: int(np.argmin(v)), ["cannot see the future"]),
    ("ties improve", lambda v, p: _best(v, p, p, ties=True), ["strictly lower"]),
    ("counted from one", lambda v, p: regularization.early_stopping_epoch(v, p) + 1,
     ["numbered from 0"]),
    ("always zero", lambda v, p: 0, ["best epoch so far"]),
]


@pytest.mark.parametrize("label,answer,phrases", EARLY_WRONG, ids=[w[0] for w in EARLY_WRONG])
def test_early_rejects_mistakes(label, answer, phrases):
    assert_fails("early_stopping_epoch", answer, *phrases)


def test_early_sorts_in_place():
    def sorts(val_losses, patience):
        if isinstance(val_losses, np.ndarray):
            val_losses.sort()
        return regularization.early_stopping_epoch(val_losses, patience)
    assert_fails("early_stopping_epoch", sorts, "in place", "do not sort")


# --------------------------------------------------------------------------- common cases

def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", NAMES)
def test_stub_is_not_implemented(name):
    result = evaluate(name, stub)
    assert result.status == "not_implemented", result.to_text()
    assert "NotImplementedError" in result.message


@pytest.mark.parametrize("name", NAMES)
def test_other_exception_is_error_naming_the_case(name):
    def broken(*args):
        raise KeyError("oops")
    result = evaluate(name, broken)
    assert result.status == "error", result.to_text()
    assert "KeyError" in result.message and result.message.startswith("On ")


@pytest.mark.parametrize("name", NAMES)
def test_returns_none(name):
    result = evaluate(name, lambda *args: None)
    assert result.status == "failed", result.to_text()
    assert "none" in result.message.lower()


@pytest.mark.parametrize("name", NAMES)
def test_not_a_function(name):
    result = evaluate(name, 42)
    assert result.status == "failed"
    assert "should be a function" in result.message


def test_returns_lists_instead_of_arrays():
    assert_fails("l2_penalty", lambda ws, lam: (0.5 * lam * sum(np.sum(w ** 2) for w in ws),
                                                [(lam * w).tolist() for w in ws]),
                 "numpy array")
    assert_fails("dropout_backward", lambda d, c: (d if c.mask is None else d * c.mask).tolist(),
                 "numpy array")

    def forward_list(x, p, training, rng):
        out, cache = layers.dropout_forward(x, p, training, rng)
        return out.tolist(), cache
    assert_fails("dropout_forward", forward_list, "expected an array")
    assert_fails("early_stopping_epoch", lambda v, p: [0], "whole number")


def test_wrong_shapes():
    assert_fails("l2_penalty", lambda ws, lam: (0.5 * lam * sum(np.sum(w ** 2) for w in ws),
                                                [lam * w.T for w in ws]),
                 "shape", "transpose")
    assert_fails("dropout_backward", lambda d, c: (d if c.mask is None else d * c.mask).ravel(),
                 "shape")

    def forward_flat(x, p, training, rng):
        out, cache = layers.dropout_forward(x, p, training, rng)
        return out.ravel(), cache
    assert_fails("dropout_forward", forward_flat, "shape")


def test_wrong_dtypes():
    assert_fails("dropout_backward",
                 lambda d, c: (d if c.mask is None else d * c.mask).astype(int), "dtype")

    def forward_int(x, p, training, rng):
        out, cache = layers.dropout_forward(x, p, training, rng)
        return out.astype(int), cache
    assert_fails("dropout_forward", forward_int, "dtype")
    assert_fails("early_stopping_epoch", lambda v, p: 1.5, "whole number")


def test_nan_results():
    assert_fails("l2_penalty", lambda ws, lam: (float("nan"), [lam * w for w in ws]), "nan")
    assert_fails("dropout_backward", lambda d, c: d * np.nan, "nan")

    def forward_nan(x, p, training, rng):
        out, cache = layers.dropout_forward(x, p, training, rng)
        return out * np.nan, cache
    assert_fails("dropout_forward", forward_nan, "nan")


# --------------------------------------------------------------------------- strict mode, speed

@pytest.mark.parametrize("name", NAMES)
def test_strict_mode_raises(name, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        check(name, stub)


def test_strict_mode_passes_correct(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    check("l2_penalty", regularization.l2_penalty)
    check("dropout_forward", layers.dropout_forward)
    check("dropout_backward", layers.dropout_backward)
    check("early_stopping_epoch", regularization.early_stopping_epoch)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("name,answer", [
    ("l2_penalty", regularization.l2_penalty),
    ("dropout_forward", layers.dropout_forward),
    ("dropout_backward", layers.dropout_backward),
    ("early_stopping_epoch", regularization.early_stopping_epoch),
])
def test_checks_are_fast(name, answer):
    start = time.perf_counter()
    assert evaluate(name, answer).passed
    assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------- learner walk-through

def test_l2_python_sum_over_rows_gets_the_np_sum_hint():
    def python_sum(weights, lam):
        penalty = 0.5 * lam * sum(sum(w ** 2) for w in weights)
        return penalty, [lam * w for w in weights]
    assert_fails("l2_penalty", python_sum, "np.sum(w ** 2)", status="error")


def test_dropout_forward_eval_cache_none():
    def none_cache(x, p, training, rng):
        if not training:
            return x, None
        return layers.dropout_forward(x, p, training, rng)
    assert_fails("dropout_forward", none_cache, "the cache is none", "DropoutCache(None, p)")


def test_early_epoch_zero_compared_with_itself():
    def from_zero(val_losses, patience):
        best, waited = 0, 0
        for epoch in range(len(val_losses)):
            if val_losses[epoch] < val_losses[best]:
                best, waited = epoch, 0
            else:
                waited += 1
                if waited >= patience:
                    break
        return best
    assert_fails("early_stopping_epoch", from_zero, "epoch 0", "infinity")


def test_dropout_forward_generator_has_no_rand():
    def rand(x, p, training, rng):
        if not training:
            return x, layers.DropoutCache(None, p)
        mask = (rng.rand(*x.shape) >= p) / (1 - p)
        return x * mask, layers.DropoutCache(mask, p)
    assert_fails("dropout_forward", rand, "rng.random(x.shape)", status="error")


# --------------------------------------------------------------------------- learner review
# Attempts a new learner made while working through the chapter, with what the check
# must say about each.

def _l2_last_layer_only(weights, lam):
    for w in weights:
        total = 0.5 * lam * np.sum(w ** 2)  # = instead of +=
    return total, [lam * w for w in weights]


REVIEW_WRONG = [
    ("l2_penalty", _l2_last_layer_only, ["only the last weight array", "total +="]),
    ("l2_penalty",
     lambda ws, lam: ([0.5 * lam * np.sum(w ** 2) for w in ws], [lam * w for w in ws]),
     ["list of 2 numbers, one per weight array", "add the layers' penalties"]),
    ("l2_penalty",
     lambda ws, lam: ([lam * w for w in ws], 0.5 * lam * sum(np.sum(w ** 2) for w in ws)),
     ["returned (grads, penalty)", "order is (penalty, grads)"]),
    ("l2_penalty",
     lambda ws, lam: (0.5 * lam * sum(np.sum(w ** 2) for w in ws), [w.copy() for w in ws]),
     ["gradients are the weights themselves", "multiply by lam"]),
    ("dropout_forward",
     lambda x, p, training, rng: (
         (x * (m := (rng.random((x.shape[0],) + (1,) * (x.ndim - 1)) >= p) / (1 - p)),
          layers.DropoutCache(m, p)) if training else (x, layers.DropoutCache(None, p))),
     ["whole rows are dropped", "one per example"]),
    ("dropout_forward",
     lambda x, p, training, rng: (
         (x * (m := (rng.random(x.shape) >= p) / (1 - p)), layers.DropoutCache(p, m))
         if training else (x, layers.DropoutCache(None, p))),
     ["fields are swapped", "DropoutCache(mask, p)"]),
    ("dropout_backward",
     lambda dout, cache: (dout if cache.mask is None else dout * cache.mask, cache),
     ["returns dx alone"]),
    ("early_stopping_epoch",
     lambda v, patience: _review_early(v, patience, versus="previous"),
     ["lower than the best loss so far", "not lower than the previous epoch"]),
    ("early_stopping_epoch",
     lambda v, patience: _review_early(v, patience, reset=False),
     ["in a row", "reset the counter"]),
    ("early_stopping_epoch",
     lambda v, patience: _review_early(v, patience, last_if_never=True),
     ["need not be the last", "never stops"]),
    ("early_stopping_epoch",
     lambda v, patience: float(v[regularization.early_stopping_epoch(v, patience)]),
     ["best validation loss itself", "index"]),
]


def _review_early(v, patience, versus="best", reset=True, last_if_never=False):
    best, waited = 0, 0
    for epoch in range(1, len(v)):
        target = v[epoch - 1] if versus == "previous" else v[best]
        if v[epoch] < target:
            best = epoch
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited >= patience:
                return best
    return len(v) - 1 if last_if_never else best


@pytest.mark.parametrize("name, answer, phrases", REVIEW_WRONG,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REVIEW_WRONG)])
def test_review_mistakes_are_named(name, answer, phrases):
    assert_fails(name, answer, *phrases)


def _backward_if_not_mask(dout, cache):
    if not cache.mask:  # ambiguous for an array
        return dout
    return dout * cache.mask


def test_review_truth_value_of_mask_gets_is_none_hint():
    assert_fails("dropout_backward", _backward_if_not_mask, "cache.mask is None",
                 status="error")


def test_review_eval_cache_none_does_not_blame_return():
    def forward(x, p, training, rng):
        if not training:
            return x, None
        mask = (rng.random(x.shape) >= p) / (1 - p)
        return x * mask, layers.DropoutCache(mask, p)

    result = assert_fails("dropout_forward", forward, "DropoutCache(None, p)")
    assert "forget `return`" not in result.message


REVIEW_CORRECT = [
    ("l2_penalty", lambda ws, lam: (
        0.5 * lam * np.linalg.norm(np.concatenate([w.ravel() for w in ws])) ** 2,
        [lam * w for w in ws])),
    ("l2_penalty", lambda ws, lam: (
        lam / 2 * sum(map(lambda w: np.tensordot(w, w, axes=w.ndim), ws)),
        list(map(lambda w: w * lam, ws)))),
    ("dropout_forward", lambda x, p, training, rng: (
        (x * (m := rng.choice([0.0, 1 / (1 - p)], size=x.shape, p=[p, 1 - p])),
         layers.DropoutCache(m, p)) if training else (x.copy(), layers.DropoutCache(None, p)))),
    ("dropout_forward", lambda x, p, training, rng: (
        (x * (m := (rng.random(x.shape) < 1 - p) / (1 - p)), layers.DropoutCache(m, p))
        if training else (x, layers.DropoutCache(None, p)))),
    ("dropout_backward", lambda dout, cache: (
        dout if cache.mask is None else dout * (cache.mask > 0) / (1 - cache.p))),
]


@pytest.mark.parametrize("name, answer", REVIEW_CORRECT,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(REVIEW_CORRECT)])
def test_review_unusual_correct_answers_pass(name, answer):
    assert_passes(name, answer)


def _early_vectorised(val_losses, patience):
    v = np.asarray(val_losses, dtype=float)
    running_min = np.minimum.accumulate(v)
    improved = np.r_[True, v[1:] < running_min[:-1]]
    last = np.maximum.accumulate(np.where(improved, np.arange(len(v)), 0))
    stops = np.flatnonzero(np.arange(len(v)) - last >= patience)
    return int(last[stops[0] if stops.size else len(v) - 1])


def test_review_vectorised_early_stopping_passes():
    assert_passes("early_stopping_epoch", _early_vectorised)


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would: fixed-count masks, an
# evaluation cache without p, non-strict or thresholded comparisons, and right
# variants.

def _l2_ref(weights, lam):
    return regularization.l2_penalty(weights, lam)


def _drop_exact_count(x, p, training, rng):
    if not training:
        return x, layers.DropoutCache(None, p)
    keep = np.zeros(x.size, dtype=bool)
    keep[rng.permutation(x.size)[:round((1 - p) * x.size)]] = True
    mask = keep.reshape(x.shape) / (1 - p)
    return x * mask, layers.DropoutCache(mask, p)


def _drop_with(mask_fn, eval_cache=lambda p: layers.DropoutCache(None, p)):
    def dropout_forward(x, p, training, rng):
        if not training:
            return x, eval_cache(p)
        mask = mask_fn(x, p, rng) / (1 - p)
        return x * mask, layers.DropoutCache(mask, p)
    return dropout_forward


def _early_with(better):
    def early_stopping_epoch(val_losses, patience):
        best, best_epoch, waited = np.inf, 0, 0
        for epoch, loss in enumerate(val_losses):
            if better(loss, best):
                best, best_epoch, waited = loss, epoch, 0
            else:
                waited += 1
                if waited == patience:
                    break
        return best_epoch
    return early_stopping_epoch


BANK_WRONG = [
    ("l2_penalty", lambda ws, lam: (0.5 * lam * sum(float(np.sum(w ** 2)) for w in ws[:1]),
                                    [lam * w for w in ws]), "first layer's penalty only"),
    ("l2_penalty", lambda ws, lam: (0.5 * lam * sum(float(np.sum(w ** 2)) for w in ws),
                                    [lam * ws[0]] * len(ws)), "first gradient repeated"),
    ("l2_penalty", lambda ws, lam: (0.5 * 0.1 * sum(float(np.sum(w ** 2)) for w in ws),
                                    [0.1 * w for w in ws]), "lam fixed at 0.1"),
    ("l2_penalty", lambda ws, lam: (0.5 * lam * sum(float(np.sum(np.abs(w))) for w in ws),
                                    [lam * np.sign(w) for w in ws]), "L1"),
    ("l2_penalty", lambda ws, lam: (_l2_ref(ws, lam)[0], [lam * w.T.T[::-1] for w in ws]),
     "rows reversed"),
    ("dropout_forward", _drop_exact_count, "a fixed number of entries kept"),
    ("dropout_forward", _drop_with(lambda x, p, rng: rng.random(x.shape) >= p,
                                   eval_cache=lambda p: layers.DropoutCache(None, 0.0)),
     "evaluation cache without p"),
    ("dropout_forward", _drop_with(lambda x, p, rng: rng.random(x.shape)[::-1] >= p),
     "a reversed draw"),
    ("dropout_forward", _drop_with(lambda x, p, rng: np.random.default_rng(0).random(x.shape)
                                   >= p), "own generator"),
    ("dropout_forward", _drop_with(lambda x, p, rng: rng.random(x.shape) >= 0.5),
     "p ignored in the mask"),
    ("dropout_backward", lambda dout, cache: dout * (cache.mask > 0), "unscaled mask"),
    ("dropout_backward", lambda dout, cache: dout / (1 - cache.p), "no mask"),
    ("dropout_backward", lambda dout, cache: dout * cache.mask * (1 - cache.p), "rescaled back"),
    ("dropout_backward", lambda dout, cache: dout if cache.mask is None else cache.mask * 1.0,
     "returns the mask"),
    ("dropout_backward", lambda dout, cache: np.zeros_like(dout), "zero gradient"),
    ("early_stopping_epoch", _early_with(lambda loss, best: loss <= best), "ties improve"),
    ("early_stopping_epoch", _early_with(lambda loss, best: loss < best - 1e-6),
     "min_delta 1e-6"),
    ("early_stopping_epoch", _early_with(lambda loss, best: round(loss, 6) < round(best, 6)),
     "rounded comparison"),
    ("early_stopping_epoch", lambda losses, patience: int(np.argmin(losses)),
     "best of all, ignoring patience"),
    ("early_stopping_epoch", _early_with(lambda loss, best: np.float32(loss) < np.float32(best)),
     "float32 comparison"),
]

BANK_RIGHT = [
    ("l2_penalty", lambda ws, lam: (0.5 * lam * sum(np.vdot(w, w) for w in ws),
                                    [lam * w for w in ws]), "vdot"),
    ("l2_penalty", lambda ws, lam: (float(sum(0.5 * lam * np.sum(w * w) for w in ws)),
                                    [w * lam for w in ws]), "w * w"),
    ("l2_penalty", _l2_ref, "library"),
    ("dropout_forward", _drop_with(lambda x, p, rng: rng.random(x.shape) >= p), "u >= p"),
    ("dropout_forward", _drop_with(lambda x, p, rng: rng.random(x.shape) < 1 - p), "u < 1 - p"),
    ("dropout_forward", lambda x, p, training, rng: layers.dropout_forward(x, p, training, rng),
     "library"),
    ("dropout_backward", lambda dout, cache: dout.copy() if cache.mask is None
     else dout * cache.mask, "mask"),
    ("dropout_backward", lambda dout, cache: np.multiply(
        dout, 1.0 if cache.mask is None else cache.mask), "np.multiply"),
    ("dropout_backward", layers.dropout_backward, "library"),
    ("early_stopping_epoch", _early_with(lambda loss, best: loss < best), "strict"),
    ("early_stopping_epoch", regularization.early_stopping_epoch, "library"),
    ("early_stopping_epoch", lambda losses, patience: _early_with(
        lambda loss, best: float(loss) < float(best))(list(losses), patience), "floats"),
]


# More answers written from the statements, beyond the generic kinds.
def _dropout_keep_below_p(x, p, training, rng):
    if not training:
        return x, layers.DropoutCache(None, p)
    mask = (rng.random(x.shape) < p) / (1 - p)  # keeps with probability p
    return x * mask, layers.DropoutCache(mask, p)


BANK_WRONG += [
    ("l2_penalty", lambda ws, lam: (lam * sum(float(np.sum(w ** 2)) for w in ws),
                                    [lam * w for w in ws]), "gradient lam * w, not 2 lam w"),
    ("dropout_forward", _dropout_keep_below_p, "keeps an entry when u < p"),
    ("dropout_backward", lambda dout, cache: dout if cache.mask is None else dout * (
        cache.mask > 0), "unscaled 0/1 gate"),
    ("early_stopping_epoch", lambda losses, patience: max(
        0, regularization.early_stopping_epoch(losses, patience) - 1), "one epoch before the best"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_dropout_fixed_count_is_named():
    result = evaluate("dropout_forward", _drop_exact_count)
    assert "fixed count" in result.message and "independently" in result.hint, result.to_text()


def test_early_stopping_min_delta_fails_on_tiny_improvements():
    result = evaluate("early_stopping_epoch", _early_with(lambda loss, best: loss < best - 1e-6))
    assert "1e-9" in result.message, result.to_text()


def test_dropout_forward_integer_x_gives_floats():
    def in_int_array(x, p, training, rng):
        if not training:
            return x, layers.DropoutCache(None, p)
        out = x.copy()  # keeps x's integer dtype: 1 / (1 - p) is truncated
        keep = rng.random(x.shape) >= p
        out[keep] = out[keep] / (1 - p)
        out[~keep] = 0
        return out, layers.DropoutCache(keep / (1 - p), p)
    result = evaluate("dropout_forward", in_int_array)
    assert result.status == "failed", result.to_text()
    assert "integer x" in result.message and "floating point" in result.message, result.to_text()
