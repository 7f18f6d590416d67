"""Every page of the website, at 1400 px and at 390 px (a phone), loaded once each.

One test per page and width opens the page in headless Chromium, waits for
its fonts, images and math, and runs every check of ``page_checks.py`` that
applies there: weight budget, text alternatives, fitting the window, legible
drawings, typeset math, internal links, the axe-core audit, and on chapter
pages their goals, numbering, launch links, folded code, exercises and
animations. A failed check does not stop the others: the test fails once,
naming each failed check and what it found.

The axe-core audit runs at 1400 px only: both widths load the same HTML, and
at 390 px only the stylesheet's media queries differ (the sidebar becomes a
drawer); the audit takes most of a page's time (about 20 s for the API
reference), so it is not repeated for the phone.

With ``SCREENSHOTS=1`` in the environment, a full-page screenshot of each page
at each width is saved in ``book/_build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import page_checks as pc
from tests.browser.conftest import HTML, SCREENSHOTS, PageVisit

pytestmark = pytest.mark.site

SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "lite"}  # lite: test_lite.py
#: Largest first, so that the two workers share the slow pages from the start.
PAGES = sorted(
    (str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
     if not SKIP_DIRS & set(p.relative_to(HTML).parts)),
    key=lambda relative: -(HTML / relative).stat().st_size,
) if HTML.exists() else []
WIDE, PHONE = pc.WIDTHS

EVERY_PAGE = (  # (check, the widths it runs at)
    (pc.theme_is_light_by_default, {WIDE}),
    (pc.weight_within_budget, {WIDE, PHONE}),
    (pc.images_have_text_alternatives, {WIDE, PHONE}),
    (pc.fits_the_window, {WIDE, PHONE}),
    (pc.svg_figures_are_legible, {WIDE, PHONE}),
    (pc.wide_diagrams_are_legible, {WIDE, PHONE}),
    (pc.images_and_math_are_rendered, {WIDE, PHONE}),
    (pc.internal_links_resolve, {WIDE}),  # the same links at both widths
)
CHAPTER_PAGE = (
    (pc.chapter_opens_with_goals_and_ends_with_where_this_leads, {WIDE}),
    (pc.launch_and_download_links_point_at_the_learner_notebook, {WIDE}),
    (pc.figure_code_is_folded_and_animations_are_numbered_figures, {PHONE}),
    (pc.sections_figures_and_equations_are_numbered, {WIDE}),  # clicks an equation link
    (pc.a_question_answer_opens, {WIDE}),
    (pc.each_exercise_shows_the_stub_a_folded_solution_and_a_passing_check, {WIDE}),
)
#: The console is read before the audit: axe-core fetches the page's stylesheets
#: again for its CSS rules, and what it fetches is not the page's doing.
LAST = ((pc.no_console_errors_or_failed_requests, {WIDE, PHONE}),
        (pc.passes_the_accessibility_audit, {WIDE}))


def checks_for(relative: str, width: int) -> list:
    """The checks that apply to a page at a width, in the order they run."""
    chosen = list(EVERY_PAGE)
    if relative == "book/intro.html":
        chosen.append((pc.landing_figure_is_legible, {WIDE, PHONE}))
    if pc.chapter_of(relative):
        chosen += CHAPTER_PAGE
        if 'class="animation"' in (HTML / relative).read_text(encoding="utf-8"):
            chosen.append((pc.animation_plays_in_the_page_without_a_kernel, {WIDE}))
    chosen += LAST
    return [check for check, widths in chosen if width in widths]


def test_there_are_pages_to_check():
    assert {"index.html", "search.html", "genindex.html"} <= set(PAGES) and len(PAGES) >= 10


def test_the_front_door_leads_to_the_landing_page(browser, site_url):
    """``index.html`` only redirects: the landing page is checked under its own name."""
    v = PageVisit(browser, site_url, width=WIDE)
    try:
        v.page.goto(site_url + "index.html", wait_until="load")
        v.page.wait_for_url(site_url + "book/intro.html")
        assert not v.console_errors and not v.failed, (v.console_errors, v.failed)
    finally:
        v.close()


@pytest.mark.parametrize("width", pc.WIDTHS)
@pytest.mark.parametrize("relative", [p for p in PAGES if p != "index.html"])
def test_page(browser, site_url, relative, width):
    v = PageVisit(browser, site_url, width=width)
    try:
        v.open(relative)  # waits for images, fonts and MathJax
        failures = []
        for check in checks_for(relative, width):
            try:
                check(v, relative, width)
            except (AssertionError, PlaywrightError) as error:
                failures.append(f"- {check.__name__}: {type(error).__name__}: {error}")
        if os.environ.get("SCREENSHOTS"):  # for a person to look at: SCREENSHOTS=1 make site
            # taken after the checks: the capture resizes the window, and
            # equations measured during it were found scrolling at 1400 px
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            v.page.screenshot(
                path=str(SCREENSHOTS / f"{relative.replace('/', '__')}.{width}.png"),
                full_page=True, timeout=240_000)  # long pages, busy machines
        assert not failures, (
            f"{relative} at {width} px failed {len(failures)} check(s):\n" + "\n".join(failures))
    finally:
        v.close()
