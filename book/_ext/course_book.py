"""Each chapter rendered once: the learner's page with the solutions folded in.

The table of contents names the learner notebooks ``chapters/NN_name.ipynb``,
so the page's address, its launch buttons (Binder, Colab) and its download
button are the learner notebook's. What the page shows and executes is the
*book version* of the chapter, made from ``solutions/NN_name.ipynb`` by the
generator (:func:`course_lib.authoring.book_version`):

- :func:`read_chapter` is the notebook reader (``nb_custom_formats``): given a
  learner notebook it returns the book version of its chapter, so the build
  executes the solutions and every check shows what passing looks like;
- at each exercise cell the page shows the learner's stub, and under it a
  folded "Show solution" (a ``<details>`` element: one click, keyboard and
  screen-reader friendly, no script) holding the solution without markers;
- every image and animation gets a text alternative: the ``alt`` the author
  wrote in the cell metadata (``mystnb.image.alt``), else the figure's caption,
  never a file name; an animation's frame slider is labelled for screen readers;
- search lists each page's top heading once (:func:`index_titles_once`);
- the API reference does not repeat Python's "Alias for field number 0" under
  each field of a named tuple (the class's docstring says what they hold).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from docutils import nodes

from course_lib.tools import authoring

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
SHOW_SOLUTION = "Show solution"


def solution_for(chapter: str) -> Path:
    """The source notebook of a chapter, ``solutions/<chapter>.ipynb``."""
    return SOLUTIONS / f"{chapter}.ipynb"


def read_chapter(text: str) -> nbformat.NotebookNode:
    """Read a notebook; for a learner chapter, return its book version instead."""
    notebook = nbformat.reads(text, as_version=4)
    chapter = notebook.metadata.get(authoring.CHAPTER_KEY)
    if not chapter or not solution_for(chapter).exists():
        return notebook
    source = nbformat.read(solution_for(chapter), as_version=4)
    return authoring.book_version(source, f"{chapter}.ipynb")


class solution_details(nodes.General, nodes.Element):
    """A folded solution: ``<details><summary>Show solution</summary>...``."""


def _visit_details(self, node) -> None:
    self.body.append(
        '<details class="course-solution sd-sphinx-override sd-dropdown sd-card sd-mb-3">'
        '<summary class="sd-summary-title sd-card-header">'
        f'<span class="sd-summary-text">{html.escape(node["summary"])}</span></summary>'
        '<div class="sd-summary-content sd-card-body">')


def _depart_details(self, node) -> None:
    self.body.append("</div></details>")


def _cells(doctree):
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") == "cell_code":
            yield node


def fold_solutions(app, doctree) -> None:
    """At each exercise cell show the stub, with the solution folded under it."""
    docname = app.env.docname
    chapter = Path(docname).name
    if docname.startswith("chapters/") and solution_for(chapter).exists():
        app.env.note_dependency(str(solution_for(chapter)))
    for cell in _cells(doctree):
        views = cell.get("cell_metadata", {}).get(authoring.BOOK_KEY)
        if not views:
            continue
        source = next(c for c in cell.children if c.get("nb_element") == "cell_code_source")
        block = next(iter(source.findall(nodes.literal_block)))
        language = block.get("language", "ipython3")
        stub = nodes.literal_block(views["stub"], views["stub"], language=language)
        block.replace_self(stub)
        details = solution_details(summary=SHOW_SOLUTION)
        details += nodes.literal_block(views["solution"], views["solution"], language=language)
        source.parent.insert(source.parent.index(source) + 1, details)


_ANIMATION_IMG = re.compile(r'<img id="(_anim_img[0-9a-f]+)"')
_ANIMATION_SLIDER = re.compile(r'<input id="_anim_slider[0-9a-f]+" type="range"')


def _plain(text: str) -> str:
    return " ".join(text.split())


def add_text_alternatives(app, doctree, docname) -> None:
    """Give each image and animation in a cell the author's alt text or its caption."""
    for cell in _cells(doctree):
        metadata = cell.get("cell_metadata", {}).get("mystnb", {})
        written = metadata.get("image", {}).get("alt")
        caption = next(iter(cell.findall(nodes.caption)), None)
        alt = _plain(written or (caption.astext() if caption is not None else ""))
        if not alt:
            continue
        for image in cell.findall(nodes.image):
            if not image.get("alt") or image.get("alt") == image.get("uri"):
                image["alt"] = alt
        for raw in cell.findall(nodes.raw):
            if _ANIMATION_IMG.search(raw.astext()):
                attribute = f' alt="{html.escape(alt)}"'
                text = _ANIMATION_IMG.sub(lambda m, a=attribute: m.group(0) + a, raw.astext())
                text = _ANIMATION_SLIDER.sub(
                    lambda m: m.group(0) + ' aria-label="animation frame"', text)
                raw.replace_self(nodes.raw(text, text, format=raw.get("format", "html")))


