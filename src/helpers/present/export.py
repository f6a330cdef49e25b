"""Tables for readers: CSV in UTF-8 with BOM (opens in Excel) and one .xlsx workbook.

These files are opened in a spreadsheet, so a text from the data that begins like a
formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)``) must stay text
(OWASP, "CSV Injection"): in the CSV it gets a leading ``'``; in the workbook it is a
string cell (never a formula) marked "quote prefix", as Excel marks text typed as
``'=…``. Numbers stay numbers (−2.2 is the number −2.2, not the text ``'-2.2``).

Both are for readers (the committee opens them in Excel): Japanese headers, codes and
flags as words, input files named by what they are
(:func:`helpers.present.display.words_for_readers`). Numbers are numeric cells in base
units, with the text the report printed beside them where it has one (今期の値（記載）).
The processed CSVs under ``data/processed`` are read by code and keep their English
columns and every text exactly; they are written by :func:`helpers.core.tables.write_csv`,
not here.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from helpers.core.tables import atomic_write_bytes, frame_for_csv, write_csv
from helpers.core.vocab import STANDARD, Vocabulary
from helpers.present import figure_worker
from helpers.present.display import words_for_readers

#: a cell whose text begins with one of these is taken for a formula by Excel,
#: LibreOffice Calc or Google Sheets (OWASP's list)
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# Spaces a spreadsheet may trim on import before it looks at the first character
# (LibreOffice's "trim spaces", Google Sheets): " =1+1" is neutralised as well.
_LEADING_SPACE = " \u3000\u00a0\n"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula.

    >>> looks_like_formula('=HYPERLINK("http://x","click")'), looks_like_formula("  @SUM(A1)")
    (True, True)
    >>> looks_like_formula("9,718人"), looks_like_formula("−2.2ポイント"), looks_like_formula("")
    (False, False, False)
    """
    if text[:1] in FORMULA_TRIGGERS:
        return bool(text)
    head = text.lstrip(_LEADING_SPACE)
    return bool(head) and head[0] in FORMULA_TRIGGERS


def reader_text(value):
    r"""A text for a reader's table: line ends as ``\n``, nothing else changed.

    A bare carriage return is not quoted by the CSV writer (its line end is ``\n``) and
    would split the row; XML turns it into ``\n`` in the workbook anyway.

    >>> reader_text("要因\r\n今後"), reader_text(3)
    ('要因\n今後', 3)
    """
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def neutralise_text(value):
    """``'`` + ``value`` for a text that looks like a formula; anything else unchanged.

    >>> neutralise_text("=1+1"), neutralise_text("-5件"), neutralise_text(-2.2)
    ("'=1+1", "'-5件", -2.2)
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]


#: the first characters of a text that may need :func:`neutralise_text`: any other text
#: holding no carriage return is left as it is (tens of thousands of cells, each looked at once)
_MAY_CHANGE = FORMULA_TRIGGERS | frozenset(_LEADING_SPACE)


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that looks like a formula starts with ``'``."""
    out = df.copy()
    for col in _text_columns(out):
        out[col] = [
            neutralise_text(reader_text(v))
            if isinstance(v, str) and (v[:1] in _MAY_CHANGE or "\r" in v)
            else v
            for v in out[col].tolist()
        ]
    return out


#: text columns whose cells are mostly numbers (the audit's 7 against 7, or a text such
#: as 22.6億円): a cell that is a plain number becomes a numeric cell
NUMBER_TEXT_COLUMNS = ("expected", "actual")
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")


def _as_number(v):
    """``"7"`` → 7, ``"92.6"`` → 92.6; any other value unchanged."""
    if isinstance(v, str) and _PLAIN_NUMBER.fullmatch(v):
        return float(v) if "." in v else int(v)
    return v


