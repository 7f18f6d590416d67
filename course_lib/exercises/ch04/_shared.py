"""Chapter 4 checks: shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib.exercises.probe import Stop, fail
from course_lib.viz import surfaces


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
