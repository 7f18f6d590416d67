# How Deep Learning Models Are Trained: the two set-up commands and friends.
#   make book      build the website into book/_build/html (with the in-browser app)
#   make lite      build only the in-browser app (JupyterLite) into book/_build/html/lite
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

# One BLAS thread: the book's matrices are small, and with two processes on two
# cores a multi-threaded BLAS was measured ~30x slower on small multiplies.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: book lite test lab chapters clean lint unit notebooks site benchmarks

# The virtual environment is (re)installed only when the lock or pyproject changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) -W -n --keep-going
	$(BIN)/python book/lite/build.py
	@echo "The book is built: open book/_build/html/index.html in a browser."

# The chapters in the browser: JupyterLite with Pyodide, in book/_build/html/lite.
lite: $(STAMP)
	$(BIN)/python book/lite/build.py

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

site: $(STAMP)
	$(BIN)/pytest -m site -n $(JOBS)

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

chapters: $(STAMP)
	$(BIN)/python -m course_lib.authoring

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_digits.py

clean:
	rm -rf book/_build $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
