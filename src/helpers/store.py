"""Reading and writing a period's processed tables with their proper dtypes.

The columns and dtypes of each table are those of :mod:`helpers.schema`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths, schema
from .tables import read_json, write_csv

# the token the pipeline leaves beside the tables its pre-check cleaned (see cleaned_tables)
PRECLEANED = ".precleaned"
CLEANED_TABLES = ("areas", "items", "indicators")


def _folder(period: str, data_dir, processed) -> Path:
    return Path(processed) if processed else paths.processed_dir(period, data_dir)


def load_table(
    period: str,
    name: str,
    data_dir: str | Path | None = None,
    *,
    processed: str | Path | None = None,
) -> pd.DataFrame:
    """A processed table (areas, items, indicators, metrics, audit, …) of a period.

    ``processed`` names the period's processed folder when it is not the usual
    ``<data_dir>/processed/<period>`` (the pipeline gives its staging folder).
    """
    path = _folder(period, data_dir, processed) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the earlier notebooks of {period} first"
        )
    return schema.read_table(path, name)


def load_meta(
    period: str, data_dir: str | Path | None = None, *, processed: str | Path | None = None
) -> dict:
    return read_json(_folder(period, data_dir, processed) / "meta.json")


def save_table(
    df: pd.DataFrame,
    period: str,
    name: str,
    data_dir: str | Path | None = None,
    *,
    processed: str | Path | None = None,
) -> Path:
    return write_csv(schema.conform(df, name), _folder(period, data_dir, processed) / f"{name}.csv")
