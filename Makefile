# Set-up and checks. `make test` and `make demo` work on a fresh machine (Python 3.10+, pip, node).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JS     := tests/js

.PHONY: install test lint typecheck pytest demo bench sandbox clean

install: $(STAMP)

$(STAMP): pyproject.toml sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./sandbox -e '.[test]'
	touch $@

$(JS)/node_modules/.stamp: $(JS)/package.json $(JS)/package-lock.json
	cd $(JS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check connector sandbox tests benchmarks docs
	$(BIN)/ruff format --check connector sandbox tests benchmarks docs

typecheck: $(STAMP)
	$(BIN)/mypy

# coverage starts before pytest: the pytest11 plugin imports the package before pytest-cov could
pytest: $(STAMP) $(JS)/node_modules/.stamp
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report

test: lint typecheck pytest

# `make demo CONNECTOR=mas`: the Message Authentication Service connector (SendSmsVerifyCode)
demo: $(STAMP)
	$(BIN)/aliyun-sms demo $(if $(CONNECTOR),--connector $(CONNECTOR))

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/sandbox_throughput.py
	$(BIN)/python benchmarks/limits.py

sandbox: $(STAMP)
	$(BIN)/aliyun-sms sandbox

clean:
	rm -rf $(VENV) $(JS)/node_modules dist build .coverage .pytest_cache .mypy_cache .ruff_cache
