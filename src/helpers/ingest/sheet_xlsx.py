"""The KPI sheet as an Excel workbook (``kpi_sheet.xlsx``): reading it as the CSV is read, writing it.

Analysts keep such sheets in Excel. A ``kpi_sheet.xlsx`` holds one worksheet
with the columns of ``kpi_sheet.csv`` (header row first; rows whose first cell
starts with ``#`` and empty rows are skipped, as in the CSV); every check of the
CSV path applies to it, and a fault names the sheet, the row and the column
(``kpi_sheet.xlsx, sheet 'kpi_sheet', row 3, column E 'value_text': …``).

What a cell may hold:

- text, checked for invisible characters as a CSV file's text is
  (:func:`helpers.core.textnorm.strip_invisible`);
- a whole number in ``item_no`` (Excel stores a typed ``1`` as a number);
- nothing else: a number in a wording column (Excel turns ``92.6%`` typed into a
  General cell into 0.926 and ``9,718`` into 9718, so the wording as printed is
  lost), a date, a true/false, a formula or an error value is refused, naming the
  cell. The sheets this workbook writes format every cell as text (``@``), so
  what is typed stays as typed.

A workbook with more than one worksheet is refused (which one would be the
sheet?), as is a file that is no .xlsx workbook at all.

:func:`write_kpi_workbook` writes a sheet for the analyst: the header frozen,
column widths set, every cell formatted as text, and drop-down lists for the
columns with a fixed set of values (``direction``, ``draft``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.textnorm import strip_invisible
from helpers.ingest.rawio import _read_bytes, check_text

SHEET_TITLE = "kpi_sheet"
#: columns whose cells may hold a whole number as Excel stores it (a typed 1)
NUMBER_COLUMNS = ("item_no",)
#: the column widths of a written sheet, in characters (others: 14)
WIDTHS = {
    "item_no": 8,
    "marker": 7,
    "indicator": 40,
    "unit": 7,
    "value_text": 22,
    "prev_text": 26,
    "target_text": 20,
    "result_text": 18,
    "direction": 10,
    "note": 40,
    "draft": 24,
    "draft_source": 60,
}
FORMATTED_ROWS = 500  # rows below the data formatted as text and given the drop-downs


class CellError(InputError):
    """A fault of one cell (or row) of an Excel sheet: file, sheet, row and column."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        sheet: str,
        row: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.sheet = sheet
        self.column = column
        super().__init__(path, message, line=row, field=field)

    def _format(self) -> str:
        where = f"{self.path}, sheet '{self.sheet}'"
        if self.line is not None:
            where += f", row {self.line}"
        if self.column is not None:
            where += f", column {column_letter(self.column)}"
            if self.field:
                where += f" '{self.field}'"
        elif self.field is not None:
            where += f", column '{self.field}'"
        return f"{where}: {self.detail}"


def column_letter(index: int) -> str:
    """Excel's letter of a 1-based column number: 1 → A, 27 → AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass
class XlsxRows:
    """The rows of a sheet as texts, with where each came from."""

    sheet: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def error(self, path: Path, message: str, row: int | None, field: str | None) -> CellError:
        column = self.header.index(field) + 1 if field in self.header else None
        return CellError(path, message, sheet=self.sheet, row=row, column=column, field=field)


def _open(path: Path):
    from openpyxl import load_workbook

    data = _read_bytes(path)
    if not data.strip():
        raise InputError(path, "the file is empty")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            path,
            f"not an Excel workbook (.xlsx) that can be read ({type(exc).__name__}); "
            "save the sheet from Excel as .xlsx (Excel ブック), or as CSV UTF-8",
        ) from None


def _refusal(value) -> str | None:
    """Why a cell's value cannot stand for the report's wording, or None if it is text."""
    if isinstance(value, bool):
        return "a TRUE/FALSE cell"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return "a date or time (Excel turned the typed text into a date)"
    if isinstance(value, (int, float)):
        return (
            f"a number ({value!r}): Excel has turned the typed text into a number, so the "
            "wording as printed is lost (92.6% becomes 0.926, 9,718 becomes 9718)"
        )
    return f"a value of type {type(value).__name__}"


def _cell_text(value, field: str | None, where: dict) -> str:
    """A cell as text: text as it is, a whole number in ``item_no``; anything else refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith("="):
            raise CellError(
                message="a formula; type the text as printed (format the cell as text)", **where
            )
        if value.startswith("#") and value.endswith(("!", "?", "A")) and value.isupper():
            raise CellError(message=f"an error value {value}", **where)
        return value
    if field in NUMBER_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return str(int(value))
    raise CellError(
        message=_refusal(value) + "; format the cell as text (文字列) and type it as printed",
        **where,
    )


