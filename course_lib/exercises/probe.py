"""Running a learner's code safely: exceptions, warnings and mutated inputs.

A ``Probe`` calls the learner's function on one case and turns everything
that can go wrong into a ``Stop`` carrying the status and a message a teacher
would write. Nothing the learner's code does escapes as an exception.
"""

from __future__ import annotations

import copy
import inspect
import re
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

_LIBRARY_DIR = str(Path(__file__).resolve().parents[1])
_NUMPY_DIR = str(Path(np.__file__).resolve().parent)


@dataclass
class Case:
    """One input on which an answer is compared with the reference.

    Attributes
    ----------
    label : str
        How a teacher would name the case, e.g. ``"a 3x4 batch of random logits"``.
    args : tuple
        Positional arguments. Each call gets fresh deep copies.
    kwargs : dict
        Keyword arguments.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)

    def fresh_args(self) -> tuple[tuple, dict]:
        """Deep copies of the arguments, so no call can affect another."""
        return copy.deepcopy(self.args), copy.deepcopy(self.kwargs)


class Stop(Exception):
    """Ends a check early with a status, a message and a hint.

    ``kind`` says why: ``"wrong"`` (a wrong result), ``"mutation"``,
    ``"warning"``, ``"exception"``, ``"not_implemented"`` or ``"type"``;
    exercises use it to attach their own hints.
    """

    def __init__(self, status: str, message: str, hint: str = "", kind: str = "wrong"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint
        self.kind = kind


def fail(message: str, hint: str = "", kind: str = "wrong") -> NoReturn:
    """Stop the check with status ``failed``."""
    raise Stop("failed", message, hint, kind)


def _argument_names(fn: Callable, args: tuple, kwargs: dict) -> list[str]:
    """Names of the parameters that ``args`` bind to, or ``argument 1``, ..."""
    generic = [f"argument {i + 1}" for i in range(len(args))]
    try:
        named = list(inspect.signature(fn).bind_partial(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        return generic
    # one name per positional argument (a `*args` parameter takes several)
    return named[: len(args)] if len(named) >= len(args) else generic


def _same(a: Any, b: Any) -> bool:
    """Exact equality of two argument values, arrays included (NaN equals NaN).

    A random generator is always "the same": drawing from ``rng`` advances it,
    which is its purpose, not a mutation of the caller's data.
    """
    if isinstance(a, np.random.Generator) or isinstance(b, np.random.Generator):
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
            and a.shape == b.shape and a.dtype == b.dtype
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # an object whose comparison fails is not one we can vouch for
        return False


def where_it_failed(exc: BaseException) -> str:
    """The learner's line that raised, as ``line N: code``, or ``""``.

    An exception raised in the learner's process while the grader checks an
    answer arrives with that line already found (``remote_where``).
    """
    if hasattr(exc, "remote_where"):
        return str(exc.remote_where)
    frames = [
        frame for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith((_LIBRARY_DIR, _NUMPY_DIR))
        and not frame.filename.endswith(".pyx")  # numpy's compiled modules
        and not frame.filename.startswith("numpy")
    ]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"line {frame.lineno} of {frame.name}{code}"


def hint_for(stop: Stop, hints: Mapping[str, str],
             patterns: Sequence[tuple[str, str, str]] = ()) -> str:
    """The hint for a failure that is not a wrong output (see ``Stop.kind``).

    The first ``(kind, regular expression, hint)`` of ``patterns`` whose kind
    is the failure's and whose expression is found in its message, such as
    ``("exception", r"truth value of an array", "Use `is None` ...")``; else
    ``hints[stop.kind]``; else ``""``.
    """
    for kind, pattern, hint in patterns:
        if stop.kind == kind and re.search(pattern, stop.message):
            return hint
    return hints.get(stop.kind, "")


def call(fn: Callable, case: Case, *, allow_warnings: bool = False,
         hints: Mapping[str, str] | None = None,
         patterns: Sequence[tuple[str, str, str]] = ()) -> Any:
    """Call the learner's ``fn`` on ``case`` and return what it returned.

    ``call_keeping_inputs`` does the same and also returns the arguments
    ``fn`` received (for ``check_fresh``). A failure gets its hint from
    ``hints`` and ``patterns`` (``hint_for``).

    Raises
    ------
    Stop
        ``not_implemented`` for ``NotImplementedError``; ``error`` for any
        other exception (naming the case, the exception and the line);
        ``failed`` if it modified an argument in place or emitted a
        ``RuntimeWarning`` (overflow, invalid value, division by zero).
    """
    try:
        return call_keeping_inputs(fn, case, allow_warnings=allow_warnings)[0]
    except Stop as stop:
        stop.hint = stop.hint or hint_for(stop, hints or {}, patterns)
        raise


def call_keeping_inputs(fn: Callable, case: Case, *, allow_warnings: bool = False
                        ) -> tuple[Any, tuple, dict]:
    """As ``call``, returning ``(result, args, kwargs)``: the arguments ``fn`` got."""
    args, kwargs = case.fresh_args()
    pristine_args, pristine_kwargs = case.fresh_args()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                out = fn(*args, **kwargs)
            except NotImplementedError:
                raise Stop(
                    "not_implemented",
                    "Replace `raise NotImplementedError` with your code, then run this cell again.",
                    kind="not_implemented",
                ) from None
            except Exception as exc:  # learner code may raise anything; we report it
                place = where_it_failed(exc)
                raise Stop(
                    "error",
                    f"On {case.label}, your code raised {type(exc).__name__}: {exc}"
                    + (f"\n(at {place})" if place else ""),
                    kind="exception",
                ) from None
    _check_not_mutated(fn, args, kwargs, pristine_args, pristine_kwargs, case)
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime and not allow_warnings:
        fail(
            f"On {case.label}, your code emitted a RuntimeWarning: {runtime[0].message}.",
            kind="warning",
        )
    return out, args, kwargs


def rng_rule(first: Any, again: Any, other: Any, *, not_reproducible: tuple[str, str],
             ignores_rng: tuple[str, str], same: Callable[[Any, Any], bool] = np.array_equal
             ) -> None:
    """The rule for an answer that draws from the ``rng`` it is given.

    ``first`` and ``again`` come from two calls with generators in the same
    state, ``other`` from a call with a generator in another state: the first
    two must be ``same``, the last must not. Fails with the ``(message, hint)``
    of the broken half.
    """
    if not same(first, again):
        fail(*not_reproducible)
    if same(first, other):
        fail(*ignores_rng)


def _arrays_in(value: Any) -> list[np.ndarray]:
    """Every array inside an argument (itself, or in a list, tuple or dict)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _arrays_in(item)]
    if isinstance(value, dict):
        return [a for item in value.values() for a in _arrays_in(item)]
    return []


