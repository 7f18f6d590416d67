"""The website as readers meet it: each chapter once, accessible, light, and a PDF.

Every page is opened at 1400 px and at 390 px (a phone) in headless Chromium:
it must transfer less than ``BUDGET`` bytes in all, pass the axe-core audit
without serious or critical violations, give every image a text alternative,
and fit the phone's width. With ``SCREENSHOTS=1`` in the environment,
full-page screenshots of both widths are saved in ``book/_build/screenshots/``
for a person to look at (they take longer than the checks themselves).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import nbformat
import pytest

from tests.browser.conftest import HTML, ROOT, SCREENSHOTS

pytestmark = pytest.mark.site

BUDGET = 3 * 2**20  # bytes a page may transfer: HTML, scripts, styles, fonts, images, MathJax
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
PDF = HTML / "how-deep-learning-models-are-trained.pdf"
WIDTHS = (1400, 390)
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "lite"}  # lite: test_lite.py
PAGES = sorted(
    str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
    if not SKIP_DIRS & set(p.relative_to(HTML).parts) and p.name not in {"search.html",
                                                                          "genindex.html"}
) if HTML.exists() else []
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def chapter_title(chapter: str) -> str:
    """The chapter's title, from the first heading of its notebook."""
    first = nbformat.read(ROOT / "solutions" / f"{chapter}.ipynb", as_version=4).cells[0]
    return re.search(r"^# (.+)$", first.source, re.MULTILINE).group(1).strip()


