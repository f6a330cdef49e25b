"""Text with Kangxi radicals in place of kanji (as copied from many PDFs) reads as the kanji."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from support import AREAS_FILE, KPI_FILE, PLAN, REPORT_FILE, copy_raw

from helpers.core.radicals import EQUIVALENT_UNIFIED_IDEOGRAPH, count_radicals
from helpers.ingest.clean import clean_period
from helpers.ingest.kpi_sheet import read_kpi_sheet
from helpers.ingest.rawio import read_text
from helpers.ingest.report import parse_report
from helpers.ingest.sheet_xlsx import kpi_workbook_bytes

# each kanji that a Kangxi radical stands for -> that radical (the look-alike a PDF gives)
_TO_RADICAL = {
    target: cp for cp, target in EQUIVALENT_UNIFIED_IDEOGRAPH.items() if 0x2F00 <= cp <= 0x2FD5
}


def radicalize(text: str) -> str:
    return text.translate(_TO_RADICAL)


def test_radical_text_reads_as_kanji(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("（7項\u2f6c）\u2f08口①１", encoding="utf-8")
    assert read_text(f) == "（7項目）人口①１"


def _tables(data, period):
    folder = data / "processed" / PLAN / period
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta.pop("sources")
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("areas", "items", "indicators")
    } | {"meta": meta}


def test_every_input_with_radicals_gives_the_same_tables(tmp_path):
    plain = copy_raw(tmp_path / "plain")
    looks = copy_raw(tmp_path / "looks")
    swapped = 0
    for real in (REPORT_FILE, KPI_FILE, AREAS_FILE):
        target = looks / "raw" / PLAN / real.parent.name / real.name
        data = real.read_bytes()
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        text = radicalize(data[len(bom) :].decode("utf-8"))
        target.write_bytes(bom + text.encode("utf-8"))
        swapped += count_radicals(text)
    assert count_radicals(radicalize(REPORT_FILE.read_text(encoding="utf-8"))) > 150
    for period in ("2018-03", "2017-09"):
        clean_period(period, plain)
        clean_period(period, looks)
        want, got = _tables(plain, period), _tables(looks, period)
        for name in ("areas", "items", "indicators"):
            pd.testing.assert_frame_equal(got[name], want[name])
        assert got["meta"] == want["meta"]
    assert swapped > 200


def test_xlsx_sheet_with_radicals_gives_the_same_indicators(tmp_path):
    from_csv = read_kpi_sheet(KPI_FILE, parse_report(REPORT_FILE))
    rows = list(csv.reader(io.StringIO(radicalize(KPI_FILE.read_text(encoding="utf-8-sig")))))
    assert sum(count_radicals("".join(r)) for r in rows) > 20
    sheet = tmp_path / "kpi_sheet.xlsx"
    sheet.write_bytes(kpi_workbook_bytes(rows[0], rows[1:], None))
    assert read_kpi_sheet(sheet, parse_report(REPORT_FILE)).equals(from_csv)
