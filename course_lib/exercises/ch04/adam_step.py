"""Chapter 4 checks: adam_step."""

from __future__ import annotations

import numpy as np

from course_lib import optim
from course_lib.exercises.ch04._shared import _follows_library
from course_lib.exercises.compare import compare_arrays, compare_tuple
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake, fresh_parts
from course_lib.viz import surfaces


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
        Case("a zero gradient from zero moments at t=1 (nothing moves), lr=0.1",
             (rng.normal(size=4), z4.copy(), z4.copy(), z4.copy(), 1, 0.1)),
    ]


# Adam's mistakes can agree with each other on one case (eps inside the square
# root and the paper's eps-hat form differ by about 1e-6 on ordinary gradients)
# and differ a lot on another (tiny gradients): a mistake is named only if the
# learner's function reproduces it on every case.
ADAM_STEP = FunctionExercise(
    name="adam_step",
    chapter=4,
    fresh_outputs=fresh_parts("w", "m", "v"),
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
    error_hints=(
        ("warning", r"in sqrt",
         "Your code took the square root of a negative number: v went negative. v is the "
         "running average of the *squared* gradient: v = beta2 * v + (1 - beta2) * grad**2."),
    ),
    extra_checks=(_follows_library("adam_step", lambda step: surfaces.adam(0.1, step=step)),),
)
