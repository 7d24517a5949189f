# The README's two commands are `make quickstart` and `make test`; the other targets are their parts.
PYTHON ?= python3
PHOTO ?= ../shared/samples/book/book-cover-wizard-of-oz.jpg
SAM_VENV := .tools/sam
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: quickstart test lint types template pytest

quickstart: .tools/local.stamp
	snaplist run $(PHOTO)

# Each stamp reinstalls only when pyproject.toml changes.
.tools/local.stamp: pyproject.toml
	$(PYTHON) -m pip install -q -e '.[local]'
	mkdir -p .tools && touch $@

# Tests also need the dev tools, the SAM CLI (its own venv: its pins stay out of the project's)
# and Debian's Chromium for the browser tests.
.tools/dev.stamp: pyproject.toml
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(PYTHON) -m pip install -q -e '.[local,dev]'
	test -x $(SAM_VENV)/bin/sam || \
		($(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install -q aws-sam-cli)
	mkdir -p .tools && touch $@ .tools/local.stamp

test: .tools/dev.stamp
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
	$(PYTHON) -m pytest
