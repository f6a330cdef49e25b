"""The text of a report PDF (helpers.ingest.report.pdf_text): extraction, page furniture, refusals."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from support import FIXTURES

from helpers.core.errors import InputError
from helpers.core.radicals import count_radicals
from helpers.ingest.report import pdf_text
from helpers.ingest.report.pdf_text import PdfLine, drop_page_furniture, read_pdf_text, relocate

CHROMIUM_PDF = FIXTURES / "report_H29_end_chromium.pdf"
TABLES_PDF = FIXTURES / "report_H29_end_tables.pdf"


def _kept(pages):
    kept, _ = drop_page_furniture(pages)
    return [ln.text for ln in kept]


@pytest.mark.parametrize(
    "numbers",
    [
        ["1", "2", "3"],
        ["- 1 -", "- 2 -", "- 3 -"],
        ["－１－", "－２－", "－３－"],
        ["1/3", "2/3", "3/3"],
    ],
)
def test_page_numbers_are_dropped(numbers):
    body = [["協働の推進", "地域連絡会"], ["情報の共有", "ホームページ"], ["行政評価", "外郭団体"]]
    pages = [[*lines, n] for lines, n in zip(body, numbers, strict=True)]
    assert _kept(pages) == [t for lines in body for t in lines]


def test_a_number_that_does_not_run_with_the_pages_stays():
    # item numbers alone on a line at the top of pages: 7, 12, 30 are no page numbers
    pages = [["7", "観光まちづくり"], ["12", "行政評価"], ["30", "外郭団体"]]
    assert _kept(pages) == ["7", "観光まちづくり", "12", "行政評価", "30", "外郭団体"]


def test_running_header_with_a_page_number_inside_is_dropped():
    body = [["協働の推進", "地域連絡会"], ["情報の共有", "ホームページ"], ["行政評価", "外郭団体"]]
    pages = [[f"資料3 第3次プラン {p}/3", *lines] for p, lines in enumerate(body, start=1)]
    assert _kept(pages) == [t for lines in body for t in lines]


def test_lines_alike_but_for_a_figure_stay():
    pages = [["協働の推進", "目標4地区"], ["情報の共有", "目標12地区"], ["行政評価", "目標30地区"]]
    assert _kept(pages) == [t for lines in pages for t in lines]


def test_a_table_header_repeated_at_page_breaks_stays():
    header = "No 項目名 進捗状況 今後の取組"
    pages = [
        ["【参考２】", header, "1 協働推進", "・本文"],
        [header, "3 地域コミュニティ", "・本文"],
        [header, "8 情報発信", "・本文"],
    ]
    assert _kept(pages).count(header) == 3


def test_chromium_pdf_radicals_become_kanji():
    text = read_pdf_text(CHROMIUM_PDF)
    assert text.radicals > 150  # Chromium wrote ⾏ for 行 and so on
    assert count_radicals(text.text) == 0
    assert "行財政再構築" in text.text and "（７項目）" in text.text


def test_tables_pdf_headers_and_page_numbers_are_dropped_and_listed():
    text = read_pdf_text(TABLES_PDF)
    dropped = {ln.text for ln in text.dropped}
    assert dropped >= {"行財政再構築推進委員会 資料３", "- 1 -", f"- {text.pages} -"}
    assert len(text.dropped) == 3 * text.pages
    assert "資料３" not in text.text
    assert text.place(1) == (1, 4)  # the title, under the page's header and footer lines
    starts = text.page_starts()
    assert starts[0] == 1 and starts == sorted(starts) and len(starts) == text.pages


def test_a_pdf_locked_against_editing_only_is_read(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(TABLES_PDF))
    writer.encrypt(user_password="", owner_password="city-only")
    out = io.BytesIO()
    writer.write(out)
    locked = tmp_path / "report.pdf"
    locked.write_bytes(out.getvalue())
    assert read_pdf_text(locked).text == read_pdf_text(TABLES_PDF).text


def test_too_large_a_pdf_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_text, "MAX_BYTES", 100_000)
    with pytest.raises(InputError, match="PDF が大きすぎます"):
        read_pdf_text(TABLES_PDF)


def test_too_many_pages_are_refused(monkeypatch):
    monkeypatch.setattr(pdf_text, "MAX_PAGES", 2)
    with pytest.raises(InputError, match="ページ数が多すぎます（4 ページ、上限 2 ページ）"):
        read_pdf_text(TABLES_PDF)


def test_a_truncated_pdf_is_refused(tmp_path):
    cut = tmp_path / "report.pdf"
    cut.write_bytes(TABLES_PDF.read_bytes()[:3000])
    with pytest.raises(InputError, match="PDF") as exc:
        read_pdf_text(cut)
    assert "報告書のテキストを .txt" in str(exc.value)


def test_an_error_on_a_line_of_the_text_names_page_and_line():
    lines = [PdfLine(1, 3, "a"), PdfLine(2, 4, "b"), PdfLine(2, 5, "c")]
    err = relocate(InputError("r.pdf", "2行目の見出しのとおり", line=3), lines)
    assert (err.page, err.line) == (2, 5)
    assert str(err) == "r.pdf 2ページ 5行目: 2ページ 4行目の見出しのとおり"


@pytest.mark.parametrize("cut", [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 0.99])
def test_a_pdf_cut_anywhere_is_refused_or_read_never_a_crash(cut, tmp_path):
    data = TABLES_PDF.read_bytes()
    p = tmp_path / "report.pdf"
    p.write_bytes(data[: int(len(data) * cut)])
    try:
        text = read_pdf_text(p)
    except InputError as exc:
        assert "PDF" in str(exc)
    else:
        assert text.lines  # pypdf rebuilt what it could: the parser checks the rest


def test_a_pdf_with_bytes_flipped_is_refused_or_read_never_a_crash(tmp_path):
    data = bytearray(TABLES_PDF.read_bytes())
    for k in range(200, len(data), len(data) // 40):
        data[k] ^= 0x5A
    p = tmp_path / "report.pdf"
    p.write_bytes(bytes(data))
    try:
        read_pdf_text(p)
    except InputError as exc:
        assert "PDF" in str(exc)
