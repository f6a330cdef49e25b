"""The one place that knows where things are.

Paths are found from this package's location, so notebooks and the command
line work from any working directory. ``REFORM_DATA_DIR`` and
``REFORM_OUTPUT_DIR`` override the defaults (papermill parameters and the CLI
pass them explicitly).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Folder holding ``raw/`` and ``processed/``."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("REFORM_DATA_DIR")
    return Path(env).expanduser().resolve() if env else PROJ_ROOT / "data"


def output_dir(override: str | os.PathLike | None = None) -> Path:
    """Folder holding ``<period>/report.html`` and the other products."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("REFORM_OUTPUT_DIR")
    return Path(env).expanduser().resolve() if env else PROJ_ROOT / "outputs"


def raw_dir(period: str, data: str | os.PathLike | None = None) -> Path:
    return data_dir(data) / "raw" / period


def processed_dir(period: str, data: str | os.PathLike | None = None) -> Path:
    return data_dir(data) / "processed" / period


def period_output_dir(period: str, output: str | os.PathLike | None = None) -> Path:
    return output_dir(output) / period


# Shorthands in the cookiecutter-data-science manner.
DATA_DIR = PROJ_ROOT / "data"
RAW_DATA_DIR = DATA_DIR / "raw"
PROCESSED_DATA_DIR = DATA_DIR / "processed"
OUTPUTS_DIR = PROJ_ROOT / "outputs"
