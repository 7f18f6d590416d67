"""Chapter 5 checks: l2_penalty."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import regularization
from course_lib.exercises.compare import (
    compare_arrays,
    compare_number,
    compare_tuple,
    kind_of,
)
from course_lib.exercises.gradient import check_answer_gradient
from course_lib.exercises.probe import Case, call
from course_lib.exercises.spec import FunctionExercise, Mistake


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
        Case("two other layers of shapes (3, 4) and (4, 2), lam = 0.7",
             ([rng.normal(size=(3, 4)), rng.normal(size=(4, 2))], 0.7)),
    ]


def _l2_gradient_check(answer: Any) -> None:
    """The returned grads must be the gradient of the returned penalty."""
    rng = np.random.default_rng(502)
    weights = {"weights[0]": rng.normal(size=(3, 2)), "weights[1]": rng.normal(size=(2, 2))}
    lam = 0.3
    label = "two layers, lam = 0.3 (the numerical gradient check)"

    def penalty(**ws: np.ndarray) -> float:
        return float(call(answer, Case(label, (list(ws.values()), lam)))[0])

    def grads(**ws: np.ndarray) -> list:
        return list(call(answer, Case(label, (list(ws.values()), lam)))[1])

    check_answer_gradient(penalty, grads, weights, seed=503, label=label,
                          names={k: f"gradient of {k}" for k in weights},
                          hint="The gradient of 0.5 * lam * sum(w**2) with respect to w "
                               "is lam * w.")


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
