# Reform-plan progress workbook. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLAN ?=
PERIOD ?=
DATA_DIR ?=
OUTPUT_DIR ?=
FORCE ?=
JOBS ?=
CSV ?=
PDF ?=

# The run's parameters reach the recipe's shell as environment variables, taken
# literally ($(value …): make does not expand a $ in them), and are quoted there,
# so a path with spaces, quotes, backticks or $ is just a path.
override PLAN := $(value PLAN)
override PERIOD := $(value PERIOD)
override DATA_DIR := $(value DATA_DIR)
override OUTPUT_DIR := $(value OUTPUT_DIR)
override FORCE := $(value FORCE)
override JOBS := $(value JOBS)
override CSV := $(value CSV)
override PDF := $(value PDF)
export PLAN PERIOD DATA_DIR OUTPUT_DIR FORCE JOBS CSV PDF
FOLDER_ARGS := $${PLAN:+--plan "$$PLAN"} $${DATA_DIR:+--data-dir "$$DATA_DIR"} $${OUTPUT_DIR:+--output-dir "$$OUTPUT_DIR"} $$(case "$$FORCE" in ""|0|no|false) ;; *) echo --force ;; esac) $$(case "$$PDF" in ""|0|no|false) ;; *) echo --pdf ;; esac)

.DEFAULT_GOAL := help
.PHONY: help install report all new-period draft-kpis test test-fast lab lint format bench clean-outputs

help: ## このターゲットの一覧
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "; print "使い方: make <ターゲット> [設定=値 …]"}; {printf "  make %-14s %s\n", $$1, $$2}'

LAB_CONFIG := jupyter/jupyter_server_config.json jupyter/overrides.json

# The set-up: the environment, its kernel, JupyterLab's settings for this project
# (jupyter/README.md), and the git filter that keeps notebook outputs out of commits
# (src/helpers/gitfilter.py; outside a git checkout it only says so).
define setup_checkout
	mkdir -p $(VENV)/etc/jupyter $(VENV)/share/jupyter/lab/settings
	cp jupyter/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.json
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/python -m helpers.run.gitfilter
endef

# compileall: the sources' bytecode, as pip writes a package's (an editable install has
# none): each kernel imports them; about 0.4 s less per kernel where PYTHONDONTWRITEBYTECODE is set
$(STAMP): pyproject.toml $(LAB_CONFIG)
	@echo "準備: 仮想環境 $(VENV) を作り、必要なパッケージを入れます（初回だけ。数分かかります）"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m ipykernel install --sys-prefix --name reform-workbook --display-name "Python (reform-workbook)" >/dev/null
	$(setup_checkout)
	touch $(STAMP)

install: $(STAMP) ## 準備: 仮想環境（.venv）を作り、JupyterLab とノートブックの git フィルタを設定
	$(setup_checkout)

report: $(STAMP) ## 各計画の最新の期間（とまだ作っていない期間）のレポートと outputs/index.html（例: PLAN=kodaira-3 PERIOD=2018-03 PDF=1 FORCE=1）
	@$(BIN)/reform-workbook $${PERIOD:+--period "$$PERIOD"} $(FOLDER_ARGS)

all: $(STAMP) ## すべての期間のレポートと一覧（PLAN=…: その計画だけ、JOBS=2: 二つずつ、PDF=1: PDF も）
	@$(BIN)/reform-workbook --all $${JOBS:+--jobs "$$JOBS"} $(FOLDER_ARGS)

new-period: $(STAMP) ## 次の期間のフォルダと、前の期間から引き継いだ成果指標シートを作る（例: PERIOD=2019-03 PLAN=kodaira-3 CSV=1）
	@if [ -z "$$PERIOD" ]; then echo "make new-period: PERIOD=YYYY-MM を指定してください（例: PERIOD=2019-03）" >&2; exit 2; fi
	@$(BIN)/reform-workbook new-period "$$PERIOD" $${PLAN:+--plan "$$PLAN"} $${DATA_DIR:+--data-dir "$$DATA_DIR"} $$(case "$$CSV" in ""|0|no|false) ;; *) echo --csv ;; esac)

draft-kpis: $(STAMP) ## 報告書から成果指標の値の下書きを新しいシートに作る（例: PERIOD=2019-03 PLAN=kodaira-3）
	@if [ -z "$$PERIOD" ]; then echo "make draft-kpis: PERIOD=YYYY-MM を指定してください（例: PERIOD=2019-03）" >&2; exit 2; fi
	@$(BIN)/reform-workbook draft-kpis --period "$$PERIOD" $${PLAN:+--plan "$$PLAN"} $${DATA_DIR:+--data-dir "$$DATA_DIR"}

# PYTHONDONTWRITEBYTECODE= : where the machine sets it (CI does), every run would compile
# the sources and rewrite the tests' asserts again (about 10 s of each test run)
test: $(STAMP) ## すべてのテスト（単体、papermill での通し、Chromium での表示）
	PYTHONWARNDEFAULTENCODING=1 PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

test-fast: $(STAMP) ## 速いテストだけ（papermill・ブラウザ・git の複製を使わないもの）
	PYTHONWARNDEFAULTENCODING=1 PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto -m "not e2e and not browser and not slow"

# --allow-root only where make runs as root (a container, CI): Jupyter refuses root otherwise
lab: install ## JupyterLab を日本語でプロジェクトのフォルダに開く
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lint: $(STAMP) ## ruff によるコードの検査と書式の確認、段の import の向き（import-linter）
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: $(STAMP) ## ruff でコードの書式を整える
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP) ## 速さの計測（結果は docs/benchmarks.md）
	$(BIN)/python -m bench

clean-outputs: $(STAMP) ## ワークブックが作った処理済みデータと出力だけを削除（利用者のファイルと生データは残し、残したものを表示）
	@$(BIN)/reform-workbook clean $${DATA_DIR:+--data-dir "$$DATA_DIR"} $${OUTPUT_DIR:+--output-dir "$$OUTPUT_DIR"}
