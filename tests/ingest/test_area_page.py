"""The per-area table as the city's saved web page (helpers.ingest.area_page)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from support import AREAS_FILE, FIXTURES, PLAN, copy_raw

from helpers.core.errors import InputError
from helpers.ingest import area_page
from helpers.ingest.area_page import read_area_page
from helpers.ingest.area_table import read_area_table
from helpers.ingest.clean import clean_period
from helpers.ingest.plan_sources import plan_name

PAGE = FIXTURES / "areas_H29_9_page.html"
COLUMNS = ["area_no", "area_name", "items", "S", "A", "B"]


def _page_text() -> str:
    return PAGE.read_bytes().decode("cp932")


def _write(tmp_path, text: str, encoding: str = "cp932", name: str = "058639.html"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_page_gives_the_areas_of_the_csv():
    page, csv = read_area_page(PAGE), read_area_table(AREAS_FILE)
    pd.testing.assert_frame_equal(page.areas[COLUMNS], csv.areas[COLUMNS])
    assert page.totals == csv.totals


def test_caption_update_date_and_title_are_kept():
    prov = read_area_page(PAGE).provenance
    assert prov["caption"] == "各プログラムの進捗状況（平成28年度末）"
    assert prov["updated"] == "2018年1月20日"
    assert prov["heading"] == "第3次行財政再構築プランの進捗状況"


def test_rows_name_the_lines_of_the_page():
    table = read_area_page(PAGE)
    lines = _page_text().split("\r\n")
    for row in table.areas.itertuples():
        assert row.area_name in lines[row.line - 1]


def test_the_period_reads_the_page_as_the_csv(tmp_path):
    plain = copy_raw(tmp_path / "plain")
    page = copy_raw(tmp_path / "page")
    raw = page / "raw" / PLAN / "2017-09"
    (raw / AREAS_FILE.name).unlink()
    shutil.copyfile(PAGE, raw / "058639.html")
    want, got = clean_period("2017-09", plain), clean_period("2017-09", page)
    for name in ("areas", "items"):
        cols = [c for c in getattr(want, name).columns if c != "source_line"]
        pd.testing.assert_frame_equal(getattr(got, name)[cols], getattr(want, name)[cols])
    assert got.meta["sources"]["area_table"]["updated"] == "2018年1月20日"
    assert got.meta["plan_name"] == want.meta["plan_name"]


def test_utf8_page_reads_the_same(tmp_path):
    text = _page_text().replace("charset=Shift_JIS", "charset=UTF-8")
    p = _write(tmp_path, text, "utf-8")
    pd.testing.assert_frame_equal(read_area_page(p).areas, read_area_page(PAGE).areas)


def test_bytes_not_in_the_declared_encoding_are_refused(tmp_path):
    text = _page_text().replace("charset=Shift_JIS", "charset=UTF-8")
    p = _write(tmp_path, text, "cp932")  # says UTF-8, is Shift_JIS
    with pytest.raises(InputError, match="文字コード utf-8 と宣言") as exc:
        read_area_page(p)
    assert exc.value.line is not None


def test_a_page_without_the_table_is_refused(tmp_path):
    text = _page_text().replace("分野", "区分")
    with pytest.raises(InputError, match="分野別の表が見つかりません"):
        read_area_page(_write(tmp_path, text))


def test_a_page_with_two_tables_is_refused(tmp_path):
    text = _page_text()
    start, end = text.index('<table border="1"'), text.index("</table>", text.index("<caption>"))
    table = text[start : end + len("</table>")]
    with pytest.raises(InputError, match="分野別の表が 2 つあります"):
        read_area_page(_write(tmp_path, text.replace(table, table + "\n" + table)))


def test_a_bad_count_names_its_row(tmp_path):
    text = _page_text().replace('<td align="right">10</td>', '<td align="right">十</td>')
    with pytest.raises(InputError) as exc:
        read_area_page(_write(tmp_path, text))
    assert "「十」は項目数として整数ではありません" in str(exc.value)
    assert "財政基盤の強化" in _page_text().split("\r\n")[exc.value.line - 1]


def test_too_large_a_page_is_refused(monkeypatch):
    monkeypatch.setattr(area_page, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="ページが大きすぎます"):
        read_area_page(PAGE)


def test_an_xhtml_page_with_an_xml_declaration_reads_the_same(tmp_path):
    text = '<?xml version="1.0" encoding="Shift_JIS"?>\r\n' + _page_text()
    p = _write(tmp_path, text)
    pd.testing.assert_frame_equal(
        read_area_page(p).areas[COLUMNS], read_area_page(PAGE).areas[COLUMNS]
    )


def test_a_plan_without_plan_toml_is_named_from_a_pdf_or_a_page(tmp_path):
    data = copy_raw(tmp_path / "data")
    (data / "raw" / PLAN / "plan.toml").unlink()
    for period, real, fixture in (
        ("2018-03", "progress_report_H29_end.txt", "report_H29_end_tables.pdf"),
        ("2017-09", AREAS_FILE.name, PAGE.name),
    ):
        raw = data / "raw" / PLAN / period
        (raw / real).unlink()
        shutil.copyfile(FIXTURES / fixture, raw / fixture)
    assert plan_name(data, PLAN).replace("３", "3") == "第3次行財政再構築プラン"
    clean_period("2017-09", data, write=False)  # checked against the PDF's title: one plan


ONE_ROW_HEADER = (
    '<tr><th scope="col">分野</th><th scope="col">項目数</th><th scope="col">予定以上に進捗(S)</th>'
    '<th scope="col">予定どおりに進捗(A)</th><th scope="col">予定よりも遅れている(B)</th></tr>'
)


@pytest.mark.parametrize(
    "header",
    [
        # 進捗状況 spanning the three levels, 分野 and 項目数 over both rows (a common layout)
        '<tr><th rowspan="2">分野</th><th rowspan="2">項目数</th><th colspan="3">進捗状況</th></tr>'
        "<tr><th>予定以上に進捗(S)</th><th>予定どおりに進捗(A)</th><th>予定よりも遅れている(B)</th></tr>",
        # the same with empty cells above 分野 and 項目数 instead of rowspan
        '<tr><th></th><th></th><th colspan="3">進捗状況</th></tr>'
        "<tr><th>分野</th><th>項目数</th><th>予定以上に進捗(S)</th><th>予定どおりに進捗(A)</th>"
        "<th>予定よりも遅れている(B)</th></tr>",
    ],
)
def test_a_two_row_header_with_a_heading_over_the_levels_reads_the_same(tmp_path, header):
    text = _page_text()
    assert ONE_ROW_HEADER in text
    p = _write(tmp_path, text.replace(ONE_ROW_HEADER, header))
    page = read_area_page(p)
    pd.testing.assert_frame_equal(page.areas, read_area_page(PAGE).areas)
    assert page.totals == read_area_page(PAGE).totals


def test_header_names_drop_a_group_heading_and_keep_a_single_one():
    names = area_page._header_names(
        [
            ("分野", "分野"),
            ("項目数", "項目数"),
            ("進捗状況", "S"),
            ("進捗状況", "A"),
            ("備考", "注"),
        ]
    )
    assert names == ["分野", "項目数", "S", "A", "備考注"]


@pytest.mark.parametrize(
    "span", ['colspan="1000000"', 'rowspan="99999999"', 'colspan="abc"', 'colspan="0"']
)
def test_a_span_no_table_has_is_refused_before_the_table_is_read(tmp_path, span):
    """A break trial's 200-byte page: colspan="1000000" took minutes and gigabytes (refused
    unread now: this test would not end otherwise)."""
    text = _page_text().replace('<td align="right">43</td>', f'<td align="right" {span}>43</td>', 1)
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_area_page(p)
    message = str(err.value)
    assert "1〜100 の整数" in message and "invalid literal" not in message
    assert err.value.line == 40


def test_a_table_whose_spans_spread_past_the_bound_is_refused_unread(tmp_path):
    """A recheck's: 2,000 cells each spanning 100 columns, every span allowed, 1.2 GB read."""
    rows = "<tr>" + '<td colspan="100">1</td>' * 2000 + "</tr>"
    text = _page_text().replace(ONE_ROW_HEADER, ONE_ROW_HEADER + rows, 1)
    with pytest.raises(InputError, match="表が大きすぎます"):
        read_area_page(_write(tmp_path, text))


def test_a_row_longer_than_the_header_is_refused_as_in_a_csv(tmp_path):
    text = _page_text().replace(
        '<td align="right">0</td></tr>', '<td align="right">0</td><td>999</td><td>888</td></tr>', 1
    )
    with pytest.raises(InputError, match="見出しのない列に値があります（999、888）") as err:
        read_area_page(_write(tmp_path, text))
    assert err.value.line == 35
