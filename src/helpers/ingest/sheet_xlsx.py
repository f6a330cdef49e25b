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
sheet?), as is a file that is no .xlsx workbook at all. So are a hidden sheet
and a hidden row or column holding text: what is used must be what the analyst
sees in Excel.

Bounded reading: the file is read up to :data:`MAX_XLSX_BYTES`, and before
openpyxl parses anything each part of the workbook (a zip member) is unzipped
through a counting stream, refused beyond :data:`MAX_PART_BYTES` (all parts:
:data:`MAX_UNZIPPED_BYTES`). The sizes a zip declares are never trusted: what
is counted is what decompression gives. A KPI sheet of a few hundred rows is a
few hundred KB unzipped; the bounds keep the parse within a second or two (openpyxl's
time grows faster than the size of a part, e.g. for a large XML comment).

:func:`write_kpi_workbook` writes a sheet for the analyst: the header frozen,
column widths set, every cell formatted as text, and drop-down lists for the
columns with a fixed set of values (``direction``, ``draft``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers.expat import ExpatError

from helpers.core.errors import Faults, InputError
from helpers.core.messages import cell_place, say
from helpers.core.radicals import to_unified
from helpers.core.textnorm import strip_invisible
from helpers.ingest.rawio import MiB, check_text, read_bytes, too_large

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
#: the last row Excel has: a column's drop-down reaches it, so rows added below the data
#: get it too (the text format comes from the column's own style)
LAST_EXCEL_ROW = 1_048_576
#: the largest .xlsx file read, as stored
MAX_XLSX_BYTES = 8 * MiB
#: the largest part (zip member) of a workbook, unzipped, and all its parts together
MAX_PART_BYTES = 2 * MiB
MAX_UNZIPPED_BYTES = 8 * MiB
MAX_PARTS = 1000  # an Excel workbook has about ten
_CHUNK = 64 * 1024


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
        last_row: int | None = None,
    ) -> None:
        self.sheet = sheet
        self.column = column
        #: the last row the fault spans (a merged range), when more than ``row``
        self.last_row = row if last_row is None else last_row
        super().__init__(path, message, line=row, field=field)

    def _format(self) -> str:
        letter = column_letter(self.column) if self.column is not None else None
        where = cell_place(self.path, self.sheet, self.line, letter, self.field)
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
    #: faults of cells below the header, when the caller defers them (read_xlsx_rows)
    cell_faults: list[InputError] = field(default_factory=list)

    @property
    def faulty_rows(self) -> set[int]:
        """The rows the deferred faults span (a merged range: each of its rows)."""
        return {
            r
            for f in self.cell_faults
            for r in range(f.line or 0, (getattr(f, "last_row", None) or f.line or 0) + 1)
        }

    def error(self, path: Path, message: str, row: int | None, field: str | None) -> CellError:
        column = self.header.index(field) + 1 if field in self.header else None
        return CellError(path, message, sheet=self.sheet, row=row, column=column, field=field)


def _unreadable(path: Path, exc: Exception) -> InputError:
    """A file openpyxl cannot read; what kind of fault, in words, not the exception's name."""
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        kind = say("xlsx.kind_not_zip")
    elif isinstance(exc, (ExpatError, SyntaxError)):
        kind = say("xlsx.kind_bad_xml")
    elif isinstance(exc, (NotImplementedError, RuntimeError)):
        kind = say("xlsx.kind_locked")
    else:
        kind = say("xlsx.kind_parts")
    return InputError(path, say("xlsx.not_workbook", kind=kind))


