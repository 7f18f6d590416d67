"""Chapter 7 checks: clip_grad_norm.

Compared with ``clipping.clip_grad_norm``; the clipped arrays must be new
arrays even when nothing is clipped. The wrong answers are one
parameterised function, ``_clip_with``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import clipping
from course_lib.exercises.compare import compare_arrays, compare_number, kind_of
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake

# --------------------------------------------------------------------------- clip_grad_norm


def _clip_with(norm=None, scale=None, each=False, clip_values=False, report="before"):
    """Clipping with one mistake chosen (``norm`` and ``scale`` replace the right ones)."""
    def answer(grads, max_norm):
        grads = [np.asarray(g, dtype=float) for g in grads]
        total = (norm or clipping.global_norm)(grads)
        if clip_values:
            return [np.clip(g, -max_norm, max_norm) for g in grads], total
        if each:
            clipped = [g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-300)) for g in grads]
        else:
            factor = scale(total, max_norm) if scale else min(1.0, max_norm / max(total, 1e-300))
            clipped = [g * factor for g in grads]
        return clipped, (min(total, max_norm) if report == "after" else total)
    return answer


CLIP_MISTAKES = (
    Mistake("each array clipped separately", _clip_with(each=True),
            "You clipped each array by its own norm. Clipping uses the global norm of all "
            "the arrays together, sqrt(sum of every array's squared entries), and scales "
            "every array by the same factor, so the step keeps its direction."),
    Mistake("scaled although below the limit",
            _clip_with(scale=lambda t, c: c / t if t else 1.0),
            "You always scale by max_norm / total_norm, which makes small gradients larger. "
            "Scale only when total_norm > max_norm; otherwise return copies unchanged."),
    Mistake("norm not square-rooted", _clip_with(
                norm=lambda gs: sum(float(np.sum(g ** 2)) for g in gs)),
            "The L2 norm is the square root of the sum of squares: np.sqrt(sum(np.sum(g**2) "
            "for g in grads))."),
    Mistake("sum of the arrays' norms", _clip_with(
                norm=lambda gs: sum(float(np.linalg.norm(g)) for g in gs)),
            "You added the arrays' norms. The global norm is sqrt(sum of the squared norms),"
            " the norm of all entries taken together."),
    Mistake("largest array norm", _clip_with(
                norm=lambda gs: max(float(np.linalg.norm(g)) for g in gs)),
            "You used the largest array's norm; the global norm takes every array into "
            "account: sqrt(sum of their squared norms)."),
    Mistake("mean of squares", _clip_with(
                norm=lambda gs: float(np.sqrt(np.mean(np.concatenate([g.ravel() for g in gs])
                                                      ** 2)))),
            "You took the root of the MEAN square; the norm is the root of the SUM of "
            "squares."),
    Mistake("factor inverted", _clip_with(scale=lambda t, c: t / c if t > c else 1.0),
            "Your factor is inverted: multiply by max_norm / total_norm, which is below 1."),
    Mistake("clipped the values", _clip_with(clip_values=True),
            "np.clip caps each entry, which changes the gradient's direction. Scale every "
            "array by max_norm / total_norm instead, when total_norm > max_norm."),
    Mistake("norm after clipping", _clip_with(report="after"),
            "Return the norm measured before clipping (it tells how large the gradient "
            "was), not the clipped one."),
)


# --------------------------------------------------------------------------- clip_grad_norm


def _clip_cases() -> list[Case]:
    rng = np.random.default_rng(741)

    def grads(*shapes: tuple, scale: float = 1.0) -> list[np.ndarray]:
        return [rng.normal(0, scale, size=s) for s in shapes]

    return [
        Case("two arrays (3, 4) and (4,) with a global norm above max_norm = 1",
             (grads((3, 4), (4,)), 1.0)),
        Case("two other arrays of the same shapes, max_norm = 1", (grads((3, 4), (4,)), 1.0)),
        Case("three arrays whose norm is below max_norm = 100 (no clipping)",
             (grads((2, 3), (3,), (3, 1)), 100.0)),
        Case("one large array (5, 2) and one tiny (2,), max_norm = 2",
             ([rng.normal(0, 10, size=(5, 2)), rng.normal(0, 0.01, size=2)], 2.0)),
        Case("a single array in a list, norm above max_norm = 0.5", (grads((2, 5)), 0.5)),
        Case("gradients with norm exactly 5 and max_norm = 5",
             ([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 5.0)),
        Case("large gradients (entries around 1e6), max_norm = 1",
             (grads((4, 3), (3,), scale=1e6), 1.0)),
        Case("integer gradients (int arrays), max_norm = 3",
             ([np.array([[2, -4], [1, 3]]), np.array([5, 0])], 3.0)),
        Case("all-zero gradients (norm 0), max_norm = 1", ([np.zeros((2, 2)), np.zeros(2)], 1.0)),
    ]


def _compare_clip(got: Any, expected: tuple) -> str | None:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"your function returned {kind_of(got)}; expected a pair (clipped, total_norm)"
    clipped, total = got
    if isinstance(clipped, (int, float, np.number)) and isinstance(total, (list, tuple)):
        return "you returned (total_norm, clipped); the order is (clipped, total_norm)"
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(expected[0]):
        return (f"`clipped` is {kind_of(clipped)}; expected a list of {len(expected[0])} "
                "arrays, one per gradient")
    for i, (g, e) in enumerate(zip(clipped, expected[0])):
        problem = compare_arrays(g, e, what=f"`clipped[{i}]`")
        if problem:
            return problem
    return compare_number(total, expected[1], what="`total_norm`")


CLIP_GRAD_NORM = FunctionExercise(
    name="clip_grad_norm", chapter=7,
    reference=clipping.clip_grad_norm,
    cases=_clip_cases,
    compare=_compare_clip,
    mistakes=CLIP_MISTAKES,
    mistake_match="every_case",
    diagnose_warnings=True,
    fresh_outputs=lambda r: [(f"`clipped[{i}]`", g) for i, g in enumerate(r[0])]
    if isinstance(r, (tuple, list)) and r and isinstance(r[0], (list, tuple)) else [],
    hint="total_norm = sqrt(sum of np.sum(g**2) over the arrays); if it exceeds max_norm, "
         "multiply every array by max_norm / total_norm; return new arrays and total_norm.",
    hints={
        "view": "When the norm is below max_norm, return copies ([g.copy() for g in "
                "grads], or g * 1.0), not the same arrays: a caller who changes the "
                "result would change the gradients.",
        "mutation": "Do not scale the gradients in place (g *= factor); build new arrays.",
        "warning": "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                   "before dividing by it.",
        "exception": "grads is a list of arrays of different shapes: loop over it, adding "
                     "np.sum(g**2) of each.",
    },
    error_hints=(("exception", "division by zero",
                  "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                  "before dividing by it."),),
)

