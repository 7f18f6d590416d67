"""Chapter 2 checks: he_init."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import init
from course_lib.exercises.ch02._shared import _NAME_ERROR
from course_lib.exercises.compare import kind_of
from course_lib.exercises.probe import Case, call, fail, rng_rule
from course_lib.exercises.spec import Exercise, require_callable

_HE_SHAPES = ((300, 200), (50, 400))


def _stats_hint(std: float, fan_in: int, fan_out: int) -> str:
    """Recognise the standard deviation of a known wrong scheme."""
    known = {
        "Xavier's scale, sqrt(2 / (fan_in + fan_out))":
            ("That is Xavier (Glorot) initialisation, made for tanh and sigmoid. He "
             "initialisation, for ReLU, uses only fan_in: std = sqrt(2 / fan_in)."),
        "the variance 2 / fan_in used as the standard deviation":
            ("2 / fan_in is the variance; rng.normal takes the standard deviation, "
             "so pass np.sqrt(2 / fan_in)."),
        "sqrt(1 / fan_in)":
            ("That is LeCun's scale. He initialisation doubles the variance to make up "
             "for ReLU zeroing half its inputs: std = sqrt(2 / fan_in)."),
        "sqrt(2 / fan_out)":
            ("You used fan_out. The scale depends on how many inputs each unit sums, "
             "fan_in: std = sqrt(2 / fan_in)."),
        "the standard deviation 1 of rng.normal's default":
            ("rng.normal(size=...) has standard deviation 1; pass "
             "scale=np.sqrt(2 / fan_in)."),
        "sqrt(2) / fan_in":
            ("The square root covers the whole fraction: np.sqrt(2 / fan_in), "
             "not np.sqrt(2) / fan_in."),
        "2 / sqrt(fan_in)":
            ("The square root covers the whole fraction: np.sqrt(2 / fan_in), "
             "not 2 / np.sqrt(fan_in)."),
    }
    if std == 0:
        return ("All your weights are equal. If you wrote 2 // fan_in, that is integer "
                "division and gives 0; use 2 / fan_in. Then draw random weights: "
                "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
    values = (np.sqrt(2 / (fan_in + fan_out)), 2 / fan_in, np.sqrt(1 / fan_in),
              np.sqrt(2 / fan_out), 1.0, np.sqrt(2) / fan_in, 2 / np.sqrt(fan_in))
    for (label, hint), value in zip(known.items(), values):
        if abs(std / value - 1) < 0.05:
            return f"It matches {label}. {hint}"
    return "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))."


_HE_PATTERNS = (
    ("exception", "data type",
     "rng.standard_normal and rng.normal take the shape as one tuple: size=(fan_in, fan_out). "
     "A second number is read as a dtype."),
    ("exception", "NameError", _NAME_ERROR),
)
_HE_HINTS = {
    "exception": "Draw with the generator you are given: "
                 "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).",
    "warning": "Your code divided by zero or overflowed for these sizes. Draw the weights "
               "with the scale given, without rescaling them by their own mean or standard "
               "deviation: rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).",
}


class HeInit(Exercise):
    """Checks ``he_init(fan_in, fan_out, rng)`` by its statistics, not its values."""

    name = "he_init"
    chapter = 2

    reference = staticmethod(init.he_init)

    def cases(self) -> list[Case]:
        """The calls the check makes: statistics on two shapes, then the rng rule
        (seed 7 twice, seed 8), then the smallest layer."""
        return [self._case(fan_in, fan_out, seed) for fan_in, fan_out, seed in (
            *((fan_in, fan_out, 0) for fan_in, fan_out in _HE_SHAPES),
            (20, 10, 7), (20, 10, 7), (20, 10, 8), (1, 1, 3))]

    @staticmethod
    def _case(fan_in: int, fan_out: int, seed: int) -> Case:
        # Each call gets a copy of the generator in this state (Case.fresh_args);
        # drawing from it is expected, not a mutation.
        return Case(f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng({seed})",
                    (fan_in, fan_out, np.random.default_rng(seed)))

    def _draw(self, answer: Any, case: Case) -> np.ndarray:
        fan_in, fan_out, _ = case.args
        w = call(answer, case, hints=_HE_HINTS, patterns=_HE_PATTERNS)
        where = f"With {case.label}"
        if not isinstance(w, np.ndarray):
            fail(f"{where}, your result is {kind_of(w)}, expected an array of shape "
                 f"{(fan_in, fan_out)}.",
                 "Return the numpy array that rng.normal(...) gives you.")
        if w.shape != (fan_in, fan_out):
            hint = ("Weights are (fan_in, fan_out) so that x @ w works with x of shape "
                    "(N, fan_in)." if w.shape == (fan_out, fan_in) else
                    "Pass size=(fan_in, fan_out) to rng.normal.")
            fail(f"{where}, your weights have shape {w.shape}, expected {(fan_in, fan_out)}.",
                 hint)
        if w.dtype.kind != "f":
            fail(f"{where}, your weights have dtype {w.dtype}, expected floating point.",
                 "Random normal weights are floats; do not round or cast them to int.")
        if not np.all(np.isfinite(w)):
            fail(f"{where}, your weights contain NaN or inf.",
                 "std = np.sqrt(2 / fan_in) is finite for every fan_in >= 1.")
        return w

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = self.cases()
        for case in cases[:len(_HE_SHAPES)]:
            self._check_statistics(self._draw(answer, case), *case.args[:2])
        first, again, other = (self._draw(answer, case) for case in cases[2:5])
        rng_rule(first, again, other, not_reproducible=(
            "Two calls with np.random.default_rng(7) gave different weights: your "
            "function is not reproducible.",
            "Draw every random number from the `rng` argument (rng.normal(...)), not "
            "from np.random.normal or a generator you create inside the function."),
                 ignores_rng=(
            "Calls with np.random.default_rng(7) and np.random.default_rng(8) gave "
            "the same weights: your function ignores its `rng` argument.",
            "Do not create a new generator inside the function (such as "
            "np.random.default_rng(0)); use the `rng` you are given."))
        self._draw(answer, cases[5])
        return ("Shapes (300, 200), (50, 400) and (1, 1) are right, the weights have mean 0, "
                "standard deviation sqrt(2 / fan_in) and a normal shape, and they come "
                "from the rng you pass.")

    @staticmethod
    def _check_statistics(w: np.ndarray, fan_in: int, fan_out: int) -> None:
        target = np.sqrt(2 / fan_in)
        mean, std = float(w.mean()), float(w.std())
        where = f"With fan_in={fan_in} and fan_out={fan_out}"
        if abs(mean) > 6 * target / np.sqrt(w.size):
            fail(f"{where}, your weights have mean {mean:.4g}; He weights have mean 0.",
                 "Draw from a normal distribution centred at 0: rng.normal(0.0, std, ...).")
        if abs(std / target - 1) > 0.05:
            fail(f"{where}, the standard deviation of your weights is {std:.4g}, "
                 f"expected sqrt(2 / {fan_in}) = {target:.4g}.",
                 _stats_hint(std, fan_in, fan_out))
        kurtosis = float(np.mean((w - mean) ** 4) / std**4)
        if abs(kurtosis - 3) > 0.3:
            fail(f"{where}, your weights do not look normally distributed "
                 f"(kurtosis {kurtosis:.2f}, a normal distribution has 3).",
                 "Use the values of rng.normal as they come: not rng.uniform or "
                 "rng.integers, and without clipping or rescaling them.")