def _numbers_as_numbers(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in NUMBER_TEXT_COLUMNS:
        if col in out.columns:
            out[col] = pd.Series([_as_number(v) for v in out[col]], index=out.index, dtype=object)
    return out


def _plain_for_excel(df: pd.DataFrame) -> pd.DataFrame:
    """Texts with ``\n`` line ends; nullable columns as plain objects with None for NA."""
    plain = df.copy()
    for col in _text_columns(plain):
        plain[col] = [
            reader_text(v) if isinstance(v, str) and "\r" in v else v for v in plain[col].tolist()
        ]
    for col in plain.columns:
        if str(plain[col].dtype) in ("Float64", "Int64", "boolean"):
            plain[col] = plain[col].astype(object).where(plain[col].notna(), None)
    return plain


#: number formats of date and time cells (pandas' ``to_excel`` defaults; the reader tables
#: hold none today)
DATETIME_FORMAT = "YYYY-MM-DD HH:MM:SS"
DATE_FORMAT = "YYYY-MM-DD"


def _excel_value(v):
    """The cell a value becomes, as pandas' ``to_excel`` made it: missing → None (an empty
    cell, never 0), ±inf → the text ``inf``/``-inf``, numbers and booleans as Python's,
    dates as they are, anything else as its text."""
    if isinstance(v, str) or v is None:  # most cells: the checks below cost more
        return v
    if pd.api.types.is_scalar(v) and pd.isna(v):
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime.date | datetime.timedelta):
        return v
    return str(v)


class _SheetWriter:
    """Writes one value into one cell of an XlsxWriter worksheet, typed as in the table."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        # Excel marks text typed as '=… "quote prefix": it stays text when the cell is edited
        self.quoted = book.add_format({"quote_prefix": True})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})
        self.date = book.add_format({"num_format": DATE_FORMAT})

    def write(self, ws, row: int, col: int, value) -> None:
        v = _excel_value(value)
        if v is None or v == "":
            return  # an empty cell
        if isinstance(v, str):
            ws.write_string(row, col, v, self.quoted if looks_like_formula(v) else None)
        elif isinstance(v, bool):
            ws.write_boolean(row, col, v)
        elif isinstance(v, int | float):
            ws.write_number(row, col, v)
        elif isinstance(v, datetime.timedelta):
            ws.write_number(row, col, v.total_seconds() / 86400)
        elif isinstance(v, datetime.datetime):
            ws.write_datetime(row, col, v, self.datetime)
        else:
            ws.write_datetime(row, col, v, self.date)


def _write_sheet(ws, df: pd.DataFrame, cells: _SheetWriter) -> None:
    """The header row, then the rows in order (the texts as string cells, never formulas)."""
    for c, name in enumerate(df.columns):
        cells.write(ws, 0, c, name)
    columns = [df[col].tolist() for col in df.columns]
    # XlsxWriter's write methods take A1 notation too, in a decorator that tries int() on
    # every call's first argument: the methods it wraps (functools' __wrapped__) take row
    # and column only, as here
    kind = type(ws)
    string = functools.partial(getattr(kind.write_string, "__wrapped__", kind.write_string), ws)
    number = functools.partial(getattr(kind.write_number, "__wrapped__", kind.write_number), ws)
    quoted = cells.quoted
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for c, v in enumerate(row):
            # the commonest cells at once (hundreds of thousands for 10,000 KPIs), each as
            # cells.write writes it; any other value (NaN, ±inf, numpy, dates) by it
            t = type(v)
            if t is str:
                if v:
                    formula = v[:1] in _MAY_CHANGE and looks_like_formula(v)
                    string(r, c, v, quoted if formula else None)
            elif v is None:
                continue
            elif t is int or (t is float and math.isfinite(v)):
                number(r, c, v)
            else:
                cells.write(ws, r, c, v)


def _column_widths(ws, df: pd.DataFrame) -> None:
    """Each column as wide as its header or its widest value in the first 200 rows (8 to 60)."""
    shown = frame_for_csv(df.head(200))
    for i, col in enumerate(df.columns):
        width = max(8, len(str(col)) + 2, *(len(str(v)) for v in shown[col]))
        # in pixels, 7 to a character of the default font: the file stores the width itself
        # (set_column would add the cell's padding)
        ws.set_column_pixels(i, i, min(60, width) * 7)


def workbook_bytes(
    tables: dict[str, pd.DataFrame],
    sheet_names: dict[str, str] | None,
    vocab: Vocabulary = STANDARD,
) -> bytes:
    """The .xlsx workbook with a sheet per table, first row frozen, texts never formulas,
    numbers as numbers; headers and codes in words as in the CSVs.

    Written by XlsxWriter (about 720,000 cells for 10,000 KPIs: openpyxl took about a
    minute for them, docs/benchmarks.md section 8), in memory, no temporary files.
    """
    return sheets_bytes(reader_sheets(tables, vocab), sheet_names)


def sheets_bytes(sheets: dict[str, pd.DataFrame], sheet_names: dict[str, str] | None) -> bytes:
    """The .xlsx workbook of sheets already in the readers' form (:func:`reader_sheets`)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            # a text is a string cell, whatever it looks like
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    cells = _SheetWriter(book)
    for name, plain in sheets.items():
        ws = book.add_worksheet((sheet_names or {}).get(name, name)[:31])
        _write_sheet(ws, plain, cells)
        ws.freeze_panes(1, 0)
        _column_widths(ws, plain)
    book.close()
    return buf.getvalue()


