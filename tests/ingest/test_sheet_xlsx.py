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
    # the sheet ends with its data; a row added below is text and has the drop-down too
    assert ws.max_row == len(REAL_ROWS)
    assert ws.column_dimensions["E"].number_format == "@"
    lists = [dv for dv in ws.data_validations.dataValidation]
    assert len(lists) == 1 and lists[0].formula1 == '"higher,lower"'
    assert str(lists[0].sqref) == "I2:I1048576"


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
    assert "シート「kpi_sheet」 12行目 E列（value_text）" in msg
    assert "0.926" in msg and "セルの書式を文字列に" in msg
    assert isinstance(exc.value, InputError)


def test_every_typed_cell_of_a_sheet_is_told_at_once(tmp_path):
    """A number, a date and a formula in three rows: one run names all three (a break trial's)."""
    import datetime as dt

    from openpyxl import load_workbook

    from helpers.core.errors import InputErrors

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active["E5"] = 9855
    wb.active["F9"] = dt.datetime(2018, 3, 31)
    wb.active["G14"] = "=E14*2"
    wb.save(path)
    with pytest.raises(InputErrors) as exc:
        read_xlsx_rows(path)
    msg = str(exc.value)
    assert "3件の誤り" in msg, msg
    for where in ("5行目 E列（value_text）", "9行目 F列（prev_text）", "14行目 G列（target_text）"):
        assert where in msg, msg
    assert "\ufffd" not in msg


def test_merged_cells_are_refused_naming_the_range(tmp_path):
    """Item numbers merged over a KPI's rows (a common layout) would read as blank below the first."""
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active["A3"] = wb.active["A2"].value
    wb.active.merge_cells("A2:A3")
    wb.save(path)
    with pytest.raises(CellError) as exc:
        read_xlsx_rows(path)
    msg = str(exc.value)
    assert "2行目 A列" in msg and "セルが結合されています（A2:A3）" in msg and "結合を解除" in msg


def test_comment_and_empty_rows_are_skipped_as_in_csv(tmp_path, report):
    rows = [["# メモ: 平成29年度末"], [], *REAL_ROWS]
    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(kpi_workbook_bytes(rows[0], rows[1:]))
    table = read_kpi_sheet(path, report)
    assert table["sheet_line"].iloc[0] == 4  # row 4 of the sheet


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "kpi_sheet.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="空です"):
        read_xlsx_rows(tmp_path / "kpi_sheet.xlsx")


# ------------------------------------------------ bounded reading (issue 22, part 3)


def _with_sheet_xml(data: bytes, edit) -> bytes:
    """The workbook ``data`` with its worksheet's XML passed through ``edit``, deflated."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = edit(body)
            zout.writestr(info.filename, body, zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _comment_of(size: int):
    return lambda xml: xml.replace(b"<sheetData>", b"<!--" + b" " * size + b"--><sheetData>", 1)


def test_a_small_xlsx_that_unzips_huge_is_refused_within_5_s(tmp_path):
    """Once 300 s and more: a 150 KB sheet whose worksheet inflates to 150 MB (an XML comment)."""
    import time

    from helpers.ingest.sheet_xlsx import MAX_PART_BYTES

    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(_with_sheet_xml(_xlsx(tmp_path).read_bytes(), _comment_of(150 * 2**20)))
    assert path.stat().st_size < 400_000
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_xlsx_rows(path)
    assert time.perf_counter() - start < 5
    msg = str(info.value)
    assert str(path) in msg and "xl/worksheets/sheet1.xml" in msg
    assert f"上限は {MAX_PART_BYTES / 2**20:g} MB" in msg


def test_a_zip_that_declares_small_sizes_is_still_refused(tmp_path):
    """The sizes in the zip's headers are not trusted: what decompression gives is counted."""
    import struct
    import time

    path = tmp_path / "kpi_sheet.xlsx"
    data = bytearray(_with_sheet_xml(_xlsx(tmp_path).read_bytes(), _comment_of(60 * 2**20)))
    # declare 1,000 bytes unzipped for every member, in local and central headers
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        while at >= 0:
            data[at + offset : at + offset + 4] = struct.pack("<I", 1000)
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    start = time.perf_counter()
    with pytest.raises(InputError):
        read_xlsx_rows(path)
    assert time.perf_counter() - start < 5


