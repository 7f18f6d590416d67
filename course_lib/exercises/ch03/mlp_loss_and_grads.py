"""Chapter 3 checks: mlp_loss_and_grads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import activations, layers, losses, network
from course_lib.exercises.ch03._shared import _seeded
from course_lib.exercises.compare import (
    compare_arrays,
    compare_number,
    compare_tuple,
    kind_of,
)
from course_lib.exercises.gradient import check_answer_gradient
from course_lib.exercises.probe import Case, call
from course_lib.exercises.spec import FunctionExercise, Mistake


def _params(rng: np.random.Generator, sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(rng.normal(0, np.sqrt(2 / a), size=(a, b)), rng.normal(0, 0.1, size=b))
            for a, b in zip(sizes[:-1], sizes[1:])]


def _mlp_case(rng: np.random.Generator, label: str, n: int, sizes: list[int]) -> Case:
    x = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return Case(label, (x, y, _params(rng, sizes)))


def _mlp_cases() -> list[Case]:
    rng = _seeded(341)
    return [
        _mlp_case(rng, "N=6 examples through a 3-5-4 network (one hidden layer)", 6, [3, 5, 4]),
        _mlp_case(rng, "N=5 through a 4-6-5-3 network (two hidden layers)", 5, [4, 6, 5, 3]),
        _mlp_case(rng, "a single layer 3-2 (no hidden layer, so no ReLU)", 4, [3, 2]),
        _mlp_case(rng, "a batch of one through a 2-3-3 network", 1, [2, 3, 3]),
        _mlp_case(rng, "another N=6 through a 3-5-4 network", 6, [3, 5, 4]),
    ]


def _compare_grads(got: Any, expected: list, what: str = "`grads`") -> str | None:
    if not isinstance(got, (list, tuple)):
        return f"{what} is {kind_of(got)}, expected a list of {len(expected)} (dw, db) pairs"
    if len(got) != len(expected):
        return (f"{what} has {len(got)} entries, expected {len(expected)}: one (dw, db) "
                f"pair per layer")
    for i, (pair, (dw, db)) in enumerate(zip(got, expected)):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return f"grads[{i}] is {kind_of(pair)}, expected a (dw, db) pair"
        problem = (compare_arrays(pair[0], dw, what=f"`dw` of layer {i} (grads[{i}][0])")
                   or compare_arrays(pair[1], db, what=f"`db` of layer {i} (grads[{i}][1])"))
        if problem:
            return problem
    return None


def _mlp_reference(x, y, params):
    loss, grads = network.mlp_loss_and_grads(x, y, params)
    return loss, list(grads)


def _mlp_backward(x, y, params, *, reverse=False, mask=True, summed=False, loss_summed=False):
    logits, caches = network.mlp_forward_with_caches(x, params)
    loss, dout = losses.softmax_cross_entropy(logits, y)
    n = len(y)
    if summed:
        dout = dout * n
    if summed or loss_summed:
        loss = loss * n
    grads = []
    for lin, relu in reversed(caches):
        if relu is not None and mask:
            dout = activations.relu_backward(dout, relu)
        dout, dw, db = layers.linear_backward(dout, lin)
        grads.append((dw, db))
    return loss, (grads if reverse else grads[::-1])


def _relu_on_logits(x, y, params):
    h, caches = x, []
    for w, b in params:
        h, lin = layers.linear_forward(h, w, b)
        h, relu = activations.relu_forward(h)
        caches.append((lin, relu))
    loss, dout = losses.softmax_cross_entropy(h, y)
    grads = []
    for lin, relu in reversed(caches):
        dout = activations.relu_backward(dout, relu)
        dout, dw, db = layers.linear_backward(dout, lin)
        grads.append((dw, db))
    return loss, grads[::-1]


def _mlp_gradcheck(answer: Callable) -> None:
    rng = _seeded(349)
    sizes = [3, 4, 3]
    x, y = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    params = _params(rng, sizes)
    got = call(answer, Case("the gradient check (a 3-4-3 network, N=5)", (x, y, params)))
    inputs = {f"{name}{i}": value for i, pair in enumerate(params)
              for name, value in zip("wb", pair)}

    def loss(**arrays: np.ndarray) -> float:
        trial = [(arrays[f"w{i}"], arrays[f"b{i}"]) for i in range(len(params))]
        return network.mlp_loss_and_grads(x, y, trial)[0]

    check_answer_gradient(loss, lambda **_: [g for pair in got[1] for g in pair], inputs,
                          seed=350, label="a 3-4-3 network, N=5",
                          names={k: f"d{k[0]} of layer {k[1:]}" for k in inputs})


_mlp_gradcheck.label = "the numerical gradient check of every (dw, db)"


MLP_LOSS_AND_GRADS = FunctionExercise(
    name="mlp_loss_and_grads",
    chapter=3,
    reference=_mlp_reference,
    cases=_mlp_cases,
    compare=compare_tuple(("loss", "grads"), [compare_number, _compare_grads]),
    mistake_match="parts",
    mistakes=(
        Mistake("reverse order", lambda x, y, p: _mlp_backward(x, y, p, reverse=True),
                "Your gradients are in reverse layer order: the backward pass meets the last "
                "layer first. Reverse the list before returning it (grads[::-1]), so "
                "grads[i] belongs to params[i]."),
        Mistake("ReLU mask skipped", lambda x, y, p: _mlp_backward(x, y, p, mask=False),
                "You skipped the ReLU on the way back. Between two dense layers, pass the "
                "gradient through relu_backward with that layer's ReLU cache, so it is "
                "zeroed where the hidden unit was inactive."),
        Mistake("ReLU after the last layer", _relu_on_logits,
                "You applied ReLU after the last layer too. The last layer outputs the "
                "logits directly (they may be negative): ReLU only goes between layers, "
                "for i < len(params) - 1."),
        Mistake("loss summed", lambda x, y, p: _mlp_backward(x, y, p, loss_summed=True),
                "Your loss is summed over the batch; return the mean (the loss "
                "softmax_cross_entropy gives)."),
        Mistake("everything summed", lambda x, y, p: _mlp_backward(x, y, p, summed=True),
                "You computed the summed loss and its gradients, N times too large. The loss "
                "is the mean over the batch: divide by N (softmax_cross_entropy does)."),
    ),
    hint="Forward with caches (linear, then ReLU, for every layer but the last), then "
         "softmax_cross_entropy, then walk the layers in reverse: relu_backward (hidden "
         "layers only), then linear_backward, collecting (dw, db).",
    hints={
        "exception": "params is a list of (w, b) pairs; keep each layer's caches from the "
                     "forward pass (a list you append to) and walk that list in reverse. "
                     "The last layer has no ReLU. Each linear_backward returns dx, the "
                     "upstream gradient of the layer below: dout, dw, db = "
                     "layers.linear_backward(dout, cache).",
        "mutation": "Do not change x or the parameters in place.",
    },
    extra_checks=(_mlp_gradcheck,),
)

