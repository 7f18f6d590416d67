"""Checks for chapter 5, *Regularization*: l2_penalty, dropout_forward,
dropout_backward and early_stopping_epoch.

``l2_penalty`` and ``early_stopping_epoch`` are deterministic and compared
with the ``course_lib`` reference. The two dropout exercises are random, so
their checks look at what any correct implementation must satisfy: the
fraction of entries dropped, the scale of the kept ones, that evaluation
mode is the identity, that the same generator state gives the same mask and
that the backward pass reuses the mask stored in the cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import gradcheck, layers, regularization
from course_lib.exercises.compare import (
    compare_arrays,
    compare_int,
    compare_number,
    compare_tuple,
    kind_of,
)
from course_lib.exercises.probe import Case, Stop, call, fail, quietly
from course_lib.exercises.spec import Exercise, FunctionExercise, Mistake, require_callable

# --------------------------------------------------------------------------- l2_penalty


def _compare_grad_list(got: Any, expected: list, what: str = "`grads`") -> str | None:
    """Compare a list of gradient arrays, one per weight matrix."""
    if isinstance(got, np.ndarray):
        return (f"{what} is a single array of shape {got.shape}; expected a list with one "
                f"gradient array per weight matrix ({len(expected)} of them), "
                "such as [lam * w for w in weights]")
    if not isinstance(got, (list, tuple)):
        return f"{what} is {kind_of(got)}, expected a list of {len(expected)} arrays"
    if len(got) != len(expected):
        return (f"{what} has {len(got)} entries, expected {len(expected)}: "
                "one gradient per weight matrix")
    for i, (g, e) in enumerate(zip(got, expected)):
        problem = compare_arrays(g, e, what=f"`grads[{i}]`")
        if problem:
            return problem
    return None


def _compare_penalty(got: Any, expected: float, what: str = "`penalty`") -> str | None:
    """Compare the penalty, naming a list of per-layer penalties for what it is."""
    if isinstance(got, (list, tuple)) and got and all(
            isinstance(g, (int, float, np.number)) or (isinstance(g, np.ndarray) and g.size == 1)
            for g in got):
        return (f"{what} is a list of {len(got)} numbers, one per weight array; expected "
                f"their total, a single number like {expected:.6g}: add the layers' "
                "penalties together")
    return compare_number(got, expected, what=what)


_compare_l2_parts = compare_tuple(("penalty", "grads"), (_compare_penalty, _compare_grad_list))


def _compare_l2(got: Any, expected: tuple) -> str | None:
    if (isinstance(got, (tuple, list)) and len(got) == 2
            and isinstance(got[0], (list, tuple)) and got[0]
            and all(isinstance(g, np.ndarray) and g.size > 1 for g in got[0])
            and _compare_penalty(got[1], expected[0]) is None):
        return ("your function returned (grads, penalty); the order is (penalty, grads): "
                "return penalty, grads")
    return _compare_l2_parts(got, expected)


def _sum_squares(weights: list) -> float:
    return sum(float(np.sum(np.square(w))) for w in weights)


def _l2_cases() -> list[Case]:
    rng = np.random.default_rng(501)
    return [
        Case("two layers, weights of shapes (3, 4) and (4, 2), lam = 0.1",
             ([rng.normal(size=(3, 4)), rng.normal(size=(4, 2))], 0.1)),
        Case("one weight matrix of shape (1, 5) in a list, lam = 0.5",
             ([rng.normal(size=(1, 5))], 0.5)),
        Case("lam = 0 (no regularization), shapes (2, 3) and (3, 3)",
             ([rng.normal(size=(2, 3)), rng.normal(size=(3, 3))], 0.0)),
        Case("all-zero weights of shapes (4, 3) and (3, 1), lam = 0.01",
             ([np.zeros((4, 3)), np.zeros((3, 1))], 0.01)),
        Case("large weights (around 1000) of shapes (2, 2) and (2, 3), lam = 1e-4",
             ([rng.normal(0, 1000, size=(2, 2)), rng.normal(0, 1000, size=(2, 3))], 1e-4)),
        Case("three layers of shapes (5, 3), (3, 3), (3, 2), lam = 2.0",
             ([rng.normal(size=(5, 3)), rng.normal(size=(3, 3)),
               rng.normal(size=(3, 2))], 2.0)),
    ]


def _l2_gradient_check(answer: Any) -> None:
    """The returned grads must be the gradient of the returned penalty."""
    rng = np.random.default_rng(502)
    weights = [rng.normal(size=(3, 2)), rng.normal(size=(2, 2))]
    lam = 0.3
    _, grads = answer([w.copy() for w in weights], lam)
    for i in range(len(weights)):
        def f(w: np.ndarray, i: int = i) -> float:
            trial = [v.copy() for v in weights]
            trial[i] = w
            return float(answer(trial, lam)[0])

        numeric = gradcheck.numerical_gradient(f, weights[i].copy())
        error = gradcheck.relative_error(np.asarray(grads[i], dtype=float), numeric)
        if error > 1e-6:
            fail(f"The numerical gradient check failed for weights[{i}]: the relative "
                 f"error between your grads and central differences of your penalty is "
                 f"{error:.2g} (a correct pair gives below 1e-6).",
                 "The gradient of 0.5 * lam * sum(w**2) with respect to w is lam * w.")


L2_PENALTY = FunctionExercise(
    name="l2_penalty",
    chapter=5,
    reference=regularization.l2_penalty,
    cases=_l2_cases,
    compare=_compare_l2,
    mistake_match="every_case",
    mistakes=(
        Mistake("factor 0.5 dropped",
                lambda ws, lam: (lam * _sum_squares(ws), [2 * lam * w for w in ws]),
                "Your penalty is lam * sum(w**2) and your gradient 2 * lam * w: the factor "
                "0.5 is missing. The course's L2 penalty is 0.5 * lam * sum(w**2), chosen so "
                "that its gradient is simply lam * w."),
        Mistake("0.5 dropped in the penalty only",
                lambda ws, lam: (lam * _sum_squares(ws), [lam * w for w in ws]),
                "Your gradients are right but the penalty is twice too large: it is "
                "0.5 * lam * sum(w**2), with the factor 0.5."),
        Mistake("gradient 2 lam W",
                lambda ws, lam: (0.5 * lam * _sum_squares(ws), [2 * lam * w for w in ws]),
                "Your penalty is right but the gradients are twice too large: the 0.5 "
                "cancels the 2 from differentiating w**2, so the gradient is lam * w."),
        Mistake("L1 instead of L2",
                lambda ws, lam: (lam * sum(float(np.sum(np.abs(w))) for w in ws),
                                 [lam * np.sign(w) for w in ws]),
                "This is the L1 penalty, lam * sum(|w|) with gradient lam * sign(w). "
                "L2 squares the weights: 0.5 * lam * sum(w**2), gradient lam * w."),
        Mistake("half L1",
                lambda ws, lam: (0.5 * lam * sum(float(np.sum(np.abs(w))) for w in ws),
                                 [lam * w for w in ws]),
                "Your penalty sums absolute values |w| (that is L1): square the weights, "
                "0.5 * lam * sum(w**2)."),
        Mistake("norm not squared",
                lambda ws, lam: (0.5 * lam * sum(float(np.linalg.norm(w)) for w in ws),
                                 [lam * w for w in ws]),
                "np.linalg.norm(w) is the square root of sum(w**2). The penalty uses the "
                "squared norm: np.sum(w**2), or np.linalg.norm(w)**2."),
        Mistake("last layer only",
                lambda ws, lam: (0.5 * lam * float(np.sum(np.square(ws[-1]))),
                                 [lam * w for w in ws]),
                "Your penalty counts only the last weight array. In a loop, add each "
                "layer's sum of squares to a running total (total += np.sum(w ** 2)) "
                "instead of assigning it (total = ...), which keeps only the last one."),
        Mistake("first layer only",
                lambda ws, lam: (0.5 * lam * float(np.sum(np.square(ws[0]))),
                                 [lam * w for w in ws]),
                "Your penalty counts only the first weight array (did the loop return "
                "early?). Add up the sums of squares of every array in weights, then "
                "return."),
        Mistake("gradient without lam",
                lambda ws, lam: (0.5 * lam * _sum_squares(ws), [np.array(w, copy=True)
                                                                for w in ws]),
                "Your penalty is right, but your gradients are the weights themselves: "
                "the derivative of 0.5 * lam * w**2 is lam * w, so multiply by lam."),
        Mistake("mean instead of sum",
                lambda ws, lam: (0.5 * lam * sum(float(np.mean(w * w)) for w in ws),
                                 [lam * w for w in ws]),
                "Your penalty averages the squared weights (np.mean); it sums them: "
                "0.5 * lam * sum over every weight of w**2."),
    ),
    hint="penalty = 0.5 * lam * (sum of w**2 over every entry of every array in weights); "
         "grads = [lam * w for w in weights].",
    hints={
        "exception": "weights is a list of arrays, one per layer, and their shapes differ, "
                     "so np.sum(weights) or weights ** 2 cannot treat it as one array. "
                     "Loop over it (for w in weights: ...) and add up every entry of each "
                     "array with np.sum(w ** 2); Python's built-in sum(w ** 2) adds the "
                     "rows of a matrix and leaves an array.",
        "mutation": "Build new arrays (lam * w) instead of changing the weights in place "
                    "(w *= lam changes the network's weights).",
    },
    extra_checks=(_l2_gradient_check,),
)

# --------------------------------------------------------------------------- dropout_forward


def _run(answer: Any, case: Case, hints: dict[str, str]) -> Any:
    """``probe.call`` with a hint attached to errors, by kind.

    An exception about the truth value of an array gets ``hints["truth value"]``
    when there is one.
    """
    try:
        return call(answer, case)
    except Stop as stop:
        if (stop.kind == "exception" and "truth value" in stop.message
                and "truth value" in hints):
            stop.hint = hints["truth value"]
        if not stop.hint and stop.kind in hints:
            stop.hint = hints[stop.kind]
        raise


def _out_and_cache(result: Any, x: np.ndarray, case: Case) -> tuple[np.ndarray, Any]:
    """Unpack ``(out, cache)`` and check ``out`` is a finite float array like ``x``."""
    if not isinstance(result, (tuple, list)):
        fail(f"On {case.label}, your function returned {kind_of(result)}; "
             "expected a pair (out, cache).",
             "End with `return out, cache`, where cache = layers.DropoutCache(mask, p).")
    if len(result) != 2:
        fail(f"On {case.label}, your function returned {len(result)} values; "
             "expected 2: (out, cache).")
    out, cache = result
    if not isinstance(out, np.ndarray):
        fail(f"On {case.label}, `out` is {kind_of(out)}; expected an array of shape {x.shape}.")
    if out.shape != x.shape:
        fail(f"On {case.label}, `out` has shape {out.shape}; expected {x.shape}, the shape of x.",
             "Draw one random number per entry of x: rng.random(x.shape).")
    if out.dtype.kind != "f":
        fail(f"On {case.label}, `out` has dtype {out.dtype}; expected floating point. "
             "Multiply x by the mask rather than building an integer array.")
    if not np.all(np.isfinite(out)):
        fail(f"On {case.label}, `out` contains NaN or inf.",
             "Check the scale 1 / (1 - p): it is finite because p < 1.")
    return out, cache


_FORWARD_HINTS = {
    "exception": "Use rng.random(x.shape) to draw one uniform number per entry; `training` "
                 "is a bool, and x can have any shape.",
    "mutation": "Return a new array (out = x * mask); x *= mask changes the caller's "
                "activations.",
}


def _with_rng(answer: Any, seed: int) -> Any:
    """``answer`` with a fresh ``default_rng(seed)`` as its last argument.

    The generator is made at call time, so every call starts from the same
    state, and it is not an argument of the probed call, whose mutation
    check would otherwise see the generator's state advance.
    """
    def dropout_forward(x: np.ndarray, p: float, training: bool) -> Any:
        return answer(x, p, training, np.random.default_rng(seed))
    return dropout_forward


def _forward_out(answer: Any, x: np.ndarray, p: float, training: bool, seed: int,
                 label: str) -> tuple:
    case = Case(label, (x, p, training))
    result = _run(_with_rng(answer, seed), case, _FORWARD_HINTS)
    out, cache = _out_and_cache(result, x, case)
    return case, out, cache


def _training_out(answer: Any, x: np.ndarray, p: float, seed: int, label: str) -> tuple:
    return _forward_out(answer, x, p, True, seed, label)


def _check_training_statistics(answer: Any) -> None:
    rng = np.random.default_rng(511)
    p = 0.2
    x = rng.uniform(0.5, 2.0, size=(200, 250))
    case, out, cache = _training_out(answer, x, p, 7, "a 200x250 batch in training mode, p = 0.2")
    dropped = out == 0
    fraction = float(dropped.mean())
    if abs(fraction - (1 - p)) < 0.02:
        fail(f"On {case.label}, {fraction:.1%} of the entries were dropped, but p = {p} is "
             f"the probability of dropping, so about {p:.0%} should be.",
             "p is the DROP probability: keep an entry when rng.random(x.shape) >= p "
             "(that happens with probability 1 - p), and scale kept entries by 1 / (1 - p).")
    if abs(fraction - p) > 0.02:
        fail(f"On {case.label}, {fraction:.1%} of the entries were dropped (set to 0); "
             f"expected about {p:.0%}.",
             "Drop each entry independently with probability p: "
             "mask = rng.random(x.shape) >= p keeps it with probability 1 - p.")
    if np.all(dropped == dropped[0]):
        fail(f"On {case.label}, every row has the same entries dropped.",
             "Draw one random number per entry, rng.random(x.shape), not one per column: "
             "each example gets its own mask.")
    if np.all(dropped == dropped[:, :1]):
        fail(f"On {case.label}, whole rows are dropped or kept: within each example "
             "either every entry is zero or none is.",
             "Draw one random number per entry, rng.random(x.shape), not one per example "
             "(rng.random((N, 1))): each unit is dropped independently.")
    ratio = out[~dropped] / x[~dropped]
    scales = {1.0: "no rescaling in training",
              1 - p: "multiplied by 1 - p",
              1 / p: "divided by p"}
    if not np.allclose(ratio, 1 / (1 - p)):
        for scale, label in scales.items():
            if np.allclose(ratio, scale):
                hints = {
                    "no rescaling in training":
                        "Kept entries are unchanged. Inverted dropout scales them by "
                        "1 / (1 - p) in training, so that the expected value of out is x "
                        "and nothing needs to change at evaluation.",
                    "multiplied by 1 - p":
                        "Kept entries are multiplied by 1 - p; inverted dropout divides "
                        "them by 1 - p (scales them up), so E[out] = x.",
                    "divided by p":
                        "Kept entries are divided by p; the keep probability is 1 - p, so "
                        "divide by 1 - p.",
                }
                fail(f"On {case.label}, kept entries are x times {scale:.4g}; expected x "
                     f"times 1 / (1 - p) = {1 / (1 - p):.4g}.", hints[label])
        worst = int(np.argmax(np.abs(ratio - 1 / (1 - p))))
        fail(f"On {case.label}, kept entries should be x / (1 - p) = 1.25 x; one is "
             f"{ratio[worst]:.4g} x.",
             "out = x * mask, with mask = (rng.random(x.shape) >= p) / (1 - p).")
    _check_cache(cache, x, out, p, case)


def _check_cache(cache: Any, x: np.ndarray, out: np.ndarray, p: float, case: Case) -> None:
    hint = ("Return cache = layers.DropoutCache(mask, p), where mask is the scaled mask "
            "(entries 0 or 1 / (1 - p)) so that out == x * mask; dropout_backward reads it.")
    if not isinstance(cache, tuple) or len(cache) != 2:
        fail(f"On {case.label}, the cache is {kind_of(cache)}; expected DropoutCache(mask, p).",
             hint)
    mask = cache[0]
    if isinstance(cache[1], np.ndarray) and cache[1].shape == x.shape and not isinstance(
            mask, np.ndarray):
        fail(f"On {case.label}, cache.mask is {kind_of(mask)} and cache.p is an array: "
             "the two fields are swapped.",
             "The mask comes first: layers.DropoutCache(mask, p).")
    if not isinstance(mask, np.ndarray) or mask.shape != x.shape:
        fail(f"On {case.label}, cache.mask is {kind_of(mask)}; expected an array of shape "
             f"{x.shape}.", hint)
    if not np.allclose(x * mask, out):
        if np.allclose(x * mask / (1 - p), out):
            fail(f"On {case.label}, cache.mask holds the unscaled 0/1 mask.",
                 "Store the scaled mask, (rng.random(x.shape) >= p) / (1 - p), so that "
                 "out == x * mask and the backward pass can use it as it is.")
        fail(f"On {case.label}, out is not x * cache.mask.", hint)
    if not np.isclose(float(cache[1]), p):
        fail(f"On {case.label}, cache.p is {cache[1]!r}; expected p = {p}.", hint)


def _check_reproducible(answer: Any) -> None:
    x = np.random.default_rng(512).normal(size=(20, 30))
    _, first, _ = _training_out(answer, x, 0.5, 3, "a 20x30 batch with rng = default_rng(3)")
    _, again, _ = _training_out(answer, x, 0.5, 3, "the same batch with a fresh default_rng(3)")
    if not np.array_equal(first, again):
        fail("Two calls with generators in the same state, np.random.default_rng(3), "
             "dropped different entries.",
             "Draw the mask from the `rng` argument (rng.random(x.shape)), not from "
             "np.random.rand or np.random.random: the rng makes runs reproducible.")
    _, other, _ = _training_out(answer, x, 0.5, 4, "the same batch with rng = default_rng(4)")
    if np.array_equal(first, other):
        fail("Calls with different generators (default_rng(3) and default_rng(4)) dropped "
             "exactly the same entries.",
             "Use the `rng` you are given (rng.random(x.shape)); do not create your own "
             "generator with a fixed seed inside the function.")


def _check_evaluation(answer: Any) -> None:
    x = np.random.default_rng(513).normal(size=(4, 5))
    p = 0.5
    case, out, cache = _forward_out(answer, x, p, False, 5,
                                    "a 4x5 batch in evaluation mode (training=False), p = 0.5")
    if np.allclose(out, x):
        if not isinstance(cache, tuple) or len(cache) != 2:
            what = "None" if cache is None else kind_of(cache)
            fail(f"On {case.label}, the cache is {what}; expected "
                 "DropoutCache(None, p).",
                 "In evaluation mode return x, layers.DropoutCache(None, p): "
                 "dropout_backward reads cache.mask and needs the cache even then.")
        mask = cache[0]
        if not (mask is None or (isinstance(mask, np.ndarray) and np.allclose(mask, 1.0))):
            fail(f"On {case.label}, cache.mask is {kind_of(mask)}; in evaluation mode it "
                 "should be None (dropout did nothing).",
                 "In evaluation mode return x, layers.DropoutCache(None, p).")
        return
    if np.any((out == 0) & (x != 0)):
        hint = ("With training=False dropout must do nothing: return x unchanged (and "
                "DropoutCache(None, p)). Dropping units is for training only.")
    elif np.allclose(out, x / (1 - p)):
        hint = ("In evaluation mode you scaled x by 1 / (1 - p). Inverted dropout already "
                "scaled the kept units in training, so evaluation is the identity: out = x.")
    elif np.allclose(out, x * (1 - p)):
        hint = ("Multiplying by 1 - p at evaluation belongs to the original (non-inverted) "
                "dropout. Inverted dropout scales by 1 / (1 - p) in training, so evaluation "
                "is the identity: out = x.")
    else:
        hint = "With training=False, dropout is the identity: out = x."
    fail(f"On {case.label}, out should equal x, but {compare_arrays(out, x)}.", hint)


def _check_edge_cases(answer: Any) -> None:
    rng = np.random.default_rng(514)
    x = rng.normal(size=(3, 4))
    case, out, _ = _training_out(answer, x, 0.0, 6, "p = 0 in training mode (nothing dropped)")
    problem = compare_arrays(out, x, what="`out`")
    if problem:
        fail(f"On {case.label}, {problem}.",
             "With p = 0 every entry is kept and scaled by 1 / (1 - 0) = 1. Keep an entry "
             "when rng.random(...) >= p (random numbers can be exactly 0).")
    x3 = rng.uniform(0.5, 2.0, size=(2, 3, 4))
    case, out, _ = _training_out(answer, x3, 0.5, 8, "a 2x3x4 array in training mode, p = 0.5")
    if not np.all(np.isclose(out, 0) | np.isclose(out, 2 * x3)):
        fail(f"On {case.label}, every entry of out should be 0 or x / (1 - p) = 2x.",
             "mask = (rng.random(x.shape) >= p) / (1 - p) works for any shape of x.")
    x1 = rng.uniform(0.5, 2.0, size=(1, 6))
    _training_out(answer, x1, 0.3, 9, "a batch of one (shape (1, 6)), p = 0.3")


class DropoutForward(Exercise):
    """``dropout_forward(x, p, training, rng) -> (out, cache)``: inverted dropout."""

    name = "dropout_forward"
    chapter = 5

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        _check_training_statistics(answer)
        _check_evaluation(answer)
        _check_reproducible(answer)
        _check_edge_cases(answer)
        return ("Passed: about p of the entries are dropped and the kept ones are scaled "
                "by 1 / (1 - p); evaluation mode is the identity; the mask comes from rng "
                "(same state, same mask); p = 0, a 3-d input and a batch of one work.")


# --------------------------------------------------------------------------- dropout_backward


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(521)

    def case(label: str, shape: tuple, p: float, training: bool, seed: int) -> Case:
        x = rng.normal(size=shape)
        _, cache = layers.dropout_forward(x, p, training, np.random.default_rng(seed))
        return Case(label, (rng.normal(size=shape), cache))

    return [
        case("a 4x6 batch, p = 0.5", (4, 6), 0.5, True, 1),
        case("a 5x3 batch, p = 0.8 (kept entries scaled by 5)", (5, 3), 0.8, True, 2),
        case("a 2x3x4 array, p = 0.3", (2, 3, 4), 0.3, True, 3),
        case("a batch of one (shape (1, 7)), p = 0.25", (1, 7), 0.25, True, 4),
        case("evaluation mode (cache.mask is None), p = 0.5", (3, 4), 0.5, False, 5),
    ]


_BACKWARD_HINTS = {
    "exception": "cache is the DropoutCache(mask, p) returned by dropout_forward: "
                 "read cache.mask (the scaled mask) and cache.p. In evaluation mode "
                 "cache.mask is None, because dropout was the identity: then dx = dout.",
    "truth value": "Test for evaluation mode with `if cache.mask is None:`. "
                   "`if not cache.mask` and `if cache.mask == None` look at every entry "
                   "of the mask array when there is one, and Python cannot turn that "
                   "into a single True or False.",
    "mutation": "Return a new array (dout * mask); dout *= mask changes the caller's array.",
    "warning": "Multiply dout by the mask; dividing by it divides by zero where an entry "
               "was dropped.",
}


class DropoutBackward(Exercise):
    """``dropout_backward(dout, cache) -> dx``, reusing the forward pass's mask."""

    name = "dropout_backward"
    chapter = 5

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = _backward_cases()
        for case in cases:
            dout, cache = case.fresh_args()[0]
            expected = layers.dropout_backward(dout, cache)
            got = _run(answer, case, _BACKWARD_HINTS)
            if isinstance(got, tuple) and got and isinstance(got[0], np.ndarray):
                fail(f"On {case.label}, your function returned a tuple of {len(got)} "
                     "values; dropout_backward returns dx alone, an array of shape "
                     f"{dout.shape}.",
                     "Dropout has no parameters, so there is nothing else to return: "
                     "return dout * cache.mask (or dout in evaluation mode).")
            problem = compare_arrays(got, expected, what="dx")
            if problem:
                fail(f"On {case.label}, {problem}.", self._diagnose(answer, case, got))
        self._gradient_check(answer)
        labels = "; ".join(case.label for case in cases)
        return (f"All {len(cases)} cases passed and the numerical gradient check agrees: "
                f"{labels}.")

    @staticmethod
    def _diagnose(answer: Any, case: Case, got: Any) -> str:
        dout, cache = case.args
        if cache.mask is None:
            return "In evaluation mode dropout was the identity, so dx = dout."
        again = quietly(answer, dout, cache)
        fresh = ("The mask must be the one the forward pass used, stored in cache.mask. "
                 "A freshly drawn mask drops different units than the forward pass did, "
                 "so the gradient flows to the wrong ones.")
        if isinstance(got, np.ndarray) and isinstance(again, np.ndarray) and (
                got.shape == again.shape and not np.array_equal(got, again)):
            return fresh + " (Two calls with the same cache returned different dx.)"
        mask, p = cache.mask, cache.p
        if isinstance(got, np.ndarray) and got.shape == mask.shape:
            if np.allclose(got, dout * (mask != 0)):
                return ("You forgot the rescale: the forward pass multiplied kept entries "
                        "by 1 / (1 - p), so the gradient is scaled the same way. "
                        "cache.mask already holds the scaled mask: dx = dout * cache.mask.")
            if np.allclose(got, dout * mask / (1 - p)):
                return ("You scaled twice: cache.mask already includes the factor "
                        "1 / (1 - p), so dx = dout * cache.mask.")
            if np.allclose(got, dout):
                return ("dx equals dout: the dropped units received no output, so they get "
                        "no gradient either; multiply by the mask.")
            if np.any((got != 0) & (mask == 0)) or np.any((got == 0) & (mask != 0) & (dout != 0)):
                return fresh
        return "dx = dout * cache.mask: the same scaled mask as in the forward pass."

    @staticmethod
    def _gradient_check(answer: Any) -> None:
        x = np.random.default_rng(522).normal(size=(3, 5))

        def forward(x: np.ndarray) -> tuple:
            return layers.dropout_forward(x, 0.4, True, np.random.default_rng(11))

        try:
            errors = gradcheck.check_backward(forward, answer, {"x": x},
                                              np.random.default_rng(523))
        except Exception as exc:  # the learner's code passed the cases; report, never raise
            fail(f"The numerical gradient check could not run your function: "
                 f"{type(exc).__name__}: {exc}.")
        if errors["x"] > 1e-7:
            fail(f"The numerical gradient check failed: relative error {errors['x']:.2g} "
                 "between your dx and central differences of the forward pass.",
                 "dx = dout * cache.mask.")


