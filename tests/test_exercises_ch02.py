"""The chapter 2 checks accept correct answers written many ways and explain wrong ones."""

import time

import numpy as np
import pytest
import scipy.special

from course_lib.exercises import CheckFailed, check, evaluate
from tests.exercise_bank import bank_tests


def _stub(*args, **kwargs):
    raise NotImplementedError


# --------------------------------------------------------------------------- linear_forward

def _lf_einsum(x, w, b):
    return np.einsum("nd,dm->nm", x, w) + b[None, :], (x, w, b)


def _lf_loops(x, w, b):
    out = np.zeros((x.shape[0], w.shape[1]))
    for n in range(x.shape[0]):
        for m in range(w.shape[1]):
            out[n, m] = sum(x[n, d] * w[d, m] for d in range(x.shape[1])) + b[m]
    return out, [x, w, b]


def _lf_dot(x, w, b):
    out = np.dot(x, w)
    out = out + b  # a new array: b is added to every row
    return out, (x.copy(), w.copy(), b.copy())


def _lf_transpose_trick(x, w, b):
    return (w.T @ x.T).T + b, (x, w, b)


def _lf_mutates(x, w, b):
    x += 0.0
    x *= 1.0
    x[0, 0] += 1.0  # a learner "normalising" their input in place
    return x @ w + b, (x, w, b)


LINEAR_CORRECT = [_lf_einsum, _lf_loops, _lf_dot, _lf_transpose_trick]

LINEAR_WRONG = [
    # (implementation, expected status, words the message or hint must contain)
    (lambda x, w, b: (w @ x + b, (x, w, b)), "failed", "not w @ x"),
    (lambda x, w, b: ((x @ w + b).T, (x, w, b)), "failed", "transpose"),
    (lambda x, w, b: (x @ w, (x, w, b)), "failed", "without the bias"),
    (lambda x, w, b: (x @ w + b[:, None], (x, w, b)), "failed", "wrong axis"),
    (lambda x, w, b: (x @ w + b.reshape(-1, 1), (x, w, b)), "failed", "wrong axis"),
    (lambda x, w, b: (x @ w + b, None), "failed", "backward pass"),
    (lambda x, w, b: (x @ w + b, (x, w)), "failed", "does not hold the input(s) b"),
    (lambda x, w, b: (x @ w + b, (w, x, b)), "failed", "in that order"),
    (lambda x, w, b: (x @ w + b, {"x": x, "w": w, "b": b}), "failed", "dict"),
    (lambda x, w, b: x @ w + b, "failed", "expected a tuple (out, cache)"),
    (lambda x, w, b: None, "failed", "forget `return`"),
    (lambda x, w, b: ((x @ w + b).tolist(), (x, w, b)), "failed", "numpy array"),
    (lambda x, w, b: ((x @ w + b).astype(int), (x, w, b)), "failed", "dtype"),
    (lambda x, w, b: (np.full((x.shape[0], w.shape[1]), np.nan), (x, w, b)), "failed", "nan"),
    (lambda x, w, b: ((x @ w + b)[:, :1], (x, w, b)), "failed", "shape"),
    (_lf_mutates, "failed", "in place"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda x, w, b: (x @ w.T + b, (x, w, b)), "failed", "w.T"),
    (lambda x, w, b: (x @ w.reshape(w.shape[1], -1) + b, (x, w, b)), "error",
     "a batch of 4 examples"),
]


# --------------------------------------------------------------------------- softmax

def _sm_scipy(z):
    return scipy.special.softmax(z, axis=1)


def _sm_logsumexp(z):
    return np.exp(z - scipy.special.logsumexp(z, axis=1, keepdims=True))


def _sm_loop(z):
    rows = []
    for row in z:
        e = np.exp(row - row.max())
        rows.append(e / e.sum())
    return np.array(rows)


def _sm_transposed(z):
    e = np.exp(z.T - z.max(axis=1))
    return (e / e.sum(axis=0)).T


