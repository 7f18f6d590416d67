"""Checks for chapter 4, *Gradient descent*: gd_step, momentum_step, adam_step, minibatches."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import optim, surfaces
from course_lib.exercises.compare import compare_arrays, compare_tuple, kind_of
from course_lib.exercises.probe import Case, Stop, call, fail
from course_lib.exercises.spec import Exercise, FunctionExercise, Mistake, require_callable

# --------------------------------------------------------------------------- shared helpers


def _follows_library(name: str, make_update: Callable[[Callable | None], surfaces.Update],
                     steps: int = 25) -> Callable[[Any], None]:
    """An extra check: chained over ``steps`` steps on the ravine, the learner's
    step function (state passed from one call to the next) follows the library's path."""
    def extra(answer: Callable) -> None:
        expected = surfaces.trajectory(surfaces.ravine, make_update(None), steps)
        try:
            with np.errstate(all="ignore"):
                got = surfaces.trajectory(surfaces.ravine, make_update(answer), steps)
        except NotImplementedError:  # pragma: no cover - the cases already caught it
            raise Stop("not_implemented", "Replace `raise NotImplementedError` with your code.",
                       kind="not_implemented") from None
        except Exception as exc:
            raise Stop("error", f"Run for {steps} steps in a row on the ravine (each call "
                       f"getting the state the previous one returned), your code raised "
                       f"{type(exc).__name__}: {exc}", kind="exception") from None
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            k = min(len(got), len(expected))
            bad = np.flatnonzero(~np.all(np.isclose(got[:k], expected[:k], rtol=1e-6,
                                                     atol=1e-9), axis=1))
            at = int(bad[0]) if bad.size else k
            fail(f"Each single step is right, but run for {steps} steps in a row on the "
                 f"2-D ravine loss L(w) = (w1**2 + 20 * w2**2) / 2 (feeding each call what the "
                 f"previous call returned) your path leaves the library's at step {at}.",
                 f"Return the *new* state from `{name}`, and make sure nothing is left over "
                 "between calls (no global variables, no default arguments that change).")
    extra.label = f"{steps} steps in a row on the ravine follow the library's path"
    return extra


_MUTATION = ("Write `w = w - lr * grad` (a new array), not `w -= lr * grad`: the in-place "
             "form changes the caller's array, so the old parameters are lost and every "
             "variable that pointed to them now silently holds the new ones.")

# --------------------------------------------------------------------------- gd_step


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
    ]


