"""Chapter 5 checks: dropout_backward."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import layers
from course_lib.exercises.compare import compare_arrays
from course_lib.exercises.gradient import check_answer_backward
from course_lib.exercises.probe import Case, call, fail, quietly
from course_lib.exercises.spec import Exercise, require_callable


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(521)

    def case(label: str, shape: tuple, p: float, training: bool, seed: int) -> Case:
        x = rng.normal(size=shape)
        _, cache = layers.dropout_forward(x, p, training, np.random.default_rng(seed))
        return Case(label, (rng.normal(size=shape), cache))

    return [
        case("a 4x6 batch, p = 0.5", (4, 6), 0.5, True, 1),
        case("another 4x6 batch with another mask, p = 0.5", (4, 6), 0.5, True, 6),
        case("a 5x3 batch, p = 0.8 (kept entries scaled by 5)", (5, 3), 0.8, True, 2),
        case("a 2x3x4 array, p = 0.3", (2, 3, 4), 0.3, True, 3),
        case("a batch of one (shape (1, 7)), p = 0.25", (1, 7), 0.25, True, 4),
        case("evaluation mode (cache.mask is None), p = 0.5", (3, 4), 0.5, False, 5),
    ]


_BACKWARD_HINTS = {
    "exception": "cache is the DropoutCache(mask, p) returned by dropout_forward: "
                 "read cache.mask (the scaled mask) and cache.p. In evaluation mode "
                 "cache.mask is None, because dropout was the identity: then dx = dout.",
    "mutation": "Return a new array (dout * mask); dout *= mask changes the caller's array.",
    "warning": "Multiply dout by the mask; dividing by it divides by zero where an entry "
               "was dropped.",
}
_BACKWARD_PATTERNS = (
    ("exception", "truth value",
     "Test for evaluation mode with `if cache.mask is None:`. `if not cache.mask` and "
     "`if cache.mask == None` look at every entry of the mask array when there is one, and "
     "Python cannot turn that into a single True or False."),
)


class DropoutBackward(Exercise):
    """``dropout_backward(dout, cache) -> dx``, reusing the forward pass's mask."""

    name = "dropout_backward"
    chapter = 5
    reference = staticmethod(layers.dropout_backward)

    @staticmethod
    def cases() -> list[Case]:
        """The cases the answer is compared with the reference on."""
        return _backward_cases()

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = self.cases()
        for case in cases:
            dout, cache = case.fresh_args()[0]
            expected = layers.dropout_backward(dout, cache)
            got = call(answer, case, hints=_BACKWARD_HINTS, patterns=_BACKWARD_PATTERNS)
            if isinstance(got, tuple) and got and isinstance(got[0], np.ndarray):
                fail(f"On {case.label}, your function returned a tuple of {len(got)} "
                     "values; dropout_backward returns dx alone, an array of shape "
                     f"{dout.shape}.",
                     "Dropout has no parameters, so there is nothing else to return: "
                     "return dout * cache.mask (or dout in evaluation mode).")
            problem = compare_arrays(got, expected, what="dx")
            if problem:
                fail(f"On {case.label}, {problem}.", self._diagnose(answer, case, got))
        self._gradient_check(answer)
        labels = "; ".join(case.label for case in cases)
        return (f"All {len(cases)} cases passed and the numerical gradient check agrees: "
                f"{labels}.")

    @staticmethod
    def _diagnose(answer: Any, case: Case, got: Any) -> str:
        dout, cache = case.args
        if cache.mask is None:
            return "In evaluation mode dropout was the identity, so dx = dout."
        again = quietly(answer, dout, cache)
        fresh = ("The mask must be the one the forward pass used, stored in cache.mask. "
                 "A freshly drawn mask drops different units than the forward pass did, "
                 "so the gradient flows to the wrong ones.")
        if isinstance(got, np.ndarray) and isinstance(again, np.ndarray) and (
                got.shape == again.shape and not np.array_equal(got, again)):
            return fresh + " (Two calls with the same cache returned different dx.)"
        mask, p = cache.mask, cache.p
        if isinstance(got, np.ndarray) and got.shape == mask.shape:
            if np.allclose(got, dout * (mask != 0)):
                return ("You forgot the rescale: the forward pass multiplied kept entries "
                        "by 1 / (1 - p), so the gradient is scaled the same way. "
                        "cache.mask already holds the scaled mask: dx = dout * cache.mask.")
            if np.allclose(got, dout * mask / (1 - p)):
                return ("You scaled twice: cache.mask already includes the factor "
                        "1 / (1 - p), so dx = dout * cache.mask.")
            if np.allclose(got, dout):
                return ("dx equals dout: the dropped units received no output, so they get "
                        "no gradient either; multiply by the mask.")
            if np.any((got != 0) & (mask == 0)) or np.any((got == 0) & (mask != 0) & (dout != 0)):
                return fresh
        return "dx = dout * cache.mask: the same scaled mask as in the forward pass."

    @staticmethod
    def _gradient_check(answer: Any) -> None:
        def forward(x: np.ndarray) -> tuple:
            return layers.dropout_forward(x, 0.4, True, np.random.default_rng(11))

        x = np.random.default_rng(522).normal(size=(3, 5))
        check_answer_backward(answer, forward, {"x": x}, seed=523,
                              label="a 3x5 batch, p = 0.4", hint="dx = dout * cache.mask.")
