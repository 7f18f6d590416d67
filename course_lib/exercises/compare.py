"""Comparisons that explain themselves.

Each ``compare_*`` function takes what the learner returned and what the
reference returned and gives ``None`` when they agree, or one sentence saying
how they differ: the type, the shape, the dtype, the first NaN, or the entry
that differs most, with both values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

RTOL = 1e-6
ATOL = 1e-9

Comparison = Callable[[Any, Any], "str | None"]


def kind_of(value: Any) -> str:
    """Describe what a value is, as a learner would want to hear it."""
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (bool, np.bool_)):
        return f"a bool ({value})"
    if isinstance(value, (int, float, np.number)):
        return f"a single number ({value:.6g})"
    return f"a {type(value).__name__}"


def _index(flat: int, shape: tuple) -> str:
    idx = np.unravel_index(flat, shape)
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def compare_arrays(got: Any, expected: np.ndarray, *, rtol: float = RTOL, atol: float = ATOL,
                   inputs: np.ndarray | None = None, what: str = "your result") -> str | None:
    """Compare an array answer with the expected array.

    Parameters
    ----------
    got : object
        What the learner returned.
    expected : numpy.ndarray
        The reference result.
    inputs : numpy.ndarray, optional
        The input array, when it has the output's shape; the message then
        quotes the input at the worst entry.
    what : str
        The subject of the message, e.g. ``"your result"`` or ``"`dw`"``.
    """
    if not isinstance(got, np.ndarray):
        if isinstance(got, (list, tuple)):
            return (f"{what} is {kind_of(got)}, expected a numpy array of shape {expected.shape}; "
                    "use numpy operations (or np.asarray) so the result is an array")
        return f"{what} is {kind_of(got)}, expected an array of shape {expected.shape}"
    if got.shape != expected.shape:
        message = f"{what} has shape {got.shape}, expected {expected.shape}"
        if got.shape == expected.shape[::-1] and got.ndim == 2 and np.allclose(
                got.T, expected, rtol=rtol, atol=atol):
            message += " (it is the transpose of the expected array)"
        return message
    if expected.dtype.kind == "f" and got.dtype.kind not in "f":
        return (f"{what} has dtype {got.dtype}, expected a floating-point array "
                f"({expected.dtype}); integer results lose the fractional part")
    return _compare_values(got, expected, rtol=rtol, atol=atol, inputs=inputs, what=what)


def _compare_values(got: np.ndarray, expected: np.ndarray, *, rtol: float, atol: float,
                    inputs: np.ndarray | None, what: str) -> str | None:
    got_f = got.astype(np.float64)
    exp_f = expected.astype(np.float64)
    bad_nonfinite = ~np.isfinite(got_f) & np.isfinite(exp_f)
    if bad_nonfinite.any():
        flat = int(np.flatnonzero(bad_nonfinite)[0])
        return (f"{what} has {got_f.flat[flat]} at entry {_index(flat, got.shape)} where "
                f"{exp_f.flat[flat]:.6g} was expected{_input_note(inputs, flat)}")
    close = np.isclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    error = np.where(close, 0.0, np.abs(got_f - exp_f))
    error = np.nan_to_num(error, nan=np.inf)
    flat = int(np.argmax(error))
    wrong = int((~close).sum())
    where = _index(flat, got.shape)
    shown_got, shown_expected = _distinct(got_f.flat[flat], exp_f.flat[flat])
    return (f"{what} has {wrong} of {got.size} entries wrong; the worst is entry {where}: "
            f"got {shown_got}, expected {shown_expected}"
            f"{_input_note(inputs, flat)}")


def _distinct(got: float, expected: float) -> tuple[str, str]:
    """Format two numbers with just enough digits that they do not look equal."""
    for digits in range(6, 18):
        a, b = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _input_note(inputs: np.ndarray | None, flat: int) -> str:
    if inputs is None:
        return ""
    return f" (the input there is {np.asarray(inputs, dtype=float).flat[flat]:.6g})"


def compare_number(got: Any, expected: float, *, rtol: float = RTOL, atol: float = ATOL,
                   what: str = "your result") -> str | None:
    """Compare a scalar answer (a Python or numpy number, or a 0-d array)."""
    if isinstance(got, np.ndarray) and got.size == 1 and got.ndim <= 1:
        got = got.reshape(()).item()
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number)):
        return f"{what} is {kind_of(got)}, expected a single number like {expected:.6g}"
    if not np.isfinite(got) and np.isfinite(expected):
        return f"{what} is {got}, expected the finite value {expected:.6g}"
    if not np.isclose(float(got), float(expected), rtol=rtol, atol=atol):
        shown_got, shown_expected = _distinct(float(got), float(expected))
        return f"{what} is {shown_got}, expected {shown_expected}"
    return None


def compare_int(got: Any, expected: int, what: str = "your result") -> str | None:
    """Compare an integer answer exactly."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer, float)):
        return f"{what} is {kind_of(got)}, expected a whole number like {expected}"
    if isinstance(got, float) and not got.is_integer():
        return f"{what} is {got}, expected the whole number {expected}"
    if int(got) != expected:
        return f"{what} is {int(got)}, expected {expected}"
    return None


def compare_count(got: Any, expected: int, what: str = "your result") -> str | None:
    """Compare a count exactly: a Python or numpy integer, never a float like ``9.0``.

    Counts are used as sizes and indices by later code (``np.zeros(n)``,
    ``range(n)``), where a float fails.
    """
    if isinstance(got, (float, np.floating)):
        shown = f"{got:.6g}" if not float(got).is_integer() else f"{float(got):.1f}"
        return (f"{what} is the float {shown}, expected the integer {expected}: a count is "
                "an int (9, not 9.0); a float appears when you use np.prod or np.sum of "
                "float arrays, or `/`; use int(...) or integer arithmetic")
    return compare_int(got, expected, what=what)


def compare_tuple(names: Sequence[str], parts: Sequence[Callable[..., str | None]]) -> Comparison:
    """Build a comparison for a tuple answer such as ``(loss, dlogits)``.

    Parameters
    ----------
    names : sequence of str
        The parts' names, used in messages (``"loss"``, ``"dlogits"``).
    parts : sequence of callable
        One comparison per part, each accepting a ``what=`` keyword.
    """
    def compare(got: Any, expected: tuple) -> str | None:
        shape = "(" + ", ".join(names) + ")"
        if not isinstance(got, (tuple, list)):
            return f"your result is {kind_of(got)}, expected a tuple {shape}"
        if len(got) != len(names):
            return f"your function returned {len(got)} values, expected {len(names)}: {shape}"
        for name, part, g, e in zip(names, parts, got, expected):
            problem = part(g, e, what=f"`{name}`")
            if problem:
                return problem
        return None
    return compare


def compare_any(got: Any, expected: Any, what: str = "your result") -> str | None:
    """Pick the comparison that fits the expected value's type."""
    if isinstance(expected, np.ndarray):
        return compare_arrays(got, expected, what=what)
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, bool):
        return compare_int(got, int(expected), what=what)
    if isinstance(expected, (float, np.floating)):
        return compare_number(got, float(expected), what=what)
    if isinstance(expected, tuple):
        names = [f"value {i + 1}" for i in range(len(expected))]
        return compare_tuple(names, [compare_any] * len(expected))(got, expected)
    return None if got == expected else f"{what} is {kind_of(got)}, expected {expected!r}"
