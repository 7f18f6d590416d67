"""A "Run in your browser" button on every chapter page.

The button opens the chapter's learner notebook in the JupyterLite app that
``make lite`` builds into the site (``lite/``, beside the pages): Python runs
in the reader's browser through Pyodide, with nothing to install and no
server. The link is relative, so it works wherever the site is served from.

Chapter pages are the learner notebooks ``chapters/NN_name``; the app holds
them under the same file names.

The button is named by its text, "Run in your browser" (kept for screen readers
where a phone shows the icon only). The theme draws its icon as an ``<i>`` whose
Font Awesome glyph (a private-use character) Chromium adds to the link's name
(U+F04B, then "Run in your browser"), so the icon is marked ``aria-hidden`` once the
pages are written.
"""

from __future__ import annotations

import re
from pathlib import Path

LITE_APP = "lite/lab/index.html"
_CHAPTER = re.compile(r"^chapters/(\d\d_\w+)$")


def lite_url(pathto, pagename: str) -> str | None:
    """The app's address for a chapter page, relative to it; None for other pages."""
    match = _CHAPTER.match(pagename)
    if match is None:
        return None
    return f"{pathto(LITE_APP, 1)}?path={match.group(1)}.ipynb"


def _add_button(app, pagename, templatename, context, doctree) -> None:
    url = lite_url(context["pathto"], pagename)
    buttons = context.get("header_buttons")
    if url is None or buttons is None:
        return
    buttons.insert(0, {
        "type": "link",
        "url": url,
        "text": "Run in your browser",
        "tooltip": "Run this chapter's notebook in your browser: nothing to install",
        "icon": "fas fa-play",
        "label": "run-in-browser",
    })


_ICON = re.compile(r'(<a [^>]*class="[^"]*btn-run-in-browser[^"]*"[^>]*>\s*'
                   r'<span class="btn__icon-container">\s*<i class="[^"]*")></i>')


def hide_icon(html: str) -> str:
    """The page with its button's icon hidden from screen readers."""
    return _ICON.sub(r'\1 aria-hidden="true"></i>', html)


def _hide_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir, "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        hidden = hide_icon(text)
        if hidden != text:
            page.write_text(hidden, encoding="utf-8")


def setup(app):
    # After the theme has made its header buttons (priority 501).
    app.connect("html-page-context", _add_button, priority=502)
    app.connect("build-finished", _hide_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
