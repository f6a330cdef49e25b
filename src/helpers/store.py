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
# the token the pipeline leaves beside the tables its pre-check cleaned (see cleaned_tables)
PRECLEANED = ".precleaned"
CLEANED_TABLES = ("areas", "items", "indicators")


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
    return typed(read_csv(path))


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
    return write_csv(df, _folder(period, data_dir, processed) / f"{name}.csv")


def _sources_unchanged(meta: dict, raw: Path) -> bool:
    """Whether the raw files are still those (by name and sha256) the tables were made from."""
    from .clean import find_raw_files
    from .rawio import file_sha256

    files = find_raw_files(raw)
    now = [files.report, files.kpi_sheet, *files.area_tables]
    have = {(p.name, file_sha256(p)) for p in now if p is not None}
    made_from = {(s["file"], s["sha256"]) for s in meta.get("sources", {}).values()}
    return have == made_from


def cleaned_tables(period: str, data_dir: str | Path | None, processed: str | Path | None):
    """The period's cleaned tables (a ``CleanResult``), cleaned once per run.

    The pipeline cleans a period before any notebook starts (to refuse bad input
    at once) and writes the tables into its staging folder with the token file
    ``PRECLEANED``. Notebook 01 then takes them from there, once: the token is
    removed, and the tables are used only if the raw files are still those they
    were made from. Otherwise (a notebook run alone, or raw data changed in the
    meantime) the period is cleaned here and the tables written to ``processed``.
    """
    from .clean import CleanResult, clean_period, write_cleaned

    folder = _folder(period, data_dir, processed)
    token = folder / PRECLEANED
    if token.is_file():
        token.unlink()
        meta = load_meta(period, processed=folder)
        if _sources_unchanged(meta, paths.raw_dir(period, data_dir)):
            tables = {n: load_table(period, n, processed=folder) for n in CLEANED_TABLES}
            return CleanResult(
                period,
                tables["areas"],
                tables["items"],
                tables["indicators"],
                meta,
                written=[folder / f"{n}.csv" for n in CLEANED_TABLES] + [folder / "meta.json"],
            )
    result = clean_period(period, data_dir, write=False)
    write_cleaned(result, folder)
    return result
