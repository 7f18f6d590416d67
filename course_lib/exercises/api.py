"""The public face of the checker: ``evaluate``, ``check`` and ``names``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from course_lib.exercises.probe import Stop
from course_lib.exercises.result import CheckResult
from course_lib.exercises.spec import Exercise

#: Set this environment variable to ``1`` to make ``check`` raise on anything
#: but ``passed`` (used when testing ``solutions/``, so a broken solution fails).
STRICT_ENV = "COURSE_STRICT"


class CheckFailed(AssertionError):
    """Raised by ``check`` in strict mode when an answer does not pass."""


def build_registry(exercises: Iterable[Exercise]) -> dict[str, Exercise]:
    """Index exercises by name, refusing duplicates."""
    registry: dict[str, Exercise] = {}
    for exercise in exercises:
        if exercise.name in registry:
            raise ValueError(f"exercise name {exercise.name!r} is registered twice")
        registry[exercise.name] = exercise
    return registry


def evaluate_with(registry: dict[str, Exercise], name: str, answer: Any) -> CheckResult:
    """Check ``answer`` against the exercise ``name`` in ``registry``.

    Never raises because of the learner's code: every problem becomes a
    ``CheckResult`` with status ``failed``, ``not_implemented`` or ``error``.
    """
    if name not in registry:
        known = ", ".join(sorted(registry))
        raise ValueError(f"name must be a registered exercise ({known}), got {name!r}")
    try:
        message = registry[name].run(answer)
    except Stop as stop:
        return CheckResult(name, stop.status, stop.message, stop.hint)
    except Exception as exc:  # the checker itself must never crash on odd answers
        return CheckResult(
            name, "error",
            f"The check could not finish with your answer: {type(exc).__name__}: {exc}",
            "Make sure your answer has the type and shape the exercise asks for.",
        )
    return CheckResult(name, "passed", message)


def strict_mode() -> bool:
    """True when the ``COURSE_STRICT`` environment variable is set to 1."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


def show(result: CheckResult, metadata: dict | None = None) -> None:
    """Display a result in a notebook (text, HTML and JSON) or print it.

    ``metadata`` is stored with the displayed output (``check`` keeps the
    fingerprint of the answer's code there).
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        print(result.to_text())
        return
    if get_ipython() is None:
        print(result.to_text())
    else:
        display(result, metadata=metadata or {})
