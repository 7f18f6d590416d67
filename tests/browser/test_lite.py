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

from tests.browser.conftest import CHROMIUM_FLAGS, HTML, ROOT, PageVisit, chromium

pytestmark = pytest.mark.lite

LITE = HTML / "lite"
TIMINGS = ROOT / "book" / "_build" / "lite-timings"
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
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
    with chromium(OFFLINE_FLAGS) as launched:
        yield launched


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


def start_run_all(page) -> None:
    """Run every cell from the top (Run > Run All Cells), without waiting."""
    page.evaluate(
        """() => {
            window.__runAll = null;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                ok => { window.__runAll = {ok: ok}; },
                error => { window.__runAll = {error: String(error)}; });
        }""")


def wait_run_all(page) -> None:
    """Wait until Run All Cells is done."""
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


def axe_on_the_button(page) -> list[str]:
    """Serious and critical axe-core violations of the 'Run in your browser' button.

    axe-core comes from npm (``make lite-test`` installs it into .node/), as for
    the site's own audit of whole pages.
    """
    assert AXE.exists(), "axe-core is missing: run `make lite-test` (it installs it)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
             const r = await axe.run({include: ['a.btn-run-in-browser']},
                                     {resultTypes: ['violations']});
             return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
               .map(v => `${v.id} (${v.impact}): ${v.help}`);
           }""")


def check_the_button(page) -> None:
    """One button, named by its text at every width, that passes the audit."""
    button = page.locator("a.btn-run-in-browser")
    assert button.count() == 1, "the chapter page has no 'Run in your browser' button"
    for width in (1280, 390):  # under 600 px it shows its icon only
        page.set_viewport_size({"width": width, "height": 900})
        named = page.get_by_role("link", name="Run in your browser", exact=True)
        assert named.count() == 1, (
            f"at {width} px the button's accessible name is not 'Run in your browser': "
            f"{button.evaluate('(a) => a.innerText')!r}")
        assert named.is_visible()
        violations = axe_on_the_button(page)
        assert not violations, f"axe-core on the button at {width} px: {violations}"
    page.set_viewport_size({"width": 1280, "height": 900})


def check_ran_clean(page, visit: PageVisit, chapter: str) -> None:
    """After Run All: every code cell ran, none failed, widgets drew, nothing left the site."""
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
    assert not visit.external, f"the app tried to reach the internet: {visit.external}"


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


FIRST = "01_neural_networks"


def test_chapter_1_from_the_button_to_a_passed_check(app_visit, site_url):
    """The learner's first minutes: button, Run All (the first check says "not
    implemented"), then the stub replaced by an answer and run again: "passed".

    Chapter 1's run from top to bottom is this test's (it runs once in the app).
    """
    v = app_visit
    v.page.goto(f"{site_url}chapters/{FIRST}.html", wait_until="load")
    check_the_button(v.page)
    start = time.monotonic()
    with v.context.expect_page() as opened:
        v.page.locator("a.btn-run-in-browser").click()
    page = opened.value
    page.on("console", v._console)
    page.on("pageerror", lambda exc: v.console_errors.append(f"page error: {exc}"))
    page.wait_for_load_state("load")
    assert f"lite/lab/index.html?path={FIRST}.ipynb" in page.url
    page.wait_for_function(_KERNEL_IDLE, timeout=KERNEL_BUDGET * 1000)
    kernel_ready = time.monotonic() - start

    cells = notebook_cells(FIRST)
    exercise = next(i for i, c in enumerate(cells) if c["metadata"].get("exercise"))
    check = exercise + 1
    name = cells[exercise]["metadata"]["exercise"]
    assert "".join(cells[check]["source"]).startswith(f'check("{name}"'), cells[check]
    start_run_all(page)
    page.wait_for_function(  # the check cell has run (its count is set on its reply)
        f"(i) => {_PANEL}.content.widgets[i].model.executionCount !== null", arg=check,
        timeout=CHAPTER_BUDGET * 1000, polling=250)
    first_result = time.monotonic() - start
    assert f"{name}: not implemented yet" in text_of(outputs_of(page, check))
    wait_run_all(page)
    ran = time.monotonic() - start - kernel_ready
    check_ran_clean(page, v, FIRST)

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
    assert not v.external, f"the app tried to reach the internet: {v.external}"
    record("00_first_check", f"chapter 1 in the app: kernel ready after {kernel_ready:.1f} s, "
           f"first check result after {first_result:.1f} s (from the click)")
    record(FIRST, f"{FIRST} in the app: kernel ready after {kernel_ready:.1f} s, "
           f"all cells ran in {ran:.1f} s")


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c != FIRST])
def test_chapter_runs_top_to_bottom_in_the_app(app_visit, chapter):
    """Run > Run All Cells on the learner notebook: every cell runs, none fails."""
    start = time.monotonic()
    page = open_in_app(app_visit, chapter)
    kernel_ready = time.monotonic() - start
    start_run_all(page)
    wait_run_all(page)
    ran = time.monotonic() - start - kernel_ready
    check_ran_clean(page, app_visit, chapter)
    record(chapter, f"{chapter} in the app: kernel ready after {kernel_ready:.1f} s, "
           f"all cells ran in {ran:.1f} s")
