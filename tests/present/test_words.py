"""Words for the committee: nothing only a developer knows in what readers see (issue 21).

The real data run end to end (both periods, then the index); the scanner of
:mod:`support.words` reads the visible text of every page (outside the collapsed
技術情報) and every cell of the reader tables, and finds nothing.
"""

from __future__ import annotations

import pytest
from support import PLAN, copy_raw
from support.words import findings, scan_outputs, visible_text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from helpers.present.index_page import build_index
    from helpers.run.pipeline import run_period

    root = tmp_path_factory.mktemp("words")
    data, out = copy_raw(root / "data"), root / "outputs"
    for period in ("2017-09", "2018-03"):
        run_period(period, data, out, force=True, log=lambda _m: None)
    build_index(data, out, log=lambda _m: None)
    return out


def test_the_scanner_finds_what_it_looks_for():
    page = (
        "<p>plan.toml の at_least は True、8b37fea9e856a66a、kodaira-3、inferred from name</p>"
        '<details class="tech"><summary>技術情報</summary>kpi_sheet.csv</details>'
    )
    kinds = {k for k, _ in findings(visible_text(page))}
    assert kinds == {"file name", "snake_case", "Python value", "hash", "plan id", "English word"}
    assert "kpi_sheet" not in visible_text(page)  # 技術情報 is the analyst's


def test_no_developer_words_in_pages_or_reader_files(outputs):
    found = scan_outputs(outputs)
    assert "index.html" in found and f"{PLAN}/2018-03/report.html" in found
    assert f"{PLAN}/2018-03/tables/tables.xlsx" in found
    assert len([f for f in found if f.endswith(".csv")]) >= 14
    assert {f: w for f, w in found.items() if w} == {}


def test_the_analyst_keeps_the_files_and_hashes_in_technical_details(outputs):
    page = (outputs / PLAN / "2018-03" / "report.html").read_text(encoding="utf-8")
    tech = page[page.index('<details class="tech">') :]
    assert "kpi_sheet.csv" in tech and "progress_report_H29_end.txt" in tech
