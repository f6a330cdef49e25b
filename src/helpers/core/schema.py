"""The processed tables: each one's columns, in order, with their dtypes.

Every table the workbook writes to ``data/processed/<period>/`` is listed in
:data:`TABLES`; tables are written in this column order (:func:`conform`) and
read back with these dtypes (:func:`read_table`), so a column has the same type
whichever period or notebook it comes from, even in a table without rows.

dtypes (pandas names):

- ``int64``: a number always present (item and area numbers, counts of the report's table);
- ``Int64``: a whole number that may be missing (a source line, a count after a comparison);
- ``Float64``: a value that may be missing (KPI values, targets, metrics): missing is NA, never 0;
- ``boolean``: True / False / NA;
- ``str``: text, NA where empty.

The per-area tables (``areas``, ``status_counts``, ``area_comparison``) have one
count column per code of the plan's scale, in its order, then ``not_rated``
where the plan has items outside its scale: :func:`columns` takes the codes;
:func:`conform` and :func:`read_table` find them in the table's own columns.

>>> columns("audit")
['check', 'scope', 'expected', 'actual', 'ok', 'detail']
>>> columns("status_counts", ("S", "A", "B", "C", "not_rated"))
['period', 'label', 'items', 'S', 'A', 'B', 'C', 'not_rated']
>>> is_missing(float("nan")), is_missing(pd.NA), is_missing(None), is_missing(0)
(True, True, True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers.core.tables import read_csv
from helpers.core.vocab import STATUS_CODES

INT = "int64"
NULLABLE_INT = "Int64"
FLOAT = "Float64"
BOOL = "boolean"
TEXT = "str"

# ------------------------------------------------------------------- areas, items


def areas_schema(counts: tuple[str, ...] = STATUS_CODES) -> dict[str, str]:
    """``areas``: one count column per code of the scale (then ``not_rated``, if any)."""
    return (
        {"area_no": INT, "area_name": TEXT, "items": INT}
        | dict.fromkeys(counts, INT)
        | {"item_from": INT, "item_to": INT, "source_line": NULLABLE_INT}
    )


AREAS: dict[str, str] = areas_schema()
ITEMS: dict[str, str] = {
    "item_no": INT,
    "item_name": TEXT,
    "area_no": INT,
    "status": TEXT,
    "status_basis": TEXT,
    "relisted_as": TEXT,  # the other numbers of a re-listed item: "41", "7,41"
    "progress": TEXT,
    "causes": TEXT,
    "next_steps": TEXT,
    "source_line": NULLABLE_INT,
}

# ------------------------------------------------------------ indicators, metrics

#: the numbers of an indicator, in base units (yen, persons, percent)
NUMBER_COLUMNS = (
    "value",
    "prev_value",
    "change_stated",
    "target_low",
    "target_high",
    "target_value",
)
INDICATOR_COLUMNS = [
    "kpi_id",
    "item_no",
    "area_no",
    "item_status",
    "marker",
    "indicator",
    "unit",
    "value",
    "value_text",
    "approx",
    "value_flag",
    "prev_value",
    "prev_text",
    "prev_derived",
    "prev_approx",
    "change_stated",
    "target_kind",
    "target_low",
    "target_high",
    "target_high_open",
    "target_value",
    "target_text",
    "result_text",
    "stated_met",
    "direction",
    "direction_basis",
    "source_quote",
    "note",
    "sheet_line",
]
_INDICATOR_BOOLS = ("approx", "value_flag", "prev_derived", "prev_approx")
_INDICATOR_BOOLS += ("target_high_open", "stated_met")
_INDICATOR_INTS = {"item_no": INT, "area_no": INT, "sheet_line": NULLABLE_INT}


def _indicator_dtype(col: str) -> str:
    if col in NUMBER_COLUMNS:
        return FLOAT
    if col in _INDICATOR_BOOLS:
        return BOOL
    return _INDICATOR_INTS.get(col, TEXT)


INDICATORS: dict[str, str] = {c: _indicator_dtype(c) for c in INDICATOR_COLUMNS}

#: the numbers computed per indicator (see helpers.analysis.metrics for their definitions)
METRIC_NUMBER_COLUMNS = ("change_abs", "change_pct", "change_pt", "achievement_pct", "gap")
METRICS_ADDED: dict[str, str] = dict.fromkeys(METRIC_NUMBER_COLUMNS, FLOAT) | {
    "met": BOOL,
    "trend": TEXT,
    "achievement_formula": TEXT,
}
METRIC_COLUMNS = list(METRICS_ADDED)
METRICS: dict[str, str] = INDICATORS | METRICS_ADDED

# ---------------------------------------------------------- audit and comparison

AUDIT: dict[str, str] = {
    "check": TEXT,
    "scope": TEXT,
    "expected": TEXT,  # text: a number, a word (達成), or a bound (≤ 2)
    "actual": TEXT,
    "ok": BOOL,
    "detail": TEXT,
}


def status_counts_schema(counts: tuple[str, ...] = STATUS_CODES) -> dict[str, str]:
    """``status_counts``: each period's items and count per code."""
    return {"period": TEXT, "label": TEXT, "items": INT} | dict.fromkeys(counts, INT)


def area_comparison_schema(counts: tuple[str, ...] = STATUS_CODES) -> dict[str, str]:
    """``area_comparison``: now, before and the change per code (an area found in one
    period only leaves the other's counts empty)."""
    cols = ("items", *counts)
    return (
        {"area_no": INT, "area_name": TEXT}
        | dict.fromkeys(cols, NULLABLE_INT)
        | dict.fromkeys((f"{c}_prev" for c in cols), NULLABLE_INT)
        | dict.fromkeys((f"{c}_change" for c in cols[1:]), NULLABLE_INT)
    )


