"""Checks for chapter 2, *Forward propagation*.

``linear_forward``, ``softmax``, ``cross_entropy`` and ``mlp_forward`` are
compared with the ``course_lib`` references on seeded cases; ``he_init`` draws
random weights, so its check tests shape, statistics and reproducibility
instead of exact values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import activations, init, layers, losses, network
from course_lib.exercises.compare import compare_arrays, compare_number, kind_of
from course_lib.exercises.probe import Case, Stop, call, fail
from course_lib.exercises.spec import Exercise, FunctionExercise, Mistake, require_callable

_NAME_ERROR = ("Your function uses a name that is not defined in the notebook. Define it "
               "first, or use numpy: np.maximum(h, 0) is the ReLU, np.exp and np.log work "
               "on whole arrays. The library's versions are there too (activations.relu, "
               "activations.softmax).")
_NAME_ERROR_HINT = ("exception", "NameError", _NAME_ERROR)


# --------------------------------------------------------------------------- linear_forward

def _linear_cases() -> list[Case]:
    rng = np.random.default_rng(201)
    return [
        # Square first: every shape lines up, so `w @ x`, a transposed result
        # or a bias on the wrong axis give wrong values (and a targeted hint)
        # instead of a shape error.
        Case("a square case (x 3x3, w 3x3, b 3)",
             (rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))),
        Case("a batch of 4 examples with 5 inputs and 2 outputs",
             (rng.normal(size=(4, 5)), rng.normal(size=(5, 2)), rng.normal(size=2))),
        Case("a batch of one (x 1x3, w 3x4)",
             (rng.normal(size=(1, 3)), rng.normal(size=(3, 4)), rng.normal(size=4))),
        Case("x of zeros (the output is then b in every row)",
             (np.zeros((2, 3)), rng.normal(size=(3, 5)), rng.normal(size=5))),
        Case("large magnitudes (x around 1e3, w around 1e2)",
             (rng.normal(0, 1e3, size=(3, 2)), rng.normal(0, 1e2, size=(2, 6)),
              rng.normal(0, 10, size=6))),
    ]


def _is_same_array(a: Any, b: np.ndarray) -> bool:
    return (isinstance(a, np.ndarray) and a.shape == b.shape
            and bool(np.array_equal(a, b)))


def _compare_cache(cache: Any, expected: tuple) -> str | None:
    names = ("x", "w", "b")[: len(expected)]
    if isinstance(cache, dict):
        return ("`cache` is a dict; return the tuple (x, w, b) of the layer's inputs, "
                "in that order")
    if cache is None:
        return "`cache` is None, expected the tuple (x, w, b) of the layer's inputs"
    if not isinstance(cache, (tuple, list)):
        return (f"`cache` is {kind_of(cache)}, expected the tuple (x, w, b) of the "
                "layer's inputs")
    missing = [n for n, e in zip(names, expected)
               if not any(_is_same_array(c, e) for c in cache)]
    if missing:
        return (f"`cache` does not hold the input(s) {', '.join(missing)}; "
                "it should be the tuple (x, w, b)")
    if len(cache) != len(expected) or not all(
            _is_same_array(c, e) for c, e in zip(cache, expected)):
        return ("`cache` holds x, w and b but not as the tuple (x, w, b) in that order; "
                "the backward pass of chapter 3 unpacks it as `x, w, b = cache`")
    return None


def _compare_linear(got: Any, expected: tuple) -> str | None:
    out, cache = expected
    if not isinstance(got, (tuple, list)):
        return (f"your result is {kind_of(got)}, expected a tuple (out, cache); "
                "end with `return out, (x, w, b)`")
    if len(got) != 2:
        return f"your function returned {len(got)} values, expected 2: (out, cache)"
    if isinstance(got[0], (tuple, list)) and isinstance(got[1], np.ndarray) \
            and isinstance(cache, tuple):
        return ("your result looks like (cache, out); return them the other way round, "
                "`return out, (x, w, b)`")
    problem = compare_arrays(got[0], out, what="`out`")
    if problem or isinstance(cache, tuple):
        return problem or _compare_cache(got[1], tuple(cache))
    # Only when comparing with a known mistake, whose cache may be anything.
    if cache is None:
        return None if got[1] is None else "`cache` differs"
    if isinstance(cache, np.ndarray):
        return None if _is_same_array(got[1], cache) else "`cache` differs"
    return "`cache` differs"


_SHAPES = ("x is (N, D), w is (D, M) and b is (M,), so x @ w is (N, M) and b is "
           "added to every row. Print x.shape, w.shape and b.shape to see them.")

LINEAR_FORWARD = FunctionExercise(
    name="linear_forward",
    chapter=2,
    reference=layers.linear_forward,
    cases=_linear_cases,
    compare=_compare_linear,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        Mistake("w @ x", lambda x, w, b: (w @ x + b, (x, w, b)),
                "Rows of x are examples, so the layer is x @ w (each row times w), "
                "not w @ x. " + _SHAPES),
        Mistake("transposed result", lambda x, w, b: ((x @ w + b).T, (x, w, b)),
                "Your `out` is the transpose of the expected one: it must have one row "
                "per example, shape (N, M). Compute x @ w + b without transposing."),
        Mistake("w.T @ x.T", lambda x, w, b: (w.T @ x.T + b[:, None], (x, w, b)),
                "You computed w.T @ x.T, the transpose of x @ w (the column-per-example "
                "convention). Here rows are examples: out = x @ w + b, shape (N, M)."),
        Mistake("w transposed", lambda x, w, b: (x @ w.T + b, (x, w, b)),
                "You used w.T. With w of shape (D, M) the product x @ w already has "
                "shape (N, M): no transpose is needed."),
        Mistake("bias forgotten", lambda x, w, b: (x @ w, (x, w, b)),
                "`out` is x @ w without the bias: add b (it broadcasts over the rows)."),
        Mistake("bias on the wrong axis", lambda x, w, b: (x @ w + b[:, None], (x, w, b)),
                "The bias is added along the wrong axis: b has one entry per output "
                "unit (column), so add it as b (shape (M,)), not b[:, None] or b.reshape(-1, 1)."),
        Mistake("x * w entry by entry", lambda x, w, b: (x * w + b, (x, w, b)),
                "x * w multiplies entry by entry (it only runs because this case is "
                "square). The layer needs the matrix product x @ w, which sums over "
                "the D inputs."),
        Mistake("bias subtracted", lambda x, w, b: (x @ w - b, (x, w, b)),
                "The bias is subtracted: out = x @ w + b."),
        Mistake("bias summed", lambda x, w, b: (x @ w + b.sum(), (x, w, b)),
                "You added the sum of the biases to every entry; each output unit m "
                "gets its own bias b[m]: out = x @ w + b."),
        Mistake("cache is None", lambda x, w, b: (x @ w + b, None),
                "The cache is what the backward pass (chapter 3) will need: the "
                "layer's inputs. Return (out, (x, w, b))."),
        Mistake("cache is out", lambda x, w, b: (x @ w + b, x @ w + b),
                "The cache should hold the layer's inputs, not its output: "
                "return (out, (x, w, b))."),
        Mistake("cache without b", lambda x, w, b: (x @ w + b, (x, w)),
                "Keep all three inputs in the cache: return (out, (x, w, b))."),
    ),
    hint="out[n, m] = sum over d of x[n, d] * w[d, m], plus b[m]: out = x @ w + b. "
         "Return (out, (x, w, b)).",
    hints={
        "exception": "A shape error usually means the product is in the wrong order "
                     "or the bias has the wrong shape. " + _SHAPES,
        "mutation": "`x += ...` or `out = x; out += ...` changes the caller's array. "
                    "Build a new array: out = x @ w + b.",
    },
)


# --------------------------------------------------------------------------- softmax

_FAR_APART = "rows far apart (one near +1000, one near -1000)"
_LARGE = "large logits (1000, 1001, 1002)"
_WIDE_ROW = "one row spanning -1000 to 1000 ([-1000, 0, 1000])"


def _softmax_cases() -> list[Case]:
    rng = np.random.default_rng(202)
    return [
        Case("a square 3x3 batch of random logits", (rng.normal(0, 2, size=(3, 3)),)),
        Case("a 4x5 batch of random logits", (rng.normal(0, 3, size=(4, 5)),)),
        Case("a batch of one (shape (1, 6))", (rng.normal(size=(1, 6)),)),
        Case("logits of zeros (shape (2, 3))", (np.zeros((2, 3)),)),
        Case("two classes (shape (5, 2))", (rng.normal(0, 4, size=(5, 2)),)),
        Case(_LARGE, (np.array([[1000.0, 1001.0, 1002.0], [1000.0, 1000.0, 1000.0]]),)),
        Case(_FAR_APART, (np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]]),)),
        Case(_WIDE_ROW, (np.array([[-1000.0, 0.0, 1000.0], [1.0, 2.0, 3.0]]),)),
    ]


def _unstable_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _global_max_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _rows_normalised(e: np.ndarray) -> np.ndarray:
    return e / e.sum(axis=1, keepdims=True)


def _exp_variants() -> tuple:
    """exp of the logits as learners compute it: raw, shifted by each row's
    maximum, shifted by the matrix's maximum."""
    return (np.exp,
            lambda z: np.exp(z - z.max(axis=1, keepdims=True)),
            lambda z: np.exp(z - z.max()))


