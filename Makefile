# The commands people type. Each one creates .venv and installs pinned packages as needed.
#   make book    build the site into _build/html (executes the chapters, cached)
#   make test    build the site, then run every test (browser tests included)
#   make serve   live preview on http://127.0.0.1:8000 that rebuilds on save (SERVE_PORT=...)
#   make lint    the pre-commit hooks on every file (ruff, codespell, tsc, ...)
#   make new-chapter NAME="..."   a new chapter from the template, added to _toc.yml
#   make bench   time cold and incremental builds, weigh the pages, run Lighthouse
#   make cpu-matrix   every chapter under every emulated CPU set-up, against its page
#   make colab-check  every exported notebook in a venv of Colab's versions (several GB)
#   make pdf     the whole course as one PDF in _build/pdf (the site's build then publishes it)
#   make clean   remove the build output and the execution cache

SHELL := bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# -W: warnings are errors; -n: every reference must resolve; --keep-going: list them all.
JB_FLAGS := -W -n --keep-going
SERVE_PORT ?= 8000

.PHONY: book test test-fast bench serve clean lock lint hooks new-chapter cpu-matrix colab-check pdf

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

$(VENV)/.book-deps: requirements.txt constraints.txt | $(BIN)/python
	$(PIP) -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.book-deps
	$(PIP) -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

book: $(VENV)/.book-deps
	tools/system_deps.sh graphviz node
	$(MAKE) node_modules/.installed  # katex: the math is typeset at build time
	$(BIN)/jupyter-book build . $(JB_FLAGS)

test: $(VENV)/.dev-deps
	tools/system_deps.sh graphviz chromium headless-shell node
	$(MAKE) node_modules/.installed
	$(MAKE) book
	# One worker per core (pytest-xdist), each with its own server and browser; how the
	# tests are shared out between them is pyproject.toml's addopts.
	$(BIN)/python -m pytest -n auto

# The tests not marked slow: no browser and no copy of the book. They read the built site
# (run `make book` first) and build small one-page Sphinx projects.
test-fast: $(VENV)/.dev-deps
	$(BIN)/python -m pytest -m "not slow"

# The course as one PDF (tools/book_pdf.py): a single-page build from the same execution
# cache, printed by Chromium. Never touches _build/html; the next `make book` publishes it.
pdf: $(VENV)/.dev-deps
	tools/system_deps.sh graphviz chromium node
	$(MAKE) node_modules/.installed
	$(BIN)/python -m tools.book_pdf

# A measurement, not a test: tables on stdout, everything in bench/results/bench.json.
bench: $(VENV)/.dev-deps
	tools/system_deps.sh graphviz chromium node
	$(MAKE) bench/node_modules/.installed
	$(MAKE) book
	$(BIN)/python -m bench.bench $(BENCH_ARGS)

# Every chapter under every CPU set-up of course_ext/machines.py: which checks would fail,
# which printed outputs would differ from the built page. CHAPTERS="a b" runs some.
cpu-matrix: $(VENV)/.dev-deps
	$(MAKE) book
	$(BIN)/python -m tools.cpu_matrix $(if $(CHAPTERS),--chapters $(CHAPTERS))

# Colab's versions (tools/colab/constraints.txt, read from googlecolab/backend-info by
# tools/colab_versions.py) in a venv of Colab's Python, and every exported notebook run in
# it. Not part of `make test`: torch from PyPI is a CUDA build of several GB.
COLAB_PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
  $$p -c "" 2>/dev/null && { echo $$p; break; }; done)
COLAB_VENV := .venv-colab

$(COLAB_VENV)/.installed: tools/colab/requirements.txt tools/colab/constraints.txt
	@test -n "$(COLAB_PYTHON)" || { echo "make colab-check needs Python 3.13, Colab's: install it, or set COLAB_PYTHON"; exit 2; }
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r tools/colab/requirements.txt -c tools/colab/constraints.txt
	touch $@

colab-check: $(VENV)/.book-deps
	$(MAKE) book
	$(MAKE) $(COLAB_VENV)/.installed
	$(COLAB_VENV)/bin/python -m tools.colab_check --site _build/html --record

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --silent
	touch $@

serve: $(VENV)/.dev-deps
	tools/system_deps.sh graphviz
	# sphinx-autobuild needs a conf.py: Jupyter Book writes one from _config.yml (git-ignored).
	$(BIN)/jupyter-book config sphinx .
	$(BIN)/sphinx-autobuild . _build/html --host 127.0.0.1 --port $(SERVE_PORT) \
	  --watch _config.yml --watch _toc.yml --ignore "*/_build/*" --ignore "*/.venv/*" \
	  --ignore "*/.git/*" --ignore "*/conf.py"

# The pre-commit hooks (ruff, codespell, YAML, quizzes, tsc on the browser scripts, no
# built files) on every file.
lint: $(VENV)/.dev-deps
	tools/system_deps.sh node
	$(MAKE) node_modules/.installed  # typescript, for the tsc hook
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

hooks: $(VENV)/.dev-deps
	tools/system_deps.sh node
	$(MAKE) node_modules/.installed  # the tsc hook runs at each commit too
	$(BIN)/pre-commit install

# make new-chapter NAME="Second-order derivatives"
new-chapter: $(VENV)/.book-deps
	@test -n "$(NAME)" || { echo 'usage: make new-chapter NAME="Chapter title"'; exit 2; }
	$(BIN)/python -m tools.new_chapter "$(NAME)"

clean:
	rm -rf _build

# Re-pin every transitive dependency after changing requirements*.txt.
lock: $(VENV)/.dev-deps
	{ echo "# Every transitive dependency, pinned (pip freeze of a working environment)."; \
	  echo "# Regenerate: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.txt
