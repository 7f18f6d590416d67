"""The built book, as a reader uses it: in a real browser, served from a sub-path."""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import urlopen

import pytest

from tests.browser.conftest import HTML

pytestmark = pytest.mark.site

SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "lite"}  # lite: test_lite.py
PAGES = sorted(
    str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
    if not SKIP_DIRS & set(p.relative_to(HTML).parts)
) if HTML.exists() else []
CHAPTERS = sorted(p.stem for p in (HTML.parents[2] / "chapters").glob("[0-9][0-9]_*.ipynb"))


@functools.cache
def ids_in(path) -> frozenset[str]:
    """Every id defined in a built HTML file."""
    return frozenset(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_there_are_pages_to_check():
    assert "index.html" in PAGES and len(PAGES) >= 10, PAGES


@pytest.mark.parametrize("relative", PAGES)
def test_page_loads_cleanly_with_math_images_and_links(shelf, site_url, relative):
    v = shelf.visit(relative)  # waits for images, fonts and MathJax
    page = v.page
    assert not v.console_errors, f"console errors on {relative}: {v.console_errors}"
    assert not v.failed, f"failed requests on {relative}: {v.failed}"
    assert not v.external, f"{relative} tried to reach the internet: {v.external}"
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)")
    assert not broken, f"images that did not load on {relative}: {broken}"
    raw_math = page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter(e => !e.querySelector("
        "'mjx-container') && e.tagName !== 'MJX-CONTAINER').length")
    assert raw_math == 0, f"{raw_math} formulas were not typeset on {relative}"
    check_internal_links(page, site_url, relative)


def check_internal_links(page, site_url: str, relative: str) -> None:
    """Every link into the site reaches a file, and its #anchor an element there."""
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    page_url = site_url + relative
    local = sorted({urljoin(page_url, h) for h in hrefs
                    if urljoin(page_url, h).startswith(site_url)})
    for url in local:
        address, _, fragment = url.partition("#")
        target = HTML / urlparse(address).path[len(urlparse(site_url).path):]
        if target.is_dir():
            target = target / "index.html"
        assert target.exists(), f"{relative} links to a missing file: {url}"
        if fragment and target.suffix == ".html":
            assert unquote(fragment) in ids_in(target), (
                f"{relative} links to an anchor that does not exist: {url}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_shows_figures_and_a_question_answer_opens(shelf, chapter):
    page = shelf.visit(f"chapters/{chapter}.html").page
    figures = page.locator("figure img, div.cell_output img")
    assert figures.count() >= 1, f"chapters/{chapter} shows no figure"
    solution = page.locator("div.solution.dropdown").first
    assert solution.count() == 1, f"chapters/{chapter} has no folded answer"
    body = solution.locator(".admonition-title ~ *").first
    assert not body.is_visible(), "the answer should start folded"
    solution.locator(".admonition-title").click()
    body.wait_for(state="visible")
    solution.locator(".admonition-title").click()  # folded again for the other tests
    body.wait_for(state="hidden")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_and_download_links_point_at_the_learner_notebook(shelf, chapter):
    v = shelf.visit(f"chapters/{chapter}.html")
    hrefs = v.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    notebook = f"chapters/{chapter}.ipynb"
    binder = [h for h in hrefs if "mybinder.org" in h]
    colab = [h for h in hrefs if "colab.research.google.com" in h]
    assert binder and all(notebook in h for h in binder), binder
    assert colab and all(h.endswith("/blob/main/" + notebook) for h in colab), colab
    downloads = [h for h in hrefs if h.endswith(f"_sources/{notebook}")]
    assert downloads, "no download link for the notebook"
    placeholders = [h for h in hrefs if "example.org" in h or "example.com" in h]
    assert not placeholders, f"launch links to a placeholder server: {placeholders}"
    with urlopen(downloads[0]) as response:  # served by our local server
        assert b'"cells"' in response.read()


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