def _normalisation_mistakes() -> list[Mistake]:
    hints = (
        ("wrong axis", lambda e: e / e.sum(axis=0, keepdims=True),
         "Your columns sum to 1, not your rows. Each row is one example, so sum "
         "over the classes: e.sum(axis=1, keepdims=True)."),
        ("whole matrix", lambda e: e / e.sum(),
         "You divided by the sum over the whole matrix, so the entire batch sums "
         "to 1. Normalise each row on its own: e.sum(axis=1, keepdims=True)."),
        ("keepdims forgotten", lambda e: e / e.sum(axis=1),
         "e.sum(axis=1) has shape (N,), which numpy lines up with the columns, "
         "not the rows. Keep the summed axis: e.sum(axis=1, keepdims=True) has "
         "shape (N, 1) and divides each row by its own sum."),
    )
    return [Mistake(label, lambda z, ex=ex, norm=norm: norm(ex(z)), hint)
            for label, norm, hint in hints for ex in _exp_variants()]


_NO_SHIFT = ("exp(1000) overflows to inf and inf / inf is NaN. Subtract each row's "
             "maximum first: z - z.max(axis=1, keepdims=True). Softmax does not change "
             "when a constant is subtracted from a row, and every exponent is then <= 0.")

SOFTMAX = FunctionExercise(
    name="softmax",
    chapter=2,
    reference=activations.softmax,
    cases=_softmax_cases,
    compare=compare_arrays,
    quote_input=True,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        *_normalisation_mistakes(),
        Mistake("max without keepdims",
                lambda z: _rows_normalised(np.exp(z - z.max(axis=1))),
                "z.max(axis=1) has shape (N,), and numpy subtracts it from every row as "
                "if it were a row of C values, so each example gets other rows' maxima. "
                "Keep the axis: z - z.max(axis=1, keepdims=True)."),
        Mistake("maximum of each column", lambda z: _rows_normalised(
                    np.exp(z - z.max(axis=0, keepdims=True))),
                "You subtracted z.max(axis=0), the maximum of each column (one class over "
                "all examples), which differs from class to class and changes the result. "
                "Subtract each row's maximum: z - z.max(axis=1, keepdims=True)."),
        Mistake("only the numerator shifted", lambda z: np.exp(
                    z - z.max(axis=1, keepdims=True)) / np.exp(z).sum(axis=1, keepdims=True),
                "You shifted the logits in the numerator but summed exp of the unshifted "
                "logits in the denominator. Shift once, e = exp(z - max), and divide e by "
                "its own row sums."),
        Mistake("log-probabilities returned", activations.log_softmax,
                "Your values are the logarithms of the right ones (log-softmax). Return "
                "the probabilities themselves: exp(shifted) / its row sum."),
        Mistake("no exponential", lambda z: z / z.sum(axis=1, keepdims=True),
                "Exponentiate first: softmax(z)_c = exp(z_c) / sum_k exp(z_k). Dividing "
                "the logits themselves by their sum can give negative 'probabilities'."),
        Mistake("sigmoid instead", activations.sigmoid,
                "That is the sigmoid of each logit; the rows of a softmax sum to 1."),
    ),
    hint="softmax(z)[n, c] = exp(z[n, c]) / sum over k of exp(z[n, k]); each row sums to 1.",
    hints={
        "warning": _NO_SHIFT,
        "exception": "Check the broadcasting: the row sums need shape (N, 1) to divide an "
                     "(N, C) array row by row. Use keepdims=True in the sum (and in the max).",
        "mutation": "`z -= z.max(...)` changes the caller's logits. Write "
                    "`shifted = z - z.max(axis=1, keepdims=True)` instead.",
    },
    case_hints={
        _WIDE_ROW: {
            "warning": "Subtract each row's maximum, not its minimum, mean or first entry: "
                       "only the maximum makes every exponent <= 0. With the minimum, the "
                       "row [-1000, 0, 1000] becomes [0, 1000, 2000] and exp(2000) "
                       "overflows.",
        },
        _FAR_APART: {
            "warning": "Subtracting one maximum for the whole matrix is not enough when "
                       "rows are far apart: the row near -1000 becomes exp(-2000) = 0 "
                       "everywhere, and 0 / 0 is NaN. Subtract each row's own maximum: "
                       "z - z.max(axis=1, keepdims=True).",
        },
    },
)


