"""The website as readers meet it: each chapter once, accessible, light, and a PDF.

What is checked on every page (weight budget, axe-core audit, text
alternatives, fitting a phone's width, the landing figure, exercises and
animations) runs in ``test_pages.py``, once per page and width; here are the
checks of the site as a whole: dark mode, each chapter once, the
bibliography, the PDF and the exercise numbering.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest

from tests.browser.conftest import HTML, ROOT
from tests.browser.page_checks import CHAPTERS, PDF

pytestmark = pytest.mark.site


def chapter_title(chapter: str) -> str:
    """The chapter's title, from the first heading of its notebook."""
    first = nbformat.read(ROOT / "solutions" / f"{chapter}.ipynb", as_version=4).cells[0]
    return re.search(r"^# (.+)$", first.source, re.MULTILINE).group(1).strip()


@pytest.mark.parametrize("relative", ["book/how_to_use.html"])
def test_dark_mode_follows_the_system_preference(visit, relative):
    # (a light preference gives the light theme: test_pages.py, on every page)
    dark = visit(relative, color_scheme="dark", refuse=frozenset({"image", "font", "media"}))
    assert dark.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert not dark.console_errors and not dark.failed, (dark.console_errors, dark.failed)


def test_each_chapter_is_rendered_once():
    assert not (HTML / "solutions").exists(), "a solved copy of the chapters is still built"
    landing = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    nav = landing[landing.index("bd-sidebar-primary"):]
    for chapter in CHAPTERS:
        assert nav.count(f'href="../chapters/{chapter}.html"') >= 1, chapter
        assert f"solutions/{chapter}" not in landing, chapter
    # (the API reference documents the markers: only chapter pages are checked)
    marked = [p.name for p in (HTML / "chapters").glob("*.html")
              if "BEGIN SOLUTION" in p.read_text(encoding="utf-8")]
    assert not marked, f"solution markers shown on {marked}"


def test_bibliography_labels_and_links():
    text = (HTML / "book" / "bibliography.html").read_text(encoding="utf-8")
    labels = re.findall(r'class="label"><span class="fn-bracket">\[</span>([^<]+)<', text)
    assert labels, "no bibliography labels found"
    assert not [lab for lab in labels if "Dollar" in lab or "\\" in lab], labels
    assert "GDG+17" in labels, labels
    assert len(re.findall(r'href="https://doi\.org/', text)) >= 15
    assert len(re.findall(r'href="https://arxiv\.org/abs/', text)) >= 10


def test_the_pdf_has_every_chapter_numbered_with_math_and_figures():
    assert PDF.exists(), "the PDF is missing: run `make pdf`"
    for tool in ("pdfinfo", "pdftotext", "pdfimages"):
        assert shutil.which(tool), f"{tool} is needed: apt-get install poppler-utils"
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert 60 <= pages <= 600, pages
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    squeezed = " ".join(text.split())
    for chapter in CHAPTERS:
        title = f"{int(chapter[:2])}. {chapter_title(chapter)}"
        assert title in squeezed, f"the PDF lacks the numbered chapter title {title!r}"
    assert "$$" not in text and "\\frac" not in text, "math was not typeset"
    assert "Show solution" in text and "raise NotImplementedError" in text
    images = subprocess.run(["pdfimages", "-list", str(PDF)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert len(images) >= 30, f"only {len(images)} images in the PDF"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_one_exercise_numbering_scheme(chapter):
    """Code exercises are named sections; conceptual questions are "Question N.k"."""
    text = (HTML / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", text)
    assert not re.search(r"Exercise \d+\.\d+", plain), "numbered 'Exercise N.k' beside sections"
    questions = re.findall(rf"Question {int(chapter[:2])}\.(\d+)", plain)
    assert questions and questions[0] == "1", questions[:3]