def _check_unzipped_sizes(data: bytes, path: Path) -> None:
    """Unzip every part through a counting stream, refusing a part or a whole beyond the bounds.

    Nothing is kept: this only measures what decompression really gives (the sizes a
    zip declares can lie), stopping at the first chunk past a bound.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = zf.infolist()
        if len(parts) > MAX_PARTS:
            raise InputError(
                path,
                f"Excel ブックの部品（zip の項目）が多すぎます（{len(parts):,} 個。上限は "
                f"{MAX_PARTS:,} 個）: Excel で開いて保存し直すか、CSV UTF-8 で保存してください",
            )
        total = 0
        for info in parts:
            size = 0
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_PART_BYTES:
                        raise too_large(
                            path,
                            f"展開すると {MAX_PART_BYTES:,} バイト超",
                            MAX_PART_BYTES,
                            f"Excel ブックの部品 {info.filename}",
                        )
                    if total > MAX_UNZIPPED_BYTES:
                        raise too_large(
                            path,
                            f"展開すると {MAX_UNZIPPED_BYTES:,} バイト超",
                            MAX_UNZIPPED_BYTES,
                            "Excel ブックの中身（展開後の合計）",
                        )


def _open(path: Path):
    from openpyxl import load_workbook

    data = read_bytes(path, MAX_XLSX_BYTES)
    if not data.strip():
        raise InputError(path, say("raw.empty"))
    try:
        _check_unzipped_sizes(data, path)
        # not read-only: only the full reader keeps which rows and columns are hidden
        return load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable(path, exc) from None
    except (NotImplementedError, RuntimeError, EOFError) as exc:  # encrypted, unknown method
        raise _unreadable(path, exc) from None
    except (ExpatError, SyntaxError) as exc:  # malformed XML (ElementTree's ParseError)
        raise _unreadable(path, exc) from None


def _refusal(value) -> str | None:
    """Why a cell's value cannot stand for the report's wording, or None if it is text."""
    if isinstance(value, bool):
        return say("xlsx.bool")
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return say("xlsx.date")
    if isinstance(value, (int, float)):
        return say("xlsx.number", value=repr(value))
    return say("xlsx.other", kind=type(value).__name__)


def _cell_text(value, field: str | None, where: dict) -> str:
    """A cell as text: text as it is, a whole number in ``item_no``; anything else refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith("="):
            raise CellError(message=say("xlsx.formula"), **where)
        if value.startswith("#") and value.endswith(("!", "?", "A")) and value.isupper():
            raise CellError(message=say("xlsx.error_value", value=value), **where)
        return value
    if field in NUMBER_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return str(int(value))
    raise CellError(
        message=say("xlsx.format_as_text", why=_refusal(value)),
        **where,
    )


def _checked_text(text: str, where: dict) -> str:
    """The invisible-character rules of a raw text file, applied to one cell."""
    path = where["path"]
    try:
        check_text(text, path)
        return to_unified(strip_invisible(text, path))
    except CellError:
        raise
    except InputError as exc:
        raise CellError(message=exc.detail, **where) from None


def _one_cell(cell, field: str | None, where: dict) -> str:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        raise CellError(message=say("xlsx.formula"), **where)
    if getattr(cell, "data_type", None) == "e":
        raise CellError(message=say("xlsx.error_value", value=value), **where)
    return _checked_text(_cell_text(value, field, where), where)


#: stands for a refused cell in its row (never read: the sheet is refused at its end)
_REFUSED = "\ufffd"


def _row_texts(
    path: Path, sheet: str, row_no: int, cells, header: list[str] | None, faults: Faults
) -> list[str]:
    """A row's cells as texts; each refused cell goes into ``faults`` and the row goes on."""
    out = []
    for col, cell in enumerate(cells, start=1):
        field = header[col - 1] if header and col <= len(header) else None
        where = {"path": path, "sheet": sheet, "row": row_no, "column": col, "field": field}
        text = _REFUSED
        with faults.collect():
            text = _one_cell(cell, field, where)
        out.append(text)
    while out and not out[-1].strip():
        out.pop()
    return out


def _shown_name(ws) -> str:
    return f"'{ws.title}'" + ("（非表示）" if ws.sheet_state != "visible" else "")


def _only_sheet(wb, path: Path):
    if len(wb.worksheets) != 1:
        names = ", ".join(_shown_name(ws) for ws in wb.worksheets)
        raise InputError(
            path,
            say("xlsx.sheets", n=len(wb.worksheets), names=names),
        )
    ws = wb.worksheets[0]
    if ws.sheet_state != "visible":
        raise CellError(
            path,
            "シートが非表示です: 使われる内容は Excel で見えるものでなければなりません。"
            "シートを再表示（右クリック →「再表示」）して保存してください",
            sheet=ws.title,
        )
    return ws