# --------------------------------------------------------------------------- cross_entropy

_CONFIDENT_WRONG = ("a confident wrong answer (rows [1000, 0] and [0, 3], true class 1 in "
                    "both: the first costs 1000, the mean is about 500)")


def _ce_cases() -> list[Case]:
    rng = np.random.default_rng(203)
    return [
        # Positive logits first: taking the log of the logits themselves then
        # gives finite (wrong) numbers that the mistakes can recognise.
        Case("a 4x3 batch of positive logits",
             (rng.uniform(0.5, 3.0, size=(4, 3)), np.array([0, 2, 1, 2]))),
        Case("a 5x4 batch of random logits",
             (rng.normal(0, 2, size=(5, 4)), np.array([3, 0, 1, 1, 2]))),
        Case("a batch of one (logits [[2, -1, 0.5]], class 0)",
             (np.array([[2.0, -1.0, 0.5]]), np.array([0]))),
        Case("logits of zeros (the loss is then log C = log 4)",
             (np.zeros((3, 4)), np.array([0, 1, 3]))),
        Case("large logits (around 1000)",
             (np.array([[1000.0, 1001.0, 1002.0], [1002.0, 1000.0, 1000.0]]), np.array([2, 1]))),
        Case(_CONFIDENT_WRONG,
             (np.array([[1000.0, 0.0], [0.0, 3.0]]), np.array([1, 1]))),
    ]


