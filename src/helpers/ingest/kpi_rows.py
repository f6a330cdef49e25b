"""A KPI sheet's rows as texts, CSV or Excel: its columns checked, unconfirmed drafts refused.

Columns (see data/raw/README.md):

- ``item_no``: the item's number in the report (required)
- ``marker``: ①②③ for a sub-indicator, as printed (optional)
- ``indicator``: the KPI's name (required)
- ``unit``: 人, 件, 円, %, 地区 … the base unit (required; blank for yes/no)
- ``value_text``: the value as stated, or blank if the report states none
- ``prev_text``: the previous value, or the stated change (前年度から…の減)
- ``target_text``: the target as stated (1 万人以上, 80%台, 目標を達成した, 包括協定の締結)
- ``result_text``: what the report says of the target (達成できなかった) (optional)
- ``direction``: higher / lower is better; blank = inferred from the name (optional)
- ``note``: free text (optional)
- ``draft``: empty once the analyst has checked the row; ``要確認`` (or any other
  text) marks a row drafted by ``reform-workbook draft-kpis`` or carried by
  ``new-period`` and not yet checked: a sheet with such rows is refused, naming
  them (optional; see :mod:`helpers.cycle.drafts`)
- ``draft_source``: where a drafted text was found (file, line, sentence); not
  checked (optional)

The sheet may be ``kpi_sheet.csv`` or ``kpi_sheet.xlsx`` (one worksheet, the same
columns; :mod:`helpers.ingest.sheet_xlsx`): the same checks apply, and an Excel sheet's
faults name the sheet, row and column.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import Faults, InputError
from helpers.core.messages import csv_error_text, say
from helpers.core.textnorm import unclosed_quote_line
from helpers.ingest.rawio import read_text
from helpers.ingest.sheet_xlsx import read_xlsx_rows

REQUIRED = ("item_no", "indicator", "unit", "value_text", "prev_text", "target_text")
OPTIONAL = ("kpi_id", "marker", "result_text", "direction", "note", "draft", "draft_source")
TEXT_FIELDS = ("value_text", "prev_text", "target_text", "result_text", "marker")


class RowFault(Exception):
    """A fault of one sheet row: the field and what is wrong (made an InputError in one place)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class SheetRows:
    """A KPI sheet's header and data rows as texts, CSV or Excel, and how to name a place in it."""

    path: Path
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    xlsx: object | None = None  # a sheet_xlsx.XlsxRows for an Excel sheet

    def error(self, message: str, line: int | None = None, field: str | None = None) -> InputError:
        """The error for a fault at ``line`` (a CSV line, an Excel row) and ``field``."""
        if self.xlsx is not None:
            return self.xlsx.error(self.path, message, line, field)
        return InputError(self.path, message, line=line, field=field)


def _csv_rows(path: Path) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    text = read_text(path)
    opened = unclosed_quote_line(text)
    if opened is not None:
        raise InputError(path, say("kpi.bad_csv", error=say("core.csv_open_quote")), line=opened)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if row[0].lstrip().startswith("#"):
                continue
            rows.append((line, row))
    except csv.Error as exc:
        raise InputError(
            path, say("kpi.bad_csv", error=csv_error_text(exc)), line=reader.line_num
        ) from None
    if not rows:
        raise InputError(path, say("kpi.no_header"))
    return [c.strip() for c in rows[0][1]], rows[0][0], rows[1:]


def read_sheet_rows(path: str | Path, *, defer_cell_faults: bool = False) -> SheetRows:
    """The rows of a KPI sheet, ``.csv`` or ``.xlsx``, as texts (nothing checked but the form).

    ``defer_cell_faults``: see :func:`helpers.ingest.sheet_xlsx.read_xlsx_rows`.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        x = read_xlsx_rows(path, defer_cell_faults=defer_cell_faults)
        sheet = SheetRows(path, x.header, x.header_row, x.rows, x)
    else:
        sheet = SheetRows(path, *_csv_rows(path))
    if not sheet.rows:
        raise sheet.error(
            say("kpi.no_rows"),
            sheet.header_line,
        )
    return sheet


def check_columns(sheet: SheetRows) -> None:
    """The header's columns: each known, none twice, none required missing; all faults at once."""
    known = REQUIRED + OPTIONAL
    header, line = sheet.header, sheet.header_line
    faults = Faults(sheet.path)
    suggested: set[str] = set()  # a misspelt column: not told again as missing
    for name in header:
        if not name:
            faults.add(sheet.error(say("kpi.empty_column"), line, name))
        elif name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            suggested.update(hint)
            faults.add(
                sheet.error(
                    say(
                        "kpi.unknown_column",
                        name=name,
                        hint=say("kpi.did_you_mean", hint=hint[0]) if hint else "",
                        known=", ".join(known),
                    ),
                    line,
                    name,
                )
            )
    for dup in dict.fromkeys(h for h in header if h and header.count(h) > 1):
        faults.add(sheet.error(say("kpi.column_twice", name=dup), line, dup))
    missing = [c for c in REQUIRED if c not in header and c not in suggested]
    if missing:
        faults.add(sheet.error(say("kpi.missing_columns", names=", ".join(missing)), line))
    faults.refuse()


def unconfirmed_drafts(sheet: SheetRows) -> list[tuple[int, str, str]]:
    """(line, item_no, mark) of each row whose ``draft`` cell is not empty."""
    if "draft" not in sheet.header:
        return []
    at, item = sheet.header.index("draft"), sheet.header.index("item_no")
    return [
        (line, row[item].strip() if item < len(row) else "", row[at].strip())
        for line, row in sheet.rows
        if at < len(row) and row[at].strip()
    ]


def refuse_drafts(sheet: SheetRows) -> None:
    """No drafted row reaches a report before the analyst has checked it and emptied its mark."""
    if "draft_source" in sheet.header and "draft" not in sheet.header:
        # a drafted sheet whose marks were removed with their column, not row by row
        raise sheet.error(
            say("kpi.draft_column_gone"),
            sheet.rows[0][0] if sheet.rows else None,
            "draft",
        )
    drafts = unconfirmed_drafts(sheet)
    if not drafts:
        return
    listed = "、".join(
        say("kpi.draft_row", line=line, item=item, mark=mark) for line, item, mark in drafts[:12]
    )
    more = say("paths.and_more", n=len(drafts) - 12) if len(drafts) > 12 else ""
    raise sheet.error(
        say("kpi.unconfirmed", n=len(drafts), listed=listed, more=more),
        drafts[0][0],
        "draft",
    )