def _hidden_columns(ws) -> set[int]:
    """The 1-based numbers of the hidden columns (hidden, or of width zero)."""
    from openpyxl.utils import column_index_from_string

    hidden: set[int] = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden or (dim.customWidth and not dim.width):
            first = dim.min or column_index_from_string(key)
            hidden.update(range(first, (dim.max or first) + 1))
    return hidden


def _row_hidden(ws, row_no: int) -> bool:
    dim = ws.row_dimensions.get(row_no)  # get: never adds a dimension
    return dim is not None and bool(dim.hidden or (dim.customHeight and dim.ht == 0))


def _refuse_hidden(
    path: Path, ws, row_no: int, texts: list[str], hidden_cols: set[int], header: list[str] | None
) -> None:
    """A row or a column hidden in Excel may not hold text the run would use unseen."""
    if _row_hidden(ws, row_no):
        raise CellError(
            path,
            "非表示の行に内容があります: 使われる内容は Excel で見えるものでなければなりません。"
            "行を再表示して確かめるか（フィルターも解除）、不要なら行を削除してください",
            sheet=ws.title,
            row=row_no,
        )
    col = next((c for c in hidden_cols if c <= len(texts) and texts[c - 1].strip()), None)
    if col is not None:
        raise CellError(
            path,
            "非表示の列に内容があります: 使われる内容は Excel で見えるものでなければなりません。"
            "列を再表示して確かめるか、不要なら列を削除してください",
            sheet=ws.title,
            row=row_no,
            column=col,
            field=(header or texts)[col - 1].strip() if col <= len(header or texts) else None,
        )


def read_xlsx_rows(path: str | Path, *, defer_cell_faults: bool = False) -> XlsxRows:
    """The header and the data rows of the workbook's only sheet, each cell as text.

    ``defer_cell_faults``: the faults of cells below the header (a number, a date, a
    formula, merged or hidden cells) are returned in :attr:`XlsxRows.cell_faults`
    instead of raised, so that the caller refuses them together with the faults it
    finds in the other rows; the rows they span (:attr:`XlsxRows.faulty_rows`) must
    not be read.

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
        hidden_cols = _hidden_columns(ws)
        faults = Faults(path)  # every refused cell of the sheet, told at once
        for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            # only the first cell of a merged range has the value: the rows below it would
            # read as blank (an item number "missing" that Excel shows)
            fault = CellError(
                path,
                say("xlsx.merged", cells=merged.coord),
                sheet=ws.title,
                row=merged.min_row,
                column=merged.min_col,
                last_row=merged.max_row,
            )
            faults.add(fault)
        for row_no, cells in enumerate(ws.iter_rows(), start=1):
            texts = _row_texts(path, ws.title, row_no, cells, header, faults)
            if not texts or all(not t.strip() for t in texts):
                continue
            try:
                _refuse_hidden(path, ws, row_no, texts, hidden_cols, header)
            except CellError as exc:
                faults.add(exc)
                hidden_cols.discard(exc.column)  # a hidden column is told once, at its first text
            if texts[0].lstrip().startswith("#"):
                continue
            if header is None:
                header, header_row = [t.strip() for t in texts], row_no
                continue
            rows.append((row_no, texts + [""] * (len(header) - len(texts))))
    finally:
        wb.close()
    below = header is not None and all((f.line or 0) > header_row for f in faults.items)
    if not (defer_cell_faults and below):
        faults.refuse()
    if header is None:
        raise CellError(path, say("kpi.no_header"), sheet=ws.title)
    return XlsxRows(ws.title, header_row, header, rows, list(faults.items))


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
    dv.add(f"{letter}2:{letter}{LAST_EXCEL_ROW}")
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
        dim = ws.column_dimensions[letter]
        dim.width = WIDTHS.get(name, 14)
        # the whole column is text (a row the analyst adds is too), the data's cells as well;
        # no empty formatted cells below the data (the sheet ends where its rows end)
        dim.number_format = "@"
        for r in range(2, len(rows) + 2):
            ws.cell(row=r, column=col).number_format = "@"
        if choices and name in choices:
            _drop_down(ws, letter, choices[name], name)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
