# Set-up and checks. `make test` and `make demo` work on a fresh machine (Python 3.10+, pip, node).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JS     := tests/js

.PHONY: install test lint typecheck pytest test-django-lts demo bench sandbox dist clean

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

# The framework adapters once more on Django 5.2 LTS (`make test` runs the newest Django the
# Python allows): a venv of its own with only what tests/contrib needs.
LTS_VENV := .venv-django-lts
LTS_STAMP := $(LTS_VENV)/.installed-stamp
$(LTS_STAMP): pyproject.toml sandbox/pyproject.toml
	test -x $(LTS_VENV)/bin/python || $(PYTHON) -m venv $(LTS_VENV)
	$(LTS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LTS_VENV)/bin/python -m pip install --quiet -e ./sandbox -e '.[django,flask]' \
		'Django>=5.2,<5.3' Flask-SQLAlchemy Flask-Babel pytest pytest-asyncio
	touch $@

test-django-lts: $(LTS_STAMP)
	$(LTS_VENV)/bin/python -c 'import django; assert django.VERSION[:2] == (5, 2), django.__version__'
	$(LTS_VENV)/bin/python -m pytest tests/contrib -q -p no:cacheprovider

# `make demo CONNECTOR=mas`: the Message Authentication Service connector (SendSmsVerifyCode)
demo: $(STAMP)
	$(BIN)/aliyun-sms demo $(if $(CONNECTOR),--connector $(CONNECTOR))

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/sandbox_throughput.py
	$(BIN)/python benchmarks/limits.py
	$(BIN)/python benchmarks/relay.py

sandbox: $(STAMP)
	$(BIN)/aliyun-sms sandbox

# both wheels, the connector's and the sandbox's, into $(DIST) (what the README installs from)
DIST ?= dist
dist: $(STAMP)
	rm -f $(DIST)/logto_connector_aliyun_sms-*.whl $(DIST)/logto_aliyun_sms_sandbox-*.whl
	$(BIN)/python -m build --wheel --outdir $(DIST) .
	$(BIN)/python -m build --wheel --outdir $(DIST) sandbox

clean:
	rm -rf $(VENV) $(LTS_VENV) $(JS)/node_modules dist build .coverage .pytest_cache .mypy_cache .ruff_cache