def exercise_names(chapter: str) -> list[str]:
    nb = nbformat.read(ROOT / "solutions" / f"{chapter}.ipynb", as_version=4)
    return [c.metadata["exercise"] for c in nb.cells if "exercise" in c.metadata]


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
               .map(v => `${v.id} (${v.impact}): ${v.help}; ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
           }""")


def missing_alternatives(page) -> list[str]:
    """Images whose alt text is missing, empty or a file name."""
    return page.evaluate(
        r"""() => [...document.querySelectorAll('article img, .bd-article img')]
             .filter(i => { const a = (i.getAttribute('alt') || '').trim();
                            return a.length < 15 || /\.(png|jpe?g|svg|gif|webp)$/i.test(a)
                                   || a.includes('/_images/') || a.includes('_build'); })
             .map(i => `${i.id || i.src.slice(0, 80)} alt=${JSON.stringify(i.alt)}`)""")


def overflowing(page, width: int) -> list[str]:
    """Content that runs past the right edge of the window (clipped or scrolling)."""
    return page.evaluate(
        """(w) => {
             const bad = [];
             if (document.documentElement.scrollWidth > w + 1)
               bad.push(`the page is ${document.documentElement.scrollWidth} px wide`);
             for (const e of document.querySelectorAll(
                  'article figure, article figure img, article .animation img, article table')) {
               const r = e.getBoundingClientRect();
               if (r.width > 0 && (r.right > w + 1 || r.left < -1))
                 bad.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} spans ` +
                          `${Math.round(r.left)}..${Math.round(r.right)} px`);
               const box = e.closest('.pst-scrollable-table-container');
               if (e.tagName === 'TABLE' && box && box.scrollWidth > box.clientWidth + 1)
                 bad.push(`a table needs sideways scrolling (${box.scrollWidth} px in ` +
                          `${box.clientWidth} px)`);
             }
             for (const m of document.querySelectorAll('article mjx-container[display="true"]')) {
               if (m.scrollWidth > m.clientWidth + 1 && m.tabIndex < 0)
                 bad.push(`an equation scrolls sideways but the keyboard cannot reach it: ` +
                          m.closest('.math')?.querySelector('.eqno')?.innerText);
               if (m.getBoundingClientRect().right > w + 1)
                 bad.push(`an equation runs past the edge: ` + m.getBoundingClientRect().right);
             }
             return bad;
           }""", width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("relative", PAGES)
def test_page_is_light_described_and_fits_the_window(shelf, relative, width):
    v = shelf.visit(relative, width)
    page = v.page
    if os.environ.get("SCREENSHOTS"):  # for a person to look at: SCREENSHOTS=1 make site
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{relative.replace('/', '__')}.{width}.png"),
                        full_page=True, timeout=240_000)  # long pages, busy machines
    for src in page.evaluate("() => [...document.images].map(i => i.currentSrc || i.src)"):
        v.requested.add(src.split("#")[0])  # every image counts, even one not yet fetched
    sizes = v.bytes_requested()
    total = sum(sizes.values())
    assert total <= BUDGET, (
        f"{relative} transfers {total / 2**20:.2f} MB at {width} px, over the "
        f"{BUDGET / 2**20:.0f} MB budget; largest: {sorted(sizes, key=sizes.get)[-3:]}")
    assert not any("fontawesome.js" in u for u in sizes), (
        "the theme's 1.5 MB icon script is loaded: the web-font icons suffice")
    assert not missing_alternatives(page), (
        f"{relative}: images without a text alternative: {missing_alternatives(page)}")
    assert not overflowing(page, width), f"{relative} at {width} px: {overflowing(page, width)}"


@pytest.mark.parametrize("relative", PAGES)
def test_page_passes_the_accessibility_audit(shelf, relative):
    assert AXE.exists(), "axe-core is missing: run `make site` (it installs it into .node/)"
    violations = axe_violations(shelf.visit(relative, WIDTHS[0]).page)
    assert not violations, f"axe-core on {relative}: {violations}"


@pytest.mark.parametrize("relative", ["book/how_to_use.html"])
def test_dark_mode_follows_the_system_preference(shelf, visit, relative):
    light = shelf.visit(relative, WIDTHS[0])  # the page as the other tests load it
    assert light.page.evaluate("() => document.documentElement.dataset.theme") == "light"
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


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_exercise_shows_the_stub_a_folded_solution_and_a_passing_check(shelf, chapter):
    page = shelf.visit(f"chapters/{chapter}.html", WIDTHS[0]).page
    names = exercise_names(chapter)
    folds = page.locator("details.course-solution")
    assert folds.count() == len(names) >= 1, (chapter, folds.count(), names)
    for k, name in enumerate(names):
        fold = folds.nth(k)
        cell = fold.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' cell ')][1]")
        stub = cell.locator(".cell_input pre").first
        assert f"def {name}(" in stub.inner_text() or name in stub.inner_text(), name
        assert "raise NotImplementedError" in stub.inner_text(), f"{name}: no stub shown"
        code = fold.locator("pre")
        assert fold.get_attribute("open") is None and not code.is_visible(), (
            f"{name}: the solution should start folded")
        assert fold.locator("summary").inner_text().strip() == "Show solution"
        fold.locator("summary").click()  # one click opens it
        code.wait_for(state="visible")
        solution = code.inner_text()
        assert "NotImplementedError" not in solution and "SOLUTION" not in solution, name
        check = page.evaluate(
            """(f) => { let c = f.closest('div.cell').nextElementSibling;
                        while (c && !c.classList.contains('cell')) c = c.nextElementSibling;
                        return c ? c.innerText : ''; }""", fold.element_handle())
        assert f'check("{name}"' in check and "passed" in check, (
            f"{name}: the check below the exercise does not show a pass: {check[:200]}")
        fold.locator("summary").click()  # folded again, as the other tests expect it
        code.wait_for(state="hidden")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figure_code_is_folded_and_animations_are_numbered_figures(shelf, chapter):
    n = int(chapter[:2])
    page = shelf.visit(f"chapters/{chapter}.html", 390).page
    folded = page.locator("div.cell.tag_hide-input")
    assert folded.count() >= 1, f"{chapter}: no plotting code is folded"
    for k in range(folded.count()):
        summary = folded.nth(k).locator("details summary").first
        assert summary.count() == 1 and "show code" in summary.inner_text().lower()
        assert not folded.nth(k).locator(".cell_input pre").first.is_visible()
    animations = page.locator("div.animation")
    for k in range(animations.count()):
        animation = animations.nth(k)
        figure = animation.locator("xpath=ancestor::figure[1]")
        assert figure.count() == 1, f"{chapter}: animation {k} is not a figure"
        number = figure.locator("figcaption .caption-number").inner_text().strip()
        assert re.fullmatch(rf"Fig\. {n}\.\d+", number), number
        assert len(figure.locator("figcaption").inner_text()) > 60, "a caption says what it shows"
        box = animation.locator("img").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] > 100, f"{chapter}: animation too small on a phone: {box}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("relative", ["book/intro.html"])
def test_landing_figure_is_legible_on_a_phone(shelf, relative, width):
    page = shelf.visit(relative, width).page
    box = page.locator("figure#fig-training-loop img").bounding_box()
    # drawn 560 x 370 with 13-16 px text: at least 60 % of that size
    assert box and box["width"] >= min(560, width - 60) * 0.95, (width, box)
    assert box["height"] >= box["width"] * 370 / 560 * 0.95, (width, box)
    link = page.locator("a[href$='.pdf']")
    assert link.count() == 1 and PDF.exists(), "the landing page links the PDF"


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
