"""Cleaning stage (helpers.ingest.clean): raw files of a period → processed tables, on a copy of the real data."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import PLAN, copy_raw

from helpers.core.errors import InputError
from helpers.core.schema import AREA_COLUMNS, INDICATOR_COLUMNS, ITEM_COLUMNS
from helpers.core.tables import read_csv
from helpers.ingest.clean import clean_period, find_raw_files

WRITTEN = ["areas.csv", "indicators.csv", "items.csv", "meta.json"]
B_ITEMS = [1, 3, 8, 10, 11, 12, 20, 22, 25, 30]
S_ITEMS = [7, 28, 41]


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder``."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_raw(tmp_path / "data")


@pytest.fixture(scope="module")
def data_once(tmp_path_factory) -> Path:
    """One copy of the raw data, cleaned for both periods (read-only for the tests using it)."""
    d = copy_raw(tmp_path_factory.mktemp("clean") / "data")
    clean_period("2018-03", d)
    clean_period("2017-09", d)
    return d


@pytest.fixture(scope="module")
def march(data_once):
    return clean_period("2018-03", data_once, write=False)


@pytest.fixture(scope="module")
def september(data_once):
    return clean_period("2017-09", data_once, write=False)


def processed(data: Path, period: str) -> Path:
    return data / "processed" / PLAN / period


# --------------------------------------------------------------------------
# 2018-03: the report and the KPI sheet
# --------------------------------------------------------------------------


def test_written_files(data):
    raw_before = snapshot(data / "raw")
    result = clean_period("2018-03", data)
    out = processed(data, "2018-03")
    assert sorted(p.name for p in result.written) == WRITTEN
    assert all(p.parent == out for p in result.written)
    assert sorted(p.name for p in out.iterdir()) == WRITTEN  # no temporary files left
    assert snapshot(data / "raw") == raw_before  # raw data is never written
    assert not (data / "processed" / PLAN / "2017-09").exists()


def test_written_tables_read_back(data_once):
    out = processed(data_once, "2018-03")
    areas = read_csv(out / "areas.csv")
    items = read_csv(out / "items.csv")
    indicators = read_csv(out / "indicators.csv")
    assert list(areas.columns) == AREA_COLUMNS
    assert list(items.columns) == ITEM_COLUMNS
    assert list(indicators.columns) == INDICATOR_COLUMNS
    assert list(areas["B"]) == [2, 2, 2, 4, 0]
    assert len(items) == 43 and len(indicators) == 18
    row = indicators.set_index("kpi_id").loc["1-1"]
    assert row["value"] == 9718 and row["prev_value"] == 9855
    assert pd.isna(indicators.set_index("kpi_id").loc["22-3", "value"])  # 未算出 is empty, not 0
    text = (out / "indicators.csv").read_text(encoding="utf-8")
    assert "9718.0" not in text and "2860000000," in text
    assert not text.startswith("\ufeff") and "\r" not in text


def test_meta_json(data_once):
    meta = json.loads((processed(data_once, "2018-03") / "meta.json").read_text(encoding="utf-8"))
    assert meta["period"] == "2018-03"
    assert meta["label"] == "平成29年度末"
    assert meta["summary"]["total"] == 43 and meta["summary"]["relisted"] == 2
    assert (meta["summary"]["S"], meta["summary"]["A"], meta["summary"]["B"]) == (3, 30, 10)
    assert meta["summary"]["line"] == 23
    assert meta["totals"] == {"S": 3, "A": 30, "B": 10, "line": 78}
    assert meta["listed"] == {"S": S_ITEMS, "B": B_ITEMS}
    assert meta["headings"]["S"]["line"] == 79 and meta["headings"]["B"]["count"] == 10
    assert set(meta["sources"]) == {"report", "kpi_sheet"}
    assert meta["sources"]["report"]["file"] == "progress_report_H29_end.txt"
    assert len(meta["sources"]["report"]["sha256"]) == 64
    assert meta["has_items"] and meta["has_indicators"]
    assert "28" in meta["item_texts"] and "41" not in meta["item_texts"]


def test_areas(march):
    a = march.areas
    assert list(a.columns) == AREA_COLUMNS
    assert list(a["items"]) == [7, 3, 6, 14, 13]
    assert list(a["S"]) == [1, 0, 0, 1, 1]
    assert list(a["A"]) == [4, 1, 4, 9, 12]
    assert list(a["B"]) == [2, 2, 2, 4, 0]
    assert list(a["item_from"]) == [1, 8, 11, 17, 31]
    assert list(a["item_to"]) == [7, 10, 16, 30, 43]
    assert list(a["source_line"]) == [53, 58, 63, 68, 73]  # lines of the report file
    assert a.loc[2, "area_name"] == "PDCAサイクルの構築"


def test_items_43_rows(march):
    items = march.items
    assert list(items.columns) == ITEM_COLUMNS
    assert list(items["item_no"]) == list(range(1, 44))
    assert items["area_no"].value_counts().sort_index().tolist() == [7, 3, 6, 14, 13]


def test_item_statuses_2018_03(march):
    items = march.items.set_index("item_no")
    assert sorted(items.index[items["status"] == "S"]) == S_ITEMS
    assert sorted(items.index[items["status"] == "B"]) == B_ITEMS
    assert (items["status"] == "A").sum() == 30
    assert items["status"].notna().all()
    listed = items["status_basis"] == "listed"
    assert sorted(items.index[listed]) == sorted(S_ITEMS + B_ITEMS)
    assert (items.loc[~listed, "status_basis"] == "inferred from counts").all()
    assert (items.loc[~listed, "status"] == "A").all()
    # per area, the statuses add up to the table
    for a in march.areas.itertuples():
        sub = items[items["area_no"] == a.area_no]["status"].value_counts()
        assert (sub.get("S", 0), sub.get("A", 0), sub.get("B", 0)) == (a.S, a.A, a.B)


def test_relisted_item(march):
    items = march.items.set_index("item_no")
    assert items.loc[7, "relisted_as"] == "41"
    assert items.loc[41, "relisted_as"] == "7"
    assert items["relisted_as"].notna().sum() == 2
    for col in ("item_name", "status", "progress", "next_steps", "source_line"):
        assert items.loc[7, col] == items.loc[41, col]
    assert items.loc[7, "area_no"] == 1 and items.loc[41, "area_no"] == 5
    assert items.loc[7, "item_name"] == "観光まちづくりの推進"
    assert items.loc[7, "source_line"] == 165


def test_item_texts(march):
    items = march.items.set_index("item_no")
    assert items.loc[10, "item_name"] == "なるほど出前講座「デリバリーこだいら」の推進"
    assert items.loc[25, "item_name"] == "受益者負担の適正化（使用料・手数料の見直し）"
    assert items.loc[1, "causes"].startswith("・市民活動支援センターへの来場数減の要因")
    assert items.loc[30, "next_steps"].startswith("①今後も改修工事の実施が予定されており")
    assert pd.isna(items.loc[28, "causes"])
    assert items.loc[1, "source_line"] == 91 and items.loc[30, "source_line"] == 598
    assert pd.isna(items.loc[2, "item_name"]) and pd.isna(items.loc[2, "source_line"])
    assert str(items["source_line"].dtype) == "Int64"


def test_indicators(march):
    ind = march.indicators
    assert len(ind) == 18
    assert list(ind.columns) == INDICATOR_COLUMNS
    assert set(ind["item_no"]) <= set(S_ITEMS + B_ITEMS)


def test_second_run_is_byte_identical(data):
    clean_period("2018-03", data)
    clean_period("2017-09", data)
    first = snapshot(data / "processed")
    assert len(first) == 8
    clean_period("2018-03", data)
    clean_period("2017-09", data)
    assert snapshot(data / "processed") == first


def test_write_false_writes_nothing(data):
    result = clean_period("2018-03", data, write=False)
    assert result.written == []
    assert not (data / "processed").exists()


# --------------------------------------------------------------------------
# 2017-09: a per-area table only
# --------------------------------------------------------------------------


def test_september_areas(september):
    a = september.areas
    assert list(a["items"]) == [7, 3, 6, 14, 13]
    assert list(a["S"]) == [0, 0, 0, 0, 0]
    assert list(a["A"]) == [7, 3, 6, 10, 13]
    assert list(a["B"]) == [0, 0, 0, 4, 0]
    assert september.meta["totals"] == {"S": 0, "A": 39, "B": 4, "items": 43, "line": 11}
    assert september.meta["label"] == "平成29年9月末"
    assert set(september.meta["sources"]) == {"area_table"}
    assert not september.meta["has_items"] and not september.meta["has_indicators"]


def test_september_statuses(september):
    items = september.items.set_index("item_no")
    assert len(items) == 43
    area4 = items[items["area_no"] == 4]
    assert list(area4.index) == list(range(17, 31))
    assert area4["status"].isna().all()  # 4 of 14 behind, which ones is not said
    assert area4["status_basis"].isna().all()
    others = items[items["area_no"] != 4]
    assert len(others) == 29
    assert (others["status"] == "A").all()
    assert (others["status_basis"] == "inferred from counts").all()
    assert items["item_name"].isna().all() and items["relisted_as"].isna().all()


def test_september_written(data_once):
    out = processed(data_once, "2017-09")
    assert sorted(p.name for p in out.iterdir()) == WRITTEN
    items = read_csv(out / "items.csv")
    assert items["status"].isna().sum() == 14
    indicators = read_csv(out / "indicators.csv")
    assert len(indicators) == 0 and list(indicators.columns) == INDICATOR_COLUMNS


# --------------------------------------------------------------------------
# bad input: InputError, and nothing written
# --------------------------------------------------------------------------


def test_report_in_the_wrong_period_folder(data):
    folder = data / "raw" / PLAN / "2018-09"
    folder.mkdir()
    shutil.copy(data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt", folder)
    with pytest.raises(InputError) as info:
        clean_period("2018-09", data)
    err = info.value
    assert err.path == folder / "progress_report_H29_end.txt"
    assert "2018-03" in err.detail and "2018-09" in err.detail
    assert "平成29年度末" in err.detail
    assert not (data / "processed").exists()


def test_report_in_the_september_folder(data):
    clean_period("2017-09", data)
    before = snapshot(data / "processed")
    shutil.copy(
        data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt",
        data / "raw" / PLAN / "2017-09",
    )
    with pytest.raises(InputError) as info:
        clean_period("2017-09", data)
    assert "2017-09" in info.value.detail and "2018-03" in info.value.detail
    assert snapshot(data / "processed") == before


def test_bad_kpi_sheet_writes_nothing(data):
    clean_period("2018-03", data)
    before = snapshot(data / "processed")
    mtimes = {p: p.stat().st_mtime_ns for p in (data / "processed").rglob("*")}
    sheet = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    sheet.write_text(
        sheet.read_text(encoding="utf-8-sig").replace('"9,718人"', '"9,719人"'), encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        clean_period("2018-03", data)
    assert info.value.path == sheet and info.value.field == "value_text" and info.value.line == 2
    assert snapshot(data / "processed") == before
    assert {p: p.stat().st_mtime_ns for p in (data / "processed").rglob("*")} == mtimes


def test_bad_report_writes_nothing(data):
    clean_period("2018-03", data)
    before = snapshot(data / "processed")
    report = data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt"
    report.write_text(
        report.read_text(encoding="utf-8").replace("１ ９ ４", "１ 九 ４"), encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        clean_period("2018-03", data)
    assert info.value.path == report and info.value.line == 71
    assert snapshot(data / "processed") == before


def test_bad_input_for_a_new_period_creates_no_folder(data):
    report = data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt"
    report.write_text(report.read_text(encoding="utf-8")[:3000], encoding="utf-8")
    with pytest.raises(InputError):
        clean_period("2018-03", data)
    assert not (data / "processed").exists()


def test_unsupported_file_in_raw_folder(data):
    bad = data / "raw" / PLAN / "2018-03" / "progress.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError) as info:
        clean_period("2018-03", data)
    assert info.value.path == bad
    assert not (data / "processed").exists()


def test_kpi_sheet_without_report(data):
    shutil.copy(data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv", data / "raw" / PLAN / "2017-09")
    with pytest.raises(InputError) as info:
        clean_period("2017-09", data)
    assert info.value.path.name == "kpi_sheet.csv"


def test_missing_raw_folder(data):
    with pytest.raises(InputError) as info:
        clean_period("2019-03", data)
    assert info.value.path == data / "raw" / PLAN / "2019-03"


def test_find_raw_files(data):
    found = find_raw_files(data / "raw" / PLAN / "2018-03")
    assert found.report.name == "progress_report_H29_end.txt"
    assert found.kpi_sheet.name == "kpi_sheet.csv"
    assert found.area_tables == []
    (data / "raw" / PLAN / "2018-03" / "README.md").write_text("notes", encoding="utf-8")
    assert find_raw_files(data / "raw" / PLAN / "2018-03").report is not None
    found = find_raw_files(data / "raw" / PLAN / "2017-09")
    assert found.report is None and [p.name for p in found.area_tables] == [
        "progress_areas_H29_9.csv"
    ]


def test_a_folder_named_like_a_raw_file_is_refused(tmp_path):
    from support import copy_raw

    data = copy_raw(tmp_path / "data")
    raw = data / "raw" / PLAN / "2018-03"
    (raw / "kpi_sheet.csv").unlink()
    (raw / "kpi_sheet.csv").mkdir()
    with pytest.raises(InputError, match=".csv ファイルがあるべき場所にフォルダ") as err:
        clean_period("2018-03", data, write=False)
    assert err.value.path == raw / "kpi_sheet.csv"


def test_a_file_set_aside_with_a_leading_underscore_is_never_read(tmp_path):
    """The two-area-tables message tells the user to rename the extra one _…: that must work."""
    from support import PLAN, copy_raw

    from helpers.ingest.clean import find_raw_files

    data = copy_raw(tmp_path / "data")
    period = data / "raw" / PLAN / "2017-09"
    table = next(period.glob("*.csv"))
    (period / f"_{table.name}").write_bytes(table.read_bytes())
    (period / "_notes.docx").write_bytes(b"PK")
    found = find_raw_files(period)
    assert found.area_tables == [table]