def _ce_parts(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    return activations.log_softmax(logits)[np.arange(len(y)), y]


_LOG_SOFTMAX = ("Compute log-probabilities directly with the log-sum-exp trick: "
                "log softmax(z)_c = (z_c - m) - log(sum_k exp(z_k - m)) with m the row "
                "maximum. It never takes log(0).")

def _ce_more(got: Any, expected: Any, case: Case) -> str:
    """Hints no single wrong implementation captures: one loss per example, or a
    loss far too small only on the confident wrong answer (log(p + eps), clipping)."""
    n = len(case.args[1])
    if isinstance(got, np.ndarray) and got.shape in ((n,), (n, 1)):
        return ("You returned one loss per example. The loss of the batch is their mean, "
                "a single number: float(np.mean(...)).")
    try:
        value = float(np.asarray(got).reshape(()))
    except (TypeError, ValueError):
        return ""
    if case.label == _CONFIDENT_WRONG and np.isfinite(value) and 0 < value < 0.5 * expected:
        return ("Your loss is finite but far too small: clipping the probability or adding "
                "a small epsilon before the log caps each example's loss (at 27.6 for "
                "eps = 1e-12), but logits [1000, 0] with true class 1 have loss 1000. "
                + _LOG_SOFTMAX)
    if not np.isfinite(value):
        return ("Your loss is not a finite number: exp of logits near 1000 overflows to "
                "inf (and inf / inf is nan), or a probability underflows to 0 and "
                "log(0) = -inf. " + _LOG_SOFTMAX)
    if value < 0:
        return ("A cross-entropy is never negative: log-probabilities are <= 0 and the loss "
                "is minus their mean. If you used the log-sum-exp trick, check that the "
                "max m is handled consistently: log sum_k exp(z_k) = m + log sum_k "
                "exp(z_k - m), so either shift z_c too or add m back.")
    return ""


CROSS_ENTROPY = FunctionExercise(
    name="cross_entropy",
    chapter=2,
    reference=losses.cross_entropy,
    cases=_ce_cases,
    compare=compare_number,
    diagnose_warnings=True,
    diagnose_more=_ce_more,
    error_hints=(_NAME_ERROR_HINT,),
    mistakes=(
        Mistake("sum instead of mean", lambda z, y: float(-np.sum(_ce_parts(z, y))),
                "Your loss is N times too large: it is the sum over the batch. Take the "
                "mean over the N examples, so the loss does not grow with the batch size."),
        Mistake("log(0)", lambda z, y: float(-np.mean(np.log(
                    activations.softmax(z)[np.arange(len(y)), y]))),
                "The softmax of the true class underflows to exactly 0 here, and log(0) "
                "is -inf, so your loss is inf. " + _LOG_SOFTMAX),
        Mistake("log of the logits", lambda z, y: float(-np.mean(np.log(z[np.arange(len(y)), y]))),
                "You took the log of the logits themselves. Logits are not probabilities "
                "(they can be negative, and need not sum to 1): turn them into "
                "log-probabilities with log-softmax first."),
        Mistake("sign flipped", lambda z, y: float(np.mean(_ce_parts(z, y))),
                "Your loss is negative. Log-probabilities are <= 0, so the loss is "
                "their negative mean: -mean(log p[n, y[n]])."),
        Mistake("averaged over N*C entries", lambda z, y: float(-np.mean(
                    _ce_parts(z, y)) / z.shape[1]),
                "Your loss is C times too small: you averaged over all N*C entries "
                "(for example mean(one_hot * log p)). Average over the N examples only."),
        Mistake("all classes picked", lambda z, y: float(-np.mean(
                    activations.log_softmax(z)[:, y])),
                "logp[:, y] picks the columns y for every row (an N x N array). To pick "
                "one entry per row, index with both axes: logp[np.arange(N), y]."),
        Mistake("probability, not log", lambda z, y: float(-np.mean(
                    activations.softmax(z)[np.arange(len(y)), y])),
                "You averaged the probabilities of the true classes; the loss is the "
                "mean of their negative logarithms."),
        Mistake("every class averaged", lambda z, y: float(-np.mean(activations.log_softmax(z))),
                "You averaged the log-probabilities of every class. The loss only uses "
                "each example's true class: logp[np.arange(N), y]."),
        Mistake("predicted class instead of y", lambda z, y: float(-np.mean(
                    activations.log_softmax(z).max(axis=1))),
                "You used the log-probability of the predicted class (the largest one). "
                "The loss uses the true class given by the labels: logp[np.arange(N), y]."),
        Mistake("log base 2", lambda z, y: float(-np.mean(_ce_parts(z, y)) / np.log(2)),
                "Your loss is in bits (log base 2). The book uses the natural logarithm, "
                "np.log."),
        Mistake("log base 10", lambda z, y: float(-np.mean(_ce_parts(z, y)) / np.log(10)),
                "You used log base 10. The book uses the natural logarithm, np.log."),
    ),
    hint="loss = -(1/N) * sum over n of log softmax(z_n)[y_n]: the mean negative "
         "log-probability of the true classes.",
    hints={
        "warning": "Your code emitted a RuntimeWarning (overflow, log(0) or 0/0). "
                   + _LOG_SOFTMAX,
        "exception": "logits is (N, C) and y holds N integer labels (not one-hot rows); pick "
                     "each row's true-class entry with logp[np.arange(N), y]. An error about "
                     "broadcasting (N, C) with (N,) can also mean that a row sum or max lost "
                     "its axis: use keepdims=True.",
        "mutation": "`logits -= ...` changes the caller's array; compute "
                    "`shifted = logits - logits.max(axis=1, keepdims=True)` instead.",
    },
)


# --------------------------------------------------------------------------- mlp_forward

def _params(rng: np.random.Generator, sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(rng.normal(0, np.sqrt(2 / a), size=(a, b)), rng.normal(0, 0.5, size=b))
            for a, b in zip(sizes[:-1], sizes[1:])]


def _mlp_cases() -> list[Case]:
    rng = np.random.default_rng(204)
    return [
        # Square first: with every layer 4 -> 4, layers in the wrong order
        # still run and give values the mistakes can recognise.
        Case("a 3-layer network with square layers (4 -> 4 -> 4 -> 4), batch of 5",
             (rng.normal(size=(5, 4)), _params(rng, [4, 4, 4, 4]))),
        Case("a 2-layer network (2 -> 5 -> 3), batch of 6",
             (rng.normal(size=(6, 2)), _params(rng, [2, 5, 3]))),
        Case("a single layer (3 -> 2): no ReLU at all",
             (rng.normal(size=(4, 3)), _params(rng, [3, 2]))),
        Case("a 4-layer network (3 -> 8 -> 6 -> 4 -> 2), batch of one",
             (rng.normal(size=(1, 3)), _params(rng, [3, 8, 6, 4, 2]))),
        Case("inputs of zeros (2 -> 3 -> 2)",
             (np.zeros((3, 2)), _params(rng, [2, 3, 2]))),
    ]


def _mlp_relu_last(x, params):
    h = x
    for w, b in params:
        h = np.maximum(h @ w + b, 0)
    return h


def _mlp_reversed(x, params):
    return network.mlp_forward(x, list(params)[::-1])


def _mlp_linear(x, params):
    h = x
    for w, b in params:
        h = h @ w + b
    return h


def _mlp_relu_first(x, params):
    h = x
    for w, b in params:
        h = np.maximum(h, 0) @ w + b
    return h


def _mlp_no_bias(x, params):
    return network.mlp_forward(x, [(w, np.zeros_like(b)) for w, b in params])


def _mlp_first_only(x, params):
    w, b = params[0]
    return x @ w + b


def _mlp_return_in_loop(x, params):
    w, b = params[0]
    h = x @ w + b
    return h if len(params) == 1 else np.maximum(h, 0)


def _mlp_last_skipped(x, params):
    h = x
    for w, b in list(params)[:-1]:
        h = np.maximum(h @ w + b, 0)
    return h


def _mlp_every_layer_reads_x(x, params):
    w, b = params[-1]
    return x @ w + b


def _mlp_sigmoid(x, params):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = activations.sigmoid(h)
    return h


def _mlp_softmax_last(x, params):
    return activations.softmax(network.mlp_forward(x, params))


def _mlp_more(got: Any, expected: Any, case: Case) -> str:
    if isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[0], np.ndarray):
        return ("You returned a pair, probably the (out, cache) of layers.linear_forward. "
                "mlp_forward returns only the logits: unpack with "
                "`out, _ = layers.linear_forward(h, w, b)` and return out.")
    return ""


