"""The built book, as a reader uses it: in a real browser, served from a sub-path.

Each page's own checks (console errors, failed requests, math, images and
internal links) run in ``test_pages.py``, once per page and width; here is
the search, across the site.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import HTML

pytestmark = pytest.mark.site

CHAPTERS = sorted(p.stem for p in (HTML.parents[2] / "chapters").glob("[0-9][0-9]_*.ipynb"))


def top_anchor(relative: str) -> str:
    """The id of a page's top section: a link to it is a link to the page itself."""
    found = re.search(r'<section[^>]*\sid="([^"]+)"', (HTML / relative).read_text("utf-8"))
    return found.group(1) if found else ""


@pytest.mark.parametrize("query", ["backpropagation", "gradient descent"])
def test_search_finds_each_section_once(visit, query):
    v = visit(f"search.html?q={query.replace(' ', '+')}",
              refuse=frozenset({"image", "font", "media"}))
    results = v.page.locator("#search-results li")
    v.page.wait_for_function(  # the search has finished when it reports its count
        "() => /found \\d+ page/i.test(document.querySelector('#search-results p')?.innerText"
        " || '')")
    assert results.count() >= 1
    texts = v.page.locator("#search-results li > a").all_inner_texts()
    assert not [t for t in texts if " > " in t and t.split(" > ")[0].endswith(
        t.split(" > ")[-1])], f"a page listed again under its own top heading: {texts}"
    # One result per section: a page may have several matching sections
    # (different anchors), but no section may be listed twice; a link to a
    # page's top section is a link to the page.
    links = v.page.locator("#search-results li > a").evaluate_all(
        "as => as.map(a => { const u = new URL(a.href); return [u.pathname, u.hash]; })")
    sections = []
    for path, anchor in links:
        relative = path.split("/course/", 1)[1]
        sections.append(relative + ("" if anchor in ("", "#" + top_anchor(relative)) else anchor))
    assert len(sections) == len(set(sections)), f"a section is found twice: {sorted(sections)}"
    assert not [u for u in sections if "solutions/" in u], f"solved copies found: {sections}"
    words = query.split()
    chapter = next(c for c in CHAPTERS if all(w in c for w in words))
    assert f"chapters/{chapter}.html" in sections, sections
    assert any(query in t.lower() for t in texts), texts
