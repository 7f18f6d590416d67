"""Chapter 1 checks: helpers."""

from __future__ import annotations

# The function exercises below match a wrong output with their mistakes
# loosely (a scalar or NaN result is recognised too) and, when several match
# the failing case (as sum(sizes) and prod(sizes) on [2, 3, 1]), name the one
# agreeing with the answer on the most cases.

_ARRAY_TRUTH = (
    "exception",
    r"truth value of an array",
    "`if z > 0:` (or `max(0, z)`, `and`, `or`) asks one yes/no question, but `z` is a "
    "whole array (and `for v in z` over a 2-D array gives whole rows, not numbers). "
    "Work on every entry at once with numpy: np.where(condition, a, b), np.maximum, "
    "or a boolean mask.",
)
_MATH_MODULE = (
    "exception",
    r"only (length-1|0-dimensional|size-1) arrays|must be real number",
    "math.exp (and other math functions) take one number; np.exp works on whole arrays.",
)
