"""Reading and writing a period's processed tables with their proper dtypes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths
from .kpi_sheet import NUMBER_COLUMNS
from .metrics import METRIC_NUMBER_COLUMNS
from .tables import read_csv, read_json, write_csv

BOOL_COLUMNS = {
    "approx",
    "value_flag",
    "prev_derived",
    "prev_approx",
    "target_high_open",
    "stated_met",
    "met",
    "ok",
    "changed",
}
FLOAT_COLUMNS = set(NUMBER_COLUMNS) | set(METRIC_NUMBER_COLUMNS)
INT_COLUMNS = {"source_line", "sheet_line"}


def _bool(v):
    if pd.isna(v):
        return pd.NA
    if isinstance(v, str):
        return {"True": True, "False": False, "true": True, "false": False}.get(v, pd.NA)
    return bool(v)


def _ids(v):
    """relisted_as read back as 41.0 → '41' (it is a list of item numbers)."""
    if pd.isna(v):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col == "relisted_as":
            df[col] = pd.array([_ids(v) for v in df[col]], dtype="string")
            continue
        if col in BOOL_COLUMNS:
            df[col] = pd.array([_bool(v) for v in df[col]], dtype="boolean")
        elif col in FLOAT_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        elif col in INT_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    return df


def load_table(period: str, name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """A processed table (areas, items, indicators, metrics, audit, …) of a period."""
    path = paths.processed_dir(period, data_dir) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the earlier notebooks of {period} first"
        )
    return typed(read_csv(path))


def load_meta(period: str, data_dir: str | Path | None = None) -> dict:
    return read_json(paths.processed_dir(period, data_dir) / "meta.json")


def save_table(
    df: pd.DataFrame, period: str, name: str, data_dir: str | Path | None = None
) -> Path:
    return write_csv(df, paths.processed_dir(period, data_dir) / f"{name}.csv")
