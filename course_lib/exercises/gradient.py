"""The one helper for gradient-checking an answer against central differences.

Every gradient exercise (chapters 3 and 5) ends with a numerical gradient
check built here, on ``course_lib.gradcheck.check_backward``:

- ``check_answer_backward`` for a learner's ``backward(dout, cache)``;
- ``check_answer_gradient`` for a learner's function returning
  ``(value, gradients)``, such as a loss and its gradient, or a penalty and
  its gradients.

Both run the learner's code through ``probe.call`` (an exception becomes a
report, never a crash) and fail, naming the worst input, when the relative
error is above ``TOLERANCE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course_lib.exercises.probe import Case, Stop, call, fail
from course_lib.gradcheck import check_backward

#: A correct gradient agrees with central differences far below this.
TOLERANCE = 1e-6


def report(errors: Mapping[str, float], label: str, hint: str = "",
           tolerance: float = TOLERANCE) -> None:
    """Fail naming the input whose gradient is furthest from central differences."""
    bad = {k: e for k, e in errors.items() if not np.isfinite(e) or e > tolerance}
    if bad:
        name, err = max(bad.items(), key=lambda item: item[1])
        fail(f"Numerical gradient check on {label}: your `{name}` differs from central "
             f"differences by a relative error of {err:.2g} (a correct gradient gives "
             f"below 1e-7).", hint)


def _run(forward: Callable, backward: Callable, inputs: dict[str, np.ndarray],
         seed: int, label: str) -> dict[str, float]:
    try:
        return check_backward(forward, backward, inputs, np.random.default_rng(seed))
    except Stop:
        raise
    except Exception as exc:  # the answer passed the cases; report, never raise
        fail(f"The numerical gradient check on {label} could not use your result: "
             f"{type(exc).__name__}: {exc}.")


def check_answer_backward(answer: Callable, forward: Callable, inputs: dict[str, np.ndarray],
                          *, seed: int, label: str, hint: str = "",
                          names: Mapping[str, str] | None = None) -> None:
    """Gradient-check a learner's ``backward(dout, cache)``.

    Parameters
    ----------
    answer : callable
        The learner's ``backward(dout, cache)``, returning the gradient of each
        input of ``forward`` in the order of ``inputs``.
    forward : callable
        The reference ``forward(**inputs) -> (out, cache)``.
    inputs : dict of str to numpy.ndarray
        The inputs, e.g. ``{"x": (4, 3), "w": (3, 2), "b": (2,)}`` arrays.
    seed : int
        Seeds the random upstream gradient ``dout``.
    label : str
        The case named in the messages, e.g. ``"a 3x5 batch"``.
    hint : str
        Said when the check fails.
    names : dict, optional
        The name shown for each input's gradient; ``"d" + name`` by default.
    """
    def backward(dout: np.ndarray, cache: Any) -> Any:
        got = call(answer, Case(f"the gradient check ({label})", (dout, cache)))
        return tuple(got) if isinstance(got, list) else got

    errors = _run(forward, backward, inputs, seed, label)
    shown = names or {}
    report({shown.get(k, f"d{k}"): e for k, e in errors.items()}, label, hint)


def check_answer_gradient(value: Callable[..., float], gradients: Callable[..., Any],
                          inputs: dict[str, np.ndarray], *, seed: int, label: str,
                          hint: str = "", names: Mapping[str, str] | None = None) -> None:
    """Gradient-check a function's gradients against central differences of its value.

    Parameters
    ----------
    value : callable
        ``value(**inputs) -> float``, the scalar whose gradient is checked
        (the reference loss, or the learner's own penalty).
    gradients : callable
        ``gradients(**inputs)`` returning the gradient of each input, in the
        order of ``inputs`` (typically part of the learner's result).
    inputs, seed, label, hint, names
        As in ``check_answer_backward``.
    """
    def forward(**arrays: np.ndarray) -> tuple[float, dict]:
        return value(**arrays), arrays

    def backward(dout: np.ndarray, arrays: dict) -> tuple:
        grads = gradients(**arrays)
        return tuple(float(dout) * np.asarray(g, dtype=float) for g in grads)

    errors = _run(forward, backward, inputs, seed, label)
    shown = names or {}
    report({shown.get(k, f"d{k}"): e for k, e in errors.items()}, label, hint)
