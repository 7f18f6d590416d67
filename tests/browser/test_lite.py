"""The chapters in the browser: the JupyterLite app that ``make lite`` builds.

Each test opens the app in headless Chromium, served from the local sub-path
server of ``conftest.py``. Every request that leaves that server is aborted
and recorded by the page's route, and Chromium is also given a proxy on a
closed port, so that requests the route does not see (the kernel's web
worker, the app's service worker) cannot reach the internet either: the tests
pass only if the app runs offline from the site alone.

Timings are printed and written to ``book/_build/lite-timings/`` (one file a
test), which ``make lite-test`` shows at the end.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import CHROMIUM_FLAGS, HTML, ROOT, PageVisit
from tests.conftest import CHROMIUM_MISSING, chromium_executable

pytestmark = pytest.mark.lite

LITE = HTML / "lite"
TIMINGS = ROOT / "book" / "_build" / "lite-timings"
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
# Seconds the kernel may take to start, and a chapter's cells to run. Measured on the
# shared 2-core machine under a load average of 12-19 (other jobs running): kernel
# ready after 20-125 s, the slowest chapter (6) ran in 262 s. An idle machine is
# several times faster; the budgets leave room for a loaded one.
KERNEL_BUDGET = 300
CHAPTER_BUDGET = 900
OFFLINE_FLAGS = [*CHROMIUM_FLAGS, "--proxy-server=http://127.0.0.1:9"]


@pytest.fixture(scope="module")
def offline_browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=OFFLINE_FLAGS)
        yield browser
        browser.close()


def record(name: str, text: str) -> None:
    """Print a timing and keep it in book/_build/lite-timings/NAME.txt."""
    TIMINGS.mkdir(parents=True, exist_ok=True)
    (TIMINGS / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    print("\n" + text)


# The notebook panel in view, from JupyterLab's own application object.
_PANEL = "window.jupyterapp.shell.currentWidget"
_KERNEL_IDLE = f"""() => {{
    const panel = window.jupyterapp && {_PANEL};
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && panel.content.widgets.length > 0;
}}"""


def open_in_app(visit: PageVisit, chapter: str):
    """Open a chapter's notebook in the app and wait until its Python kernel is ready."""
    page = visit.page
    page.goto(f"{visit.site_url}lite/lab/index.html?path={chapter}.ipynb", wait_until="load")
    page.wait_for_function(_KERNEL_IDLE, timeout=KERNEL_BUDGET * 1000, polling=500)
    return page


def run_all(page) -> None:
    """Run every cell from the top (Run > Run All Cells) and wait until it is done."""
    page.evaluate(
        """() => {
            window.__runAll = null;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                ok => { window.__runAll = {ok: ok}; },
                error => { window.__runAll = {error: String(error)}; });
        }""")
    page.wait_for_function("() => window.__runAll", timeout=CHAPTER_BUDGET * 1000,
                           polling=1000)


def run_cells(page, indices: list[int]) -> None:
    """Run the cells at ``indices`` in order, as Shift+Enter on each would, and wait."""
    page.evaluate(
        f"""async (indices) => {{
            const panel = {_PANEL};
            for (const i of indices) {{
                panel.content.activeCellIndex = i;
                await window.jupyterapp.commands.execute('notebook:run-cell');
            }}
        }}""", indices)
    page.wait_for_function(
        f"""(indices) => {{
            const panel = {_PANEL};
            return indices.every(i => {{
                const m = panel.content.widgets[i].model;
                return m.type !== 'code' || (m.executionCount !== null
                    && !panel.content.widgets[i].node.querySelector('.jp-mod-pending'));
            }}) && panel.sessionContext.session.kernel.status === 'idle';
        }}""", arg=indices, timeout=CHAPTER_BUDGET * 1000, polling=500)


def outputs_of(page, index: int) -> list[dict]:
    return page.evaluate(
        f"(i) => {_PANEL}.content.widgets[i].model.outputs.toJSON()", index)


def text_of(outputs: list[dict]) -> str:
    parts = []
    for output in outputs:
        if "text" in output:
            parts.append("".join(output["text"]))
        for value in output.get("data", {}).values():
            parts.append(value if isinstance(value, str) else "".join(map(str, value)))
        if output.get("output_type") == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


# A fresh kernel's first matplotlib import says this once; it is not an error.
BENIGN_STDERR = ("Matplotlib is building the font cache; this may take a moment.\n",)
# matplotlib's to_jshtml animations link Font Awesome 4 from a CDN for their buttons'
# icons: offline the request fails and the buttons show no icons (they still work).
KNOWN_EXTERNAL = ("https://maxcdn.bootstrapcdn.com/font-awesome/",)


def external(v: PageVisit) -> list[str]:
    return sorted({u for u in v.external if not u.startswith(KNOWN_EXTERNAL)})


