"""Input validation shared by every public entry point of ``course_lib``.

Each helper raises ``TypeError`` or ``ValueError`` with a message that names
the argument, what was expected and what was given, so that a learner who
passes the wrong thing reads what to change instead of a numpy traceback.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence

import numpy as np

# Kinds of numpy dtypes that count as numeric: bool, signed and unsigned
# integers, floats, complex and timedelta (numpy counts it as an integer).
_NUMERIC_KINDS = "biufcm"


def describe(value: object) -> str:
    """Return a short description of ``value`` for error messages.

    >>> describe(np.zeros((2, 3)))
    'an array of shape (2, 3) and dtype float64'
    """
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"


def as_array(
    value: object,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    dtype: type | None = None,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``value`` to a numpy array and check its rank and values.

    Parameters
    ----------
    value : array_like
        What the caller passed.
    name : str
        The argument's name, used in error messages.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    dtype : type, optional
        If given, the array is converted to this dtype; otherwise floating
        inputs keep their precision and everything else becomes float64.
    finite : bool
        Reject NaN and infinity when true.

    Returns
    -------
    numpy.ndarray
        ``value`` as an array (not copied when already suitable).
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    if type(value) is np.ndarray:  # the common case: nothing to convert
        array = value
    else:
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numeric array, got {describe(value)}") from exc
    # dtype.kind is one letter: the same test as np.issubdtype(dtype, np.number)
    # or bool, without its cost (this runs on every call of every public function).
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif array.dtype.kind != "f":
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(
                f"{name} must have {wanted} dimensions, got {array.ndim} (shape {array.shape})"
            )
    if finite and array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite entries")
    return array


def as_labels(value: object, name: str, *, n: int | None = None,
              num_classes: int | None = None) -> np.ndarray:
    """Check integer class labels of shape (N,) and return them as int64.

    Parameters
    ----------
    value : array_like of int, shape (N,)
    name : str
    n : int, optional
        Required length N.
    num_classes : int, optional
        Labels must lie in ``[0, num_classes)``.
    """
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {array.shape}")
    if array.size and array.dtype.kind not in "ium":  # not an integer dtype
        if array.dtype.kind != "f" or np.any(array != np.round(array)):
            raise TypeError(f"{name} must hold integer class labels, got dtype {array.dtype}")
    array = array.astype(np.int64)
    if n is not None and array.shape[0] != n:
        raise ValueError(
            f"{name} must have length {n} (one label per example), got {array.shape[0]}"
        )
    if num_classes is not None and array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(
            f"{name} must lie in [0, {num_classes}), got values from {array.min()} to {array.max()}"
        )
    return array


def check_shape(array: np.ndarray, name: str, expected: tuple) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected``.

    ``None`` in ``expected`` matches any size along that axis.
    """
    ok = array.ndim == len(expected) and all(
        e is None or e == s for e, s in zip(expected, array.shape)
    )
    if not ok:
        pretty = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {pretty}, got {array.shape}")


def check_probability(p: object, name: str = "p", *, upper_inclusive: bool = False) -> float:
    """Return ``p`` as a float after checking it lies in [0, 1) (or [0, 1])."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {describe(p)}")
    p = float(p)
    inside = 0.0 <= p <= 1.0 if upper_inclusive else 0.0 <= p < 1.0
    if not inside:
        interval = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{name}={p} is out of range {interval}")
    return p


def check_positive(value: object, name: str, *, allow_zero: bool = False,
                   integer: bool = False) -> float | int:
    """Return ``value`` after checking it is a positive (or non-negative) number."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds):
        kind = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {kind}, got {describe(value)}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return int(value) if integer else float(value)


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` after checking it is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator such as np.random.default_rng(0), "
            f"got {describe(rng)}"
        )
    return rng


def check_choice(value: object, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` after checking it is one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value  # type: ignore[return-value]


def checked(check: Callable[..., tuple]) -> Callable[[Callable], Callable]:
    """Decorator that keeps a function's argument checks apart from its math.

    ``check`` takes the function's arguments, by position, and returns them
    converted (arrays as arrays), raising a clear error for a wrong one. The decorated
    function checks, then runs the math; the math alone stays reachable as
    ``function.unchecked``, which modules and ``fit`` call on a batch that was
    checked once where it entered the model.

    Examples
    --------
    >>> @checked(lambda z: (as_array(z, "z"),))
    ... def double(z):
    ...     return 2 * z
    >>> double([1, 2])
    array([2., 4.])
    >>> double.unchecked(np.array([1, 2]))
    array([2, 4])
    """
    def decorate(math: Callable) -> Callable:
        signature = inspect.signature(math)

        @functools.wraps(math)
        def public(*args: object, **kwargs: object) -> object:
            if kwargs:  # hand check every argument by position, defaults included
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                args = bound.args
            return math(*check(*args))
        public.unchecked = math
        return public
    return decorate
