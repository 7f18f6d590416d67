"""Checks before any test runs: what the suite needs from outside PyPI."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_MISSING = (
    "The browser tests need Chromium: 'sudo apt-get install chromium' (Debian/Ubuntu), "
    "'brew install --cask chromium' (macOS), or set CHROMIUM=/path/to/chromium."
)


def chromium_executable() -> str | None:
    """The Chromium to drive: ``$CHROMIUM`` if set, else the first one on PATH."""
    configured = os.environ.get("CHROMIUM", "").strip()
    if configured:
        return configured if os.path.exists(configured) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _selects_site_tests(config: pytest.Config) -> bool:
    expression = (config.getoption("markexpr") or "").replace(" ", "")
    return "site" in expression and "notsite" not in expression


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one line, when browser tests are asked for without a browser."""
    if _selects_site_tests(session.config) and chromium_executable() is None:
        pytest.exit(CHROMIUM_MISSING, returncode=4)
