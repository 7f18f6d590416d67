"""Chapter 5 checks: dropout_forward."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import layers
from course_lib.exercises.compare import (
    compare_arrays,
    kind_of,
)
from course_lib.exercises.probe import Case, call, fail, rng_rule
from course_lib.exercises.spec import Exercise, require_callable


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


def _forward_out(answer: Any, x: np.ndarray, p: float, training: bool, seed: int,
                 label: str) -> tuple:
    """Call ``answer(x, p, training, rng)`` with a fresh ``default_rng(seed)``.

    The case holds the generator; every call gets a copy in that state
    (``Case.fresh_args``), so equal seeds give equal draws.
    """
    case = Case(label, (x, p, training, np.random.default_rng(seed)))
    result = call(answer, case, hints=_FORWARD_HINTS)
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
    _, other, _ = _training_out(answer, x, 0.5, 4, "the same batch with rng = default_rng(4)")
    rng_rule(first, again, other, not_reproducible=(
        "Two calls with generators in the same state, np.random.default_rng(3), "
        "dropped different entries.",
        "Draw the mask from the `rng` argument (rng.random(x.shape)), not from "
        "np.random.rand or np.random.random: the rng makes runs reproducible."),
             ignores_rng=(
        "Calls with different generators (default_rng(3) and default_rng(4)) dropped "
        "exactly the same entries.",
        "Use the `rng` you are given (rng.random(x.shape)); do not create your own "
        "generator with a fixed seed inside the function."))


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
        if not _is_number(cache[1], p):
            fail(f"On {case.label}, cache.p is {cache[1]!r}; expected p = {p} (the cache "
                 "of evaluation mode is DropoutCache(None, p)).",
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


def _is_number(value: Any, expected: float) -> bool:
    try:
        return bool(np.isclose(float(value), expected))
    except (TypeError, ValueError):
        return False


def _stated_masks(shape: tuple, p: float, seed: int) -> list[np.ndarray]:
    """The kept entries of the masks drawn as the statement says, from rng's state."""
    u = np.random.default_rng(seed).random(shape)
    binomial = np.random.default_rng(seed).binomial(1, 1 - p, size=shape)
    return [u >= p, u < 1 - p, binomial == 1]


def _check_mask_from_rng(answer: Any) -> None:
    """The mask is independent draws from ``rng``: one ``rng.random`` number per entry."""
    x = np.random.default_rng(515).uniform(0.5, 2.0, size=(6, 7))
    p, seed = 0.4, 21
    case, out, _ = _training_out(answer, x, p, seed, "a 6x7 batch, p = 0.4, rng = default_rng(21)")
    kept = out != 0
    if any(np.array_equal(kept, mask) for mask in _stated_masks(x.shape, p, seed)):
        return
    exact = kept.sum() == round((1 - p) * x.size)
    fail(f"On {case.label}, the kept entries are not those of the mask the statement "
         "draws from that generator, rng.random(x.shape) >= p"
         + (f" (and exactly {int(kept.sum())} of {x.size} entries are kept, a fixed count)"
            if exact else "") + ".",
         "Each entry is dropped independently with probability p, so the number dropped "
         "varies from call to call: mask = (rng.random(x.shape) >= p) / (1 - p). Choosing "
         "a fixed number of entries (rng.choice, rng.permutation) is not independent draws, "
         "and drawing from anything but `rng` breaks reproducibility.")


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
    xi = rng.integers(1, 6, size=(4, 5))
    case, out, _ = _training_out(answer, xi, 0.5, 10,
                                 "an integer x (4, 5) in training mode, p = 0.5")
    if not np.all(np.isclose(out, 0) | np.isclose(out, 2 * xi)):
        fail(f"On {case.label}, every entry of out should be 0 or x / (1 - p) = 2x.",
             "Multiply x by the scaled mask, out = x * mask: the product is a float array "
             "even when x holds integers.")


class DropoutForward(Exercise):
    """``dropout_forward(x, p, training, rng) -> (out, cache)``: inverted dropout."""

    name = "dropout_forward"
    chapter = 5
    reference = staticmethod(layers.dropout_forward)

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        _check_training_statistics(answer)
        _check_evaluation(answer)
        _check_reproducible(answer)
        _check_mask_from_rng(answer)
        _check_edge_cases(answer)
        return ("Passed: about p of the entries are dropped and the kept ones are scaled "
                "by 1 / (1 - p); evaluation mode is the identity; the mask comes from rng "
                "(same state, same mask); p = 0, a 3-d input and a batch of one work.")
