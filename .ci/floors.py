"""Print the requirements of ``make floors``: every dependency at its floor.

    python .ci/floors.py > floors.txt

Each ``name>=X`` of ``[project] dependencies`` in ``pyproject.toml`` becomes
``name==X`` (markers kept), so the floors that pip installs are exactly the
ones the project declares; the test tools come at ``requirements.lock``'s
pins. A dependency without a ``>=`` floor is an error: its oldest release
would be whatever pip picks, which nobody has tested.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_TOOLS = ("pytest", "pytest-xdist", "hypothesis", "nbval")
_FLOOR = re.compile(r"^([A-Za-z0-9._-]+)>=([0-9][0-9A-Za-z.]*)\s*(;.*)?$")


def floors(dependencies: list[str]) -> list[str]:
    """``name==floor`` (with its marker) for each ``name>=floor`` in ``dependencies``."""
    pins = []
    for requirement in dependencies:
        match = _FLOOR.match(requirement.strip())
        if match is None:
            raise SystemExit(f"floors: {requirement!r} in pyproject.toml has no single "
                             "'>=' floor to test (expected 'name>=version')")
        name, version, marker = match.groups()
        pins.append(f"{name}=={version}{' ' + marker if marker else ''}")
    return pins


def locked(names: tuple[str, ...]) -> list[str]:
    """The lock's pins of ``names``."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().split():
        name = line.split("==")[0]
        pins[re.sub(r"[-_.]+", "-", name).lower()] = line
    return [pins[name] for name in names]


def main() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    build = pyproject["build-system"]["requires"]  # tests/test_layout.py imports setuptools
    pins = floors(pyproject["project"]["dependencies"]) + floors(build) + locked(TEST_TOOLS)
    sys.stdout.write("\n".join(pins) + "\n")


if __name__ == "__main__":
    main()