def share_html_visitors(app) -> None:
    """Let ``singlehtml`` (the PDF's build) draw every node ``html`` can.

    Sphinx looks visitors up by builder name and falls back to the format
    only when no extension registered any for that name; one extension does
    for ``singlehtml``, which hides myst-nb's "Show code" nodes from it.
    """
    if app.builder.format != "html" or app.builder.name == "html":
        return
    handlers = app.registry.translation_handlers
    own = handlers.setdefault(app.builder.name, {})
    for node, visitors in handlers.get("html", {}).items():
        own.setdefault(node, visitors)


_TAG = re.compile(r"<[^>]+>")


def index_titles_once(app) -> None:
    """Make search list a page's top heading once, not also as "3. X > X".

    Sphinx 7.4's search (``searchtools.js``) finds a page twice: by its
    words, titled with the page title (``"3. Backpropagation"``, the chapter
    number included), and by its headings, where the top heading is
    ``"Backpropagation"``; it removes duplicates only when the titles agree,
    and shows the second as ``"3. Backpropagation > Backpropagation"``. Here
    the page title enters the index as plain text and the top heading under
    that same title, so both results are the same and are shown once.
    """
    builder = app.builder
    if not hasattr(builder, "index_page"):  # not an HTML builder
        return
    index_page = builder.index_page

    def index_page_once(pagename: str, doctree, title: str) -> None:
        plain = html.unescape(_TAG.sub("", title)).strip()
        index_page(pagename, doctree, plain)
        heading = app.env.titles.get(pagename)
        titles = getattr(getattr(builder, "indexer", None), "_all_titles", {}).get(pagename)
        if heading is None or titles is None:
            return
        top = heading.astext().strip()
        builder.indexer._all_titles[pagename] = [
            (plain if (text, anchor) == (top, None) else text, anchor)
            for text, anchor in titles]

    builder.index_page = index_page_once


_FIELD_ALIAS = re.compile(r"Alias for field number \d+")


def drop_field_aliases(app, what, name, obj, options, lines) -> None:
    """Empty the docstring Python gives each field of a named tuple."""
    if " ".join(lines).strip() and _FIELD_ALIAS.fullmatch(" ".join(lines).strip()):
        lines.clear()


def taught_in_after_summary(app, what, name, obj, options, lines) -> None:
    """Move the docstring's "Taught in chapter N, section 'X'." under its summary.

    The library ends its docstrings with that line; numpydoc reads whatever
    follows the last section as part of it, so in the API reference it showed
    as an item of *Returns*. Runs before napoleon reads the sections.
    """
    start = next((i for i, line in enumerate(lines)
                  if line.strip().startswith("Taught in chapter")), None)
    if start is None:
        return
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    taught = " ".join(line.strip() for line in lines[start:end])
    del lines[start:end]
    summary_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    lines[summary_end:summary_end] = ["", f"*{taught}*"]


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")  # its event, whatever the order of extensions
    app.connect("autodoc-process-docstring", drop_field_aliases)
    app.connect("autodoc-process-docstring", taught_in_after_summary, priority=400)
    app.connect("builder-inited", share_html_visitors)
    app.connect("builder-inited", index_titles_once)
    app.add_node(solution_details, html=(_visit_details, _depart_details))
    app.connect("doctree-read", fold_solutions)
    app.connect("doctree-resolved", add_text_alternatives)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