def _checked_text(text: str, where: dict) -> str:
    """The invisible-character rules of a raw text file, applied to one cell."""
    path = where["path"]
    try:
        check_text(text, path)
        return strip_invisible(text, path)
    except CellError:
        raise
    except InputError as exc:
        raise CellError(message=exc.detail, **where) from None


def _row_texts(path: Path, sheet: str, row_no: int, cells, header: list[str] | None) -> list[str]:
    out = []
    for col, cell in enumerate(cells, start=1):
        value = getattr(cell, "value", None)
        field = header[col - 1] if header and col <= len(header) else None
        where = {"path": path, "sheet": sheet, "row": row_no, "column": col, "field": field}
        if getattr(cell, "data_type", None) == "f":
            raise CellError(
                message="a formula; type the text as printed (format the cell as text)", **where
            )
        if getattr(cell, "data_type", None) == "e":
            raise CellError(message=f"an error value {value}", **where)
        out.append(_checked_text(_cell_text(value, field, where), where))
    while out and not out[-1].strip():
        out.pop()
    return out


def _only_sheet(wb, path: Path):
    if len(wb.worksheets) != 1:
        names = ", ".join(f"'{ws.title}'" for ws in wb.worksheets)
        raise InputError(
            path,
            f"the workbook has {len(wb.worksheets)} sheets ({names}); a KPI sheet workbook holds "
            "one sheet: move the others to another file",
        )
    return wb.worksheets[0]


def read_xlsx_rows(path: str | Path) -> XlsxRows:
    """The header and the data rows of the workbook's only sheet, each cell as text.

    Raises
    ------
    InputError
        A file that is no .xlsx workbook, more than one sheet, no header row;
        :class:`CellError` for a cell that is not text (naming sheet, row, column).
    """
    path = Path(path)
    wb = _open(path)
    try:
        ws = _only_sheet(wb, path)
        header: list[str] | None = None
        header_row = 0
        rows: list[tuple[int, list[str]]] = []
        for row_no, cells in enumerate(ws.iter_rows(), start=1):
            texts = _row_texts(path, ws.title, row_no, cells, header)
            if not texts or all(not t.strip() for t in texts):
                continue
            if texts[0].lstrip().startswith("#"):
                continue
            if header is None:
                header, header_row = [t.strip() for t in texts], row_no
                continue
            rows.append((row_no, texts + [""] * (len(header) - len(texts))))
    finally:
        wb.close()
    if header is None:
        raise CellError(path, "the KPI sheet has no header row", sheet=ws.title)
    return XlsxRows(ws.title, header_row, header, rows)


# --------------------------------------------------------------------- writing


def _drop_down(ws, letter: str, values: tuple[str, ...], title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error="一覧から選んでください（空欄も可）。",
    )
    dv.add(f"{letter}2:{letter}{FORMATTED_ROWS}")
    ws.add_data_validation(dv)


def kpi_workbook_bytes(
    header: list[str], rows: list[list[str]], choices: dict[str, tuple[str, ...]] | None = None
) -> bytes:
    """An .xlsx KPI sheet: frozen header, widths, text cells, drop-downs for ``choices``' columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(header)
    for row in rows:
        ws.append([str(v) if v is not None else None for v in row])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for col, name in enumerate(header, start=1):
        letter = column_letter(col)
        ws.cell(row=1, column=col).font = bold
        ws.cell(row=1, column=col).fill = fill
        ws.column_dimensions[letter].width = WIDTHS.get(name, 14)
        for r in range(2, max(FORMATTED_ROWS, len(rows) + 1) + 1):
            ws.cell(row=r, column=col).number_format = "@"
        if choices and name in choices:
            _drop_down(ws, letter, choices[name], name)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
