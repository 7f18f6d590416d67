"""Reading the book the way a reader does: following links, numbers, animations.

Each test drives the built site in Chromium (served under a sub-path by
``conftest.py``) and clicks what a reader would click.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import HTML, ROOT

pytestmark = pytest.mark.site

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
# The reading order of the table of contents (book/_toc.yml), front to back.
ORDER = (["book/intro", "book/how_to_use", "book/notation"]
         + [f"chapters/{c}" for c in CHAPTERS]
         + ["book/math_refresher", "book/api", "book/bibliography"])


def number_of(chapter: str) -> int:
    return int(chapter[:2])


def in_view(page, selector: str) -> bool:
    """Whether the element is scrolled to: its top in the upper half of the window."""
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight / 2; }", selector)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_opens_with_goals_and_ends_with_where_this_leads(shelf, chapter):
    page = shelf.visit(f"chapters/{chapter}.html").page
    goals = page.locator("div.admonition-what-you-will-learn")
    assert goals.count() == 1, "no 'What you will learn' admonition"
    assert goals.locator(".admonition-title").inner_text().strip() == "What you will learn"
    assert goals.locator("li").count() >= 3, "fewer than three learning goals"
    first_section = page.locator("article section section").first
    assert page.evaluate(  # the goals come before the first section
        "([g, s]) => !!(g.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)",
        [goals.element_handle(), first_section.element_handle()])
    headings = page.locator("article h2").all_inner_texts()
    assert headings and re.sub(r"^[\d.]+\s*", "", headings[-1]).startswith("Where this leads"), (
        f"the last section is not 'Where this leads': {headings[-3:]}")
    leads = page.locator("section#where-this-leads p")
    assert leads.count() >= 1 and len(leads.first.inner_text()) > 100


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


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_sections_figures_and_equations_are_numbered(shelf, chapter):
    n = number_of(chapter)
    page = shelf.visit(f"chapters/{chapter}.html").page
    assert page.locator("article h1").first.inner_text().startswith(f"{n}. ")
    sections = page.locator("article h2 .section-number").all_inner_texts()
    assert sections and sections[0].strip() == f"{n}.1.", sections[:3]
    assert [s.strip() for s in sections] == [f"{n}.{i}." for i in range(1, len(sections) + 1)]
    captions = page.locator("figcaption .caption-number").all_inner_texts()
    assert captions and captions[0].strip() == f"Fig. {n}.1", captions[:3]
    equations = [e.strip() for e in page.locator(".math .eqno").all_inner_texts()]
    assert equations and equations[0].startswith(f"({n}.1)"), equations[:3]
    # references in the text show the numbers, and lead to what they number
    fig_refs = page.locator('article a.reference.internal:has(span.std-numref)')
    eq_refs = page.locator('article a.reference.internal:has(span.eqno), '
                           'article a.reference.internal[href*="#equation-"]')
    shown = [t.strip() for t in fig_refs.all_text_contents() + eq_refs.all_text_contents()]
    assert shown, f"chapters/{chapter} refers to no figure or equation by number"
    bad = [t for t in shown if not re.fullmatch(r"(Fig\. \d+\.\d+|\(\d+\.\d+\))", t)]
    assert not bad, f"references without a number: {bad}"
    assert any(re.search(rf"\b{n}\.\d+\b", t) for t in shown), shown
    page.locator('article a.reference.internal[href*="#equation-"]').first.click()
    assert page.evaluate("() => location.hash").startswith("#equation-")
    assert in_view(page, page.evaluate("() => location.hash")), "the equation was not shown"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS
                                     if 'class="animation"' in (
                                         HTML / "chapters" / f"{c}.html").read_text()]
                         if HTML.exists() else [])
def test_animation_plays_in_the_page_without_a_kernel(shelf, chapter):
    page = shelf.visit(f"chapters/{chapter}.html").page
    animation = page.locator("div.animation").first
    animation.scroll_into_view_if_needed()
    image, slider = animation.locator("img"), animation.locator("input.anim-slider")
    assert image.evaluate("(i) => i.complete && i.naturalWidth > 0"), "no first frame shown"
    assert int(slider.get_attribute("max")) >= 2, "an animation of fewer than three frames"
    # the theme's Font Awesome script turns each button's <i> into an <svg> icon
    icons = animation.locator(".anim-buttons button > :is(svg, i)")
    assert icons.count() >= 8 and all(
        box and box["width"] > 4 for box in (icons.nth(i).bounding_box()
                                             for i in range(icons.count())))
    first = image.get_attribute("src")

    animation.locator('button[title="Next frame"]').click()
    page.wait_for_function("([i, s]) => i.src !== s", arg=[image.element_handle(), first])
    assert slider.input_value() == "1"

    animation.locator('button[title="Play"]').click()  # plays on by itself
    page.wait_for_function("(s) => Number(s.value) >= 3", arg=slider.element_handle())
    animation.locator('button[title="Pause"]').click()
    paused_at = slider.input_value()
    assert int(paused_at) >= 3

    animation.locator('button[title="First frame"]').click()
    page.wait_for_function("([i, s]) => i.src === s", arg=[image.element_handle(), first])