STATUS_COUNTS: dict[str, str] = status_counts_schema()
AREA_COMPARISON: dict[str, str] = area_comparison_schema()
#: the tables with a count column per code of the plan's scale, and their builders
SCALED_TABLES = {
    "areas": areas_schema,
    "status_counts": status_counts_schema,
    "area_comparison": area_comparison_schema,
}
_FIXED = {
    "areas": {"area_no", "area_name", "items", "item_from", "item_to", "source_line"},
    "status_counts": {"period", "label", "items"},
    "area_comparison": {"area_no", "area_name", "items", "items_prev"},
}
ITEM_COMPARISON: dict[str, str] = {
    "item_no": INT,
    "item_name": TEXT,
    "area_no": INT,
    "status": TEXT,
    "status_basis": TEXT,
    "status_prev": TEXT,
    "status_basis_prev": TEXT,
    "changed": BOOL,
    # 追加 (only now), 完了 / 統合 / 記載なし (only before); empty for an item of both periods
    "change": TEXT,
}
HISTORY_NOTES: dict[str, str] = {"note": TEXT}
#: one row per KPI and period: every point of the plan up to a period (helpers.analysis.history)
KPI_HISTORY: dict[str, str] = {
    "period": TEXT,
    "label": TEXT,
    "kpi_id": TEXT,  # the KPI's id in the newest period that has it
    "item_no": INT,
    "marker": TEXT,
    "indicator": TEXT,
    "unit": TEXT,
    "value": FLOAT,
    "value_text": TEXT,
    "prev_value": FLOAT,
    "prev_text": TEXT,
    "target_kind": TEXT,
    "target_low": FLOAT,
    "target_high": FLOAT,
    "target_value": FLOAT,
    "target_text": TEXT,
    "direction": TEXT,
    "achievement_pct": FLOAT,
    "met": BOOL,
    "basis": TEXT,  # reported / previous_value (a later period's 前年度末 value)
    "source": TEXT,  # the sheet and line the point comes from
}

#: every processed table: name (the file's stem) → column → dtype, in column order
TABLES: dict[str, dict[str, str]] = {
    "areas": AREAS,
    "items": ITEMS,
    "indicators": INDICATORS,
    "metrics": METRICS,
    "audit": AUDIT,
    "status_counts": STATUS_COUNTS,
    "area_comparison": AREA_COMPARISON,
    "item_comparison": ITEM_COMPARISON,
    "history_notes": HISTORY_NOTES,
    "kpi_history": KPI_HISTORY,
}

AREA_COLUMNS = list(AREAS)
ITEM_COLUMNS = list(ITEMS)
AUDIT_COLUMNS = list(AUDIT)


def columns(table: str, counts: tuple[str, ...] | None = None) -> list[str]:
    """The columns of a processed table, in order (``counts``: the scale's count columns)."""
    return list(_schema(table, counts))


def count_columns(table: str, cols) -> tuple[str, ...]:
    """The count columns (codes, then ``not_rated``) among a per-area table's columns.

    >>> count_columns("areas", ["area_no", "area_name", "items", "A", "B", "C", "D", "item_from"])
    ('A', 'B', 'C', 'D')
    """
    fixed = _FIXED[table]
    return tuple(c for c in cols if c not in fixed and not str(c).endswith(("_prev", "_change")))


def _schema(table: str, counts: tuple[str, ...] | None = None) -> dict[str, str]:
    if table in SCALED_TABLES and counts is not None:
        return SCALED_TABLES[table](tuple(counts))
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"no processed table named '{table}' (known: {', '.join(TABLES)})") from None


def is_missing(value) -> bool:
    """True for a missing value: None, NA, NaN or NaT (as read from a CSV or a nullable column).

    A string, even empty, is not missing here (the parsers of the report's
    wording, such as 未算出, decide that: ``helpers.core.jpnum.says_missing``); neither
    is a list or other container.
    """
    if value is None or value is pd.NA:
        return True
    kind = type(value)
    if kind is str or kind is bool or kind is int:  # the commonest cells, at once
        return False
    if kind is float:
        return value != value
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with the schema's columns, in order and with their dtypes.

    Raises
    ------
    ValueError
        When a column of the schema is missing from ``df`` or ``df`` has one the
        schema does not list (a programming error: add it to :data:`TABLES`).
    """
    counts = count_columns(table, df.columns) if table in SCALED_TABLES else None
    schema = _schema(table, counts)
    missing = [c for c in schema if c not in df.columns]
    extra = [c for c in df.columns if c not in schema]
    if missing or extra:
        raise ValueError(
            f"table '{table}' does not match its schema: "
            f"missing {missing or 'none'}, not in the schema {extra or 'none'}"
        )
    return df[list(schema)].astype(schema)


def frame(rows: Iterable[dict], table: str, counts: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A processed table from rows (dicts by column name); no rows gives an empty typed table."""
    return conform(pd.DataFrame(list(rows), columns=columns(table, counts)), table)


def read_table(path: str | Path, table: str) -> pd.DataFrame:
    """A processed table read back with the schema's dtypes.

    Raises
    ------
    ValueError
        When the file's header is not the schema's columns (a table written by
        another version of the workbook: rerun the period).
    """
    counts = None
    if table in SCALED_TABLES:
        header = read_csv(path, nrows=0, dtype=str).columns
        counts = count_columns(table, header)
    schema = _schema(table, counts)
    df = read_csv(path, dtype=schema)
    if list(df.columns) != list(schema):
        raise ValueError(
            f"{path}: columns {list(df.columns)} are not those of '{table}' "
            f"({list(schema)}); rerun the period to rebuild its processed tables"
        )
    return df
