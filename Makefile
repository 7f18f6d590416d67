# How Deep Learning Models Are Trained: the two set-up commands and friends.
#   make book      build the website into book/_build/html, and its PDF (when Chromium is there)
#   make pdf       print the whole book to book/_build/html/<title>.pdf (offline, needs Chromium)
#   make lite      build only the in-browser app (JupyterLite) into book/_build/html/lite
#   make test      run every test: library, checkers, notebooks, book, browser
#   make lab       open JupyterLab on chapters/
#   make chapters  regenerate chapters/ (learner notebooks) from solutions/
#   make lock      regenerate requirements.lock from pyproject.toml (pins only)
#   make floors    run the library's tests with every dependency at its pyproject floor
#   make clean     remove the build, caches and the virtual environment

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2
BOOK_FLAGS := --config book/_config.yml --toc book/_toc.yml --path-output book
NBVAL  := --nbval-lax --nbval-current-env
# axe-core (the accessibility audit of the browser tests), from npm, pinned.
AXE_VERSION := 4.10.3
AXE    := .node/node_modules/axe-core/axe.min.js

# One BLAS thread: the book's matrices are small, and with two processes on two
# cores a multi-threaded BLAS was measured ~30x slower on small multiplies.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: book pdf lite lite-test test lab chapters clean lint unit notebooks site benchmarks lock floors prerequisites

# The browser tests need Chromium, and axe-core comes from npm: neither is on
# PyPI. `make test` looks for both first, so a missing one costs seconds, not a
# four-minute run.
CHROMIUM ?= $(firstword $(foreach name,chromium chromium-browser google-chrome google-chrome-stable,$(shell command -v $(name) 2>/dev/null)) \
  $(wildcard /Applications/Chromium.app/Contents/MacOS/Chromium))
export CHROMIUM

# The virtual environment is (re)installed only when the lock or pyproject changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) -W -n --keep-going
	$(BIN)/python book/lite/build.py
	@if [ -n "$(CHROMIUM)" ]; then $(MAKE) --no-print-directory pdf; \
	else echo "No Chromium, so no PDF of the book (the website is complete): install chromium, then make pdf."; fi
	@echo "The book is built: open book/_build/html/index.html in a browser."

# One HTML page of the whole book (same sources, same execution cache),
# printed by headless Chromium with MathJax served locally.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) --builder singlehtml -W -n --keep-going
	$(BIN)/python book/make_pdf.py

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .node axe-core@$(AXE_VERSION)

# The chapters in the browser: JupyterLite with Pyodide, in book/_build/html/lite
# (`make book` builds it too, after the pages).
lite: $(STAMP)
	$(BIN)/python book/lite/build.py

# Every chapter in the app, two pages at a time (one per core); timings at the end.
lite-test: prerequisites $(STAMP) $(AXE)
	@rm -rf book/_build/lite-timings
	$(BIN)/pytest -m lite -n $(JOBS) tests/browser/test_lite.py
	@cat book/_build/lite-timings/*.txt

# The book build executes the chapters on one core, so it runs beside the
# library tests and the notebooks (each prints its output when it ends);
# the browser tests need the built site, so they come after. GNU make 3.x
# (macOS's /usr/bin/make) has no --output-sync: there they run one by one.
SIDE_BY_SIDE := $(if $(filter 3.%,$(MAKE_VERSION)),-j1,-j2 --output-sync=target)
test: prerequisites $(STAMP) $(AXE) lint
	@echo "Library tests, notebooks and the book build (side by side where make can)..."
	@$(MAKE) --no-print-directory $(SIDE_BY_SIDE) unit notebooks book
	@$(MAKE) --no-print-directory site lite-test
	@echo "All tests passed."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m course_lib.authoring --check

unit: $(STAMP)
	$(BIN)/pytest -n $(JOBS) --dist loadgroup -m "not site and not lite"

notebooks: $(STAMP)
	$(BIN)/pytest $(NBVAL) -n $(JOBS) --dist loadscope chapters
	COURSE_STRICT=1 $(BIN)/pytest $(NBVAL) -n $(JOBS) --dist loadscope solutions

prerequisites:
	@test -n "$(CHROMIUM)" || { echo "make test needs Chromium for the browser tests: 'sudo apt-get install chromium' (Debian/Ubuntu) or 'brew install --cask chromium' (macOS), or set CHROMIUM=/path/to/chromium."; exit 1; }
	@command -v npm >/dev/null || { echo "make test needs npm (Node.js) to install axe-core for the accessibility tests: 'sudo apt-get install npm' (Debian/Ubuntu) or 'brew install node' (macOS)."; exit 1; }
	@command -v pdftotext >/dev/null || { echo "make test needs pdftotext to check the PDF: 'sudo apt-get install poppler-utils' (Debian/Ubuntu) or 'brew install poppler' (macOS)."; exit 1; }

site: prerequisites $(STAMP) $(AXE)
	$(BIN)/pytest -m site -n $(JOBS) --dist worksteal

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

chapters: $(STAMP)
	$(BIN)/python -m course_lib.authoring

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_digits.py
	$(BIN)/python benchmarks/bench_fashion.py

# The lock is written only by .ci/lock.py from a scratch venv's `pip freeze`:
# it refuses anything but name==version, so no local path or URL can get in.
# Run it with the oldest supported Python (PYTHON=python3.11) so every pin
# exists there too.
lock:
	@rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check ".[book,test,lab,lite]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | .lock-venv/bin/python .ci/lock.py write requirements.lock
	@rm -rf .lock-venv build

# The version floors in pyproject.toml, tested: a scratch venv with each dependency
# at its floor (.ci/floors.py turns every name>=X into name==X) runs the library's
# tests (not the notebooks, the book or the browser). Not part of make test: it
# installs a second environment (about 2 min from pip's cache, more without) and
# its tests take 2-3 min more. Run it with the oldest Python too (PYTHON=python3.11).
floors:
	@rm -rf .floors-venv
	$(PYTHON) -m venv .floors-venv
	.floors-venv/bin/python .ci/floors.py > .floors-venv/floors.txt
	.floors-venv/bin/python -m pip install --quiet --disable-pip-version-check -r .floors-venv/floors.txt
	.floors-venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	.floors-venv/bin/python -m pip freeze --exclude-editable | grep -i -E '^(numpy|matplotlib|scikit.learn|scipy|ipywidgets|ipykernel|ipython|tqdm|nbformat|nbclient)=='
	.floors-venv/bin/pytest -n $(JOBS) --dist loadgroup -p no:cacheprovider -m "not site and not lite and not slow" --ignore=tests/browser
	@rm -rf .floors-venv build

clean:
	rm -rf book/_build .node $(VENV) .floors-venv .pytest_cache .ruff_cache .hypothesis *.egg-info