MLP_FORWARD = FunctionExercise(
    name="mlp_forward",
    chapter=2,
    reference=network.mlp_forward,
    cases=_mlp_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("ReLU after the last layer", _mlp_relu_last,
                "No ReLU after the last layer: its outputs are logits, which may be "
                "negative (softmax turns them into probabilities later). Apply ReLU only "
                "between layers, for example `if i < len(params) - 1`."),
        Mistake("layers in the wrong order", _mlp_reversed,
                "Your layers run last-to-first. params[0] is the first layer, the one "
                "that takes x: loop over params in order."),
        Mistake("no ReLU", _mlp_linear,
                "No layer applied a ReLU, so the whole network is one linear map. "
                "Apply ReLU after every layer except the last."),
        Mistake("ReLU before each layer", _mlp_relu_first,
                "You applied ReLU to each layer's input, so the raw input x is clipped "
                "too. The order is: dense layer, then ReLU, for every layer but the last."),
        Mistake("biases forgotten", _mlp_no_bias,
                "Each layer adds its bias: h = h @ w + b."),
        Mistake("only the first layer", _mlp_first_only,
                "Only the first layer was applied. Feed each layer's output into the next "
                "one (h = relu(h @ w + b)) and return the last layer's output."),
        Mistake("returned inside the loop", _mlp_return_in_loop,
                "Your result is the first layer's output: is `return h` indented inside "
                "the loop? Return after the loop has run over every layer."),
        Mistake("last layer skipped", _mlp_last_skipped,
                "Your result is the last hidden layer: the output layer, params[-1], "
                "was never applied. Loop over params[:-1] with ReLU, then apply "
                "params[-1] without it."),
        Mistake("every layer reads x", _mlp_every_layer_reads_x,
                "Your result is the last layer applied to x itself. Each layer reads the "
                "previous layer's output: h = relu(h @ w + b), starting from h = x."),
        Mistake("sigmoid between layers", _mlp_sigmoid,
                "Your network uses the sigmoid between layers. This one uses the ReLU, "
                "np.maximum(h, 0)."),
        Mistake("softmax after the last layer", _mlp_softmax_last,
                "Your rows sum to 1: you applied the softmax. mlp_forward returns the "
                "logits, before any softmax; the loss applies it later."),
    ),
    hint="h = x; for each (w, b) in params: h = h @ w + b, then h = relu(h) unless it is "
         "the last layer. Return h (the logits).",
    diagnose_more=_mlp_more,
    error_hints=(
        ("exception", r"inhomogeneous|setting an array element with a sequence",
         "numpy was handed a tuple where it expected an array. layers.linear_forward "
         "returns a pair (out, cache): unpack it, `h, _ = layers.linear_forward(h, w, b)`, "
         "before the ReLU."),
        ("exception", r"indices must be integers",
         "Each entry of params is a tuple (w, b), not a dict: unpack it with "
         "`for w, b in params:`."),
        ("mutation", r"`params`",
         "params.pop(), params.reverse() or assigning to params[i] changes the caller's "
         "list. Read it without changing it: params[:-1] for the hidden layers and "
         "params[-1] for the last one."),
        _NAME_ERROR_HINT,
    ),
    hints={
        "exception": "A shape error usually means the layers are taken in the wrong order, "
                     "or a product is w @ h instead of h @ w. Layer i maps (N, D_i) to "
                     "(N, D_i+1): params[i][0] has shape (D_i, D_i+1).",
        "mutation": "`h = x` does not copy x, so `h += b` or `h[h < 0] = 0` changes the "
                    "caller's array. Build new arrays: h = h @ w + b; h = np.maximum(h, 0).",
    },
)


