"""Chapter 4 checks: gd_step."""

from __future__ import annotations

import numpy as np

from course_lib import optim
from course_lib.exercises.ch04._shared import _MUTATION, _follows_library
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts
from course_lib.viz import surfaces


def _gd_cases() -> list[Case]:
    rng = np.random.default_rng(401)
    return [
        Case("a vector w of 5 parameters, lr=0.1", (rng.normal(size=5), rng.normal(size=5), 0.1)),
        Case("a 3x4 weight matrix, lr=0.01",
             (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.01)),
        Case("a zero gradient (w must not move)", (rng.normal(size=4), np.zeros(4), 0.5)),
        Case("lr=0 (w must not move)", (rng.normal(size=3), rng.normal(size=3), 0.0)),
        Case("a single parameter with a large gradient, lr=1.5",
             (np.array([2.0]), np.array([40.0]), 1.5)),
        Case("another vector w of 5 parameters, lr=0.3",
             (rng.normal(size=5), rng.normal(size=5), 0.3)),
    ]


GD_STEP = FunctionExercise(
    name="gd_step",
    chapter=4,
    fresh_outputs=fresh_parts(),
    reference=optim.gd_step,
    cases=_gd_cases,
    compare=compare_arrays,
    mistakes=(
        Mistake("ascent", lambda w, grad, lr: w + lr * grad,
                "You moved *up* the slope (gradient ascent). The gradient points uphill, "
                "so descent subtracts it: w - lr * grad."),
        Mistake("no learning rate", lambda w, grad, lr: w - grad,
                "The step should be scaled by the learning rate: w - lr * grad."),
        Mistake("divided by lr", lambda w, grad, lr: w - grad / lr,
                "Multiply the gradient by lr, do not divide by it: w - lr * grad."),
        Mistake("only the step", lambda w, grad, lr: -lr * grad,
                "You returned only the step, -lr * grad. Return the new parameters: "
                "w - lr * grad."),
    ),
    hint="One step of descent: w_new = w - lr * grad, entry by entry.",
    hints={"mutation": _MUTATION},
    extra_checks=(_follows_library("gd_step", lambda step: surfaces.sgd(0.05, step=step)),),
)
