"""Serve the built book under a sub-path and drive headless Chromium over it.

The site is served on 127.0.0.1 under ``/course/``, as GitHub Pages serves a
project site. Requests to anywhere else are refused, except MathJax, which the
pages load from a CDN: it is answered from the copy shipped in the
``django-static-mathjax`` wheel, so the math is checked as rendered, offline.

Speed: each test worker starts one browser. ``test_pages.py`` opens each
page once per window width and runs all the checks of that page on the one
load (``page_checks.py``); the other tests open what they need themselves. A
test that only follows a link opens a bare page (``PageVisit(..., bare=True)``),
with scripts, styles, fonts and images refused.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

# The per-page checks live in a helper module: rewrite its asserts so that a
# failure message shows the values compared, as in the test modules.
pytest.register_assert_rewrite("tests.browser.page_checks")

from tests.conftest import CHROMIUM_MISSING, chromium_executable  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "book" / "_build" / "html"
SCREENSHOTS = ROOT / "book" / "_build" / "screenshots"
SUBPATH = "/course/"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio", "--hide-scrollbars",
]
#: What a bare page refuses: everything but the HTML documents themselves.
BARE_REFUSES = frozenset({"script", "stylesheet", "image", "font", "media", "fetch", "xhr"})


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


@contextlib.contextmanager
def chromium(args: list[str] | None = None):
    """A headless Chromium launched with ``args`` (default ``CHROMIUM_FLAGS``).

    The test fails with a clear message if no Chromium is installed.
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=args or CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


class PageVisit:
    """One page opened in a fresh context, with what went wrong recorded.

    ``requested`` holds every address the page asked for (for its weight).
    ``refuse`` names the kinds of request a test does not need (Playwright's
    resource types: "image", "font", ...); they are aborted, not reported.
    A ``bare`` visit refuses all but HTML documents (for tests that only read
    the text or follow links) and does not wait for math.
    """

    def __init__(self, browser, site_url: str, width: int = 1280,
                 color_scheme: str = "light", bare: bool = False,
                 refuse: frozenset[str] = frozenset()):
        self.site_url = site_url
        self.width = width
        self.bare = bare
        self.refuse = BARE_REFUSES if bare else frozenset(refuse)
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           color_scheme=color_scheme)
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        self.requested: set[str] = set()
        self.context.route("**/*", self._route)
        # The machine running the tests may be busy: generous, but no sleeps.
        self.context.set_default_timeout(60_000)
        self.context.set_default_navigation_timeout(90_000)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if self.refuse and message.text.startswith("Failed to load resource"):
            return  # what this visit refuses on purpose (the failures are recorded below)
        self.console_errors.append(message.text)

    def _request_failed(self, request) -> None:
        if request.resource_type not in self.refuse:
            self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.url.startswith(self.site_url) and response.status >= 400:
            self.failed.append(f"{response.url} -> HTTP {response.status}")

    def _route(self, route) -> None:
        request = route.request
        url = request.url
        if request.resource_type in self.refuse:
            route.abort()
            return
        self.requested.add(url.split("#")[0])
        if url.startswith(self.site_url):
            route.continue_()
        elif "/mathjax@3/es5/" in url:
            relative = urlparse(url).path.split("/mathjax@3/es5/", 1)[1]
            route.fulfill(path=str(mathjax_dir() / "es5" / relative))
        else:
            self.external.append(url)
            route.abort()

    def open(self, relative: str):
        self.page.goto(self.site_url + relative,
                       wait_until="domcontentloaded" if self.bare else "load")
        if not self.bare:
            self.settle()
        return self.page

    def settle(self) -> None:
        """Wait until the page is ready: fonts and images loaded, math typeset.

        Explicit conditions rather than "network idle", which a loaded
        machine can miss for a minute on a long page.
        """
        self.page.wait_for_function(
            "() => document.readyState === 'complete' && document.fonts.status === 'loaded'"
            " && [...document.images].every(i => i.complete)"
            " && (!document.querySelector('.math') || (window.MathJax && MathJax.startup"
            " && MathJax.startup.promise && document.querySelector('mjx-container')))",
            polling=100)
        self.page.evaluate(
            "() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")

    def bytes_requested(self) -> dict[str, int]:
        """The size of each file the page fetched, from the files served (MathJax included)."""
        sizes = {}
        for url in self.requested:
            if url.startswith("data:"):
                continue
            if url.startswith(self.site_url):
                path = HTML / unquote(urlparse(url).path[len(urlparse(self.site_url).path):])
                path = path / "index.html" if path.is_dir() else path
            elif "/mathjax@3/es5/" in url:
                path = mathjax_dir() / "es5" / urlparse(url).path.split("/mathjax@3/es5/", 1)[1]
            else:
                continue  # refused (the page tests report any request that leaves the site)
            sizes[url] = path.stat().st_size if path.exists() else 0
        return sizes

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    """Open a page in a fresh context of its own (for tests that change or leave it)."""
    visits = []

    def open_page(relative: str, bare: bool = False, **options) -> PageVisit:
        v = PageVisit(browser, site_url, bare=bare, **options)
        visits.append(v)
        v.open(relative)
        return v

    yield open_page
    for v in visits:
        v.close()

