"""Regenerate the bad-input corpus from the project's real raw data.

    .venv/bin/python tests/corpus/make_corpus.py

Each file is a copy of one real raw file with exactly one fault put in (or, for
empty / garbage / wrong-format files, a file that is nothing but the fault).
tests/test_bad_inputs.py swaps each one into a copy of the real period folder
and checks that the run is refused with exit status 2 and a precise message.
See README.md in this folder for the list. The files are committed, so the
tests do not depend on this script; rerun it only to change the corpus.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE.parents[1] / "data" / "raw" / "kodaira-3"
REPORT = RAW / "2018-03" / "progress_report_H29_end.txt"
KPI = RAW / "2018-03" / "kpi_sheet.csv"
AREAS = RAW / "2017-09" / "progress_areas_H29_9.csv"
BOM = b"\xef\xbb\xbf"


def _report_lines() -> list[str]:
    return REPORT.read_text(encoding="utf-8").split("\n")


def _report(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _replace_line(lines: list[str], lineno: int, old: str, new: str) -> list[str]:
    out = list(lines)
    assert old in out[lineno - 1], (lineno, old, out[lineno - 1])
    out[lineno - 1] = out[lineno - 1].replace(old, new, 1)
    return out


def _kpi_rows() -> list[list[str]]:
    text = KPI.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _kpi(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n", delimiter=delimiter).writerows(rows)
    return BOM + buf.getvalue().encode("utf-8")


def _areas_lines() -> list[str]:
    return AREAS.read_text(encoding="utf-8").split("\n")


def _areas(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_faults(kr: list[list[str]]) -> dict[str, bytes]:
    """KPI sheets as Excel workbooks (kpi_sheet.xlsx), each with one fault."""
    import datetime as dt

    from openpyxl import Workbook

    def book(rows, *, extra_sheet=False, cells=None) -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.title = "kpi_sheet"
        for row in rows:
            ws.append(row)
        for ref, value in (cells or {}).items():
            ws[ref] = value
        if extra_sheet:
            wb.create_sheet("メモ")["A1"] = "確認用"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    header = kr[0]
    value = header.index("value_text")
    out = {}
    rows = [list(r) for r in kr]
    rows[1][value] = "9,719人"
    out["kpi_xlsx_value_not_in_report.xlsx"] = book(rows)
    assert kr[11][value] == "92.6%"
    out["kpi_xlsx_number_in_a_wording_cell.xlsx"] = book(kr, cells={"E12": 0.926})
    out["kpi_xlsx_formula_cell.xlsx"] = book(kr, cells={"E2": "=9718"})
    out["kpi_xlsx_date_cell.xlsx"] = book(kr, cells={"E7": dt.datetime(2018, 3, 31)})
    out["kpi_xlsx_two_sheets.xlsx"] = book(kr, extra_sheet=True)
    out["kpi_xlsx_not_a_workbook.xlsx"] = _garbage(7)
    misspelt = [list(r) for r in kr]
    misspelt[0][value] = "value_txt"
    out["kpi_xlsx_misspelt_column.xlsx"] = book(misspelt)
    rows = [list(r) for r in kr]
    rows[1][value] = "9,7\u200b18人"
    out["kpi_xlsx_zero_width_space_in_a_number.xlsx"] = book(rows)
    drafted = [list(r) + [m] for r, m in zip(kr, ["draft"] + [""] * (len(kr) - 1), strict=True)]
    drafted[1][-1], drafted[8][-1] = "要確認", "要確認（不一致の可能性）"
    out["kpi_xlsx_unconfirmed_draft.xlsx"] = book(drafted)
    out["kpi_unconfirmed_draft.csv"] = _kpi(drafted)
    out["kpi_xlsx_beside_the_csv.xlsx"] = book(kr)  # added beside the real CSV sheet
    out["kpi_sheet.draft.xlsx"] = book(kr)  # added beside: a draft left in the folder
    return out


def _garbage(seed: int, n: int = 2048) -> bytes:
    return random.Random(seed).randbytes(n)


OTHER_LAYOUT = """\
# 第３次行財政再構築プランの進捗状況（平成29年度末）

