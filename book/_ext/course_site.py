"""Small fixes that make the built site clean in a reader's browser.

- Dark mode follows the reader's system (``prefers-color-scheme``): the
  default mode is "auto" (an empty default made the theme log "invalid theme
  mode" on a reader's first visit).
- The theme's icons in their light form: the theme's stylesheet already
  draws Font Awesome icons with its web fonts (about 150 kB, fetched only when
  used), so its 1.5 MB ``fontawesome.js``, which redraws the same icons as
  SVG, is dropped from every page.
- Lighter figures: each PNG over 40 kB in ``_images`` is stored with a
  256-colour palette when that is at least a quarter smaller (matplotlib's
  colour maps have 256 levels, so plots look the same).
- Each script once: sphinx-thebe registers its inline configuration twice,
  which is a JavaScript error ("THEBE_JS_URL has already been declared").
- No third-party stylesheet in animations: matplotlib's ``to_jshtml`` links
  Font Awesome 4 from a CDN; the theme already ships Font Awesome, so the link
  is only a request that fails offline.
- Wide display equations, which scroll sideways, can be reached with the
  keyboard (``static/course_site.js``).
- The bibliography passes the accessibility audit (no ``role="list"`` around
  its ``doc-biblioentry`` entries).
- No saved widget state: widgets need a kernel, and their state (with
  rendered images) would make every page heavy for nothing.
- Phone forms of wide drawings: an SVG figure ``book/images/NAME.svg`` with a
  sibling ``NAME.narrow.svg`` is shown in that narrower drawing on screens up
  to ``_NARROW_SCREEN`` px wide (a ``<picture>`` source), so its text stays
  legible on a phone instead of shrinking with the whole drawing.
- A small stylesheet (``static/course_site.css``): code sized to fit the
  column, wrapped API examples, no empty top bar on wide screens.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

_FONT_AWESOME_CDN = re.compile(
    r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*"\s*/?>\s*'
)


_SOLUTION_TO = re.compile(r"(Solution to\s*(?:<[^>]+>\s*)*)Exercise ")

_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

_IMAGES = Path(__file__).resolve().parents[1] / "images"  # book/images
_NARROW_SCREEN = 540  # px: below this a wide drawing's 13 px text fell under 10 px
_SVG_IMG = re.compile(r'<img [^>]*?src="(?P<dir>[^"]*_images/)(?P<stem>[^"/]+)\.svg"[^>]*>')


def _phone_forms(body: str) -> str:
    """Wrap each SVG image that has a ``.narrow.svg`` form in a ``<picture>``."""
    def wrap(match: re.Match) -> str:
        narrow = f"{match['stem']}.narrow.svg"
        if not (_IMAGES / narrow).exists():
            return match[0]
        return (f'<picture><source media="(max-width: {_NARROW_SCREEN}px)" '
                f'srcset="{match["dir"]}{narrow}" type="image/svg+xml" />{match[0]}</picture>')
    return _SVG_IMG.sub(wrap, body)


def _copy_phone_forms(app, exception) -> None:
    """Put the narrow forms beside the wide drawings Sphinx copied to ``_images``."""
    if exception is not None or app.builder.format != "html":
        return
    images = Path(app.outdir) / "_images"
    for narrow in _IMAGES.glob("*.narrow.svg"):
        if (images / narrow.name.replace(".narrow.svg", ".svg")).exists():
            shutil.copyfile(narrow, images / narrow.name)


def _clean_page(app, pagename, templatename, context, doctree) -> None:
    context["default_mode"] = "auto"
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for script in scripts:
            attributes = getattr(script, "attributes", {})
            if attributes.get("type") == _WIDGET_STATE:
                continue  # widgets need a kernel; the page shows the static form instead
            name = getattr(script, "filename", script) or ""  # inline scripts: None or ""
            key = (str(name), tuple(sorted(attributes.items())))
            if key not in seen:
                seen.add(key)
                unique.append(script)
        context["script_files"] = unique
    if "body" in context:
        body = _FONT_AWESOME_CDN.sub("", context["body"])
        # docutils marks the bibliography a list of doc-biblioentry items, which
        # ARIA forbids (a list holds list items): keep the entries, drop the list role.
        body = body.replace('<div role="list" class="citation-list">',
                            '<div class="citation-list">')
        # sphinx-exercise titles an answer "Solution to Exercise N.k" whatever
        # the question is called: the book calls its questions "Question N.k".
        body = _SOLUTION_TO.sub(r"\1Question ", body)
        body = _phone_forms(body)
        if pagename == "py-modindex":  # the group toggles say what they do
            body = body.replace('alt="-"', 'alt="fold or unfold this group"')
        context["body"] = body


_FONT_AWESOME_JS = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')


def _drop_font_awesome_script(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _FONT_AWESOME_JS.sub("", text)
        if page.name == "py-modindex.html":  # its group toggles say what they do
            lighter = lighter.replace('alt="-"', 'alt="fold or unfold this group"')
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


_PALETTE_FROM = 40_000  # bytes


def _palette_png(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        if image.mode == "P":
            return
        rgba = image.convert("RGBA")
    method = Image.Quantize.FASTOCTREE
    small = rgba.quantize(colors=256, method=method, dither=Image.Dither.NONE)
    tmp = path.with_suffix(".palette.png")
    small.save(tmp, optimize=True)
    if tmp.stat().st_size < 0.75 * path.stat().st_size:
        tmp.replace(path)
    else:
        tmp.unlink()


def _lighter_images(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for png in (Path(app.outdir) / "_images").glob("*.png"):
        if png.stat().st_size > _PALETTE_FROM:
            _palette_png(png)


def _add_static_path(app) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("course_site.css")
    app.add_js_file("course_site.js")
    app.connect("html-page-context", _clean_page, priority=900)
    app.connect("build-finished", _drop_font_awesome_script)
    app.connect("build-finished", _lighter_images)
    app.connect("build-finished", _copy_phone_forms)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