def reader_sheets(tables: dict[str, pd.DataFrame], vocab: Vocabulary = STANDARD) -> dict:
    r"""Each table as its sheet shows it: headers and codes in words, plain numbers in the
    audit's text columns as numbers, texts with ``\n`` line ends, None for NA."""
    return {
        name: _plain_for_excel(words_for_readers(_numbers_as_numbers(df), vocab))
        for name, df in tables.items()
    }


#: tables of at least this many rows in all have their workbook written by the second
#: process (helpers.present.figure_worker) while this one goes on; smaller ones here, at
#: once (about 0.1 s: less than the worker's import of pandas for them)
WORKER_ROWS = 2_000


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], sheet_names: dict | None) -> Path:
    """:func:`sheets_bytes` written atomically to ``path`` (by the second process, or here)."""
    return atomic_write_bytes(path, sheets_bytes(sheets, sheet_names))


@dataclass
class TablesWriting:
    """The reader tables being written: the CSVs are; the workbook is, or is being written
    by the second process (it appears even if nobody waits); :meth:`result` waits for it
    and returns every path."""

    csvs: list[Path]
    workbook: figure_worker.Later

    def result(self) -> list[Path]:
        return [*self.csvs, self.workbook.result()]


def start_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    workbook_name: str = "tables.xlsx",
    sheet_names: dict[str, str] | None = None,
    vocab: Vocabulary = STANDARD,
    in_worker: bool | None = None,
) -> TablesWriting:
    """Write ``<name>.csv`` (UTF-8 with BOM) for each table now, and start the workbook
    with a sheet per table, both in the readers' words (``vocab``: the plan's status
    words). The workbook is made by the second process if ``in_worker`` (None: when the
    tables have :data:`WORKER_ROWS` rows or more), else here: the same cells either way."""
    out_dir = Path(out_dir)
    rows = sum(len(df) for df in tables.values())
    if in_worker is None:
        in_worker = rows >= WORKER_ROWS
    workbook = figure_worker.later(
        write_workbook,
        out_dir / workbook_name,
        reader_sheets(tables, vocab),  # here: the worker's part is the longer one
        sheet_names,
        in_worker=in_worker,
    )
    written = [
        write_csv(csv_safe_frame(words_for_readers(df, vocab)), out_dir / f"{name}.csv", bom=True)
        for name, df in tables.items()
    ]
    return TablesWriting(written, workbook)
