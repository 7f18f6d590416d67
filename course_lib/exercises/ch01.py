"""Checks for chapter 1, *Neural networks*.

Exercises: ``sigmoid``, ``relu``, ``neuron``, ``xor_weights`` and
``count_parameters``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import activations, network, shallow
from course_lib.exercises.compare import compare_arrays, compare_int, kind_of
from course_lib.exercises.diagnose import loosely_same
from course_lib.exercises.probe import Case, Stop, call, fail
from course_lib.exercises.spec import Exercise, FunctionExercise, Mistake

# --------------------------------------------------------------------------- helpers

# The function exercises below match a wrong output with their mistakes
# loosely (a scalar or NaN result is recognised too) and, when several match
# the failing case (as sum(sizes) and prod(sizes) on [2, 3, 1]), name the one
# agreeing with the answer on the most cases.

_ARRAY_TRUTH = (
    "exception",
    r"truth value of an array",
    "`if z > 0:` (or `max(0, z)`, `and`, `or`) asks one yes/no question, but `z` is a "
    "whole array (and `for v in z` over a 2-D array gives whole rows, not numbers). "
    "Work on every entry at once with numpy: np.where(condition, a, b), np.maximum, "
    "or a boolean mask.",
)
_MATH_MODULE = (
    "exception",
    r"only (length-1|0-dimensional|size-1) arrays|must be real number",
    "math.exp (and other math functions) take one number; np.exp works on whole arrays.",
)

# --------------------------------------------------------------------------- sigmoid, relu


def _elementwise_cases() -> list[Case]:
    rng = np.random.default_rng(101)
    return [
        Case("a 3x4 array of random inputs", (rng.normal(0, 3, size=(3, 4)),)),
        Case("a vector of zeros", (np.zeros(5),)),
        Case("large magnitudes [-1000, -50, -1, 1, 50, 1000]",
             (np.array([-1000.0, -50.0, -1.0, 1.0, 50.0, 1000.0]),)),
        Case("a batch of one (shape (1, 6))", (rng.normal(0, 2, size=(1, 6)),)),
        Case("a 5x2 (non-square) array", (rng.uniform(-8, 8, size=(5, 2)),)),
        Case("a single-entry vector [-3]", (np.array([-3.0]),)),
    ]


def _sigmoid_of_abs(z):
    e = np.exp(-np.abs(z))
    return 1 / (1 + e)


def _sigmoid_above_one(got: Any) -> str:
    """A sigmoid never leaves (0, 1); values above 1 usually mean a lost parenthesis."""
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "fiu":
        return ""
    values = got[np.isfinite(got)]
    if values.size and values.max() > 1:
        return ("Some of your values are above 1, and a sigmoid stays between 0 and 1. "
                "Check the parentheses: 1 / 1 + e is (1 / 1) + e, and e / 1 + e is "
                "(e / 1) + e; write 1 / (1 + e) and e / (1 + e).")
    return ""


SIGMOID = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="sigmoid",
    chapter=1,
    reference=activations.sigmoid,
    cases=_elementwise_cases,
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("sign flipped", lambda z: 1 / (1 + np.exp(z)),
                "Your values are 1 - sigmoid(z) = sigmoid(-z): check the sign inside the "
                "exponential, or whether the two branches of np.where are swapped. "
                "sigmoid(z) = 1 / (1 + exp(-z)), so sigmoid(2) is about 0.88, not 0.12."),
        Mistake("exp(z) / (1 + exp(z)) everywhere", lambda z: np.exp(z) / (1 + np.exp(z)),
                "For large positive z, exp(z) is inf and inf / inf is NaN. The form "
                "exp(z) / (1 + exp(z)) is only safe where z < 0; use 1 / (1 + exp(-z)) "
                "where z >= 0."),
        Mistake("forgot the 1 +", lambda z: 1 / np.exp(-z),
                "The denominator is 1 + exp(-z), not exp(-z) alone."),
        Mistake("tanh instead", np.tanh,
                "This looks like tanh(z), whose values lie in (-1, 1). "
                "The sigmoid squashes into (0, 1): 1 / (1 + exp(-z))."),
        Mistake("rounded to 0 or 1", lambda z: (z > 0).astype(float),
                "Your output is 0 or 1: that is the step function of the perceptron. "
                "The sigmoid is its smooth version, 1 / (1 + exp(-z)), with sigmoid(0) = 0.5."),
        Mistake("negative branch missing", _sigmoid_of_abs,
                "Your values are right where z >= 0 but above 0.5 where z < 0: you "
                "computed 1 / (1 + e) with e = exp(-|z|) everywhere, which is "
                "sigmoid(|z|). Where z < 0 the result is e / (1 + e)."),
    ),
    hint="sigmoid(z) = 1 / (1 + exp(-z)), elementwise; sigmoid(0) = 0.5.",
    diagnose_more=lambda got, expected, case: _sigmoid_above_one(got),
    hints={
        "warning": "exp(-z) overflows for large negative z (exp(1000) is inf). "
                   "Compute exp only of non-positive numbers: with e = exp(-|z|), "
                   "sigmoid is 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. "
                   "Careful: np.where evaluates both branches on every entry, so the "
                   "inputs of exp themselves must be safe.",
        "mutation": "Build a new array (with np.where or np.empty_like) instead of "
                    "writing into z: the caller's array must not change.",
        "exception": "Use numpy functions (np.exp, np.where, np.abs), which work on "
                     "whole arrays of any shape.",
    },
    error_hints=(_ARRAY_TRUTH, _MATH_MODULE),
)

RELU = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="relu",
    chapter=1,
    reference=activations.relu,
    cases=_elementwise_cases,
    compare=compare_arrays,
    quote_input=True,
    mistakes=(
        Mistake("max over the array", lambda z: np.max(z),
                "np.max(z) (or max(0, z.max())) returns one number for the whole array. "
                "ReLU compares each entry with 0: np.maximum(z, 0)."),
        Mistake("clipped at the wrong side", lambda z: np.minimum(z, 0),
                "You kept the negative part. ReLU keeps positive inputs and sets "
                "negative ones to 0: np.maximum(z, 0)."),
        Mistake("clipped at 1 as well", lambda z: np.clip(z, 0, 1),
                "Your values stop at 1. ReLU has no upper limit: relu(50) = 50."),
        Mistake("absolute value", np.abs,
                "Negative inputs should become 0, not change sign."),
        Mistake("identity", lambda z: np.array(z, copy=True),
                "Your function returns its input unchanged: negative entries must become 0."),
        Mistake("indicator", lambda z: (z > 0).astype(float),
                "Your output is 1 where z > 0: that is ReLU's slope, not ReLU. "
                "Keep the value itself: relu(3) = 3."),
    ),
    hint="relu(z) = max(0, z) entry by entry: np.maximum(z, 0).",
    diagnose_more=lambda got, expected, case: _integer_result(got),
    hints={
        "mutation": "Setting z[z < 0] = 0 changes the caller's array. Work on a copy "
                    "(z = z.copy()) or build a new array with np.maximum(z, 0).",
        "exception": "Use numpy operations that work entry by entry, such as np.maximum(z, 0).",
    },
    error_hints=(_ARRAY_TRUTH,),
)

def _integer_result(got: Any) -> str:
    if isinstance(got, np.ndarray) and got.dtype.kind in "iu":
        return ("Your result is an array of integers, so 2.7 became 2. This happens with "
                "np.vectorize or a list of max(0, v): for a negative entry max returns the "
                "int 0, and numpy then makes the whole array ints (or with .astype(int)). "
                "np.maximum(z, 0) keeps the floats.")
    return ""


# --------------------------------------------------------------------------- neuron


def _neuron_cases() -> list[Case]:
    rng = np.random.default_rng(102)
    return [
        Case("a batch of 5 examples with 3 inputs (b = 0.5)",
             (rng.normal(size=(5, 3)), rng.normal(size=3), 0.5)),
        Case("a batch of one example with 4 inputs (b = -1.2)",
             (rng.normal(size=(1, 4)), rng.normal(size=4), -1.2)),
        Case("a square batch, 3 examples with 3 inputs (b = 2.0)",
             (rng.normal(size=(3, 3)), rng.normal(size=3), 2.0)),
        Case("one input per example, 6 examples (b = -0.3)",
             (rng.normal(size=(6, 1)), np.array([1.5]), -0.3)),
        Case("zero inputs (so the output is sigmoid(b), b = 0.8)",
             (np.zeros((2, 3)), rng.normal(size=3), 0.8)),
        Case("large weights, pre-activations near +-1000 (b = 0.0)",
             (np.array([[1.0, 2.0], [-1.0, -2.0], [0.5, -0.5]]), np.array([400.0, 300.0]), 0.0)),
    ]


def _sig(z):
    return activations.sigmoid(np.asarray(z, dtype=float))


NEURON = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="neuron",
    chapter=1,
    reference=network.neuron,
    cases=_neuron_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("bias forgotten", lambda x, w, b: _sig(x @ w),
                "Your outputs match sigmoid(x @ w): the bias b is missing. "
                "The pre-activation is z = x @ w + b."),
        Mistake("activation forgotten", lambda x, w, b: x @ w + b,
                "Your outputs match x @ w + b, the pre-activation z. "
                "The neuron's output is sigmoid(z)."),
        Mistake("bias and activation forgotten", lambda x, w, b: x @ w,
                "Your outputs match x @ w: add the bias b and apply the sigmoid."),
        Mistake("shapes transposed", lambda x, w, b: _sig(w @ x + b),
                "You computed w @ x, which mixes examples instead of inputs (it only runs "
                "when the batch happens to be square). x has one example per row, shape "
                "(N, D), and w one weight per input, shape (D,): use x @ w."),
        Mistake("bias inside the weights", lambda x, w, b: _sig(x @ (w + b)),
                "You added b to every weight. The bias is added once, after the weighted "
                "sum: z = x @ w + b."),
        Mistake("bias multiplied", lambda x, w, b: _sig(b * (x @ w)),
                "You multiplied by b. The bias is added: z = x @ w + b."),
        Mistake("sum over examples", lambda x, w, b: _sig(np.sum(x * w, axis=0) + b),
                "You summed over the examples (axis 0). Each example's weighted sum runs "
                "over its inputs: x @ w, or np.sum(x * w, axis=1)."),
        Mistake("kept a column", lambda x, w, b: _sig(x @ w.reshape(-1, 1) + b),
                "Your result is a column of shape (N, 1); the neuron returns one number per "
                "example, shape (N,). Use x @ w with w of shape (D,), or flatten the result."),
        Mistake("bias after the sigmoid", lambda x, w, b: _sig(x @ w) + b,
                "You added b after the sigmoid. The bias belongs inside: first "
                "z = x @ w + b, then sigmoid(z)."),
        Mistake("ReLU instead of sigmoid", lambda x, w, b: activations.relu(x @ w + b),
                "Your outputs match relu(x @ w + b). This neuron uses the sigmoid: "
                "sigmoid(x @ w + b)."),
        Mistake("tanh instead of sigmoid", lambda x, w, b: np.tanh(x @ w + b),
                "Your outputs match tanh(x @ w + b), which lies in (-1, 1). This neuron "
                "uses the sigmoid: sigmoid(x @ w + b)."),
        Mistake("sign of z flipped", lambda x, w, b: _sig(-(x @ w + b)),
                "Your outputs are sigmoid(-(x @ w + b)), one minus the right ones: check "
                "the sign inside your sigmoid, or a minus in front of x @ w."),
        Mistake("rounded to 0 or 1", lambda x, w, b: (x @ w + b > 0).astype(float),
                "Your outputs are 0 or 1, the answers of a perceptron. Return the sigmoid's "
                "values themselves, without rounding or thresholding."),
        Mistake("products not summed", lambda x, w, b: _sig(x * w + b),
                "x * w multiplies entry by entry and keeps shape (N, D). The weighted sum "
                "adds up the products in each row: x @ w (or np.sum(x * w, axis=1))."),
        Mistake("one sum over the whole batch", lambda x, w, b: _sig(np.sum(x @ w) + b),
                "You summed over all examples and returned one number. The neuron gives "
                "one output per example: sigmoid(x @ w + b) has shape (N,)."),
    ),
    hint="The neuron computes sigmoid(x @ w + b): one weighted sum per row of x, plus b, "
         "through the sigmoid.",
    hints={
        "not_implemented": "If you did write `neuron`, the NotImplementedError comes from "
                           "the `sigmoid` it calls: finish that exercise first, or call "
                           "activations.sigmoid for now.",
        "warning": "The naive 1 / (1 + np.exp(-z)) overflows when z is near -1000. "
                   "Call your stable `sigmoid` from the exercise above (or "
                   "activations.sigmoid) instead of writing the formula again.",
        "exception": "Check the shapes: x is (N, D) with one example per row, w is (D,), "
                     "b is a number; x @ w + b has shape (N,).",
    },
    error_hints=(
        ("exception", r"mismatch in its core dimension|not aligned|could not be broadcast",
         "The shapes do not line up. x is (N, D), one example per row; w is (D,), one "
         "weight per input. x @ w has shape (N,); w @ x or x.T @ w only work when "
         "the shapes happen to match."),
        _ARRAY_TRUTH,
        _MATH_MODULE,
    ),
)

# --------------------------------------------------------------------------- count_parameters


def _count_cases() -> list[Case]:
    return [
        Case("layer_sizes = [2, 3, 1]", ([2, 3, 1],)),
        Case("one dense layer, [3, 1]", ([3, 1],)),
        Case("a digits classifier, [784, 128, 10]", ([784, 128, 10],)),
        Case("a deep narrow network, [4, 8, 8, 8, 2]", ([4, 8, 8, 8, 2],)),
        Case("a tuple, (10, 5)", ((10, 5),)),
        Case("single units, [1, 1, 1]", ([1, 1, 1],)),
    ]


def _pairs(sizes):
    sizes = list(sizes)
    return zip(sizes[:-1], sizes[1:])


COUNT_PARAMETERS = FunctionExercise(
    mistake_match="most_cases",
    same_output=loosely_same,
    name="count_parameters",
    chapter=1,
    reference=network.count_parameters,
    cases=_count_cases,
    compare=compare_int,
    mistakes=(
        Mistake("biases forgotten", lambda s: sum(a * b for a, b in _pairs(s)),
                "You counted only the weights. Every unit after the input layer also has "
                "a bias: a layer from n_in to n_out units has n_in * n_out + n_out parameters."),
        Mistake("input layer given biases",
                lambda s: sum(a * b for a, b in _pairs(s)) + sum(s),
                "You gave the input layer biases too. The inputs are data, not units that "
                "compute: only layers after the first have biases (n_out per layer)."),
        Mistake("biases of the wrong layer", lambda s: sum(a * b + a for a, b in _pairs(s)),
                "You counted one bias per input unit of each layer (n_in). Biases belong to "
                "the units that compute, so each layer has n_out of them."),
        Mistake("only the first layer", lambda s: s[0] * s[1] + s[1],
                "You counted only the first layer. Add n_in * n_out + n_out for every pair "
                "of consecutive sizes."),
        Mistake("last layer skipped",
                lambda s: sum(a * b + b for a, b in list(_pairs(s))[:-1]),
                "You left out the last layer (the one into the outputs): a loop such as "
                "range(len(layer_sizes) - 2) stops one pair too early. There are "
                "len(layer_sizes) - 1 layers; zip(layer_sizes[:-1], layer_sizes[1:]) "
                "gives every pair."),
        Mistake("one bias per layer", lambda s: sum(a * b + 1 for a, b in _pairs(s)),
                "You counted one bias per layer. Every unit of a layer has its own bias, "
                "so a layer from n_in to n_out units has n_out biases."),
        Mistake("product of all sizes", lambda s: int(np.prod(s)),
                "Weights connect consecutive layers only: multiply neighbouring sizes "
                "and add, do not multiply all sizes together."),
        Mistake("counted units", lambda s: sum(s),
                "You counted the units. Parameters are the weights (n_in * n_out per "
                "layer) and the biases (n_out per layer)."),
    ),
    hint="Sum over consecutive pairs (n_in, n_out): n_in * n_out weights plus n_out biases.",
    hints={
        "mutation": "Do not change layer_sizes (no .pop() or .append() on it): "
                    "read it, and loop over consecutive pairs.",
        "exception": "layer_sizes is a list (or tuple) of ints: loop over consecutive pairs, "
                     "e.g. zip(layer_sizes[:-1], layer_sizes[1:]).",
    },
    error_hints=(
        ("exception", r"IndexError",
         "Your loop runs one step too far: a network with layer sizes [n_0, ..., n_L] "
         "has L = len(layer_sizes) - 1 layers, so the last pair is (n_{L-1}, n_L). "
         "range(len(layer_sizes) - 1), or zip(layer_sizes[:-1], layer_sizes[1:]), "
         "stops there."),
    ),
)

# --------------------------------------------------------------------------- xor_weights

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

    def run(self, answer: Any) -> str:
        if callable(answer):
            try:
                weights = call(answer, Case("calling xor_weights()", ()))
            except Stop as stop:
                if stop.kind == "exception" and "NameError" in stop.message:
                    stop.hint = ("Define the four arrays on the lines before `return`, "
                                 "where the `raise` line was: w1 = np.array([[..., ...], "
                                 "[..., ...]]), b1 = np.array([..., ...]), "
                                 "w2 = np.array([[...], [...]]) and b2 = a number.")
                raise
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

EXERCISES = (SIGMOID, RELU, NEURON, XOR_WEIGHTS, COUNT_PARAMETERS)