def check_fresh(fn: Callable, named_results: list[tuple[str, Any]], args: tuple,
                kwargs: dict, case: Case) -> None:
    """Fail when a result array is an input array, or a view of one.

    Parameters
    ----------
    named_results : list of (str, object)
        The parts of the result that must be new arrays, such as
        ``[("`out`", out)]``; non-arrays are skipped.
    args, kwargs : what ``fn`` received (from ``call_keeping_inputs``).
    """
    names = _argument_names(fn, args, kwargs)
    inputs = [*zip(names, args), *kwargs.items()]
    for what, result in named_results:
        if not isinstance(result, np.ndarray):
            continue
        for name, value in inputs:
            if any(np.may_share_memory(result, a) for a in _arrays_in(value)):
                fail(
                    f"On {case.label}, {what} shares memory with the argument `{name}`: it "
                    "is an input array itself, or a view of one, not a new array. Changing "
                    "one would change the other.",
                    kind="view",
                )


def _check_not_mutated(fn, args, kwargs, pristine_args, pristine_kwargs, case: Case) -> None:
    names = _argument_names(fn, pristine_args, pristine_kwargs)
    for name, before, after in zip(names, pristine_args, args):
        if not _same(before, after):
            fail(
                f"On {case.label}, your code changed its argument `{name}` in place. "
                "A function should return a new result and leave its inputs as they were.",
                kind="mutation",
            )
    for name in pristine_kwargs:
        if not _same(pristine_kwargs[name], kwargs[name]):
            fail(
                f"On {case.label}, your code changed its argument `{name}` in place.",
                kind="mutation",
            )


def quietly(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with warnings silenced, returning ``None`` if it raises.

    Used to run known-mistake implementations, whose own problems are beside
    the point.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
            except Exception:
                return None
