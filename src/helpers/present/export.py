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

import io
import re
from pathlib import Path

import pandas as pd

from helpers.core.tables import atomic_write_bytes, frame_for_csv, write_csv
from helpers.core.vocab import STANDARD, Vocabulary
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


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that looks like a formula starts with ``'``."""
    out = df.copy()
    for col in _text_columns(out):
        out[col] = [neutralise_text(reader_text(v)) for v in out[col]]
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
    """Nullable columns as plain objects (openpyxl writes pd.NA as an error otherwise)."""
    plain = df.copy()
    for col in _text_columns(plain):
        plain[col] = [reader_text(v) for v in plain[col]]
    for col in plain.columns:
        if str(plain[col].dtype) in ("Float64", "Int64", "boolean"):
            plain[col] = plain[col].astype(object).where(plain[col].notna(), None)
    return plain


def _texts_as_strings(ws) -> None:
    """Every text cell a string cell: openpyxl turns a text starting with ``=`` into a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if looks_like_formula(cell.value):
                    cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def _column_widths(ws, df: pd.DataFrame) -> None:
    shown = frame_for_csv(df)
    for i, col in enumerate(df.columns, start=1):
        width = max(8, len(str(col)) + 2, *(len(str(v)) for v in shown[col].head(200)))
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width)


def workbook_bytes(
    tables: dict[str, pd.DataFrame],
    sheet_names: dict[str, str] | None,
    vocab: Vocabulary = STANDARD,
) -> bytes:
    """The .xlsx workbook with a sheet per table, first row frozen, texts never formulas,
    numbers as numbers; headers and codes in words as in the CSVs."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in tables.items():
            sheet = (sheet_names or {}).get(name, name)[:31]
            plain = _plain_for_excel(words_for_readers(_numbers_as_numbers(df), vocab))
            plain.to_excel(xl, sheet_name=sheet, index=False)
            ws = xl.sheets[sheet]
            ws.freeze_panes = "A2"
            _texts_as_strings(ws)
            _column_widths(ws, plain)
    return buf.getvalue()


def write_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    workbook_name: str = "tables.xlsx",
    sheet_names: dict[str, str] | None = None,
    vocab: Vocabulary = STANDARD,
) -> list[Path]:
    """``<name>.csv`` (UTF-8 with BOM) for each table and one workbook with a sheet per table,
    both in the readers' words (``vocab``: the plan's status words)."""
    out_dir = Path(out_dir)
    written = [
        write_csv(csv_safe_frame(words_for_readers(df, vocab)), out_dir / f"{name}.csv", bom=True)
        for name, df in tables.items()
    ]
    data = workbook_bytes(tables, sheet_names, vocab)
    written.append(atomic_write_bytes(out_dir / workbook_name, data))
    return written
