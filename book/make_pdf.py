"""Print the whole book to one PDF, offline: ``make pdf``.

The book is first built as a single HTML page (Jupyter Book's ``singlehtml``
builder, from the same sources and the same execution cache as the website),
then printed by headless Chromium (``page.pdf``, Chromium's print-to-PDF),
with the math typeset by MathJax served from the ``django-static-mathjax``
wheel, so nothing is fetched from the internet. Folded solutions are opened
(paper cannot be clicked); folded plotting code stays out of the PDF.

Usage::

    python book/make_pdf.py [SINGLEHTML_DIR] [PDF_PATH]
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
SINGLEHTML = ROOT / "book" / "_build" / "singlehtml"
PDF = ROOT / "book" / "_build" / "html" / "how-deep-learning-models-are-trained.pdf"

#: Opens what the website folds, and keeps the page chrome off paper.
PRINT_SETUP = """() => {
  document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = 'eager'; });
  document.querySelectorAll('details.course-solution').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  const style = document.createElement('style');
  style.textContent = `
    html { font-size: 14px !important; }
    .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article-items,
    .prev-next-area, .bd-footer, .bd-footer-article, .toggle-button, #pst-back-to-top,
    .bd-header-article, .headerlink { display: none !important; }
    .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
    details > summary { list-style: none; }
    details.hide:not([open]) { display: none !important; }
    details.course-solution > summary .sd-summary-text::after { content: ":"; }
    figure, .cell_output img { break-inside: avoid; }
    div.cell_output .animation .anim-buttons, div.cell_output .anim-state,
    div.cell_output .anim-slider { display: none !important; }
  `;
  document.head.appendChild(style);
}"""

FOOTER = ('<div style="font-size:8px; width:100%; text-align:center; color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def mathjax_dir() -> Path:
    import mathjax  # the django-static-mathjax wheel

    return Path(mathjax.__file__).parent / "static" / "mathjax"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


_SHARED = ("_images/", "_static/")


def _route(route, base: str, singlehtml: Path) -> None:
    url = route.request.url
    shared = next((f for f in _SHARED if url.startswith(base + "book/" + f)), None)
    if shared:
        # The single page is book/intro.html (the root document's path), but
        # Sphinx writes the addresses of its images, styles and scripts
        # relative to the output root.
        path = urlparse(url).path[len("/book/"):]
        route.fulfill(path=str(singlehtml / unquote(path)))
    elif url.startswith(base):
        route.continue_()
    elif "/mathjax@3/es5/" in url:
        relative = urlparse(url).path.split("/mathjax@3/es5/", 1)[1]
        route.fulfill(path=str(mathjax_dir() / "es5" / relative))
    else:
        route.abort()  # offline: nothing else may be fetched


def print_pdf(singlehtml: Path = SINGLEHTML, pdf: Path = PDF) -> Path:
    """Print ``singlehtml/index.html`` to ``pdf`` with headless Chromium."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    if not (singlehtml / "index.html").exists():
        raise SystemExit(f"{singlehtml}/index.html is missing: build the singlehtml book first")
    # Debian's chromium; GitHub's Ubuntu runners ship Google Chrome instead.
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    executable = next((shutil.which(n) for n in names if shutil.which(n)), None)
    if executable is None:
        raise SystemExit("Chromium is needed to print the PDF: apt-get install chromium")
    handler = functools.partial(_Quiet, directory=str(singlehtml))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.set_default_timeout(240_000)
            page.route("**/*", lambda route: _route(route, base, singlehtml))
            page.emulate_media(media="print", color_scheme="light")
            page.goto(base + "index.html", wait_until="load")
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("() => MathJax.startup.promise")
            page.evaluate("() => document.fonts.ready")
            page.evaluate(PRINT_SETUP)
            try:  # the figures, now loaded eagerly (animation players fill theirs by script)
                page.wait_for_function(
                    "() => [...document.querySelectorAll('img[src]:not([src=\"\"])')]"
                    ".every(i => i.complete)", timeout=120_000)
            except PlaywrightTimeout:
                print("warning: some images had not loaded; printing anyway", file=sys.stderr)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(pdf), format="A4", print_background=True,
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER)
            browser.close()
    finally:
        server.shutdown()
    return pdf


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    written = print_pdf(*args)
    print(f"The PDF is printed: {written.relative_to(ROOT)} "
          f"({written.stat().st_size / 2**20:.1f} MB)")