# --------------------------------------------------------------------------- he_init

_HE_SHAPES = ((300, 200), (50, 400))


def _stats_hint(std: float, fan_in: int, fan_out: int) -> str:
    """Recognise the standard deviation of a known wrong scheme."""
    known = {
        "Xavier's scale, sqrt(2 / (fan_in + fan_out))":
            ("That is Xavier (Glorot) initialisation, made for tanh and sigmoid. He "
             "initialisation, for ReLU, uses only fan_in: std = sqrt(2 / fan_in)."),
        "the variance 2 / fan_in used as the standard deviation":
            ("2 / fan_in is the variance; rng.normal takes the standard deviation, "
             "so pass np.sqrt(2 / fan_in)."),
        "sqrt(1 / fan_in)":
            ("That is LeCun's scale. He initialisation doubles the variance to make up "
             "for ReLU zeroing half its inputs: std = sqrt(2 / fan_in)."),
        "sqrt(2 / fan_out)":
            ("You used fan_out. The scale depends on how many inputs each unit sums, "
             "fan_in: std = sqrt(2 / fan_in)."),
        "the standard deviation 1 of rng.normal's default":
            ("rng.normal(size=...) has standard deviation 1; pass "
             "scale=np.sqrt(2 / fan_in)."),
        "sqrt(2) / fan_in":
            ("The square root covers the whole fraction: np.sqrt(2 / fan_in), "
             "not np.sqrt(2) / fan_in."),
        "2 / sqrt(fan_in)":
            ("The square root covers the whole fraction: np.sqrt(2 / fan_in), "
             "not 2 / np.sqrt(fan_in)."),
    }
    if std == 0:
        return ("All your weights are equal. If you wrote 2 // fan_in, that is integer "
                "division and gives 0; use 2 / fan_in. Then draw random weights: "
                "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
    values = (np.sqrt(2 / (fan_in + fan_out)), 2 / fan_in, np.sqrt(1 / fan_in),
              np.sqrt(2 / fan_out), 1.0, np.sqrt(2) / fan_in, 2 / np.sqrt(fan_in))
    for (label, hint), value in zip(known.items(), values):
        if abs(std / value - 1) < 0.05:
            return f"It matches {label}. {hint}"
    return "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))."


class HeInit(Exercise):
    """Checks ``he_init(fan_in, fan_out, rng)`` by its statistics, not its values."""

    name = "he_init"
    chapter = 2

    def _draw(self, answer: Any, fan_in: int, fan_out: int, seed: int) -> np.ndarray:
        case = Case(f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng({seed})",
                    (fan_in, fan_out))

        def with_rng(fan_in: int, fan_out: int) -> Any:
            # The generator is made here, not stored in the case: drawing from
            # it changes its state, which is not a mutation to complain about.
            return answer(fan_in, fan_out, np.random.default_rng(seed))

        try:
            w = call(with_rng, case)
        except Stop as stop:
            if stop.kind == "exception" and "data type" in stop.message:
                stop.hint = ("rng.standard_normal and rng.normal take the shape as one tuple: "
                             "size=(fan_in, fan_out). A second number is read as a dtype.")
            elif stop.kind == "exception" and "NameError" in stop.message:
                stop.hint = _NAME_ERROR
            elif stop.kind == "exception" and not stop.hint:
                stop.hint = ("Draw with the generator you are given: "
                             "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
            elif stop.kind == "warning" and not stop.hint:
                stop.hint = ("Your code divided by zero or overflowed for these sizes. "
                             "Draw the weights with the scale given, without rescaling "
                             "them by their own mean or standard deviation: "
                             "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
            raise
        where = f"With {case.label}"
        if not isinstance(w, np.ndarray):
            fail(f"{where}, your result is {kind_of(w)}, expected an array of shape "
                 f"{(fan_in, fan_out)}.",
                 "Return the numpy array that rng.normal(...) gives you.")
        if w.shape != (fan_in, fan_out):
            hint = ("Weights are (fan_in, fan_out) so that x @ w works with x of shape "
                    "(N, fan_in)." if w.shape == (fan_out, fan_in) else
                    "Pass size=(fan_in, fan_out) to rng.normal.")
            fail(f"{where}, your weights have shape {w.shape}, expected {(fan_in, fan_out)}.",
                 hint)
        if w.dtype.kind != "f":
            fail(f"{where}, your weights have dtype {w.dtype}, expected floating point.",
                 "Random normal weights are floats; do not round or cast them to int.")
        if not np.all(np.isfinite(w)):
            fail(f"{where}, your weights contain NaN or inf.",
                 "std = np.sqrt(2 / fan_in) is finite for every fan_in >= 1.")
        return w

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        for fan_in, fan_out in _HE_SHAPES:
            w = self._draw(answer, fan_in, fan_out, seed=0)
            target = np.sqrt(2 / fan_in)
            mean, std = float(w.mean()), float(w.std())
            where = f"With fan_in={fan_in} and fan_out={fan_out}"
            if abs(mean) > 6 * target / np.sqrt(w.size):
                fail(f"{where}, your weights have mean {mean:.4g}; He weights have mean 0.",
                     "Draw from a normal distribution centred at 0: rng.normal(0.0, std, ...).")
            if abs(std / target - 1) > 0.05:
                fail(f"{where}, the standard deviation of your weights is {std:.4g}, "
                     f"expected sqrt(2 / {fan_in}) = {target:.4g}.",
                     _stats_hint(std, fan_in, fan_out))
            kurtosis = float(np.mean((w - mean) ** 4) / std**4)
            if abs(kurtosis - 3) > 0.3:
                fail(f"{where}, your weights do not look normally distributed "
                     f"(kurtosis {kurtosis:.2f}, a normal distribution has 3).",
                     "Use the values of rng.normal as they come: not rng.uniform or "
                     "rng.integers, and without clipping or rescaling them.")
        self._check_rng(answer)
        self._draw(answer, 1, 1, seed=3)
        return ("Shapes (300, 200), (50, 400) and (1, 1) are right, the weights have mean 0, "
                "standard deviation sqrt(2 / fan_in) and a normal shape, and they come "
                "from the rng you pass.")

    def _check_rng(self, answer: Any) -> None:
        first = self._draw(answer, 20, 10, seed=7)
        again = self._draw(answer, 20, 10, seed=7)
        if not np.array_equal(first, again):
            fail("Two calls with np.random.default_rng(7) gave different weights: your "
                 "function is not reproducible.",
                 "Draw every random number from the `rng` argument (rng.normal(...)), not "
                 "from np.random.normal or a generator you create inside the function.")
        other = self._draw(answer, 20, 10, seed=8)
        if np.array_equal(first, other):
            fail("Calls with np.random.default_rng(7) and np.random.default_rng(8) gave "
                 "the same weights: your function ignores its `rng` argument.",
                 "Do not create a new generator inside the function (such as "
                 "np.random.default_rng(0)); use the `rng` you are given.")


# The reference implementation, for tests and for readers of this module.
HE_INIT_REFERENCE = init.he_init

EXERCISES = (LINEAR_FORWARD, SOFTMAX, CROSS_ENTROPY, MLP_FORWARD, HeInit())
