"""Shared fixtures: the real raw data, and one end-to-end run of it in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.core import paths

REAL_RAW = paths.PROJ_ROOT / "data" / "raw"
PLAN = "kodaira-3"  # the real plan's folder id
REAL_PLAN = REAL_RAW / PLAN
REPORT_FILE = REAL_PLAN / "2018-03" / "progress_report_H29_end.txt"
KPI_FILE = REAL_PLAN / "2018-03" / "kpi_sheet.csv"
AREAS_FILE = REAL_PLAN / "2017-09" / "progress_areas_H29_9.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_raw(dest: Path) -> Path:
    """A data folder (raw/ only) holding a copy of the project's real raw data."""
    shutil.copytree(REAL_RAW, dest / "raw", ignore=shutil.ignore_patterns("README*"))
    return dest


def raw_of(data: Path, period: str, plan: str = PLAN) -> Path:
    """``<data>/raw/<plan>/<period>``."""
    return data / "raw" / plan / period


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """Run 2018-03 end to end once (papermill, three notebooks, HTML export) in a temp folder."""
    from helpers.run.pipeline import run_period

    root = tmp_path_factory.mktemp("e2e")
    data = copy_raw(root / "data")
    out = root / "outputs"
    logs: list[str] = []
    result = run_period("2018-03", data, out, force=True, log=logs.append)
    return {
        "data": data,
        "out": out,
        "period_dir": out / PLAN / "2018-03",
        "result": result,
        "log": logs,
    }
