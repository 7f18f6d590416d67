"""Reading the book the way a reader does: following links, numbers, animations.

Each test drives the built site in Chromium (served under a sub-path by
``conftest.py``) and clicks what a reader would click from page to page.
What is read or clicked within one chapter (its goals, numbers, equation
links, animation) is checked in ``test_pages.py``, on the page's one load.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ROOT

pytestmark = pytest.mark.site

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
# The reading order of the table of contents (book/_toc.yml), front to back.
ORDER = (["book/intro", "book/how_to_use", "book/notation"]
         + [f"chapters/{c}" for c in CHAPTERS]
         + ["book/math_refresher", "book/api", "book/bibliography"])


def number_of(chapter: str) -> int:
    return int(chapter[:2])


@pytest.mark.parametrize("chapter", CHAPTERS[:-1])
def test_where_this_leads_links_to_the_next_chapter(visit, chapter):
    v = visit(f"chapters/{chapter}.html", bare=True)  # the text and its links suffice
    page = v.page
    following = CHAPTERS[CHAPTERS.index(chapter) + 1]
    link = page.locator(f'section#where-this-leads a[href="{following}.html"]')
    assert link.count() >= 1, f"chapters/{chapter}: 'Where this leads' has no link to {following}"
    link.first.click()
    page.wait_for_url(re.compile(rf"/chapters/{following}\.html$"), wait_until="domcontentloaded")
    title = page.locator("article h1").first.inner_text()
    assert title.startswith(f"{number_of(following)}. "), title


@pytest.mark.parametrize("index", range(len(ORDER)))
def test_previous_and_next_links_follow_the_table_of_contents(visit, site_url, index):
    v = visit(ORDER[index] + ".html", bare=True)
    page = v.page
    for side, neighbour in (("left-prev", index - 1), ("right-next", index + 1)):
        link = page.locator(f".prev-next-area a.{side}")
        if 0 <= neighbour < len(ORDER):
            assert link.count() == 1, f"{ORDER[index]} has no {side} link"
            href = page.evaluate("(a) => a.href", link.element_handle())
            assert href.split("#")[0] == site_url + ORDER[neighbour] + ".html", (side, href)
        else:
            assert link.count() == 0, f"{ORDER[index]} should have no {side} link"
    if index + 1 < len(ORDER):  # and the reader can actually go there
        page.locator(".prev-next-area a.right-next").click()
        page.wait_for_url(site_url + ORDER[index + 1] + ".html", wait_until="domcontentloaded")