平成29年度末のスケジュールの進捗状況については、全43項目（再掲2項目）の取組のうち、3項目が「予定以上に進捗」、30項目が「予定どおりに進捗」、10項目が「予定よりも遅れている」となりました。

【表１】各プログラムの進捗状況（平成29年度末）

| 分野 | 予定以上に進捗（S） | 予定どおりに進捗（A） | 予定よりも遅れている（B） |
|---|---|---|---|
| 1 地域協働の推進（7項目） | 1 | 4 | 2 |
| 2 情報の共有と双方向のコミュニケーション（3項目） | 0 | 1 | 2 |
| 3 PDCAサイクルの構築（6項目） | 0 | 4 | 2 |
| 4 財政基盤の強化（14項目） | 1 | 9 | 4 |
| 5 執行体制の再構築（13項目） | 1 | 12 | 0 |
| 計 | 3 | 30 | 10 |
"""

WEB_PAGE_LAYOUT = """\
第3次行財政再構築プランの進捗状況（平成29年度末）
更新日：2018年6月1日

第3次行財政再構築プランの各プログラムの進捗状況をお知らせします。
進捗状況の内訳
予定以上に進捗　3項目
予定どおりに進捗　30項目
予定よりも遅れている　10項目
詳しくは、添付ファイルをご覧ください。
"""

MINIMAL_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n0\n%%EOF\n"
)


def _pdf_pages(draw) -> bytes:
    """A one-page A4 PDF drawn by matplotlib (``draw(fig)``), without a creation date."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    font_manager.fontManager.addfont(str(_ipaex()))
    out = io.BytesIO()
    with matplotlib.rc_context({"font.family": "IPAexGothic", "pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        draw(fig)
        with PdfPages(out, metadata={"CreationDate": None}) as pdf:
            pdf.savefig(fig)
        plt.close(fig)
    return out.getvalue()


def _ipaex() -> Path:
    import matplotlib

    for f in (
        Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
        Path(matplotlib.__file__).parents[1] / "japanize_matplotlib" / "fonts" / "ipaexg.ttf",
    ):
        if f.is_file():
            return f
    raise SystemExit("IPAexGothic not found (apt-get install fonts-ipaexfont-gothic)")


def _report_page(fig) -> None:
    for k, line in enumerate(_report_lines()[:40:2]):
        fig.text(0.08, 0.95 - k * 0.03, line.strip(), fontsize=10)


def _scanned_pdf() -> bytes:
    """The first lines of the report as an image only, as a scanner makes it: no text layer."""
    import matplotlib
    import numpy as np
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font_manager.fontManager.addfont(str(_ipaex()))
    with matplotlib.rc_context({"font.family": "IPAexGothic"}):
        fig = Figure(figsize=(8.27, 11.69), dpi=40)
        FigureCanvasAgg(fig)
        _report_page(fig)
        fig.canvas.draw()
    gray = np.asarray(fig.canvas.buffer_rgba())[:, :, 0]

    def draw(f) -> None:
        ax = f.add_axes((0, 0, 1, 1))
        ax.imshow(gray, cmap="gray", interpolation="nearest")
        ax.set_axis_off()

    return _pdf_pages(draw)


def _encrypted_pdf() -> bytes:
    """A text PDF that opens only with a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_pages(_report_page))))
    writer.encrypt(user_password="kodaira", owner_password="kodaira-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _word_file() -> bytes:
    """A Word file (a zip package), as saved by renaming report.docx to report.pdf."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("word/document.xml", "<w:document>" + _report_lines()[0] + "</w:document>")
    return out.getvalue()


def _area_page_faults() -> dict[str, bytes]:
    """The 2017-09 table as the city's saved page (tests/fixtures), with one fault each."""
    page = (HERE.parent / "fixtures" / "areas_H29_9_page.html").read_bytes().decode("cp932")
    return {
        # the page says UTF-8 but was saved in Shift_JIS
        "areas_page_says_utf8_is_shift_jis.html": page.replace(
            "charset=Shift_JIS", "charset=UTF-8"
        ).encode("cp932"),
        # a page of the site without the per-area table (分野 renamed: no header words)
        "areas_page_without_the_table.html": page.replace("分野", "区分").encode("cp932"),
        # area 4's B count typed as 四 on the page
        "areas_page_count_in_kanji.html": page.replace(
            '<td align="right">4</td></tr>\r\n<tr><td>5',
            '<td align="right">四</td></tr>\r\n<tr><td>5',
        ).encode("cp932"),
    }


def _kpi_cell(rows: list[list[str]], line: int, column: str, old: str, new: str) -> bytes:
    """The sheet with one cell (sheet line ``line``, ``column``) changed from ``old`` to ``new``."""
    out = [list(r) for r in rows]
    col = out[0].index(column)
    assert out[line - 1][col] == old, (line, column, out[line - 1][col])
    out[line - 1][col] = new
    return _kpi(out)


def _kpi_wording_faults(kr: list[list[str]], rl: list[str]) -> dict[str, bytes]:
    """Whole figures, invisible characters, signed changes, absurd figures (second pass)."""
    files = {
        # a figure found only inside a longer one of the report: 718人 in 9,718人, 2.6% in 92.6%
        "kpi_figure_inside_a_longer_figure.csv": _kpi_cell(kr, 2, "value_text", "9,718人", "718人"),
        "kpi_percent_inside_a_longer_percent.csv": _kpi_cell(kr, 12, "value_text", "92.6%", "2.6%"),
        # invisible characters: a zero-width space splitting 9,718; U+202E after a name
        "kpi_zero_width_space_in_a_number.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "9,7\u200b18人"
        ),
        "kpi_right_to_left_override_in_indicator.csv": _kpi_cell(
            kr, 2, "indicator", "市民活動支援センター来場者数", "市民活動支援センター来場者数\u202e"
        ),
        # a stated change whose sign (△: a decrease) and word (増: an increase) disagree,
        # in the sheet and in the report alike (the report file is its partner)
        "kpi_triangle_change_says_increase.csv": _kpi_cell(
            kr, 18, "prev_text", "前年度から 159万円の減", "前年度から△159万円の増"
        ),
        # a 29-digit figure, in the sheet and in the report alike (the report file is its partner)
        "kpi_29_digit_value.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "12345678901234567890123456789人"
        ),
    }
    files["report_triangle_change_says_increase.txt"] = _report(
        _replace_line(
            _replace_line(rl, 612, "前年度から 159", "前年度から△159"), 614, "万円の減", "万円の増"
        )
    )
    files["report_29_digit_value.txt"] = _report(
        _replace_line(rl, 97, "で 9,718", "で 12345678901234567890123456789")
    )
    return files


