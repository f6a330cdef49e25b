"""Reading and writing a period's processed tables with their proper dtypes.

The columns and dtypes of each table are those of :mod:`helpers.core.schema`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core import paths, schema
from helpers.core.messages import say
from helpers.core.plans import resolve_plan
from helpers.core.tables import read_json, write_csv
from helpers.ingest.clean import CleanResult, clean_period, find_raw_files, write_cleaned
from helpers.ingest.rawio import file_sha256

# the token the pipeline leaves beside the tables its pre-check cleaned (see cleaned_tables)
PRECLEANED = paths.PRECLEANED_FILE
CLEANED_TABLES = ("areas", "items", "indicators")


def _folder(period: str, data_dir, processed, plan: str | None = None) -> Path:
    if processed:
        return Path(processed)
    return paths.processed_dir(
        period, data_dir, plan or resolve_plan(paths.data_dir(data_dir), None)
    )


def load_table(
    period: str,
    name: str,
    data_dir: str | Path | None = None,
    *,
    processed: str | Path | None = None,
    plan: str | None = None,
) -> pd.DataFrame:
    """A processed table (areas, items, indicators, metrics, audit, …) of a period.

    ``processed`` names the period's processed folder when it is not the usual
    ``<data_dir>/processed/<plan>/<period>`` (the pipeline gives its staging folder).
    """
    path = _folder(period, data_dir, processed, plan) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(say("store.missing", path=path, period=period))
    return schema.read_table(path, name)


def load_meta(
    period: str,
    data_dir: str | Path | None = None,
    *,
    processed: str | Path | None = None,
    plan: str | None = None,
) -> dict:
    return read_json(_folder(period, data_dir, processed, plan) / "meta.json")


def save_table(
    df: pd.DataFrame,
    period: str,
    name: str,
    data_dir: str | Path | None = None,
    *,
    processed: str | Path | None = None,
    plan: str | None = None,
) -> Path:
    folder = _folder(period, data_dir, processed, plan)
    return write_csv(schema.conform(df, name), folder / f"{name}.csv")


def _sources_unchanged(meta: dict, raw: Path) -> bool:
    """Whether the raw files are still those (by name and sha256) the tables were made from."""
    files = find_raw_files(raw)
    now = [files.report, files.kpi_sheet, *files.area_tables]
    have = {(p.name, file_sha256(p)) for p in now if p is not None}
    made_from = {(s["file"], s["sha256"]) for s in meta.get("sources", {}).values()}
    return have == made_from


def cleaned_tables(
    period: str,
    data_dir: str | Path | None,
    processed: str | Path | None,
    plan: str | None = None,
):
    """The period's cleaned tables (a ``CleanResult``), cleaned once per run.

    The pipeline cleans a period before any notebook starts (to refuse bad input
    at once) and writes the tables into its staging folder with the token file
    ``PRECLEANED``. Notebook 01 then takes them from there, once: the token is
    removed, and the tables are used only if the raw files are still those they
    were made from. Otherwise (a notebook run alone, or raw data changed in the
    meantime) the period is cleaned here and the tables written to ``processed``.
    """
    plan = plan or resolve_plan(paths.data_dir(data_dir), None)
    folder = _folder(period, data_dir, processed, plan)
    token = folder / PRECLEANED
    if token.is_file():
        token.unlink()
        meta = load_meta(period, processed=folder)
        if _sources_unchanged(meta, paths.raw_dir(period, data_dir, plan)):
            tables = {n: load_table(period, n, processed=folder) for n in CLEANED_TABLES}
            return CleanResult(
                period,
                tables["areas"],
                tables["items"],
                tables["indicators"],
                meta,
                written=[folder / f"{n}.csv" for n in CLEANED_TABLES] + [folder / "meta.json"],
            )
    result = clean_period(period, data_dir, plan=plan, write=False)
    write_cleaned(result, folder)
    return result
