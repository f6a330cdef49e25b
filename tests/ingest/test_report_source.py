"""The report as the city's PDF gives the same tables as its text (helpers.ingest.report.source)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from support import FIXTURES, PLAN, REPORT_FILE, copy_raw

from helpers.core import paths
from helpers.core.errors import InputError
from helpers.core.textnorm import squash
from helpers.ingest.clean import clean_period
from helpers.ingest.report.source import find_report, read_report_text

PDFS = ["report_H29_end_chromium.pdf", "report_H29_end_tables.pdf"]


@pytest.fixture(scope="module")
def from_text(tmp_path_factory):
    data = copy_raw(tmp_path_factory.mktemp("text") / "data")
    return clean_period("2018-03", data)


def _with_pdf(tmp_path, name: str):
    data = copy_raw(tmp_path / "data")
    raw = data / "raw" / PLAN / "2018-03"
    (raw / REPORT_FILE.name).unlink()
    shutil.copyfile(FIXTURES / name, raw / name)
    return data


def _without_lines(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["source_line"], errors="ignore")


@pytest.mark.parametrize("name", PDFS)
def test_pdf_gives_the_same_areas_items_and_kpis_as_the_text(name, from_text, tmp_path):
    data = _with_pdf(tmp_path, name)
    got = clean_period("2018-03", data)
    for table in ("areas", "items", "indicators"):
        pd.testing.assert_frame_equal(
            _without_lines(getattr(got, table)), _without_lines(getattr(from_text, table))
        )
    for key in ("summary", "totals", "headings", "listed", "item_texts", "plan_name"):
        strip = (lambda d: d) if key not in ("summary", "totals", "headings") else _no_line
        assert strip(got.meta[key]) == strip(from_text.meta[key]), key


def _no_line(d):
    if isinstance(d, dict):
        return {k: _no_line(v) for k, v in d.items() if k != "line"}
    return d


@pytest.mark.parametrize("name", PDFS)
def test_pdf_text_is_written_beside_the_tables_and_its_lines_are_the_tables_lines(name, tmp_path):
    data = _with_pdf(tmp_path, name)
    result = clean_period("2018-03", data)
    folder = data / "processed" / PLAN / "2018-03"
    text = (folder / paths.REPORT_TEXT_FILE).read_text(encoding="utf-8").split("\n")
    assert folder / paths.REPORT_TEXT_FILE in result.written
    for row in result.items.dropna(subset=["source_line"]).itertuples():
        numbers = {str(row.item_no), *str(row.relisted_as or "").split(",")}
        assert text[int(row.source_line) - 1].split()[0] in numbers, row
    for row in result.areas.itertuples():
        assert row.area_name[:4] in squash(text[int(row.source_line) - 1])
    source = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["sources"]["report"]
    assert source["file"] == name
    assert source["text_file"] == paths.REPORT_TEXT_FILE
    assert source["pages"] == len(source["page_starts"]) >= 4
    assert paths.is_workbook_folder(folder, processed=True)


def test_pdf_headers_are_listed_in_the_provenance(tmp_path):
    data = _with_pdf(tmp_path, "report_H29_end_tables.pdf")
    source = clean_period("2018-03", data).meta["sources"]["report"]
    assert {d["text"] for d in source["dropped_lines"]} >= {
        "行財政再構築推進委員会 資料３",
        "- 2 -",
    }
    assert all(d["page"] >= 1 and d["line"] >= 1 for d in source["dropped_lines"])


def test_going_back_to_the_text_removes_the_pdf_text(tmp_path):
    data = _with_pdf(tmp_path, "report_H29_end_chromium.pdf")
    clean_period("2018-03", data)
    raw = data / "raw" / PLAN / "2018-03"
    (raw / "report_H29_end_chromium.pdf").unlink()
    shutil.copyfile(REPORT_FILE, raw / REPORT_FILE.name)
    clean_period("2018-03", data)
    assert not (data / "processed" / PLAN / "2018-03" / paths.REPORT_TEXT_FILE).exists()


def test_text_and_pdf_together_are_refused_naming_both(tmp_path):
    raw = copy_raw(tmp_path / "data") / "raw" / PLAN / "2018-03"
    shutil.copyfile(FIXTURES / PDFS[0], raw / PDFS[0])
    with pytest.raises(InputError) as exc:
        find_report(raw)
    assert PDFS[0] in str(exc.value) and REPORT_FILE.name in str(exc.value)
    assert "報告書が2つあります" in str(exc.value)


def test_pdf_report_of_another_period_names_page_and_line(tmp_path):
    data = _with_pdf(tmp_path, "report_H29_end_tables.pdf")
    (data / "raw" / PLAN / "2018-03").rename(data / "raw" / PLAN / "2017-03")
    with pytest.raises(InputError) as exc:
        clean_period("2017-03", data, write=False)
    assert exc.value.page == 1 and exc.value.line == 4
    assert "report_H29_end_tables.pdf 1ページ 4行目" in str(exc.value)


def test_text_report_reads_as_before():
    source = read_report_text(REPORT_FILE)
    assert source.pdf is None and source.provenance() == {}
    assert source.text.startswith(" 第３次行財政再構築プラン")