def _number_reading_faults(kr: list[list[str]], rl: list[str], al: list[str]) -> dict[str, bytes]:
    """Figures that read one way but may mean another (third pass: a tester's findings)."""
    # item 30 ②'s change printed with a minus (−, or ー as PDF text gives it) and no 減
    minus = _replace_line(
        _replace_line(rl, 612, "前年度から 159", "前年度比 −159"), 614, "万円の減", "万円"
    )
    long_vowel = _replace_line(
        _replace_line(rl, 612, "前年度から 159", "前年度比ー159"), 614, "万円の減", "万円"
    )
    sentence = (
        "売払いは 5 件 17,966,912円（旧用水敷 5件）、貸付は 10件 11,542,734円、合計29,509,646円"
    )
    files = {
        "report_minus_before_change.txt": _report(minus),
        "kpi_bare_minus_previous_value.csv": _kpi_cell(
            kr, 18, "prev_text", "前年度から 159万円の減", "−159万円"
        ),
        "report_long_vowel_mark_as_minus.txt": _report(long_vowel),
        "kpi_long_vowel_mark_as_minus.csv": _kpi_cell(
            kr, 18, "prev_text", "前年度から 159万円の減", "前年度比ー159万円"
        ),
        # invisible characters that are not format characters (Cf), and a combining mark
        "kpi_hangul_filler_in_a_number.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "9,7\u316418人"
        ),
        "kpi_variation_selector_in_a_number.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "9\ufe0f,718人"
        ),
        "kpi_combining_mark_on_a_digit.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "9,71\u03018人"
        ),
        "report_combining_grapheme_joiner_in_a_number.txt": _report(
            _replace_line(rl, 97, "で 9,718", "で 9,7\u034f18")
        ),
        "report_line_separator_in_a_number.txt": _report(
            _replace_line(rl, 97, "で 9,718", "で 9,\u2028718")
        ),
        # 、 as a thousands separator in the report; the sheet cites the tail of the figure
        "report_ideographic_comma_in_a_figure.txt": _report(
            _replace_line(rl, 97, "で 9,718", "で 9、718")
        ),
        "kpi_tail_of_a_figure_after_ideographic_comma.csv": _kpi_cell(
            kr, 2, "value_text", "9,718人", "718人"
        ),
        # 割 for a KPI counted in persons; the report says the same
        "report_wari_target.txt": _report(_replace_line(rl, 99, "1 万人以上", "9割以上")),
        "kpi_wari_target_in_persons.csv": _kpi_cell(kr, 2, "target_text", "1 万人以上", "9割以上"),
        # a figure the report qualifies, copied without its qualifier
        "kpi_target_without_its_qualifier.csv": _kpi_cell(kr, 12, "target_text", "80%台", "80%"),
        "kpi_relisted_item_number.csv": _kpi_cell(kr, 5, "item_no", "7", "41"),
        "kpi_header_only.csv": _kpi(kr[:1]),
        "kpi_sentence_as_value.csv": _kpi_cell(kr, 6, "value_text", "合計29,509,646円", sentence),
        # counts beyond any plan (once an OverflowError traceback, exit 1)
        "report_item_count_overflow.txt": _report(
            _replace_line(rl, 55, "（７項目）", "（" + "９" * 21 + "項目）")
        ),
        "areas_count_overflow.csv": _areas(
            al[:5] + [al[5].replace(",7,0,7,0", ",99999999999999999999,0,7,0")] + al[6:]
        ),
    }
    return files


