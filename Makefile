# Reform-plan progress workbook. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?=
DATA_DIR ?=
OUTPUT_DIR ?=
FORCE ?=

RUN_ARGS := $(if $(PERIOD),--period "$(PERIOD)") $(if $(DATA_DIR),--data-dir "$(DATA_DIR)") $(if $(OUTPUT_DIR),--output-dir "$(OUTPUT_DIR)") $(if $(FORCE),--force)

.DEFAULT_GOAL := help
.PHONY: help install report all test test-fast lab lint format bench clean-outputs

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name reform-workbook --display-name "Python (reform-workbook)" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create the virtual environment (.venv) if needed

report: $(STAMP) ## run a period end to end (PERIOD=2018-03 DATA_DIR=… OUTPUT_DIR=… FORCE=1); default: the latest period
	$(BIN)/reform-workbook $(RUN_ARGS)

all: $(STAMP) ## run every period that has raw data
	$(BIN)/reform-workbook --all $(if $(DATA_DIR),--data-dir "$(DATA_DIR)") $(if $(OUTPUT_DIR),--output-dir "$(OUTPUT_DIR)") $(if $(FORCE),--force)

test: $(STAMP) ## run all tests (unit, end-to-end through papermill, headless Chromium)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## unit tests only
	$(BIN)/python -m pytest -m "not e2e and not browser"

lab: $(STAMP) ## open JupyterLab with this environment's kernel
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP) ## ruff format and fix imports
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP) ## benchmark a period run and the helpers (results in docs/benchmarks.md)
	$(BIN)/python bench/run_bench.py

clean-outputs: ## remove generated processed data and outputs (raw data is never touched)
	rm -rf data/processed/*/ outputs/*/
