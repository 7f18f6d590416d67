"""Chapter 4 checks: momentum_step."""

from __future__ import annotations

import numpy as np

from course_lib import optim
from course_lib.exercises.ch04._shared import _follows_library
from course_lib.exercises.compare import compare_arrays, compare_tuple
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts
from course_lib.viz import surfaces


def _momentum_cases() -> list[Case]:
    rng = np.random.default_rng(402)
    return [
        Case("the first step (velocity all zeros), lr=0.2, beta=0.9",
             (rng.normal(size=4), rng.normal(size=4), np.zeros(4), 0.2, 0.9)),
        Case("a step in mid-run (non-zero velocity), lr=0.05, beta=0.9",
             (rng.normal(size=5), rng.normal(size=5), rng.normal(size=5), 0.05, 0.9)),
        Case("a 2x3 weight matrix with non-zero velocity, lr=0.01, beta=0.5",
             (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)),
              0.01, 0.5)),
        Case("beta=0 (must be plain gradient descent), non-zero velocity",
             (rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.1, 0.0)),
        Case("a zero gradient with non-zero velocity (w keeps coasting), lr=0.1, beta=0.9",
             (np.array([1.0, -1.0]), np.zeros(2), np.array([2.0, 0.5]), 0.1, 0.9)),
        Case("a zero gradient and zero velocity (nothing moves), lr=0.1, beta=0.9",
             (rng.normal(size=4), np.zeros(4), np.zeros(4), 0.1, 0.9)),
    ]


def _momentum_lr_inside(w, grad, velocity, lr, beta):
    velocity = beta * velocity + lr * grad
    return w - velocity, velocity


def _momentum_old_velocity(w, grad, velocity, lr, beta):
    return w - lr * velocity, beta * velocity + grad


def _momentum_minus_convention(w, grad, velocity, lr, beta):
    """The CS231n form: v = beta * v - lr * grad; w = w + v."""
    velocity = beta * velocity - lr * grad
    return w + velocity, velocity


def _momentum_lr_twice(w, grad, velocity, lr, beta):
    velocity = beta * velocity + lr * grad
    return w - lr * velocity, velocity


def _momentum_nesterov(w, grad, velocity, lr, beta):
    velocity = beta * velocity + grad
    return w - lr * (grad + beta * velocity), velocity


_CONVENTION = ("That is another valid convention (CS231n and Sutskever et al. write it so): "
               "for a constant lr it gives the same path, with v scaled by {scale}. This book, "
               "like PyTorch, keeps lr outside: velocity = beta * velocity + grad, then "
               "w = w - lr * velocity; return that velocity.")


MOMENTUM_STEP = FunctionExercise(
    name="momentum_step",
    chapter=4,
    fresh_outputs=fresh_parts("w", "velocity"),
    reference=optim.momentum_step,
    cases=_momentum_cases,
    compare=compare_tuple(("w", "velocity"), (compare_arrays, compare_arrays)),
    mistakes=(
        Mistake("velocity not carried over",
                lambda w, grad, velocity, lr, beta: (w - lr * grad, grad.copy()),
                "Your velocity forgets the past: it equals the current gradient. Momentum "
                "carries the old velocity over: velocity = beta * velocity + grad, then "
                "w = w - lr * velocity."),
        Mistake("learning rate folded into the velocity", _momentum_lr_inside,
                "You folded the learning rate into the velocity (v = beta*v + lr*grad; "
                "w = w - v). " + _CONVENTION.format(scale="lr")),
        Mistake("CS231n sign convention", _momentum_minus_convention,
                "You folded the learning rate into the velocity with a minus sign "
                "(v = beta*v - lr*grad; w = w + v). " + _CONVENTION.format(scale="-lr")),
        Mistake("learning rate in both places", _momentum_lr_twice,
                "You multiplied by lr twice: once inside the velocity (v = beta*v + lr*grad) "
                "and again in the step (w - lr*v). Use it once, in the step: "
                "velocity = beta * velocity + grad, then w = w - lr * velocity."),
        Mistake("Nesterov", _momentum_nesterov,
                "Your step is Nesterov's variant, w - lr * (grad + beta * velocity) (it is "
                "optim.nesterov_step). The exercise asks for plain heavy-ball momentum: "
                "w = w - lr * velocity with the new velocity."),
        Mistake("old velocity returned",
                lambda w, grad, velocity, lr, beta: (w - lr * (beta * velocity + grad),
                                                     np.array(velocity, dtype=float)),
                "Your w is right, but you returned the velocity you were given. Return the "
                "*new* one, beta * velocity + grad: the caller passes it back in at the next "
                "step, so the old one would make momentum forget everything."),
        Mistake("(velocity, w) returned",
                lambda w, grad, velocity, lr, beta: (beta * velocity + grad,
                                                     w - lr * (beta * velocity + grad)),
                "You returned the pair in the wrong order: return (w, velocity), the new "
                "weights first."),
        Mistake("w updated with the old velocity", _momentum_old_velocity,
                "You moved w with the *old* velocity. Update the velocity first, then use the "
                "new one: velocity = beta * velocity + grad; w = w - lr * velocity."),
        Mistake("averaged velocity",
                lambda w, grad, velocity, lr, beta: (
                    w - lr * (beta * velocity + (1 - beta) * grad),
                    beta * velocity + (1 - beta) * grad),
                "You wrote velocity as an average, beta*v + (1 - beta)*grad (that is Adam's "
                "first moment). Heavy-ball momentum adds the full gradient: "
                "velocity = beta * velocity + grad."),
        Mistake("ascent",
                lambda w, grad, velocity, lr, beta: (w + lr * (beta * velocity + grad),
                                                     beta * velocity + grad),
                "Your w moves uphill: subtract the step, w = w - lr * velocity."),
        Mistake("velocity sign flipped",
                lambda w, grad, velocity, lr, beta: (w - lr * (beta * velocity + grad),
                                                     -(beta * velocity + grad)),
                "Your w is right but the velocity you return has the wrong sign. In this "
                "book velocity = beta * velocity + grad (it points uphill, and w moves "
                "against it)."),
    ),
    hint="velocity = beta * velocity + grad; w = w - lr * velocity; return (w, velocity).",
    hints={"mutation": "Write `velocity = beta * velocity + grad` and `w = w - lr * velocity` "
                       "(new arrays), not `velocity *= beta` or `w -= ...`: in-place updates "
                       "change the caller's arrays."},
    extra_checks=(_follows_library("momentum_step",
                                   lambda step: surfaces.momentum(0.02, 0.9, step=step)),),
)