GD_STEP = FunctionExercise(
    name="gd_step",
    chapter=4,
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

# --------------------------------------------------------------------------- momentum_step


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

# --------------------------------------------------------------------------- adam_step


def _adam_parts(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return m, v, m / (1 - beta1**t), v / (1 - beta2**t)


def _adam_no_correction(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, _, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m / (np.sqrt(v) + eps), m, v


def _adam_t_from_zero(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, _, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_eps_inside(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v


def _adam_late_moments(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    m, v, _, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - step, m, v


def _adam_returns_corrected(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _adam_no_sqrt(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m_hat / (v_hat + eps), m, v


def _adam_efficient(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """The Adam paper's reordered form with its own eps-hat (TensorFlow/Keras use it)."""
    m, v, _, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - lr_t * m / (np.sqrt(v) + eps), m, v


def _adam_not_squared(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, _, m_hat, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    v = beta2 * v + (1 - beta2) * grad
    return w - lr * m_hat / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def _adam_only_m_corrected(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, _ = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m_hat / (np.sqrt(v) + eps), m, v


def _adam_only_v_corrected(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, _, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m / (np.sqrt(v_hat) + eps), m, v


def _adam_ascent(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w + lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_v_m_order(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, m_hat, v_hat = _adam_parts(w, grad, m, v, t, lr, beta1, beta2)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), v, m


def _adam_cases() -> list[Case]:
    rng = np.random.default_rng(404)
    z4 = np.zeros(4)
    return [
        Case("the first step, t=1, from zero moments, lr=0.1",
             (rng.normal(size=4), rng.normal(size=4), z4, z4.copy(), 1, 0.1)),
        Case("step t=5 with non-zero moments, lr=0.01",
             (rng.normal(size=5), rng.normal(size=5), rng.normal(0, 0.1, size=5),
              rng.uniform(0.01, 0.5, size=5), 5, 0.01)),
        Case("t=1 with tiny gradients (1e-5) and large ones (50), lr=0.1",
             (np.zeros(4), np.array([1e-5, -2e-5, 50.0, -30.0]), z4, z4.copy(), 1, 0.1)),
        Case("a 3x2 weight matrix at t=3, beta1=0.8, beta2=0.99, eps=1e-6 given by keyword",
             (rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(0, 0.1, size=(3, 2)),
              rng.uniform(0.01, 0.2, size=(3, 2)), 3, 0.05),
             {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
        Case("late in training, t=1000, small moments, lr=0.001",
             (rng.normal(size=3), rng.normal(0, 1e-3, size=3), rng.normal(0, 1e-3, size=3),
              rng.uniform(1e-8, 1e-6, size=3), 1000, 0.001)),
    ]


# Adam's mistakes can agree with each other on one case (eps inside the square
# root and the paper's eps-hat form differ by about 1e-6 on ordinary gradients)
# and differ a lot on another (tiny gradients): a mistake is named only if the
# learner's function reproduces it on every case.
ADAM_STEP = FunctionExercise(
    name="adam_step",
    chapter=4,
    reference=optim.adam_step,
    cases=_adam_cases,
    compare=compare_tuple(("w", "m", "v"), (compare_arrays, compare_arrays, compare_arrays)),
    mistake_match="every_case",
    mistakes=(
        Mistake("moments updated after being used", _adam_late_moments,
                "You computed the step from the *old* m and v and updated them afterwards. "
                "Update m and v with the current gradient first, then bias-correct and step: "
                "at t=1 from zero moments your w does not move at all."),
        Mistake("no bias correction", _adam_no_correction,
                "You skipped the bias correction. m and v start at zero, so early on they "
                "are too small; divide by (1 - beta1**t) and (1 - beta2**t) before the step: "
                "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)."),
        Mistake("t counted from 0", _adam_t_from_zero,
                "Your bias correction uses beta**(t + 1), as if t counted from 0. In this "
                "book (and in the Adam paper) t counts from 1: the first call has t=1 and "
                "divides by 1 - beta1**1. Use t as given."),
        Mistake("the paper's eps-hat form", _adam_efficient,
                "You used the reordered form from the Adam paper, lr_t = lr * sqrt(1 - "
                "beta2**t) / (1 - beta1**t) and w - lr_t * m / (sqrt(v) + eps). It is the same "
                "up to eps, but there eps plays a different role (it equals eps * sqrt(1 - "
                "beta2**t) in the form of the equation), so it differs where gradients are "
                "tiny. Follow the equation: m_hat / (np.sqrt(v_hat) + eps)."),
        Mistake("eps inside the square root", _adam_eps_inside,
                "eps belongs outside the square root: m_hat / (np.sqrt(v_hat) + eps). Inside "
                "it (np.sqrt(v_hat + eps)) it acts like a gradient of size sqrt(eps) = 1e-4 and "
                "shrinks the steps of parameters whose gradients are tiny."),
        Mistake("returned the bias-corrected moments", _adam_returns_corrected,
                "Return the raw running averages m and v, not m_hat and v_hat: the correction "
                "is applied afresh at every step from the raw averages."),
        Mistake("no square root", _adam_no_sqrt,
                "Divide by the square root of v_hat: m_hat / (np.sqrt(v_hat) + eps). v has "
                "the units of a squared gradient."),
        Mistake("gradient not squared in v", _adam_not_squared,
                "v is the running average of the *squared* gradient: "
                "v = beta2 * v + (1 - beta2) * grad**2."),
        Mistake("only m bias-corrected", _adam_only_m_corrected,
                "You bias-corrected m but not v. Both start at zero, so both need it: "
                "v_hat = v / (1 - beta2**t), and the step uses np.sqrt(v_hat)."),
        Mistake("only v bias-corrected", _adam_only_v_corrected,
                "You bias-corrected v but not m. Both start at zero, so both need it: "
                "m_hat = m / (1 - beta1**t), and the step uses m_hat."),
        Mistake("ascent", _adam_ascent,
                "Your w moves uphill: subtract the step, w - lr * m_hat / (np.sqrt(v_hat) + eps)."),
        Mistake("(w, v, m) returned", _adam_v_m_order,
                "You returned m and v in swapped places: return (w, m, v)."),
    ),
    hint="m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; "
         "m_hat = m/(1-beta1**t); v_hat = v/(1-beta2**t); "
         "w = w - lr*m_hat/(np.sqrt(v_hat)+eps); return (w, m, v).",
    hints={
        "mutation": "Build new arrays (m = beta1 * m + ...) instead of updating in place "
                    "(m *= beta1, w -= ...): in-place updates change the caller's arrays.",
        "warning": "Something divided by zero or took the square root of a negative number. "
                   "If your bias correction uses t - 1 (counting steps from 0), then at t=1 "
                   "it computes 1 - beta**0 = 0: in this book t counts from 1, so the first "
                   "call has t=1 and divides by 1 - beta1**1. If v went negative, square the "
                   "gradient: v = beta2 * v + (1 - beta2) * grad**2.",
    },
    extra_checks=(_follows_library("adam_step", lambda step: surfaces.adam(0.1, step=step)),),
)

# --------------------------------------------------------------------------- minibatches

_SHUFFLE_HINT = ("Draw one permutation of the example indices, idx = rng.permutation(len(x)), "
                 "and index both arrays with the same slice of it: x[idx[i:i + batch_size]], "
                 "y[idx[i:i + batch_size]].")


class _NotIterable:
    """What the learner returned when it cannot be looped over."""

    def __init__(self, value: object) -> None:
        self.value = value


class MinibatchesExercise(Exercise):
    """``minibatches(x, y, batch_size, rng)``: structure, coverage, shuffling, reproducibility."""

    name = "minibatches"
    chapter = 4

    @staticmethod
    def _data(n: int, d: int, column: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Rows that say which example they are: x[i, 0] = i, y[i] = 100 + i."""
        x = np.arange(n, dtype=np.float64)[:, None] + np.linspace(0, 0.5, d)[None, :]
        y = 100 + np.arange(n)
        return x, (y[:, None].astype(np.float64) if column else y)

    def _epoch(self, answer: Callable, x: np.ndarray, y: np.ndarray, batch_size: int,
               seed: int | np.random.Generator, label: str) -> list:
        """Run one epoch of the learner's iterator and return its batches as a list."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

        def minibatches(x, y, batch_size):  # same parameter names as the exercise
            out = answer(x, y, batch_size, rng)
            try:
                iterator = iter(out)
            except TypeError:  # None or not iterable: reported below, outside `call`
                return _NotIterable(out)
            return list(iterator)

        try:
            batches = call(minibatches, Case(label, (x, y, batch_size)))
        except Stop as stop:
            if stop.kind == "mutation":
                stop.hint = ("rng.shuffle(x) and np.random.shuffle(x) reorder the caller's "
                             "array in place (and shuffling x and y separately breaks the "
                             "pairs). " + _SHUFFLE_HINT)
            raise
        if (isinstance(batches, list) and len(batches) == 2
                and all(isinstance(b, np.ndarray) for b in batches)
                and len(batches[0]) == len(batches[1]) <= batch_size
                and len(x) > batch_size):
            fail(f"On {label}, your function returned a single pair (xb, yb) instead of all "
                 f"the batches of the epoch: a `return` inside the loop ends the function at "
                 f"the first batch.",
                 "Write `yield xb, yb` inside the loop (a generator hands out every batch), "
                 "or collect the pairs in a list and return it after the loop.")
        if isinstance(batches, _NotIterable):
            if batches.value is None:
                fail(f"On {label}, your function returned None. Use `yield xb, yb` inside "
                     "the loop (or return a list of (xb, yb) pairs).")
            fail(f"On {label}, your function returned {kind_of(batches.value)}, which cannot "
                 "be looped over. Use `yield xb, yb` inside the loop.")
        return batches

    def _ids(self, batches: list, x: np.ndarray, y: np.ndarray, batch_size: int,
             label: str) -> np.ndarray:
        """Check the batches' structure and pairing; return the example ids in order."""
        n, d = x.shape
        ids = []
        for k, batch in enumerate(batches):
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                fail(f"On {label}, batch {k} is {kind_of(batch)}; each batch should be a "
                     "pair (xb, yb).", "Write `yield xb, yb` (a tuple of two arrays).")
            xb, yb = batch
            for what, got, tail in (("xb", xb, (d,)), ("yb", yb, y.shape[1:])):
                if not isinstance(got, np.ndarray):
                    fail(f"On {label}, {what} of batch {k} is {kind_of(got)}, expected a numpy "
                         "array.", "Index the arrays with an array of indices: x[idx].")
                if got.shape[1:] != tail or got.ndim != 1 + len(tail):
                    fail(f"On {label}, {what} of batch {k} has shape {got.shape}, expected "
                         f"(batch size,{' ' + str(tail[0]) if tail else ''}).",
                         "Select whole rows: x[idx] with idx a 1-D array of indices.")
            if xb.shape[0] != yb.shape[0]:
                fail(f"On {label}, batch {k} has {xb.shape[0]} rows of x but {yb.shape[0]} "
                     "labels.")
            if not (np.all(np.isfinite(xb)) and np.all(np.isfinite(yb))):
                fail(f"On {label}, batch {k} contains NaN or infinite values: its rows are "
                     "not rows of x.", "Select rows of x and y, do not compute new values.")
            row_ids = np.rint(xb[:, 0]).astype(int)
            if not np.allclose(xb, x[np.clip(row_ids, 0, n - 1)]):
                fail(f"On {label}, batch {k} contains rows that are not rows of x.")
            label_ids = np.rint(np.ravel(yb)).astype(int) - 100
            if not np.array_equal(row_ids, label_ids):
                fail(f"On {label}, batch {k} pairs examples with the wrong labels: x rows "
                     f"{row_ids[:4].tolist()} came with the labels of examples "
                     f"{label_ids[:4].tolist()}.",
                     "x and y were shuffled independently, so every example now has "
                     "somebody else's label. " + _SHUFFLE_HINT)
            ids.append(row_ids)
        return np.concatenate(ids) if ids else np.zeros(0, dtype=int)

    def _coverage(self, ids: np.ndarray, sizes: list[int], n: int, batch_size: int,
                  label: str) -> None:
        counts = np.bincount(ids, minlength=n)
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        short = n % batch_size
        if len(ids) == n - short and short and np.all(counts <= 1):
            fail(f"On {label}, your batches hold {len(ids)} of the {n} examples: the last, "
                 f"short batch of {short} is missing.",
                 "Keep the last batch even when it has fewer than batch_size examples: loop "
                 "with range(0, n, batch_size) and slice idx[start:start + batch_size].")
        if np.any(counts != 1):
            repeated = np.flatnonzero(counts > 1)
            missed = np.flatnonzero(counts == 0)
            if len(repeated) and len(missed):
                hint = ("Drawing indices at random (rng.integers, rng.choice with replacement) "
                        "repeats some examples and misses others. Shuffle instead: "
                        "idx = rng.permutation(n), then cut idx into consecutive slices.")
            elif len(missed):
                hint = ("Some examples fall between your batches: check the slice bounds. "
                        "Python slices exclude their end, so idx[start:start + batch_size] "
                        "with start in range(0, n, batch_size) covers every index once.")
            else:
                hint = ("Your batches overlap (or the last one was padded with examples from "
                        "the start). Cut the shuffled indices into consecutive, "
                        "non-overlapping slices: idx[start:start + batch_size] with start in "
                        "range(0, n, batch_size); the last slice may be short.")
            fail(f"On {label}, one epoch should show every one of the {n} examples exactly "
                 f"once, but {len(repeated)} were repeated and {len(missed)} never appeared "
                 f"(e.g. repeated {repeated[:3].tolist()}, missed {missed[:3].tolist()}).",
                 hint)
        if sizes != expected:
            fail(f"On {label}, the batch sizes are {sizes}, expected {expected}.",
                 "Cut the shuffled indices into consecutive slices of batch_size; only the "
                 "last one may be shorter.")

    def _order(self, answer: Callable, x: np.ndarray, y: np.ndarray, batch_size: int,
               seed: int | np.random.Generator, label: str) -> np.ndarray:
        batches = self._epoch(answer, x, y, batch_size, seed, label)
        ids = self._ids(batches, x, y, batch_size, label)
        self._coverage(ids, [len(b[0]) for b in batches], len(x), batch_size, label)
        return ids

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = [
            ("20 examples in batches of 8 (the last batch has 4)", 20, 3, 8, False),
            ("12 examples in batches of 4 (no short batch)", 12, 2, 4, False),
            ("7 examples in batches of 1", 7, 2, 1, False),
            ("5 examples in one batch of 10 (batch larger than the set)", 5, 2, 10, False),
            ("10 examples with targets of shape (N, 1), batches of 3", 10, 2, 3, True),
        ]
        for label, n, d, b, column in cases:
            x, y = self._data(n, d, column)
            ids = self._order(answer, x, y, b, 0, label)
            if n > 5 and np.array_equal(ids, np.arange(n)):
                fail(f"On {label}, the examples come out in their original order: "
                     "they were not shuffled.",
                     "Shuffling matters: sorted data (all the 0s, then all the 1s) makes "
                     "consecutive batches very different. " + _SHUFFLE_HINT)
        x, y = self._data(20, 2)
        label = "20 examples in batches of 6"
        first = self._order(answer, x, y, 6, 7, label + " with rng = default_rng(7)")
        again = self._order(answer, x, y, 6, 7, label + " again with default_rng(7)")
        other = self._order(answer, x, y, 6, 8, label + " with default_rng(8)")
        if not np.array_equal(first, again):
            fail("Called twice with generators made from the same seed, your function "
                 "shuffled differently, so runs cannot be reproduced.",
                 "Use the `rng` you are given (rng.permutation), not np.random.permutation "
                 "or np.random.shuffle, which use numpy's hidden global generator.")
        if np.array_equal(first, other):
            fail("Called with generators from different seeds (7 and 8), your function "
                 "produced the same order: it ignores `rng`.",
                 "Draw the permutation from the `rng` argument (rng.permutation(n)); do not "
                 "create a generator with a fixed seed inside the function.")
        shared = np.random.default_rng(3)
        epoch1 = self._order(answer, x, y, 6, shared, label + ", epoch 1 with one rng")
        epoch2 = self._order(answer, x, y, 6, shared, label + ", epoch 2 with the same rng")
        if np.array_equal(epoch1, epoch2):
            fail("Two epochs drawn with the same generator came out in the same order; each "
                 "epoch should be shuffled afresh.",
                 "Draw a new permutation from `rng` each time the function is called.")
        self._uniformity(answer)
        return (f"All {len(cases) + 5} epochs passed: every example exactly once, x and y "
                "still paired, batch sizes right (the last may be short), shuffled with the "
                "given rng, reproducible, and every order of 4 examples reachable.")

    def _uniformity(self, answer: Callable) -> None:
        """Every permutation of 4 examples should come up: not just a rotation or batch order."""
        x, y = self._data(4, 1)
        rng = np.random.default_rng(11)
        seen = set()
        for _ in range(240):
            seen.add(tuple(self._order(answer, x, y, 2, rng, "4 examples in batches of 2")))
        total = math.factorial(4)
        if len(seen) < total - 2:
            fail(f"Over 240 epochs of 4 examples in batches of 2, your function produced only "
                 f"{len(seen)} of the {total} possible orders: it does not shuffle the "
                 "examples uniformly (shuffling only the order of the batches, or rotating by "
                 "a random offset, leaves most orders out).", _SHUFFLE_HINT)


MINIBATCHES = MinibatchesExercise()

EXERCISES = (GD_STEP, MOMENTUM_STEP, ADAM_STEP, MINIBATCHES)
