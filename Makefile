# The two set-up commands: `make demo` and `make test`. Both create .venv/ when missing.
# `make build-check` (run by CI after `make test`) builds the wheel and tries it in a fresh venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --constraint constraints.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint build-check docs bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/bialign demo --out out

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check bialign tests benchmarks
	$(VENV)/bin/ruff format --check bialign tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -q
	$(VENV)/bin/mkdocs build --strict --quiet --site-dir site

# Build the wheel, install it alone in a fresh venv (CPU torch, constraints.txt) and run
# `bialign demo` and one alignment from outside the repository (see .ci/build-check).
build-check: $(VENV)/.installed-dev
	PYTHON=$(PY) bash .ci/build-check

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix bialign tests benchmarks
	$(VENV)/bin/ruff format bialign tests benchmarks

docs: $(VENV)/.installed-dev
	$(VENV)/bin/mkdocs serve

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) site out .pytest_cache .ruff_cache
