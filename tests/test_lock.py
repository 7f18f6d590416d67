"""The lock installs anywhere: only pins, one Python floor, conda uses the same lock."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def _load_lock_module():
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / ".ci" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lock_tool = _load_lock_module()


def test_committed_lock_holds_only_pins():
    found = lock_tool.problems(LOCK.read_text())
    assert not found, "requirements.lock must hold only name==version pins:\n" + "\n".join(found)


def test_committed_lock_is_sorted_and_has_no_duplicates():
    names = [lock_tool.normalize(line.split("==")[0]) for line in LOCK.read_text().split()]
    assert names == sorted(names), "requirements.lock is not sorted: regenerate it with make lock"
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("bad_line", "number"),
    [
        ("-e /work/main", 1),
        ("-e .", 1),
        ("course_lib @ file:///home/someone/course", 1),
        ("numpy @ https://example.org/numpy-2.0-cp311.whl", 1),
        ("/home/someone/wheels/numpy-2.0.whl", 1),
        ("--index-url https://example.org/simple", 1),
        ("numpy>=1.24", 1),
        ("numpy==2.0 ; python_version < '3.12'", 1),
        ("course-lib==0.1.0", 1),
    ],
)
def test_a_line_that_is_not_a_pin_is_named(bad_line, number):
    found = lock_tool.problems(f"{bad_line}\nnumpy==2.4.6\n")
    assert len(found) == 1
    assert found[0].startswith(f"line {number}:") and bad_line in found[0]


def test_check_command_fails_on_an_editable_line(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("matplotlib==3.10.0\n-e /work/main\nnumpy==2.4.6\n")
    run = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "lock.py"), "check", str(lock)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    assert "line 2" in run.stderr and "-e /work/main" in run.stderr


def test_writer_drops_the_project_and_sorts():
    freeze = "numpy==2.4.6\ncourse_lib @ file:///tmp/checkout\nMarkupSafe==3.0.2\n"
    assert lock_tool.pins_from_freeze(freeze) == ["MarkupSafe==3.0.2", "numpy==2.4.6"]


def test_writer_refuses_a_path_or_url_line():
    with pytest.raises(ValueError, match="not pins"):
        lock_tool.pins_from_freeze("numpy==2.4.6\nscipy @ file:///home/someone/scipy.whl\n")


def test_writer_refuses_an_editable_dependency_and_leaves_the_lock(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("numpy==2.4.6\n")
    run = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "lock.py"), "write", str(lock)],
        input="numpy==2.4.7\n-e /home/someone/other-project\n",
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    assert "other-project" in run.stderr
    assert lock.read_text() == "numpy==2.4.6\n"


def _python_floor() -> tuple[int, int]:
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"', text)
    assert match, "pyproject.toml must state requires-python = \">=3.X\""
    return int(match.group(1)), int(match.group(2))


def test_readme_promises_the_same_python_floor_as_pyproject():
    major, minor = _python_floor()
    readme = (ROOT / "README.md").read_text()
    assert f"Python {major}.{minor} or newer" in readme
    for older in range(8, minor):
        assert f"Python {major}.{older} or newer" not in readme


def test_environment_yml_installs_the_lock_and_the_project():
    text = (ROOT / "environment.yml").read_text()
    pip_lines = re.findall(r"^\s+-\s+(-r .*|-e .*)$", text, flags=re.MULTILINE)
    assert pip_lines == ["-r requirements.lock", "-e ."]
    python = re.search(r"-\s*python\s*=\s*(\d+)\.(\d+)", text)
    assert python and (int(python.group(1)), int(python.group(2))) >= _python_floor()