# --------------------------------------------------------------------------- early stopping


def _stopped_epoch(losses: Any, patience: int) -> int:
    """Mistake: the epoch at which training stopped."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return len(losses) - 1


def _best_with(losses: Any, patience: int, *, stop_after: int, ties: bool = False) -> int:
    """Early stopping that stops after ``stop_after`` non-improving epochs."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        better = losses[epoch] <= losses[best] if ties else losses[epoch] < losses[best]
        if better:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= stop_after:
                break
    return best


def _epoch_zero_counted(losses: Any, patience: int) -> int:
    """Mistake: the loop starts at epoch 0 and compares it with itself."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


def _versus_previous(losses: Any, patience: int) -> int:
    """Mistake: an epoch "improves" when it beats the previous epoch, not the best."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[epoch - 1]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


def _counter_not_reset(losses: Any, patience: int) -> int:
    """Mistake: every non-improving epoch counts, not only those in a row."""
    losses = list(losses)
    best, bad = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best = epoch
        else:
            bad += 1
            if bad >= patience:
                break
    return best


def _last_if_never_stopped(losses: Any, patience: int) -> int:
    """Mistake: the last epoch returned when training runs to the end."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best
    return len(losses) - 1


def _best_loss(losses: Any, patience: int) -> float:
    """Mistake: the best loss returned instead of its epoch."""
    return float(list(losses)[regularization.early_stopping_epoch(losses, patience)])


def _compare_epoch(got: Any, expected: Any, what: str = "your result") -> str | None:
    """An epoch index is compared exactly; a mistake that returns a loss, as a number."""
    if isinstance(expected, float):
        return compare_number(got, expected, what=what)
    return compare_int(got, expected, what=what)


def _early_cases() -> list[Case]:
    rng = np.random.default_rng(531)
    epochs = np.arange(40)
    u_shape = 0.3 + 0.002 * (epochs - 15) ** 2 + 0.03 * rng.standard_normal(40)
    return [
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.5], patience = 2",
             ([1.0, 0.8, 0.9, 0.95, 0.5], 2)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.5], patience = 3",
             ([1.0, 0.8, 0.9, 0.95, 0.5], 3)),
        Case("val_losses = [1.0, 0.9, 0.95, 0.3], patience = 1",
             ([1.0, 0.9, 0.95, 0.3], 1)),
        Case("val_losses = [1.0, 0.7, 0.8, 0.75, 0.72, 0.6], patience = 3",
             ([1.0, 0.7, 0.8, 0.75, 0.72, 0.6], 3)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.99, 0.5], patience = 2",
             ([1.0, 0.8, 0.9, 0.95, 0.99, 0.5], 2)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.7], patience = 2",
             ([1.0, 0.8, 0.9, 0.7], 2)),
        Case("a loss that improves every epoch, [0.9, 0.7, 0.6, 0.55], patience = 1",
             ([0.9, 0.7, 0.6, 0.55], 1)),
        Case("a single epoch, [0.5], patience = 3", ([0.5], 3)),
        Case("training that never stops although the last epoch is not the best: "
             "[1.0, 0.6, 0.7, 0.65], patience = 5", ([1.0, 0.6, 0.7, 0.65], 5)),
        Case("ties: [1.0, 0.7, 0.7, 0.7, 0.6], patience = 2 (equal is not better)",
             ([1.0, 0.7, 0.7, 0.7, 0.6], 2)),
        Case("a noisy U-shaped numpy array of 40 epochs, patience = 5",
             (u_shape, 5)),
        Case("the same 40 epochs, patience = 10", (u_shape, 10)),
    ]


# Two mistakes can agree on the case that fails first (stopping one epoch late
# and the argmin over every epoch both give 4 on one list): a mistake is named
# only if it explains every case.
EARLY_STOPPING_EPOCH = FunctionExercise(
    name="early_stopping_epoch",
    chapter=5,
    reference=regularization.early_stopping_epoch,
    cases=_early_cases,
    compare=_compare_epoch,
    mistake_match="every_case",
    mistakes=(
        Mistake("returned the stopping epoch", _stopped_epoch,
                "You returned the epoch at which training stopped. Early stopping keeps "
                "the parameters of the BEST epoch seen so far (the lowest validation "
                "loss), which is `patience` epochs earlier."),
        Mistake("patience off by one (one epoch too late)",
                lambda losses, patience: _best_with(losses, patience, stop_after=patience + 1),
                "Patience is off by one: you waited patience + 1 epochs without improvement. "
                "Training stops as soon as `patience` epochs in a row fail to improve "
                "(with patience = 1, the first epoch that is not better stops it)."),
        Mistake("patience off by one (one epoch too early)",
                lambda losses, patience: _best_with(losses, patience,
                                                    stop_after=max(patience - 1, 1)),
                "Patience is off by one: you stopped after patience - 1 epochs without "
                "improvement. Count only the epochs that fail to improve, and stop when "
                "that count reaches `patience`."),
        Mistake("argmin over every epoch",
                lambda losses, patience: int(np.argmin(losses)),
                "You returned the best epoch of the whole run. Early stopping cannot see "
                "the future: it stops once `patience` epochs in a row fail to improve, "
                "and returns the best epoch seen up to then."),
        Mistake("ties count as improvement",
                lambda losses, patience: _best_with(losses, patience, stop_after=patience,
                                                    ties=True),
                "An epoch improves only if its loss is strictly lower than the best so far; "
                "an equal loss counts as a non-improving epoch (use <, not <=)."),
        Mistake("epoch 0 compared with itself", _epoch_zero_counted,
                "Your loop counts epoch 0 as an epoch without improvement (it is not "
                "lower than itself). Epoch 0 is simply the first best: start the loop at "
                "epoch 1, or start the best loss at infinity."),
        Mistake("compared with the previous epoch", _versus_previous,
                "An epoch improves only if its loss is lower than the BEST loss so far, "
                "not lower than the previous epoch's: a small recovery after a bad epoch "
                "is still worse than the best. Compare with val_losses[best]."),
        Mistake("counter not reset", _counter_not_reset,
                "Patience counts non-improving epochs IN A ROW: reset the counter to 0 "
                "whenever an epoch improves on the best. Your counter keeps adding up "
                "every non-improving epoch of the run."),
        Mistake("last epoch when training never stops", _last_if_never_stopped,
                "When patience is never used up, training runs to the end, and early "
                "stopping still keeps the best epoch seen, which need not be the last "
                "one: return the best epoch, not len(val_losses) - 1."),
        Mistake("returned the loss", _best_loss,
                "You returned the best validation loss itself; the exercise asks for its "
                "index, the epoch number (from 0) at which that loss was reached."),
        Mistake("counted from 1",
                lambda losses, patience: regularization.early_stopping_epoch(
                    losses, patience) + 1,
                "Epochs are numbered from 0 (index into val_losses); you are one too high."),
    ),
    hint="Keep the best epoch so far and a counter of epochs without improvement; reset the "
         "counter when an epoch is strictly better, stop when it reaches patience, and "
         "return the best epoch.",
    hints={
        "mutation": "Do not sort or change val_losses; read it.",
    },
)

EXERCISES = (L2_PENALTY, DropoutForward(), DropoutBackward(), EARLY_STOPPING_EPOCH)