def build() -> dict[str, bytes]:
    """File name → bytes of every corpus file."""
    rl = _report_lines()
    report_bytes = REPORT.read_bytes()
    files: dict[str, bytes] = {}

    # ---- the report text (2018-03), swapped in for progress_report_H29_end.txt
    files["report_truncated_after_title.txt"] = _report(rl[:16])
    files["report_truncated_in_summary.txt"] = _report(rl[:24])
    files["report_truncated_in_area_table.txt"] = _report(rl[:66])
    files["report_truncated_before_item_lists.txt"] = _report(rl[:78])
    files["report_truncated_in_item_list.txt"] = _report(rl[:362])  # after row 10, before row 11
    files["report_truncated_mid_row.txt"] = _report(rl[:342])  # row 10 without its 【要因】
    files["report_truncated_in_last_row.txt"] = _report(rl[:650])  # row 30 without 【今後の対応】
    # cut one byte into a three-byte character (約) on line 298
    offset = (
        len("\n".join(rl[:297]).encode("utf-8")) + 1 + len(rl[297].split("約")[0].encode("utf-8"))
    )
    assert report_bytes[offset : offset + 3] == "約".encode()
    files["report_truncated_mid_character.txt"] = report_bytes[: offset + 1]
    files["report_other_layout_markdown.txt"] = OTHER_LAYOUT.encode("utf-8")
    files["report_other_layout_web_page.txt"] = WEB_PAGE_LAYOUT.encode("utf-8")
    files["report_area_row_missing.txt"] = _report(rl[:62] + rl[67:])  # drops Ⅲ (lines 63-67)
    files["report_area_row_repeated.txt"] = _report(rl[:62] + rl[57:62] + rl[62:])  # Ⅱ twice
    files["report_area_rows_swapped.txt"] = _report(
        rl[:57] + rl[62:67] + rl[57:62] + rl[67:]
    )  # Ⅲ before Ⅱ
    files["report_area_count_not_numeric.txt"] = _report(
        _replace_line(rl, 56, "１ ４ ２", "１ 四 ２")
    )
    files["report_area_item_count_not_numeric.txt"] = _report(
        _replace_line(rl, 55, "（７項目）", "（七項目）")
    )
    files["report_summary_count_not_numeric.txt"] = _report(
        _replace_line(rl, 25, "3 項目が「予定以上に進捗」", "三 項目が「予定以上に進捗」")
    )
    files["report_area_count_missing.txt"] = _report(_replace_line(rl, 56, "１ ４ ２", "１ ４"))
    files["report_unknown_status_label.txt"] = _report(
        _replace_line(rl, 25, "「予定どおりに進捗」", "「概ね順調」")
    )
    files["report_area_header_unknown_status.txt"] = _report(
        _replace_line(
            _replace_line(_replace_line(rl, 35, "予定以上に", "概ね"), 37, "進捗", "順調"),
            39,
            "（Ｓ）",
            "（Ｃ）",
        )
    )
    files["report_list_heading_unknown_status.txt"] = _report(
        _replace_line(rl, 83, "予定よりも遅れている取組一覧", "要検討の取組一覧")
    )
    files["report_duplicate_item_number.txt"] = _report(
        _replace_line(rl, 326, "10 なるほど", "8 なるほど")
    )
    files["report_of_another_period.txt"] = _report(
        _replace_line(rl, 3, "平成 29年度末", "平成 28年度末")
    )
    files["report_empty.txt"] = b""
    files["report_blank_lines_only.txt"] = b"\n\n   \r\n\t\n"
    files["report_binary_garbage.txt"] = _garbage(1)
    files["report_control_characters.txt"] = (
        bytes(range(1, 9)) * 64 + b"\n" + bytes(range(14, 32)) * 32
    )
    # a stray 0xFF at the start of line 97's text
    line97 = len("\n".join(rl[:96]).encode("utf-8")) + 1
    files["report_undecodable_byte.txt"] = report_bytes[:line97] + b"\xff" + report_bytes[line97:]
    files["report_utf16.txt"] = report_bytes.decode("utf-8").encode("utf-16")
    cp = report_bytes.decode("utf-8").encode("cp932")
    at = cp.index("（７項目）".encode("cp932"))  # on line 55
    files["report_cp932_stray_byte.txt"] = cp[:at] + b"\xff" + cp[at:]
    files["report_saved_as_pdf.pdf"] = MINIMAL_PDF
    files["report_scanned.pdf"] = _scanned_pdf()
    files["report_encrypted.pdf"] = _encrypted_pdf()
    files["report_word_file_renamed.pdf"] = _word_file()
    files["report_pdf_beside_text.pdf"] = MINIMAL_PDF  # added beside the real report text
    files["report_second_copy.txt"] = report_bytes  # added beside the real report

    # ---- the KPI sheet (2018-03), swapped in for kpi_sheet.csv
    kr = _kpi_rows()
    header = kr[0]
    ui = header.index("unit")
    files["kpi_missing_column_unit.csv"] = _kpi([r[:ui] + r[ui + 1 :] for r in kr])
    misspelt = [list(r) for r in kr]
    misspelt[0][header.index("target_text")] = "taget_text"
    files["kpi_misspelt_column.csv"] = _kpi(misspelt)
    rows = [list(r) for r in kr]
    assert rows[1][header.index("value_text")] == "9,718人"
    rows[1][header.index("value_text")] = "9,781人"
    files["kpi_value_not_in_report.csv"] = _kpi(rows)
    rows = [list(r) for r in kr]
    assert rows[11][header.index("target_text")] == "80%台"
    rows[11][header.index("target_text")] = "90%台"
    files["kpi_target_not_in_report.csv"] = _kpi(rows)
    rows = [list(r) for r in kr]
    assert rows[6][0] == "3"
    rows[6][0] = "2"
    files["kpi_item_not_in_lists.csv"] = _kpi(rows)
    rows = [list(r) for r in kr]
    assert rows[7][0] == "8"
    rows[7][0] = "No.8"
    files["kpi_item_no_not_a_number.csv"] = _kpi(rows)
    files["kpi_duplicate_row.csv"] = _kpi(kr[:2] + [kr[1]] + kr[2:])
    rows = [list(r) for r in kr]
    rows[4] = rows[4] + [""]
    files["kpi_extra_field.csv"] = _kpi(rows)
    rows = [list(r) for r in kr]
    rows[1][header.index("unit")] = "件"
    files["kpi_unit_mismatch.csv"] = _kpi(rows)
    rows = [list(r) for r in kr]
    assert rows[11][header.index("direction")] == "lower"
    rows[11][header.index("direction")] = "down"
    files["kpi_bad_direction.csv"] = _kpi(rows)
    files["kpi_empty.csv"] = b""
    files["kpi_utf16.csv"] = KPI.read_bytes().decode("utf-8-sig").encode("utf-16")
    files["kpi_saved_as_xlsx.csv"] = _xlsx(kr)
    files.update(_xlsx_faults(kr))
    kb = KPI.read_bytes()
    at = kb.index("市民活動支援センター来場者数".encode())  # line 2
    files["kpi_mixed_encoding.csv"] = (
        kb[:at]
        + "市民活動支援センター来場者数".encode("cp932")
        + kb[at + len("市民活動支援センター来場者数".encode()) :]
    )
    files["kpi_unclosed_quote.csv"] = kb.replace('"9,718人"'.encode(), '"9,718人'.encode(), 1)
    files["kpi_semicolon_separated.csv"] = _kpi(kr, delimiter=";")
    files["kpi_second_sheet.csv"] = kb  # added beside the real sheet
    files.update(_kpi_wording_faults(kr, rl))

    # ---- the per-area table (2017-09), swapped in for progress_areas_H29_9.csv
    al = _areas_lines()
    assert al[4].startswith("分野") and al[10].startswith(",43")
    files["areas_row_missing.csv"] = _areas(al[:7] + al[8:])  # drops area 3 (line 8)
    files["areas_row_repeated.csv"] = _areas(al[:7] + [al[6]] + al[7:])  # area 2 twice
    files["areas_rows_swapped.csv"] = _areas(al[:6] + [al[7], al[6]] + al[8:])  # 3 before 2
    files["areas_row_after_totals.csv"] = _areas(al[:11] + ["6 その他,1,0,1,0"] + al[11:])
    files["areas_count_not_numeric.csv"] = _areas(
        al[:8] + [al[8].replace(",14,", ",十四,")] + al[9:]
    )
    files["areas_count_blank.csv"] = _areas(
        al[:5] + [al[5].replace(",7,0,7,0", ",7,0,,0")] + al[6:]
    )
    header_cells = al[4].split(",")
    files["areas_missing_column_B.csv"] = _areas(
        al[:4] + [",".join(line.split(",")[:4]) for line in al[4:11]] + al[11:]
    )
    files["areas_misspelt_column.csv"] = _areas(
        al[:4] + [al[4].replace("項目数", "項目の数")] + al[5:]
    )
    files["areas_unknown_status_column.csv"] = _areas(
        al[:4] + [al[4].replace(header_cells[4], "概ね順調(C)")] + al[5:]
    )
    files["areas_label_without_number.csv"] = _areas(
        al[:5] + [al[5].replace("1 地域", "地域")] + al[6:]
    )
    files["areas_missing_field.csv"] = _areas(al[:7] + [al[7].rsplit(",", 1)[0]] + al[8:])
    files["areas_empty.csv"] = b""
    files["areas_comments_only.csv"] = _areas(al[:4] + [""])
    files["areas_binary_garbage.csv"] = _garbage(2)
    files["areas_utf16.csv"] = AREAS.read_bytes().decode("utf-8").encode("utf-16")
    files["areas_saved_as_xlsx.csv"] = _xlsx([line.split(",") for line in al[4:11]])
    files["areas_second_table.csv"] = AREAS.read_bytes()  # added beside the real table
    files.update(_area_page_faults())
    files.update(_number_reading_faults(kr, rl, al))
    return files


def main(names: list[str]) -> None:
    """Write every corpus file, or only those named (the others stay as committed)."""
    files = build()
    unknown = set(names) - set(files)
    if unknown:
        raise SystemExit(f"no such corpus file: {', '.join(sorted(unknown))}")
    for name, data in files.items():
        if not names or name in names:
            (HERE / name).write_bytes(data)
            print(f"{name}\t{len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
