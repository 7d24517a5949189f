# The README's two commands are `make quickstart` and `make test`; the other targets are their parts.
# Everything installs into .venv (the project) and .tools/sam (the SAM CLI, whose pins stay apart),
# so each checkout tests its own code and the system Python is left alone.
PYTHON ?= python3
PHOTO ?= ../shared/samples/book/book-cover-wizard-of-oz.jpg
VENV := .venv
SAM_VENV := .tools/sam
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: quickstart test lint types template pytest

quickstart: $(VENV)/local.stamp
	snaplist run "$(PHOTO)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Each stamp reinstalls only when pyproject.toml changes.
$(VENV)/local.stamp: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install -q -e '.[local]'
	touch $@

# Tests also need the dev tools, the SAM CLI and Debian's Chromium for the browser tests.
$(VENV)/dev.stamp: pyproject.toml | $(VENV)/bin/python
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(VENV)/bin/python -m pip install -q -e '.[local,dev]'
	test -x $(SAM_VENV)/bin/sam || \
		($(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install -q aws-sam-cli)
	touch $@ $(VENV)/local.stamp

test: $(VENV)/dev.stamp
	$(MAKE) lint types template pytest

lint:
	ruff check src functions tests benchmarks
	ruff format --check src functions tests benchmarks

types:
	mypy

template:
	cfn-lint template.yaml
	scripts/sam-check

pytest:
	python -m pytest
