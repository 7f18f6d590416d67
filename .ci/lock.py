"""Write and check ``requirements.lock``: pins from the package index, nothing else.

The lock is what every machine installs (``make book``, ``make test``, Binder,
conda), so a line that only works on one machine breaks all the others. The
classic case is ``pip freeze`` in a developer's own venv, which writes
``-e /their/checkout`` for the editable project. This script is the only
writer of the lock (``make lock`` pipes a scratch venv's ``pip freeze`` into
it) and refuses anything but ``name==version``:

    python .ci/lock.py write requirements.lock < freeze.txt   # make lock
    python .ci/lock.py check requirements.lock                # exit 1 on a bad line

``tests/test_lock.py`` runs the check in ``make test``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# A distribution name (PEP 508) and an exact version (PEP 440 characters).
PIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?==[A-Za-z0-9][A-Za-z0-9.+!_-]*$")

# The project itself: installed from the checkout (``pip install -e .``), never pinned.
PROJECT = "course-lib"


def normalize(name: str) -> str:
    """PEP 503 form of a distribution name: ``Course_Lib`` -> ``course-lib``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def problems(text: str) -> list[str]:
    """Every line of a lock that is not a plain pin, as ``"line N: ..."`` messages.

    Blank lines are allowed; comments, options (``-e``, ``-r``, ``--index-url``),
    paths, URLs (``name @ file:///...``), version ranges and environment markers
    are not: a lock says exactly which release of each package to install.
    """
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not PIN.match(stripped):
            found.append(f"line {number}: {stripped!r} is not a 'name==version' pin")
        elif normalize(stripped.split("==")[0]) == PROJECT:
            found.append(f"line {number}: {stripped!r} pins the project itself")
    return found


def pins_from_freeze(text: str) -> list[str]:
    """The pins of a ``pip freeze`` output, sorted, without the project's own line.

    Raises
    ------
    ValueError
        If any other line is not a plain pin (an editable install, a path or URL).
    """
    kept, bad = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name = re.split(r"[=@ ]", stripped, maxsplit=1)[0]
        if normalize(name) == PROJECT:
            continue
        if PIN.match(stripped):
            kept.append(stripped)
        else:
            bad.append(stripped)
    if bad:
        raise ValueError(f"pip freeze gave lines that are not pins: {bad}")
    return sorted(kept, key=lambda pin: normalize(pin.split("==")[0]))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    command, path = argv[0], Path(argv[1])
    if command == "write":
        try:
            pins = pins_from_freeze(sys.stdin.read())
        except ValueError as error:
            print(f"make lock: {error}; {path} is unchanged", file=sys.stderr)
            return 1
        path.write_text("\n".join(pins) + "\n")
        print(f"wrote {len(pins)} pins to {path}")
        return 0
    found = problems(path.read_text())
    for message in found:
        print(f"{path}: {message}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
