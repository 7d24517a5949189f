# The two quick-start commands are `make quickstart` and `make test`; the rest are their parts.
PYTHON ?= python3
PHOTO ?= ../shared/samples/book/book-cover-wizard-of-oz.jpg
SAM_VENV := .tools/sam
STAMP := .tools/installed.stamp
export SAM_CLI_TELEMETRY := 0

.PHONY: quickstart install test lint types template pytest

quickstart: $(STAMP)
	snaplist run $(PHOTO)

install: $(STAMP)

# Reinstalls only when the dependency list changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m pip install -q -e '.[local,dev]'
	test -x $(SAM_VENV)/bin/sam || ($(PYTHON) -m venv $(SAM_VENV) && $(SAM_VENV)/bin/pip install -q aws-sam-cli)
	mkdir -p .tools && touch $(STAMP)

test: $(STAMP) lint types template pytest

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
