# How Deep Learning Models Are Trained: the two set-up commands and friends.
#   make book      build the website into book/_build/html, and its PDF
#   make pdf       print the whole book to book/_build/html/<title>.pdf (offline)
#   make test      run every test: library, checkers, notebooks, book, browser
#   make lab       open JupyterLab on chapters/
#   make chapters  regenerate chapters/ (learner notebooks) from solutions/
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

.PHONY: book pdf test lab chapters clean lint unit notebooks site benchmarks

# The virtual environment is (re)installed only when the lock or pyproject changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) -W -n --keep-going
	$(MAKE) --no-print-directory pdf
	@echo "The book is built: open book/_build/html/index.html in a browser."

# One HTML page of the whole book (same sources, same execution cache),
# printed by headless Chromium with MathJax served locally.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) --builder singlehtml -W -n --keep-going
	$(BIN)/python book/make_pdf.py

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .node axe-core@$(AXE_VERSION)

test: $(STAMP) lint unit notebooks book site
	@echo "All tests passed."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m course_lib.authoring --check

unit: $(STAMP)
	$(BIN)/pytest -n $(JOBS) -m "not site"

notebooks: $(STAMP)
	$(BIN)/pytest $(NBVAL) -n $(JOBS) --dist loadscope chapters
	COURSE_STRICT=1 $(BIN)/pytest $(NBVAL) -n $(JOBS) --dist loadscope solutions

site: $(STAMP) $(AXE)
	$(BIN)/pytest -m site -n $(JOBS)

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

chapters: $(STAMP)
	$(BIN)/python -m course_lib.authoring

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_digits.py

clean:
	rm -rf book/_build .node $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
