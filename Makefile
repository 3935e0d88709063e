# The two set-up commands: `make demo` and `make test`. Both create .venv/ when missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --constraint constraints.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint docs bench clean

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

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix bialign tests benchmarks
	$(VENV)/bin/ruff format bialign tests benchmarks

docs: $(VENV)/.installed-dev
	$(VENV)/bin/mkdocs serve

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) site out .pytest_cache .ruff_cache
