"""draft-kpis and new-period with the report as the city's PDF in the folder."""

from __future__ import annotations

import shutil

import pytest
from support import FIXTURES, KPI_FILE, PLAN, REPORT_FILE, copy_raw

from helpers.core.plans import load_plan
from helpers.cycle.drafts import measure_drafts
from helpers.cycle.new_period import sheet_bytes, sheet_records
from helpers.run.cli import main

PDFS = ["report_H29_end_chromium.pdf", "report_H29_end_tables.pdf"]


@pytest.fixture(scope="module")
def plan():
    return load_plan(REPORT_FILE.parents[3], PLAN)


@pytest.mark.parametrize("name", PDFS)
def test_drafts_from_the_pdf_are_those_from_the_text(name, plan, tmp_path):
    folder = tmp_path / "2018-03"
    folder.mkdir()
    shutil.copyfile(FIXTURES / name, folder / name)
    from_text = measure_drafts(KPI_FILE, REPORT_FILE.parent, "2018-03", plan)
    from_pdf = measure_drafts(KPI_FILE, folder, "2018-03", plan)
    counts = ("not_found", "blank_kept", "blank_filled")
    assert [getattr(from_pdf, c) for c in counts] == [getattr(from_text, c) for c in counts]
    # the drafts are the text as the PDF prints it: where its glyphs are half-width
    # (94.3%, 延べ980人/年) and the analysts typed the text file's full-width ％ and ／,
    # the draft differs in width only
    assert from_pdf.exact + from_pdf.width_only == from_text.exact + from_text.width_only
    assert from_pdf.different - from_pdf.width_only == from_text.different - from_text.width_only


def test_draft_source_names_the_pdf_page_and_line(tmp_path, capsys):
    data = copy_raw(tmp_path / "data")
    raw = data / "raw" / PLAN / "2018-03"
    (raw / REPORT_FILE.name).unlink()
    shutil.copyfile(FIXTURES / PDFS[1], raw / PDFS[1])
    sheet = raw / KPI_FILE.name
    rows = [dict(r, value_text="", prev_text="") for _, r in sheet_records(sheet)]
    sheet.write_bytes(sheet_bytes(rows, "csv"))
    assert main(["draft-kpis", "--period", "2018-03", "--data-dir", str(data)]) == 0
    drafted = [r for _, r in sheet_records(sheet.with_name("kpi_sheet.draft.csv"))]
    assert drafted[0]["value_text"] == "9,718人" and drafted[0]["prev_text"] == "9,855人"
    assert f"{PDFS[1]} 2ページ" in drafted[0]["draft_source"]
    assert "行「" in drafted[0]["draft_source"]
