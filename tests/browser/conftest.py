"""Serve the built book under a sub-path and drive headless Chromium over it.

The site is served on 127.0.0.1 under ``/course/``, as GitHub Pages serves a
project site. Requests to anywhere else are refused, except MathJax, which the
pages load from a CDN: it is answered from the copy shipped in the
``django-static-mathjax`` wheel, so the math is checked as rendered, offline.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import CHROMIUM_MISSING, chromium_executable

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "book" / "_build" / "html"
SCREENSHOTS = ROOT / "book" / "_build" / "screenshots"
SUBPATH = "/course/"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def mathjax_dir() -> Path:
    import mathjax  # the django-static-mathjax wheel

    return Path(mathjax.__file__).parent / "static" / "mathjax"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``HTML`` under ``SUBPATH`` only, quietly."""

    def translate_path(self, path: str) -> str:
        parsed = urlparse(path).path
        if not parsed.startswith(SUBPATH):
            return str(HTML / "__outside_the_sub_path__")
        return super().translate_path("/" + parsed[len(SUBPATH):])

    def log_message(self, *args) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """Does not print a traceback when the browser drops a connection it no longer needs."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url():
    if not (HTML / "index.html").exists():
        pytest.fail("book/_build/html is missing: run `make book` before the site tests")
    handler = functools.partial(_SubPathHandler, directory=str(HTML))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUBPATH}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageVisit:
    """One page opened in a fresh context, with what went wrong recorded."""

    def __init__(self, browser, site_url: str):
        self.site_url = site_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        self.context.route("**/*", self._route)
        # The machine running the tests may be busy: generous, but no sleeps.
        self.context.set_default_timeout(60_000)
        self.context.set_default_navigation_timeout(90_000)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _response(self, response) -> None:
        if response.url.startswith(self.site_url) and response.status >= 400:
            self.failed.append(f"{response.url} -> HTTP {response.status}")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.site_url):
            route.continue_()
        elif "/mathjax@3/es5/" in url:
            relative = urlparse(url).path.split("/mathjax@3/es5/", 1)[1]
            route.fulfill(path=str(mathjax_dir() / "es5" / relative))
        else:
            self.external.append(url)
            route.abort()

    def open(self, relative: str):
        self.page.goto(self.site_url + relative, wait_until="load")
        self.settle()
        return self.page

    def settle(self) -> None:
        """Wait until the page is ready: fonts and images loaded, math typeset.

        Explicit conditions rather than "network idle", which a loaded
        machine can miss for a minute on a long page.
        """
        self.page.wait_for_function(
            "() => document.readyState === 'complete' && document.fonts.status === 'loaded'"
            " && [...document.images].every(i => i.complete)")
        self.page.wait_for_function(
            "() => !document.querySelector('.math') || (window.MathJax && MathJax.startup"
            " && MathJax.startup.promise && document.querySelector('mjx-container'))")
        self.page.evaluate(
            "() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    visits = []

    def open_page(relative: str) -> PageVisit:
        v = PageVisit(browser, site_url)
        v.open(relative)
        visits.append(v)
        return v

    yield open_page
    for v in visits:
        v.close()