def test_many_parts_each_small_are_refused_by_their_total(tmp_path):
    import zipfile

    from helpers.ingest.sheet_xlsx import MAX_UNZIPPED_BYTES

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(tmp_path).read_bytes())) as zin:
        with zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info), zipfile.ZIP_DEFLATED)
            for n in range(6):
                zout.writestr(
                    f"xl/media/pad{n}.bin", b"\0" * (2 * 2**20 - 10), zipfile.ZIP_DEFLATED
                )
    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(InputError) as info:
        read_xlsx_rows(path)
    assert f"上限は {MAX_UNZIPPED_BYTES / 2**20:g} MB" in str(info.value)


def test_a_sheet_just_under_the_bound_is_read_quickly(tmp_path, report):
    """Parsing stays short at the bound (openpyxl's time grows faster than a comment's size)."""
    import time

    from helpers.ingest.sheet_xlsx import MAX_PART_BYTES

    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(
        _with_sheet_xml(_xlsx(tmp_path).read_bytes(), _comment_of(MAX_PART_BYTES - 200_000))
    )
    start = time.perf_counter()
    assert len(read_kpi_sheet(path, report)) == 18
    assert time.perf_counter() - start < 5


def test_an_xlsx_file_beyond_its_size_bound_is_refused_unread(tmp_path, monkeypatch):
    from helpers.ingest import sheet_xlsx

    path = _xlsx(tmp_path)
    monkeypatch.setattr(sheet_xlsx, "MAX_XLSX_BYTES", 1000)
    with pytest.raises(InputError) as info:
        read_xlsx_rows(path)
    assert "大きすぎます" in str(info.value) and "上限は" in str(info.value)


def test_a_hidden_row_is_refused_naming_sheet_and_row(tmp_path):
    """Once used silently: a row hidden in Excel reached the report."""
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active.row_dimensions[5].hidden = True
    wb.save(path)
    with pytest.raises(CellError) as info:
        read_xlsx_rows(path)
    msg = str(info.value)
    assert "シート「kpi_sheet」 5行目:" in msg and "非表示の行" in msg


def test_an_empty_hidden_row_changes_nothing(tmp_path, report):
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active.row_dimensions[40].hidden = True
    wb.save(path)
    assert len(read_kpi_sheet(path, report)) == 18


def test_a_hidden_column_with_text_is_refused(tmp_path):
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb.active.column_dimensions["J"].hidden = True  # note
    wb.save(path)
    with pytest.raises(CellError) as info:
        read_xlsx_rows(path)
    assert "J列（note）" in str(info.value) and "非表示の列" in str(info.value)


def test_a_hidden_sheet_is_refused_naming_it(tmp_path):
    from openpyxl import load_workbook

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    old = wb.create_sheet("old")
    old.sheet_state = "hidden"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_xlsx_rows(path)
    assert "'old'（非表示）" in str(info.value)
    # the only sheet hidden (Excel would not save it so, but a file may say so)
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(tmp_path).read_bytes())) as zin:
        with zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                body = zin.read(info)
                if info.filename == "xl/workbook.xml":
                    body = body.replace(b'state="visible"', b'state="hidden"', 1)
                    assert b'state="hidden"' in body
                zout.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())
    with pytest.raises(CellError) as info:
        read_xlsx_rows(path)
    assert "シート「kpi_sheet」" in str(info.value) and "非表示" in str(info.value)


def test_malformed_xml_in_a_workbook_is_refused_as_unreadable(tmp_path):
    path = tmp_path / "kpi_sheet.xlsx"
    path.write_bytes(_with_sheet_xml(_xlsx(tmp_path).read_bytes(), lambda xml: xml[:-40]))
    with pytest.raises(InputError) as info:
        read_xlsx_rows(path)
    assert "読める Excel ブック（.xlsx）ではありません" in str(info.value)


def test_a_typed_cell_and_a_wrong_value_in_other_rows_are_told_at_once(tmp_path, report):
    """Found by a new analyst: the number in one row hid the wrong figure in another until fixed."""
    from openpyxl import load_workbook

    from helpers.core.errors import InputErrors

    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    value_col = header.index("value_text") + 1
    ws.cell(row=2, column=value_col).value = "9,719人"  # a figure the report does not state
    ws.cell(row=7, column=value_col).value = 2  # a number where the report's words belong
    wb.save(path)
    with pytest.raises(InputErrors) as exc:
        read_kpi_sheet(path, report)
    msg = str(exc.value)
    assert "2件の誤り" in msg, msg
    assert "9,719" in msg and "7行目 E列（value_text）" in msg
    assert msg.index("2行目") < msg.index("7行目")
