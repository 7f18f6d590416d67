"""Chapter 1 checks: count_parameters."""

from __future__ import annotations

import numpy as np

from course_lib import network
from course_lib.exercises.compare import compare_count
from course_lib.exercises.diagnose import loosely_same
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


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
    compare=compare_count,
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
