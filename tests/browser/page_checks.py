"""What is checked on each page of the built book, once the page is open.

Each check takes the open page (a ``PageVisit``), the page's address relative
to the site and the window width, and raises ``AssertionError`` saying what is
wrong. ``test_pages.py`` opens each page once per width and runs every check
that applies there, so a page is loaded once per width for all of them.
Checks that click (fold, unfold, follow an equation link, play an animation)
come last, after the checks that read the page as it was loaded.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import urlopen

import nbformat

from tests.browser.conftest import HTML, ROOT

BUDGET = 3 * 2**20  # bytes a page may transfer: HTML, scripts, styles, fonts, images, MathJax
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
PDF = HTML / "how-deep-learning-models-are-trained.pdf"
WIDTHS = (1400, 390)
PHONE = WIDTHS[1]
MIN_TEXT_PX = 10  # the smallest text a figure drawn as SVG may show, in CSS px
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def chapter_of(relative: str) -> str | None:
    """``NN_name`` for a chapter page, else None."""
    found = re.fullmatch(r"chapters/(\d\d_\w+)\.html", relative)
    return found.group(1) if found and found.group(1) in CHAPTERS else None


def exercise_names(chapter: str) -> list[str]:
    nb = nbformat.read(ROOT / "solutions" / f"{chapter}.ipynb", as_version=4)
    return [c.metadata["exercise"] for c in nb.cells if "exercise" in c.metadata]


def ids_in(path, _cache: dict = {}) -> frozenset[str]:  # noqa: B006 (a cache on purpose)
    """Every id defined in a built HTML file."""
    if path not in _cache:
        _cache[path] = frozenset(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))
    return _cache[path]


# ---- reading the page as loaded ---------------------------------------------------------

def weight_within_budget(v, relative: str, width: int) -> None:
    page = v.page
    for src in page.evaluate("() => [...document.images].map(i => i.currentSrc || i.src)"):
        v.requested.add(src.split("#")[0])  # every image counts, even one not yet fetched
    sizes = v.bytes_requested()
    total = sum(sizes.values())
    assert total <= BUDGET, (
        f"{relative} transfers {total / 2**20:.2f} MB at {width} px, over the "
        f"{BUDGET / 2**20:.0f} MB budget; largest: {sorted(sizes, key=sizes.get)[-3:]}")
    assert not any("fontawesome.js" in u for u in sizes), (
        "the theme's 1.5 MB icon script is loaded: the web-font icons suffice")


def images_have_text_alternatives(v, relative: str, width: int) -> None:
    """No image whose alt text is missing, empty or a file name."""
    missing = v.page.evaluate(
        r"""() => [...document.querySelectorAll('article img, .bd-article img')]
             .filter(i => { const a = (i.getAttribute('alt') || '').trim();
                            return a.length < 15 || /\.(png|jpe?g|svg|gif|webp)$/i.test(a)
                                   || a.includes('/_images/') || a.includes('_build'); })
             .map(i => `${i.id || i.src.slice(0, 80)} alt=${JSON.stringify(i.alt)}`)""")
    assert not missing, f"images without a text alternative: {missing}"


def fits_the_window(v, relative: str, width: int) -> None:
    """No content runs past the right edge of the window (clipped or scrolling)."""
    bad = v.page.evaluate(
        """(w) => {
             const bad = [];
             if (document.documentElement.scrollWidth > w + 1)
               bad.push(`the page is ${document.documentElement.scrollWidth} px wide`);
             for (const e of document.querySelectorAll(
                  'article figure, article figure img, article .animation img, article table')) {
               const r = e.getBoundingClientRect();
               const diagram = e.tagName === 'IMG' && e.closest('figure.wide-diagram');
               if (diagram && diagram.scrollWidth > diagram.clientWidth + 1) {
                 if (diagram.tabIndex < 0)
                   bad.push(`figure#${diagram.id} scrolls sideways, out of the keyboard's reach`);
                 continue;  // the image scrolls inside its figure, which is checked itself
               }
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
    assert not bad, bad


def svg_figures_are_legible(v, relative: str, width: int) -> None:
    """Each SVG drawing, as shown, keeps its smallest text at ``MIN_TEXT_PX`` or more.

    The drawing shown is the one the browser chose (``currentSrc``: a phone may
    get a narrower form); its smallest ``font-size`` is scaled by the ratio of
    its shown width to its ``viewBox`` width.
    """
    shown = v.page.evaluate(
        "() => [...document.querySelectorAll('article img')]"
        ".filter(i => /\\.svg$/.test(i.currentSrc) && i.getBoundingClientRect().width > 0)"
        ".map(i => [i.currentSrc, i.getBoundingClientRect().width])")
    small = []
    for url, shown_width in shown:
        path = HTML / unquote(urlparse(url).path[len(urlparse(v.site_url).path):])
        svg = path.read_text(encoding="utf-8")
        view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
        smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)"', svg))
        px = smallest * shown_width / view_width
        if px < MIN_TEXT_PX:
            small.append(f"{path.name}: {px:.1f} px text at {shown_width:.0f} px wide")
    assert not small, f"figure text under {MIN_TEXT_PX} px: {small}"


def wide_diagrams_are_legible(v, relative: str, width: int) -> None:
    """A diagram marked wide (course_site.js) keeps its 10 pt text at ``MIN_TEXT_PX`` or more.

    Its PNG is drawn at 100 dpi, so 10 pt text is 13.9 px in the image; shown
    narrower than the image, the text shrinks in proportion.
    """
    shown = v.page.evaluate(
        "() => [...document.querySelectorAll('figure.wide-diagram > img')]"
        ".map(i => [i.closest('figure').id, i.getBoundingClientRect().width, i.naturalWidth])")
    if chapter_of(relative) == "03_backpropagation":
        assert shown, "Fig. fig-ch3-graph is not marked as a wide diagram"
    small = [f"{name}: {13.9 * w / natural:.1f} px text at {w:.0f} px wide"
             for name, w, natural in shown if 13.9 * w / natural < MIN_TEXT_PX]
    assert not small, f"diagram text under {MIN_TEXT_PX} px: {small}"


def theme_is_light_by_default(v, relative: str, width: int) -> None:
    theme = v.page.evaluate("() => document.documentElement.dataset.theme")
    assert theme == "light", f"a light system preference gave the {theme!r} theme"


def images_and_math_are_rendered(v, relative: str, width: int) -> None:
    page = v.page
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)")
    assert not broken, f"images that did not load: {broken}"
    raw_math = page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter(e => !e.querySelector("
        "'mjx-container') && e.tagName !== 'MJX-CONTAINER').length")
    assert raw_math == 0, f"{raw_math} formulas were not typeset"


def internal_links_resolve(v, relative: str, width: int) -> None:
    """Every link into the site reaches a file, and its #anchor an element there."""
    site_url = v.site_url
    hrefs = v.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    page_url = site_url + relative
    local = sorted({urljoin(page_url, h) for h in hrefs
                    if urljoin(page_url, h).startswith(site_url)})
    for url in local:
        address, _, fragment = url.partition("#")
        target = HTML / urlparse(address).path[len(urlparse(site_url).path):]
        if target.is_dir():
            target = target / "index.html"
        assert target.exists(), f"links to a missing file: {url}"
        if fragment and target.suffix == ".html":
            assert unquote(fragment) in ids_in(target), (
                f"links to an anchor that does not exist: {url}")


def passes_the_accessibility_audit(v, relative: str, width: int) -> None:
    """axe-core: no serious or critical violation."""
    assert AXE.exists(), "axe-core is missing: run `make site` (it installs it into .node/)"
    page = v.page
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
               .map(v => `${v.id} (${v.impact}): ${v.help}; ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
           }""")
    assert not violations, f"axe-core: {violations}"


def landing_figure_is_legible(v, relative: str, width: int) -> None:
    page = v.page
    box = page.locator("figure#fig-training-loop img").bounding_box()
    # the figure fills the column (560 px where there is room)
    assert box and box["width"] >= min(560, width - 60) * 0.95, (width, box)
    assert box["height"] >= box["width"] * 370 / 560 * 0.95, (width, box)
    link = page.locator("a[href$='.pdf']")
    assert link.count() == 1 and PDF.exists(), "the landing page links the PDF"


def chapter_opens_with_goals_and_ends_with_where_this_leads(v, relative: str,
                                                           width: int) -> None:
    page = v.page
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


def launch_and_download_links_point_at_the_learner_notebook(v, relative: str,
                                                            width: int) -> None:
    chapter = chapter_of(relative)
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


def figure_code_is_folded_and_animations_are_numbered_figures(v, relative: str,
                                                              width: int) -> None:
    n = int(chapter_of(relative)[:2])
    page = v.page
    folded = page.locator("div.cell.tag_hide-input")
    assert folded.count() >= 1, "no plotting code is folded"
    for k in range(folded.count()):
        summary = folded.nth(k).locator("details summary").first
        assert summary.count() == 1 and "show code" in summary.inner_text().lower()
        assert not folded.nth(k).locator(".cell_input pre").first.is_visible()
    animations = page.locator("div.animation")
    for k in range(animations.count()):
        animation = animations.nth(k)
        figure = animation.locator("xpath=ancestor::figure[1]")
        assert figure.count() == 1, f"animation {k} is not a figure"
        number = figure.locator("figcaption .caption-number").inner_text().strip()
        assert re.fullmatch(rf"Fig\. {n}\.\d+", number), number
        assert len(figure.locator("figcaption").inner_text()) > 60, "a caption says what it shows"
        box = animation.locator("img").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["height"] > 100, f"animation too small on a phone: {box}"


def sections_figures_and_equations_are_numbered(v, relative: str, width: int) -> None:
    """Numbers everywhere; the first equation link is followed (it scrolls the page)."""
    n = int(chapter_of(relative)[:2])
    page = v.page
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
    assert shown, "the chapter refers to no figure or equation by number"
    bad = [t for t in shown if not re.fullmatch(r"(Fig\. \d+\.\d+|\(\d+\.\d+\))", t)]
    assert not bad, f"references without a number: {bad}"
    assert any(re.search(rf"\b{n}\.\d+\b", t) for t in shown), shown
    page.locator('article a.reference.internal[href*="#equation-"]').first.click()
    target = page.evaluate("() => location.hash")
    assert target.startswith("#equation-")
    assert page.evaluate(  # scrolled to: its top in the upper half of the window
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight / 2; }", target), (
        "the equation was not shown")


# ---- clicking: these change the page, so they come last --------------------------------

def a_question_answer_opens(v, relative: str, width: int) -> None:
    page = v.page
    figures = page.locator("figure img, div.cell_output img")
    assert figures.count() >= 1, "the chapter shows no figure"
    solution = page.locator("div.solution.dropdown").first
    assert solution.count() == 1, "the chapter has no folded answer"
    body = solution.locator(".admonition-title ~ *").first
    assert not body.is_visible(), "the answer should start folded"
    solution.locator(".admonition-title").click()
    body.wait_for(state="visible")
    solution.locator(".admonition-title").click()
    body.wait_for(state="hidden")


def each_exercise_shows_the_stub_a_folded_solution_and_a_passing_check(v, relative: str,
                                                                       width: int) -> None:
    page = v.page
    names = exercise_names(chapter_of(relative))
    folds = page.locator("details.course-solution")
    assert folds.count() == len(names) >= 1, (folds.count(), names)
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
        fold.locator("summary").click()
        code.wait_for(state="hidden")


def animation_plays_in_the_page_without_a_kernel(v, relative: str, width: int) -> None:
    page = v.page
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


def no_console_errors_or_failed_requests(v, relative: str, width: int) -> None:
    """Checked after the clicks, so that what they caused is counted too."""
    assert not v.console_errors, f"console errors: {v.console_errors}"
    assert not v.failed, f"failed requests: {v.failed}"
    assert not v.external, f"tried to reach the internet: {v.external}"