def problems(page) -> list[str]:
    """Errors and stderr text in the outputs of every cell of the notebook in view."""
    cells = page.evaluate(f"() => {_PANEL}.content.widgets.map(w => w.model.toJSON())")
    found = []
    for i, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                found.append(f"cell {i}: {output['ename']}: {output['evalue']}")
            elif (output["output_type"] == "stream" and output["name"] == "stderr"
                  and "".join(output["text"]) not in BENIGN_STDERR):
                found.append(f"cell {i} wrote to stderr: {''.join(output['text'])[:300]}")
    return found


def notebook_cells(chapter: str) -> list[dict]:
    return json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text())["cells"]


@pytest.fixture
def app_visit(offline_browser, site_url):
    if not (LITE / "lab" / "index.html").exists():
        pytest.fail("book/_build/html/lite is missing: run `make lite` (or `make book`)")
    v = PageVisit(offline_browser, site_url)
    yield v
    v.close()


def test_chapter_1_from_the_button_to_a_passed_check(app_visit, site_url):
    """The learner's first minutes: button, first exercise, stub, answer, pass."""
    v = app_visit
    chapter = "01_neural_networks"
    v.page.goto(f"{site_url}chapters/{chapter}.html", wait_until="load")
    button = v.page.locator("a.btn-run-in-browser")
    assert button.count() == 1, "the chapter page has no 'Run in your browser' button"
    start = time.monotonic()
    with v.context.expect_page() as opened:
        button.click()
    page = opened.value
    page.on("console", v._console)
    page.on("pageerror", lambda exc: v.console_errors.append(f"page error: {exc}"))
    page.wait_for_load_state("load")
    assert f"lite/lab/index.html?path={chapter}.ipynb" in page.url
    page.wait_for_function(_KERNEL_IDLE, timeout=KERNEL_BUDGET * 1000)
    kernel_ready = time.monotonic() - start

    cells = notebook_cells(chapter)
    exercise = next(i for i, c in enumerate(cells) if c["metadata"].get("exercise"))
    check = exercise + 1
    name = cells[exercise]["metadata"]["exercise"]
    assert "".join(cells[check]["source"]).startswith(f'check("{name}"'), cells[check]
    run_cells(page, list(range(check + 1)))
    first_result = time.monotonic() - start
    assert f"{name}: not implemented yet" in text_of(outputs_of(page, check))

    answer = ('def sigmoid(z):\n'
              '    z = np.asarray(z, dtype=float)\n'
              '    e = np.exp(-np.abs(z))\n'
              '    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n')
    assert name == "sigmoid"
    page.evaluate(f"([i, s]) => {_PANEL}.content.widgets[i].model.sharedModel.setSource(s)",
                  [exercise, answer])
    run_cells(page, [exercise, check])
    assert f"{name}: passed" in text_of(outputs_of(page, check))
    assert not problems(page), problems(page)
    assert not external(v), f"the app tried to reach the internet: {external(v)}"
    record("00_first_check", f"chapter 1 in the app: kernel ready after {kernel_ready:.1f} s, "
           f"first check result after {first_result:.1f} s (from the click)")


def widget_problems(page) -> list[str]:
    """What is wrong with the widgets on view: none rendered, or one failed to."""
    state = page.evaluate("""() => ({
        sliders: document.querySelectorAll('.jp-OutputArea-output .widget-slider').length,
        text: document.querySelector('.jp-Notebook').innerText})""")
    found = [] if state["sliders"] else ["no slider rendered for widgets.explore"]
    found += [f"the page says {phrase!r}" for phrase in ("Error displaying widget",
                                                         "Loading widget...")
              if phrase in state["text"]]
    return found


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_top_to_bottom_in_the_app(app_visit, chapter):
    """Run > Run All Cells on the learner notebook: every cell runs, none fails."""
    start = time.monotonic()
    page = open_in_app(app_visit, chapter)
    kernel_ready = time.monotonic() - start
    run_all(page)
    ran = time.monotonic() - start - kernel_ready
    cells = page.evaluate(f"() => {_PANEL}.content.widgets.map(w => w.model.toJSON())")
    unrun = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and c.get("execution_count") is None]
    assert not unrun, f"{chapter}: cells {unrun} did not run: {problems(page)}"
    assert not problems(page), problems(page)
    if any("widgets.explore(" in "".join(c["source"]) for c in notebook_cells(chapter)
           if c["cell_type"] == "code"):
        assert not widget_problems(page), widget_problems(page)
    if any("fashion_mnist_available(" in "".join(c["source"]) for c in notebook_cells(chapter)):
        # The browser has no Fashion-MNIST files: the chapter says so and goes on.
        said = "\n".join(text_of(c.get("outputs", [])) for c in cells)
        assert "Fashion-MNIST is not installed here" in said
    assert not external(app_visit), f"the app tried to reach the internet: {external(app_visit)}"
    record(chapter, f"{chapter} in the app: kernel ready after {kernel_ready:.1f} s, "
           f"all cells ran in {ran:.1f} s")
