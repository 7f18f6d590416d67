"""Chapter 1 checks: xor_weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import shallow
from course_lib.exercises.compare import kind_of
from course_lib.exercises.probe import Case, call, fail
from course_lib.exercises.spec import Exercise

_TRUTH_TABLES = {
    (0, 1, 1, 1): ("OR",
                   "Your network computes OR: it also fires for (1, 1). XOR is 'OR but not "
                   "AND': let one hidden unit compute OR, the other AND, and make the output "
                   "positive when the first is on and the second off (a positive weight on "
                   "the OR unit, a larger negative one on the AND unit)."),
    (0, 0, 0, 1): ("AND",
                   "Your network computes AND: it only fires for (1, 1). XOR fires when "
                   "exactly one input is 1. Let one hidden unit compute OR, the other AND, "
                   "and combine them as 'OR and not AND'."),
    (1, 0, 0, 1): ("XNOR (the opposite of XOR)",
                   "Your outputs are exactly the opposite of XOR. Flip the sign of the "
                   "output layer: negate w2 and b2."),
    (1, 1, 1, 0): ("NAND",
                   "Your network computes NAND (not AND): it also fires for (0, 0). XOR is "
                   "'OR and NAND': the output should need both hidden units."),
    (1, 0, 0, 0): ("NOR", "Your network computes NOR: it fires only for (0, 0)."),
    (0, 0, 0, 0): ("always 0",
                   "Your network outputs 0 for every input. Check the signs of the output "
                   "weights and b2: the output must be above 0.5 for (0, 1) and (1, 0)."),
    (1, 1, 1, 1): ("always 1",
                   "Your network outputs 1 for every input: b2 or the output weights are "
                   "too large. The output must be below 0.5 for (0, 0) and (1, 1)."),
    (0, 0, 1, 1): ("x1", "Your network copies the first input x1; XOR depends on both."),
    (0, 1, 0, 1): ("x2", "Your network copies the second input x2; XOR depends on both."),
}

_KEYS = ("w1", "b1", "w2", "b2")
_SHAPES = "w1 (2, 2), b1 (2,), w2 (2, 1) or (2,), b2 a number or shape (1,)"


def _xor_arrays(weights: Any) -> dict[str, np.ndarray]:
    if not isinstance(weights, dict):
        fail(f"`xor_weights()` should return a dict with keys {', '.join(_KEYS)}, "
             f"but it returned {kind_of(weights)}.",
             "Return {\"w1\": w1, \"b1\": b1, \"w2\": w2, \"b2\": b2} with numpy arrays.",
             kind="type")
    missing = [k for k in _KEYS if k not in weights]
    if missing:
        fail(f"Your dict is missing the key(s) {', '.join(map(repr, missing))}; "
             f"it has {', '.join(map(repr, weights)) or 'no keys'}.",
             f"The dict needs exactly the keys {', '.join(map(repr, _KEYS))}.")
    arrays = {}
    for key in _KEYS:
        try:
            arrays[key] = np.asarray(weights[key], dtype=float)
        except (TypeError, ValueError):
            fail(f"{key!r} is {kind_of(weights[key])}, which is not an array of numbers.",
                 f"Use numpy arrays of these shapes: {_SHAPES}.")
        if not np.all(np.isfinite(arrays[key])):
            fail(f"{key!r} contains NaN or infinite entries.",
                 "Use finite weights: a weight of 10 or 20 already makes a sigmoid "
                 "almost a step.")
    return arrays


def _check_xor_shapes(w: dict[str, np.ndarray]) -> None:
    problems = []
    if w["w1"].shape != (2, 2):
        problems.append(f"w1 has shape {w['w1'].shape}, expected (2, 2): two inputs (rows) "
                        "times two hidden units (columns)")
    if w["b1"].shape != (2,):
        problems.append(f"b1 has shape {w['b1'].shape}, expected (2,): one bias per hidden unit")
    if w["w2"].shape not in {(2,), (2, 1)}:
        note = " (that is the transpose)" if w["w2"].shape == (1, 2) else ""
        problems.append(f"w2 has shape {w['w2'].shape}, expected (2, 1) or (2,): two hidden "
                        f"units into one output{note}")
    if w["b2"].size != 1:
        problems.append(f"b2 has shape {w['b2'].shape}, expected a single number "
                        "(one output unit)")
    if problems:
        fail("The weight arrays have the wrong shapes: " + "; ".join(problems) + ".",
             "In this book a layer computes x @ w + b with x of shape (N, D) and w of shape "
             "(D, M): w1 maps 2 inputs to 2 hidden units, w2 maps 2 hidden units to 1 output.",
             kind="shape")


def _forward(w: dict[str, np.ndarray], w1: np.ndarray | None = None) -> np.ndarray:
    return shallow.two_layer_sigmoid(shallow.XOR_INPUTS, w["w1"] if w1 is None else w1,
                                     w["b1"], w["w2"], w["b2"])


class XorWeights(Exercise):
    """``xor_weights``: a zero-argument function (or the dict it returns)."""

    name = "xor_weights"
    chapter = 1
    reference = None  # the answer is weights chosen by hand; many are right

    def run(self, answer: Any) -> str:
        if callable(answer):
            weights = call(answer, Case("calling xor_weights()", ()), patterns=((
                "exception", "NameError",
                "Define the four arrays on the lines before `return`, where the `raise` line "
                "was: w1 = np.array([[..., ...], [..., ...]]), b1 = np.array([..., ...]), "
                "w2 = np.array([[...], [...]]) and b2 = a number."),))
        else:
            weights = answer
        w = _xor_arrays(weights)
        _check_xor_shapes(w)
        out = _forward(w)
        rounded = tuple(int(v > 0.5) for v in out)
        table = ", ".join(f"{tuple(int(v) for v in x)} -> {o:.3f}"
                          for x, o in zip(shallow.XOR_INPUTS, out))
        if rounded != (0, 1, 1, 0):
            transposed = _forward(w, w["w1"].T)
            if tuple(int(v > 0.5) for v in transposed) == (0, 1, 1, 0):
                fail(f"Your network's outputs are {table}; rounded they are {list(rounded)}, "
                     "not XOR [0, 1, 1, 0].",
                     "Your w1 works if transposed. A layer computes x @ w1, so column j of "
                     "w1 (not row j) holds the two input weights of hidden unit j.")
            name, hint = _TRUTH_TABLES.get(rounded, (None, ""))
            if np.all(np.abs(out - 0.5) < 0.2):
                hint = ("All your outputs are close to 0.5: the weights are too small for "
                        "the sigmoids to decide. sigmoid(1) is only 0.73; with weights "
                        "and biases around 10 to 20 each unit acts almost like a step.")
            what = f" (that is {name})" if name else ""
            fail(f"Your network's outputs are {table}; rounded they are "
                 f"{list(rounded)}{what}, not XOR [0, 1, 1, 0].",
                 hint or "Work it out on paper: choose hidden unit 1 to compute OR and "
                         "hidden unit 2 to compute AND, then an output that is on when "
                         "unit 1 is on and unit 2 is off. Weights of about 20 make each "
                         "sigmoid almost a step.")
        margin = float(np.min(np.abs(out - 0.5)))
        note = ""
        if margin < 0.1:
            note = (f" It only just works: the output closest to 0.5 is "
                    f"{out[np.argmin(np.abs(out - 0.5))]:.3f}. Scaling all weights and "
                    "biases up makes the network more decisive.")
        return f"Your network computes XOR: {table}.{note}"


XOR_WEIGHTS = XorWeights()
