"""Chapter 2 checks: mlp_forward."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import activations, network
from course_lib.exercises.ch02._shared import _NAME_ERROR_HINT
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


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
        Case("another 2-layer network (2 -> 5 -> 3), batch of 6",
             (rng.normal(size=(6, 2)), _params(rng, [2, 5, 3]))),
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
