"""KPI sheets in Excel: the same tables as from CSV; every fault named by sheet, row and column."""

from __future__ import annotations

import csv
import io

import pytest
from support import KPI_FILE, REPORT_FILE

from helpers.core.errors import InputError
from helpers.core.plans import load_plan
from helpers.ingest.kpi_sheet import read_kpi_sheet
from helpers.ingest.report import parse_report
from helpers.ingest.sheet_xlsx import CellError, kpi_workbook_bytes, read_xlsx_rows

REAL_ROWS = list(csv.reader(io.StringIO(KPI_FILE.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def report():
    plan = load_plan(REPORT_FILE.parents[3], "kodaira-3")
    return parse_report(REPORT_FILE, plan.vocab)


def _xlsx(tmp_path, rows=REAL_ROWS, choices=None):
    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(kpi_workbook_bytes(rows[0], rows[1:], choices))
    return path


def test_xlsx_and_csv_sheets_give_identical_tables(tmp_path, report):
    from_csv = read_kpi_sheet(KPI_FILE, report)
    from_xlsx = read_kpi_sheet(_xlsx(tmp_path), report)
    assert len(from_csv) == 18
    assert from_csv.equals(from_xlsx)


def test_written_sheet_has_frozen_header_widths_text_cells_and_drop_downs(tmp_path):
    from openpyxl import load_workbook

    path = _xlsx(tmp_path, choices={"direction": ("higher", "lower")})
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width == 40
    assert ws["E2"].number_format == "@"
    lists = [dv for dv in ws.data_validations.dataValidation]
    assert len(lists) == 1 and lists[0].formula1 == '"higher,lower"'
    assert "I2" in str(lists[0].sqref)


def test_a_whole_number_in_item_no_is_read_as_text(tmp_path, report):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(REAL_ROWS[0])
    for row in REAL_ROWS[1:]:
        ws.append([int(row[0]), *row[1:]])
    wb.save(tmp_path / "kpi_sheet.xlsx")
    assert len(read_kpi_sheet(tmp_path / "kpi_sheet.xlsx", report)) == 18


def test_a_number_where_the_wording_belongs_names_the_cell(tmp_path):
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active["E12"] = 0.926
    wb.save(path)
    with pytest.raises(CellError) as exc:
        read_xlsx_rows(path)
    msg = str(exc.value)
    assert "sheet 'kpi_sheet', row 12, column E 'value_text'" in msg
    assert "0.926" in msg and "format the cell as text" in msg
    assert isinstance(exc.value, InputError)


def test_comment_and_empty_rows_are_skipped_as_in_csv(tmp_path, report):
    rows = [["# メモ: 平成29年度末"], [], *REAL_ROWS]
    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(kpi_workbook_bytes(rows[0], rows[1:]))
    table = read_kpi_sheet(path, report)
    assert table["sheet_line"].iloc[0] == 4  # row 4 of the sheet


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "kpi_sheet.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_xlsx_rows(tmp_path / "kpi_sheet.xlsx")