def _sm_unstable(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sm_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _sm_in_place(z):
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_rows(e):
    return e / e.sum(axis=1, keepdims=True)


def _stable(norm):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return norm(e)
    return softmax


SOFTMAX_CORRECT = [_sm_scipy, _sm_logsumexp, _sm_loop, _sm_transposed]

SOFTMAX_WRONG = [
    (_sm_unstable, "failed", "overflows"),
    (_sm_global_max, "failed", "each row's own maximum"),
    (_stable(lambda e: e / e.sum(axis=0, keepdims=True)), "failed", "columns sum to 1"),
    (lambda z: np.exp(z) / np.exp(z).sum(axis=0, keepdims=True), "failed", "columns sum to 1"),
    (_stable(lambda e: e / e.sum()), "failed", "whole matrix"),
    (_stable(lambda e: e / e.sum(axis=1)), "failed", "keepdims"),
    (_sm_in_place, "failed", "in place"),
    (lambda z: _softmax_rows(np.exp(z - z.max(axis=1))), "failed", "other rows' maxima"),
    (lambda z: None, "failed", "forget `return`"),
    (lambda z: _sm_loop(z).tolist(), "failed", "numpy array"),
    (lambda z: _sm_loop(z)[:, :-1], "failed", "shape"),
    (lambda z: np.round(_sm_loop(z)).astype(int), "failed", "dtype"),
    (lambda z: _sm_loop(z) * np.nan, "failed", "nan"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda z: 1 / 0, "error", "ZeroDivisionError"),
]


# --------------------------------------------------------------------------- cross_entropy

def _ce_logsumexp(logits, y):
    lse = scipy.special.logsumexp(logits, axis=1)
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def _ce_onehot(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.eye(logits.shape[1])[y]
    return -(onehot * logp).sum() / len(y)


def _ce_loop(logits, y):
    total = 0.0
    for row, label in zip(logits, y):
        m = max(row)
        total += -(row[label] - m - np.log(sum(np.exp(v - m) for v in row)))
    return total / len(y)


def _ce_array(logits, y):
    return np.array(_ce_logsumexp(logits, y))  # a 0-d array is fine


def _ce_parts(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))[np.arange(len(y)), y]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ce_in_place(logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    return float(-np.mean(_ce_parts(logits, y)))


CE_CORRECT = [_ce_logsumexp, _ce_onehot, _ce_loop, _ce_array]

CE_WRONG = [
    (lambda z, y: float(-np.sum(_ce_parts(z, y))), "failed", "sum over the batch"),
    (lambda z, y: float(-np.mean(np.log(z[np.arange(len(y)), y]))), "failed",
     "log of the logits"),
    (lambda z, y: float(-np.mean(np.log(_softmax(z)[np.arange(len(y)), y]))), "failed",
     "log(0)"),
    (lambda z, y: float(-np.mean(np.log(_softmax(z)[np.arange(len(y)), y] + 1e-12))), "failed",
     "epsilon"),
    (lambda z, y: float(-np.mean(np.log(np.maximum(_softmax(z)[np.arange(len(y)), y], 1e-10)))),
     "failed", "far too small"),
    (lambda z, y: float(np.mean(_ce_parts(z, y))), "failed", "negative"),
    (lambda z, y: float(-np.mean(np.eye(z.shape[1])[y] * (z - scipy.special.logsumexp(
        z, axis=1, keepdims=True)))), "failed", "N*C"),
    (lambda z, y: float(-np.mean((z - scipy.special.logsumexp(z, axis=1, keepdims=True))[:, y])),
     "failed", "np.arange(N)"),
    (lambda z, y: float(-np.mean(_softmax(z)[np.arange(len(y)), y])), "failed", "logarithms"),
    (lambda z, y: -_ce_parts(z, y), "failed", "one loss per example"),
    (lambda z, y: None, "failed", "forget `return`"),
    (lambda z, y: float("nan"), "failed", "nan"),
    (_ce_in_place, "failed", "in place"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda z, y: z[y], "failed", "single number"),
    (lambda z, y: z[:, y.astype(float)], "error", "IndexError"),
]


# --------------------------------------------------------------------------- mlp_forward

def _mlp_loop(x, params):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return h


def _mlp_recursive(x, params):
    (w, b), rest = params[0], params[1:]
    z = x @ w + b
    return z if not rest else _mlp_recursive(np.where(z > 0, z, 0.0), rest)


def _mlp_hidden_then_last(x, params):
    h = x
    for w, b in params[:-1]:
        h = np.clip(h @ w + b, 0, None)
    w, b = params[-1]
    return h @ w + b


def _mlp_relu_last(x, params):
    h = x
    for w, b in params:
        h = np.maximum(h @ w + b, 0)
    return h


def _mlp_reversed(x, params):
    return _mlp_loop(x, params[::-1])


def _mlp_mutates(x, params):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w
        h += b
        if i < len(params) - 1:
            h[h < 0] = 0
    params[0] = (params[0][0] * 1.0, params[0][1] + 1.0)  # changes the caller's list
    return h


def _mlp_undefined_relu(x, params):
    h = x
    for w, b in params[:-1]:
        h = relu(h @ w + b)  # noqa: F821 - the learner forgot to define relu
    w, b = params[-1]
    return h @ w + b


def _mlp_w_h(x, params):
    h = x.T
    for i, (w, b) in enumerate(params):
        h = w.T @ h + b[:, None]
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return h


MLP_CORRECT = [_mlp_loop, _mlp_recursive, _mlp_hidden_then_last]

MLP_WRONG = [
    (_mlp_relu_last, "failed", "No ReLU after the last layer"),
    (_mlp_reversed, "failed", "last-to-first"),
    (lambda x, p: _linear_only(x, p), "failed", "one linear map"),
    (lambda x, p: x @ p[0][0] + p[0][1], "failed", "Only the first layer"),
    (_mlp_w_h, "failed", "transpose"),
    (_mlp_mutates, "failed", "in place"),
    (lambda x, p: None, "failed", "forget `return`"),
    (lambda x, p: _mlp_loop(x, p).tolist(), "failed", "numpy array"),
    (lambda x, p: _mlp_loop(x, p).astype(int), "failed", "dtype"),
    (lambda x, p: _mlp_loop(x, p) + np.nan, "failed", "nan"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda x, p: p[1][0] @ x, "error", "ValueError"),
    (_mlp_undefined_relu, "error", "np.maximum(h, 0)"),
]


def _linear_only(x, params):
    h = x
    for w, b in params:
        h = h @ w + b
    return h


# --------------------------------------------------------------------------- he_init

def _he_standard(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


def _he_normal(fan_in, fan_out, rng):
    return rng.normal(loc=0.0, scale=(2 / fan_in) ** 0.5, size=(fan_in, fan_out))


def _he_transposed_draw(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_out, fan_in)).T.copy()


def _he_float32(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out), dtype=np.float32) * np.float32(
        np.sqrt(2 / fan_in))


HE_CORRECT = [_he_standard, _he_normal, _he_transposed_draw, _he_float32]

HE_WRONG = [
    (lambda a, b, rng: rng.normal(0, np.sqrt(2 / (a + b)), size=(a, b)), "failed", "Xavier"),
    (lambda a, b, rng: rng.normal(0, 2 / a, size=(a, b)), "failed", "variance"),
    (lambda a, b, rng: rng.normal(0, np.sqrt(2 / a), size=(b, a)), "failed", "(fan_in, fan_out)"),
    (lambda a, b, rng: np.random.normal(0, np.sqrt(2 / a), size=(a, b)), "failed",  # noqa: NPY002
     "not reproducible"),
    (lambda a, b, rng: np.random.default_rng(0).normal(0, np.sqrt(2 / a), size=(a, b)),
     "failed", "ignores its `rng`"),
    (lambda a, b, rng: rng.normal(0, np.sqrt(1 / a), size=(a, b)), "failed", "LeCun"),
    (lambda a, b, rng: rng.normal(0, np.sqrt(2 / b), size=(a, b)), "failed", "fan_out"),
    (lambda a, b, rng: rng.normal(size=(a, b)), "failed", "standard deviation 1"),
    (lambda a, b, rng: rng.uniform(-1, 1, size=(a, b)) * np.sqrt(6 / a), "failed", "rng.normal"),
    (lambda a, b, rng: rng.normal(1.0, np.sqrt(2 / a), size=(a, b)), "failed", "mean"),
    (lambda a, b, rng: np.zeros((a, b)), "failed", "standard deviation"),
    (lambda a, b, rng: None, "failed", "forget `return`"),
    (lambda a, b, rng: rng.normal(0, np.sqrt(2 / a), size=(a, b)).tolist(), "failed", "list"),
    (lambda a, b, rng: rng.integers(-1, 2, size=(a, b)), "failed", "dtype"),
    (lambda a, b, rng: np.full((a, b), np.nan), "failed", "NaN"),
    (_stub, "not_implemented", "NotImplementedError"),
    (lambda a, b: np.zeros((a, b)), "error", "TypeError"),
    (lambda a, b, rng: rng.standard_normal(a, b) * np.sqrt(2 / a), "error", "one tuple"),
]


# --------------------------------------------------------------------------- the tests

CORRECT = ([("linear_forward", f) for f in LINEAR_CORRECT]
           + [("softmax", f) for f in SOFTMAX_CORRECT]
           + [("cross_entropy", f) for f in CE_CORRECT]
           + [("mlp_forward", f) for f in MLP_CORRECT]
           + [("he_init", f) for f in HE_CORRECT])

WRONG = ([("linear_forward", *w) for w in LINEAR_WRONG]
         + [("softmax", *w) for w in SOFTMAX_WRONG]
         + [("cross_entropy", *w) for w in CE_WRONG]
         + [("mlp_forward", *w) for w in MLP_WRONG]
         + [("he_init", *w) for w in HE_WRONG])


def _id(item):
    return f"{item[0]}-{getattr(item[1], '__name__', 'impl')}"


@pytest.mark.parametrize(("name", "answer"), CORRECT, ids=[_id(c) for c in CORRECT])
def test_correct_answers_pass(name, answer):
    result = evaluate(name, answer)
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize(("name", "answer", "status", "words"), WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_wrong_answers_are_explained(name, answer, status, words):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = f"{result.message}\n{result.hint}".lower()
    assert words.lower() in text, result.to_text()


@pytest.mark.parametrize("name", ["linear_forward", "softmax", "cross_entropy",
                                  "mlp_forward", "he_init"])
def test_not_a_function(name):
    result = evaluate(name, 42)
    assert result.status == "failed"
    assert "should be a function" in result.message


def test_error_names_the_case_and_line():
    def softmax(z):
        return np.exp(z) / np.exp(z).sum(axis=1)  # broadcasting fails on 4x5
    result = evaluate("softmax", softmax)
    assert result.status == "failed"  # the square case comes first: values are wrong
    assert "keepdims" in result.hint

    def linear_forward(x, w, b):
        raise KeyError("oops")
    result = evaluate("linear_forward", linear_forward)
    assert result.status == "error"
    assert "a square case" in result.message and "KeyError" in result.message
    assert "line" in result.message


def test_mistake_hints_are_specific():
    """Each listed mistake gets its own hint, not the generic one."""
    from course_lib.exercises import ch02
    for exercise in ch02.EXERCISES[:4]:
        for mistake in exercise.mistakes:
            result = evaluate(exercise.name, mistake.answer)
            assert result.status == "failed", (exercise.name, mistake.label, result.to_text())
            # A mistake that only shows on an edge case may be caught by an
            # earlier hint; every one must at least be recognised as some mistake.
            assert result.hint != exercise.hint, (exercise.name, mistake.label)


@pytest.mark.parametrize("name", ["linear_forward", "softmax", "cross_entropy",
                                  "mlp_forward", "he_init"])
def test_checks_are_fast(name):
    answers = dict(CORRECT)
    start = time.perf_counter()
    evaluate(name, answers[name])
    assert time.perf_counter() - start < 0.5


def test_strict_mode_raises(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed, match="not yet right"):
        check("softmax", _sm_unstable)
    with pytest.raises(CheckFailed, match="not implemented"):
        check("he_init", _stub)
    check("cross_entropy", _ce_logsumexp)  # passes: no exception
    monkeypatch.setenv("COURSE_STRICT", "0")
    check("softmax", _sm_unstable)  # shown, not raised
    assert "not yet right" in capsys.readouterr().out


# --------------------------------------------------------------------------- learner walk-through

def _sm_shift(shift):
    def softmax(z):
        e = np.exp(z - shift(z))
        return e / e.sum(axis=1, keepdims=True)
    return softmax


def _lsm(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mlp_sum_then_relu_tuple(x, params):
    from course_lib import layers
    h = x
    for w, b in params[:-1]:
        h = np.maximum(layers.linear_forward(h, w, b), 0)  # forgot to unpack (out, cache)
    return layers.linear_forward(h, *params[-1])[0]


def _mlp_returns_pair(x, params):
    from course_lib import layers
    h = x
    for w, b in params[:-1]:
        h = np.maximum(layers.linear_forward(h, w, b)[0], 0)
    return layers.linear_forward(h, *params[-1])


def _mlp_pops(x, params):
    w_last, b_last = params.pop()
    h = x
    for w, b in params:
        h = np.maximum(h @ w + b, 0)
    return h @ w_last + b_last


def _mlp_dicts(x, params):
    h = x
    for layer in params:
        h = np.maximum(h @ layer["w"] + layer["b"], 0)
    return h


def _mlp_hidden_only(x, params):
    h = x
    for w, b in params[:-1]:
        h = np.maximum(h @ w + b, 0)
    return h


def _mlp_return_inside(x, params):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
        return h


REVIEW_WRONG = [
    ("linear_forward", lambda x, w, b: ((x, w, b), x @ w + b), "failed", "other way round"),
    ("linear_forward", lambda x, w, b: (x * w + b, (x, w, b)), "failed", "entry by entry"),
    # a row with a spread of 2000: only the row maximum keeps every exponent <= 0
    ("softmax", _sm_shift(lambda z: z.min(axis=1, keepdims=True)), "failed", "not its minimum"),
    ("softmax", _sm_shift(lambda z: z.mean(axis=1, keepdims=True)), "failed", "not its minimum"),
    ("softmax", _sm_shift(lambda z: z.max(axis=0, keepdims=True)), "failed", "each column"),
    ("softmax", lambda z: np.exp(z - z.max(axis=1, keepdims=True))
     / np.exp(z).sum(axis=1, keepdims=True), "failed", "numerator"),
    ("softmax", _lsm, "failed", "logarithms"),
    ("cross_entropy", lambda z, y: float(np.mean(np.log(np.exp(z).sum(axis=1))
                                                 - z[np.arange(len(y)), y])), "failed", "finite"),
    ("cross_entropy", lambda z, y: float(np.mean(np.log(np.exp(z - z.max(axis=1, keepdims=True))
                                                        .sum(axis=1)) - z[np.arange(len(y)), y])),
     "failed", "never negative"),
    ("cross_entropy", lambda z, y: float(-np.mean(_lsm(z))), "failed", "every class"),
    ("cross_entropy", lambda z, y: float(-np.mean(_lsm(z).max(axis=1))), "failed",
     "predicted class"),
    ("cross_entropy", lambda z, y: float(-np.mean(_lsm(z)[np.arange(len(y)), y]) / np.log(2)),
     "failed", "natural logarithm"),
    ("cross_entropy", lambda z, y: float(-np.mean(np.sum(y * _lsm(z), axis=1))), "error",
     "not one-hot"),
    ("cross_entropy", lambda z, y: float(-np.mean(
        np.log(_softmax(z)[np.arange(len(y)), y] + 1e-12))), "failed", "mean is about 500"),
    ("mlp_forward", _mlp_sum_then_relu_tuple, "error", "unpack"),
    ("mlp_forward", _mlp_returns_pair, "failed", "only the logits"),
    ("mlp_forward", _mlp_pops, "failed", "params[:-1]"),
    ("mlp_forward", _mlp_dicts, "error", "for w, b in params"),
    ("mlp_forward", _mlp_return_inside, "failed", "inside the loop"),
    ("mlp_forward", _mlp_hidden_only, "failed", "never applied"),
    ("mlp_forward", lambda x, p: x @ p[-1][0] + p[-1][1], "failed", "applied to x itself"),
    ("mlp_forward", lambda x, p: _softmax(_mlp_loop(x, p)), "failed", "rows sum to 1"),
    ("he_init", lambda a, b, rng: rng.normal(0, np.sqrt(2) / a, size=(a, b)), "failed",
     "whole fraction"),
    ("he_init", lambda a, b, rng: rng.normal(0, 2 / np.sqrt(a), size=(a, b)), "failed",
     "whole fraction"),
    ("he_init", lambda a, b, rng: rng.normal(0, np.sqrt(2 // a), size=(a, b)), "failed",
     "integer division"),
    ("he_init", lambda a, b, rng: np.clip(rng.normal(0, np.sqrt(2 / a), size=(a, b)),
                                          -2 * np.sqrt(2 / a), 2 * np.sqrt(2 / a)),
     "failed", "clipping"),
]


@pytest.mark.parametrize(("name", "answer", "status", "words"), REVIEW_WRONG,
                         ids=[f"{w[0]}-review-{i}" for i, w in enumerate(REVIEW_WRONG)])
def test_review_mistakes_are_explained(name, answer, status, words):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = f"{result.message}\n{result.hint}".lower()
    assert words.lower() in text, result.to_text()


def test_softmax_cases_include_a_row_wider_than_exp_can_take():
    from course_lib.exercises.ch02 import softmax as ch02
    labels = [case.label for case in ch02._softmax_cases()]
    assert ch02._WIDE_ROW in labels


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would: remembering, value-ignoring,
# hard-coded and subtly wrong answers, and right variants.

from course_lib import activations as _act  # noqa: E402
from course_lib import init as _init  # noqa: E402
from course_lib import layers as _layers  # noqa: E402
from course_lib import losses as _losses  # noqa: E402
from course_lib import network as _network  # noqa: E402


def _remember(fn):
    memory = {}

    def answer(*args):
        key = tuple(np.shape(a) for a in args if isinstance(a, np.ndarray))
        if key not in memory:
            memory[key] = fn(*args)
        return memory[key]
    return answer


def _bank_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ce_ref(logits, y):
    return _losses.cross_entropy(logits, y)


def _he_fixed(fan_in, fan_out, rng):
    return np.random.default_rng(0).normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


def _bank_mlp_loop(x, params):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return h


BANK_WRONG = [
    ("linear_forward", _remember(_layers.linear_forward), "remembers per shape"),
    ("linear_forward", lambda x, w, b: (x @ w + b[0], (x, w, b)), "first bias for all"),
    ("linear_forward", lambda x, w, b: (x @ w + b.mean(), (x, w, b)), "mean bias"),
    ("linear_forward", lambda x, w, b: (np.vstack([x[:1] @ w + b, x[1:] @ w]), (x, w, b)),
     "bias on the first row only"),
    ("linear_forward", lambda x, w, b: (np.round(x @ w + b, 3), (x, w, b)), "rounded"),
    ("softmax", _remember(_act.softmax), "remembers per shape"),
    ("softmax", lambda z: _bank_softmax(z.T).T, "normalises columns"),
    ("softmax", lambda z: _bank_softmax(np.round(z)), "rounds the logits"),
    ("softmax", lambda z: np.full(z.shape, 1 / z.shape[1]), "uniform"),
    ("softmax", lambda z: _bank_softmax(z / 2), "temperature 2"),
    ("cross_entropy", _remember(_ce_ref), "remembers per shape"),
    ("cross_entropy", lambda lg, y: float(np.median(
        -np.log(_bank_softmax(lg)[np.arange(len(y)), y]))), "median, not mean"),
    ("cross_entropy", lambda lg, y: _ce_ref(lg, np.zeros_like(y)), "label 0 for all"),
    ("cross_entropy", lambda lg, y: _ce_ref(lg, y) + 1e-3, "offset"),
    ("cross_entropy", lambda lg, y: float(np.log(lg.shape[1])), "log C always"),
    ("mlp_forward", _remember(_network.mlp_forward), "remembers per shape"),
    ("mlp_forward", lambda x, p: _bank_mlp_loop(x, p[:1]) if len(p) > 2 else _bank_mlp_loop(x, p),
     "stops after one layer when deep"),
    ("mlp_forward", lambda x, p: np.maximum(_bank_mlp_loop(x, p), 0), "relu on the output"),
    ("mlp_forward", lambda x, p: _bank_mlp_loop(x, [(w, 0 * b) for w, b in p]), "biases zeroed"),
    ("mlp_forward", lambda x, p: _bank_mlp_loop(np.abs(x), p), "abs of the input"),
    ("he_init", _he_fixed, "ignores rng"),
    ("he_init", lambda i, o, rng: rng.normal(0, np.sqrt(2 / o), size=(i, o)), "fan_out"),
    ("he_init", lambda i, o, rng: rng.normal(0, np.sqrt(1 / i), size=(i, o)), "xavier"),
    ("he_init", lambda i, o, rng: rng.uniform(-1, 1, size=(i, o)) * np.sqrt(2 / i), "uniform"),
    ("he_init", lambda i, o, rng: np.abs(rng.normal(0, np.sqrt(2 / i), size=(i, o))),
     "positive only"),
]

BANK_RIGHT = [
    ("linear_forward", lambda x, w, b: (np.dot(x, w) + b, _layers.LinearCache(x, w, b)),
     "np.dot"),
    ("linear_forward", lambda x, w, b: (np.einsum("nd,dm->nm", x, w) + b[None, :],
                                        _layers.LinearCache(x, w, b)), "einsum"),
    ("linear_forward", lambda x, w, b: _layers.linear_forward(x, w, b), "library"),
    ("softmax", _bank_softmax, "max-shifted"),
    ("softmax", lambda z: np.exp(z - scipy.special.logsumexp(z, axis=1, keepdims=True)),
     "logsumexp"),
    ("softmax", lambda z: scipy.special.softmax(z, axis=1), "scipy"),
    ("cross_entropy", lambda lg, y: float(np.mean(
        scipy.special.logsumexp(lg, axis=1) - lg[np.arange(len(y)), y])), "logsumexp"),
    ("cross_entropy", lambda lg, y: -np.mean(
        (lg - scipy.special.logsumexp(lg, axis=1, keepdims=True))[np.arange(len(y)), y]),
     "log-softmax"),
    ("cross_entropy", _ce_ref, "library"),
    ("mlp_forward", _bank_mlp_loop, "loop"),
    ("mlp_forward", lambda x, p: _network.mlp_forward(x, p), "library"),
    ("mlp_forward", lambda x, p: (lambda h: h @ p[-1][0] + p[-1][1])(
        __import__("functools").reduce(lambda h, wb: np.maximum(h @ wb[0] + wb[1], 0),
                                       p[:-1], x)), "reduce"),
    ("he_init", lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), size=(i, o)), "normal"),
    ("he_init", lambda i, o, rng: rng.standard_normal((i, o)) * np.sqrt(2 / i), "standard"),
    ("he_init", _init.he_init, "library"),
]




def _mlp_relu_everywhere_but_first(x, params):
    a = x @ params[0][0] + params[0][1]
    for w, b in params[1:-1]:
        a = np.maximum(a @ w + b, 0)
    return a @ params[-1][0] + params[-1][1]

# More answers written from the statements, beyond the generic kinds.
BANK_WRONG += [
    ("linear_forward", lambda x, w, b: (x @ w + b, (x, w)), "cache without b"),
    ("softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True),
     "one maximum for the whole array"),
    ("cross_entropy", lambda lg, y: float(-np.mean(lg[np.arange(len(y)), y]
                                                  - np.log(np.exp(lg).sum(axis=1)))),
     "no max shift"),
    ("mlp_forward", lambda x, params: x @ params[-1][0] + params[-1][1]
     if len(params) == 1 else _mlp_relu_everywhere_but_first(x, params), "no relu after layer 1"),
    ("he_init", lambda a, b, rng: rng.normal(0, np.sqrt(2) / a, size=(a, b)),
     "sqrt(2) / fan_in"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)
