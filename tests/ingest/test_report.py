"""The published progress report (helpers.ingest.report and its modules), on the real 2018-03 text.

The real file is PDF text with every line followed by an empty line (double
spacing); line numbers below are those of the file as it lies on disk.
Synthetic variants are built by editing the real text in tmp_path.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from support import PLAN, REPORT_FILE, copy_raw
from support import extraction_variants as ev

from helpers.analysis.audit import run_audit
from helpers.analysis.metrics import compute_metrics
from helpers.core.errors import InputError
from helpers.core.vocab import STANDARD, Vocabulary
from helpers.ingest import report as report_package
from helpers.ingest.clean import clean_period
from helpers.ingest.report import (
    ParsedReport,
    Summary,
    parse_report,
    parse_report_text,
    undouble_lines,
)
from helpers.ingest.report.rows import STRONG, WEAK, _row_opening

B_ITEMS = [1, 3, 8, 10, 11, 12, 20, 22, 25, 30]
S_ITEMS = [[7, 41], [28]]
NAMES = {
    1: "協働推進体制の充実",
    3: "地域コミュニティの推進",
    7: "観光まちづくりの推進",
    8: "多様なメディアを生かした積極的な情報発信",
    10: "なるほど出前講座「デリバリーこだいら」の推進",
    11: "組織目標の管理体制の推進",
    12: "行政評価の実施",
    20: "財政指標の改善",
    22: "市内産業の育成",
    25: "受益者負担の適正化（使用料・手数料の見直し）",
    28: "財産の有効活用の促進",
    30: "外郭団体の経営改善",
}
AREA_NAMES = [
    "地域協働の推進",
    "情報の共有と双方向のコミュニケーション",
    "PDCAサイクルの構築",
    "財政基盤の強化",
    "執行体制の再構築",
]


@pytest.fixture(scope="module")
def raw_text() -> str:
    return REPORT_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def file_lines(raw_text) -> list[str]:
    return raw_text.split("\n")


@pytest.fixture(scope="module")
def report() -> ParsedReport:
    return parse_report(REPORT_FILE)


def by_no(report: ParsedReport) -> dict[int, object]:
    return {it.numbers[0]: it for it in report.items}


def file_line_of(lines: list[str], needle: str, start: int = 0) -> int:
    """1-based line number in the file of the first line containing ``needle``."""
    return next(i + 1 for i, line in enumerate(lines) if i >= start and needle in line)


def content(report: ParsedReport) -> dict:
    """Everything a parse says, without line numbers, path and how status was found."""
    return {
        "period": report.period_id,
        "summary": (report.summary.total, report.summary.relisted, report.summary.counts),
        "areas": [(a.area_no, a.area_name, a.items, a.S, a.A, a.B) for a in report.areas],
        "totals": report.totals,
        "headings": {s: (h.count, h.relisted) for s, h in report.headings.items()},
        "items": sorted(
            (it.numbers, it.name, it.status, it.progress, it.causes, it.next_steps, it.text)
            for it in report.items
        ),
        "order": {s: [it.numbers for it in report.items if it.status == s] for s in "SB"},
    }


def single_spaced(raw_text: str) -> str:
    lines, _ = undouble_lines(raw_text.split("\n"))
    return "\n".join(lines)


def positional_layout(raw_text: str) -> str:
    """The report with the 参考１ rows under their own heading, then 参考２ and its rows."""
    lines = single_spaced(raw_text).split("\n")

    def find(pred, start=0):
        return next(i for i, line in enumerate(lines) if i >= start and pred(line))

    i_s = find(lambda s: "【参考１】" in s)
    i_b = find(lambda s: "【参考２】" in s)
    headers = [i for i, s in enumerate(lines) if s.strip().startswith("No 項目名")]
    assert len(headers) == 5 and headers[0] == i_b + 1  # one per page
    header = lines[headers[0] : headers[0] + 4]
    assert header[-1].strip() == "今後の取組"
    b_first = lines[headers[0] + 4 : headers[1]]  # item 1
    s_rows = lines[headers[1] + 4 : headers[2]]  # items 7/41 and 28
    b_rest = lines[headers[2] :]  # items 3 … 30, with their page headers
    assert (
        s_rows[0].strip() == "7" and b_first[0].startswith("1 ") and "地域コミュニテ" in b_rest[4]
    )
    return "\n".join(
        lines[:i_s]
        + [lines[i_s], " "]
        + header
        + s_rows
        + [" ", lines[i_b]]
        + header
        + b_first
        + b_rest
    )


def write(tmp_path: Path, text: str, name: str = "report.txt", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# --------------------------------------------------------------------------
# the real report
# --------------------------------------------------------------------------


def test_period_of_the_real_report(report):
    assert report.period_id == "2018-03"
    assert report.path == REPORT_FILE


def test_summary_sentence(report, file_lines):
    s = report.summary
    assert s.total == 43
    assert s.relisted == 2
    assert s.counts == {"S": 3, "A": 30, "B": 10}
    assert s.line == file_line_of(file_lines, "全 43項目") == 23
    assert s.text.startswith("全43項目(再掲2項目)の取組のうち")
    assert s.text.endswith("となりました")


def test_area_table_rows(report):
    rows = [(a.area_no, a.area_name, a.items, a.S, a.A, a.B) for a in report.areas]
    assert rows == [
        (1, "地域協働の推進", 7, 1, 4, 2),
        (2, "情報の共有と双方向のコミュニケーション", 3, 0, 1, 2),
        (3, "PDCAサイクルの構築", 6, 0, 4, 2),
        (4, "財政基盤の強化", 14, 1, 9, 4),
        (5, "執行体制の再構築", 13, 1, 12, 0),
    ]
    assert report.total_items == 43


def test_area_table_totals(report, file_lines):
    assert report.totals == {"S": 3, "A": 30, "B": 10}
    assert report.totals_line == file_line_of(file_lines, "計 ３ ３０") == 78
    for s in "SAB":
        assert sum(getattr(a, s) for a in report.areas) == report.totals[s]


def test_area_lines_refer_to_the_file(report, file_lines):
    assert [a.line for a in report.areas] == [53, 58, 63, 68, 73]
    for a, numeral in zip(report.areas, "ⅠⅡⅢⅣⅤ", strict=True):
        assert file_lines[a.line - 1].startswith(numeral)


def test_area_of_item_numbers(report):
    assert [report.area_of(n) for n in (1, 7, 8, 10, 11, 16, 17, 30, 31, 41, 43)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        5,
    ]
    assert report.area_of(44) is None


def test_list_headings(report, file_lines):
    s, b = report.headings["S"], report.headings["B"]
    assert (s.count, s.relisted) == (3, 1)
    assert (b.count, b.relisted) == (10, 0)
    assert s.line == file_line_of(file_lines, "【参考１】") == 79
    assert b.line == file_line_of(file_lines, "【参考２】") == 83


def test_s_items(report):
    assert [it.numbers for it in report.items if it.status == "S"] == S_ITEMS


def test_b_items_in_order(report):
    assert [it.numbers[0] for it in report.items if it.status == "B"] == B_ITEMS
    assert all(len(it.numbers) == 1 for it in report.items if it.status == "B")


def test_twelve_rows_thirteen_numbers(report):
    assert len(report.items) == 12
    assert sorted(n for it in report.items for n in it.numbers) == sorted(B_ITEMS + [7, 28, 41])


def test_relisted_item_is_one_row_with_two_numbers(report):
    rows = [it for it in report.items if 7 in it.numbers or 41 in it.numbers]
    assert len(rows) == 1
    item = rows[0]
    assert item.numbers == [7, 41]
    assert item.name == "観光まちづくりの推進"
    assert item.status == "S"
    assert item.causes is None
    assert item.progress.startswith("アクションプラン50のうち、平成29年度末の目標実施数16に対し")
    assert item.progress.endswith("36のアクションプランの推進を図った。")


def test_item_names(report):
    assert {it.numbers[0]: it.name for it in report.items} == NAMES


def test_item_lines_refer_to_the_file(report, file_lines):
    items = by_no(report)
    assert items[1].line == 91 and file_lines[90].startswith("1 協働推進体制の")
    assert items[7].line == 165 and file_lines[164].strip() == "7"
    assert items[28].line == 203 and file_lines[202].startswith("28 財産の有効活用")
    assert items[30].line == 598 and file_lines[597].startswith("30 外郭団体の経")
    assert items[1].end_line == 153 and "続き検討を進める" in file_lines[152]
    for it in report.items:
        assert it.line <= it.end_line
        assert file_lines[it.line - 1].strip().startswith(str(it.numbers[0]))


def test_status_found_by_content_in_the_interleaved_layout(report):
    # 【参考１】's rows are printed inside 【参考２】: status comes from 【要因】
    assert {it.status_basis for it in report.items} == {"content (【要因】)"}
    for it in report.items:
        assert (it.causes is not None) == (it.status == "B")


def test_item_1_texts(report):
    item = by_no(report)[1]
    assert item.progress.startswith(
        "・市民活動支援センター来場者数は、平成29年度末で9,718人であり、目標値1万人以上を達成できなかった。"
    )
    assert item.progress.count("\n") == 2  # three bullets, one per line
    assert item.causes.startswith(
        "・市民活動支援センターへの来場数減の要因としては、登録団体数の減や"
    )
    assert item.causes.split("\n")[1].startswith("・民間事業者との包括協定の締結については")
    assert item.next_steps.startswith(
        "・「小平市協働の推進に関する指針」の見直しを行い、今後の取組目標等も決めていく予定。"
    )
    assert item.next_steps.endswith("引き続き検討を進める。")
    assert "【" not in item.causes + item.next_steps


def test_item_30_texts_keep_circled_numbers(report):
    item = by_no(report)[30]
    assert [line[0] for line in item.progress.split("\n")] == ["①", "②", "③"]
    assert item.progress.startswith("①利用料収入について、6,870万円となり、目標を達成した。")
    assert (
        "②小平市社会福祉協議会財源確保額：平成29年度末で2,265万円、前年度から159万円の減"
        in item.progress
    )
    assert item.causes.startswith(
        "①－\n②インターネットオークションやリユース業の買い取り等が多くなり"
    )
    assert [line[0] for line in item.causes.split("\n")] == ["①", "②", "③"]
    assert item.next_steps.startswith("①今後も改修工事の実施が予定されており")
    assert "\n②バザー用品の提供の意義について" in item.next_steps
    assert "\n③今後も、シルバー人材センターの会員増強が" in item.next_steps
    assert item.next_steps.endswith("シルバー人材センターのPR支援に努めていく。")


def test_other_texts(report):
    items = by_no(report)
    assert items[28].progress.endswith("合計29,509,646円の財源確保を行った。")
    assert items[28].causes is None
    assert (
        items[28].next_steps
        == "業務の優先順位を踏まえつつ、関連部署との連携を密にしていくことで計画的な売却を進めていく。"
    )
    assert "62.6%（107指標のうち67本）" in items[12].progress
    assert "（94.8%→92.6%）" in items[20].progress
    assert items[22].progress.endswith("※法人市民税調定額（資本金1億円以下）については未算出")
    assert items[11].causes.endswith("全106件中、一部未達成及び一部未実施が6件あった。")
    assert items[7].next_steps.split("\n")[1:] == [
        "①観光ボランティア活動の推進（アクションプラン7）",
        "②魅力ある直売所の情報発信強化（アクションプラン24）",
        "③特産品開発の支援（アクションプラン44）",
    ]


def test_row_text_is_squashed_for_wording_checks(report):
    items = by_no(report)
    assert "9,718人" in items[1].text
    assert " " not in items[1].text
    assert "約340万件" in items[8].text
    assert "前年度から159万円の減" in items[30].text


def test_status_labels_come_from_the_vocabulary():
    code_of = STANDARD.code_of
    assert code_of("予定以上に進捗") == "S"
    assert code_of("予定 どおりに 進捗") == "A"
    assert code_of("予定通りに進捗") == "A"
    assert code_of("予定よりも遅れている") == "B"
    assert code_of("順調") is None
    names = [info.name for info in pkgutil.iter_modules(report_package.__path__)]
    assert "title" in names
    for module in [report_package] + [
        importlib.import_module(f"{report_package.__name__}.{n}") for n in names
    ]:
        assert not hasattr(module, "STATUS_LABELS")
        assert not hasattr(module, "status_of_label")


def test_undouble_lines_keeps_single_spacing():
    lines = ["a", "b", "", "c", "d"]
    assert undouble_lines(lines) == (lines, [1, 2, 3, 4, 5])


def test_undouble_lines_maps_file_line_numbers():
    out, numbers = undouble_lines(["a", "", "b", "", "", "", "c", "", "d", ""])
    assert out == ["a", "b", "", "c", "d"]
    assert numbers == [1, 3, 4, 7, 9]


# --------------------------------------------------------------------------
# variants that mean the same
# --------------------------------------------------------------------------


def test_single_line_spacing_parses_identically(tmp_path, raw_text, report):
    text = single_spaced(raw_text)
    assert text.count("\n") < raw_text.count("\n") * 0.6
    other = parse_report(write(tmp_path, text))
    assert content(other) == content(report)
    lines = text.split("\n")
    # line numbers refer to this file
    assert lines[other.summary.line - 1].startswith("平成 29年度末のスケジュール")
    assert lines[by_no(other)[30].line - 1].startswith("30 外郭団体の経")


def test_positional_layout_parses_identically(tmp_path, raw_text, report):
    text = positional_layout(raw_text)
    other = parse_report(write(tmp_path, text))
    assert content(other) == content(report)
    assert {it.status_basis for it in other.items} == {"position"}
    lines = text.split("\n")
    assert (
        other.headings["S"].line
        < by_no(other)[7].line
        < other.headings["B"].line
        < by_no(other)[1].line
    )
    assert "【参考１】" in lines[other.headings["S"].line - 1]
    assert lines[by_no(other)[28].line - 1].startswith("28 財産の有効活用")


def test_positional_layout_in_double_spacing(tmp_path, raw_text, report):
    text = "\n\n".join(positional_layout(raw_text).split("\n"))
    assert content(parse_report(write(tmp_path, text))) == content(report)


@pytest.mark.parametrize(
    "encoding,newline",
    [("utf-8", "\r\n"), ("cp932", "\n"), ("cp932", "\r\n"), ("utf-8-sig", "\n")],
)
def test_encodings_and_line_ends_parse_identically(tmp_path, raw_text, report, encoding, newline):
    p = write(tmp_path, raw_text.replace("\n", newline), encoding=encoding)
    other = parse_report(p)
    assert content(other) == content(report)
    assert [it.line for it in other.items] == [it.line for it in report.items]
    assert other.summary.line == report.summary.line


def test_parse_report_text_equals_parse_report(raw_text, report):
    other = parse_report_text(raw_text, REPORT_FILE)
    assert content(other) == content(report)
    assert [(a.line) for a in other.areas] == [a.line for a in report.areas]


# --------------------------------------------------------------------------
# faults: InputError naming the file and a line of the file
# --------------------------------------------------------------------------


def edit(lines: list[str], needle: str, old: str, new: str, start: int = 0) -> list[str]:
    i = file_line_of(lines, needle, start) - 1
    assert old in lines[i]
    out = list(lines)
    out[i] = lines[i].replace(old, new)
    return out


def fails(tmp_path: Path, lines_or_text, name: str = "bad.txt") -> InputError:
    text = lines_or_text if isinstance(lines_or_text, str) else "\n".join(lines_or_text)
    p = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        parse_report(p)
    err = info.value
    assert err.path == p
    assert str(p) in str(err)
    return err


def test_truncated_in_the_area_table(tmp_path, file_lines):
    cut = file_line_of(file_lines, "Ⅲ ＰＤＣＡ") + 4  # after Ⅲ's item count
    err = fails(tmp_path, file_lines[:cut])
    assert err.line == 63  # the last area row begun
    assert "計" in err.detail and "途中で切れて" in err.detail


def test_truncated_in_the_middle_of_the_lists(tmp_path, file_lines):
    cut = file_line_of(file_lines, "20 財政指標の改") - 1
    err = fails(tmp_path, file_lines[:cut])
    assert err.line == 83  # the 【参考２】 heading, whose count is not reached
    assert "10項目" in err.detail and "6行" in err.detail
    assert "1, 3, 8, 10, 11, 12" in err.detail


def test_truncated_before_the_second_s_row(tmp_path, file_lines):
    cut = file_line_of(file_lines, "28 財産の有効活用") - 1
    err = fails(tmp_path, file_lines[:cut])
    assert err.line == 79
    assert "3項目" in err.detail and "7, 41" in err.detail


def test_truncated_before_the_lists(tmp_path, file_lines):
    err = fails(tmp_path, file_lines[:78])  # up to and including the 計 row
    assert "途中で切れて" in err.detail


@pytest.mark.parametrize(
    "numeral,line,message",
    [
        ("Ⅰ", 53, "1 のところに 2"),  # the line of Ⅱ, now where Ⅰ was
        ("Ⅲ", 63, "3 のところに 4"),  # the line of Ⅳ
        # without Ⅴ the table has 30 items, so No. 41 is no row number: the S list falls short
        ("Ⅴ", 74, "予定以上に進捗の取組が3項目ですが、読めた行は2行"),
    ],
)
def test_missing_area_row(tmp_path, file_lines, numeral, line, message):
    start = file_line_of(file_lines, numeral + " ") - 1
    end = start + 5  # Ⅹ name, blank, item count, counts, blank
    assert "項目" in file_lines[start + 2] and file_lines[end - 1] == ""
    lines = file_lines[:start] + file_lines[end:]
    err = fails(tmp_path, lines)
    assert err.line == line
    assert message in err.detail
    if numeral != "Ⅴ":
        assert lines[line - 1][0] == chr(ord(numeral) + 1)


def test_duplicate_area_row(tmp_path, file_lines):
    start = file_line_of(file_lines, "Ⅳ 財政基盤") - 1
    row = file_lines[start : start + 5]
    err = fails(tmp_path, file_lines[: start + 5] + row + file_lines[start + 5 :])
    assert err.line == 73  # the repeated Ⅳ row
    assert "5 のところに 4" in err.detail


def test_area_rows_out_of_order(tmp_path, file_lines):
    lines = edit(file_lines, "Ⅱ 情報の共有", "Ⅱ", "Ⅲ")
    err = fails(tmp_path, lines)
    assert err.line == 58
    assert "2 のところに 3" in err.detail


def test_extra_area_row_at_the_end_is_flagged_by_the_audit(tmp_path, file_lines):
    """A sixth area after Ⅴ still runs Ⅰ, Ⅱ, … in order, so the parser reads it; the
    report's own arithmetic then fails where the audit checks it (a failed check never
    stops a run). Repeated, missing or swapped rows raise InputError (tests above)."""
    cut = file_line_of(file_lines, "計 ３ ３０") - 1
    extra = ["Ⅵ 新しい分野 ", "", "（１項目） ", "", "０ １ ０ ", ""]
    text = "\n".join(file_lines[:cut] + extra + file_lines[cut:])
    parsed = parse_report(write(tmp_path, text))
    assert [a.area_no for a in parsed.areas] == [1, 2, 3, 4, 5, 6]
    assert parsed.areas[5].line == 78
    assert parsed.total_items == 44 != parsed.summary.total

    data = copy_raw(tmp_path / "data")
    (data / "raw" / PLAN / "2018-03" / REPORT_FILE.name).write_text(text, encoding="utf-8")
    res = clean_period("2018-03", data, write=False)
    audit = run_audit(res.areas, res.items, compute_metrics(res.indicators), res.meta)
    failed = set(map(tuple, audit.loc[~audit["ok"], ["check", "scope"]].to_numpy().tolist()))
    assert failed == {
        ("column_total", "column A"),
        ("total_row_sum", "totals"),
        ("summary_total", "summary"),
    }


@pytest.mark.parametrize(
    "needle,old,new,line",
    [
        ("１ ９ ４", "９", "九", 71),
        ("１ ９ ４", "９", "9.5", 71),
        ("０ １ ２", "１", "-", 61),
    ],
)
def test_non_numeric_area_counts(tmp_path, file_lines, needle, old, new, line):
    err = fails(tmp_path, edit(file_lines, needle, old, new))
    assert err.line == line
    assert "整数" in err.detail


def test_non_numeric_total_row(tmp_path, file_lines):
    err = fails(tmp_path, edit(file_lines, "計 ３ ３０", "３０", "三十"))
    assert err.line == 78
    assert "件数が3つ" in err.detail


BIG = "９" * 21  # 21 digits: beyond int64, once an OverflowError traceback (exit 1)


@pytest.mark.parametrize(
    "needle,old,new,line,what",
    [
        ("（７項目）", "７", BIG, 55, "分野 1 の項目数"),
        ("１ ４ ２", "４", BIG, 56, "分野 1 の件数"),
        ("１ ４ ２", "４", "１０００１", 56, "分野 1 の件数"),
        ("計 ３ ３０", "３０", BIG, 78, "計の行"),
        ("全 43項目", "全 43", "全 " + "9" * 21, 23, "要約の全項目数"),
        (
            "3 項目が「予定以上に進捗」",
            "3",
            "9" * 21,
            23,
            "要約の「予定以上に進捗」の項目数",
        ),
        ("（再掲 2項目）", "再掲 2", "再掲 " + "9" * 21, 23, "再掲"),
    ],
)
def test_absurd_counts_are_refused(tmp_path, file_lines, needle, old, new, line, what):
    err = fails(tmp_path, edit(file_lines, needle, old, new))
    assert err.line == line
    assert what in err.detail and "項目数としてあり得ません（10,000 まで）" in err.detail


def test_missing_count_in_area_row(tmp_path, file_lines):
    err = fails(tmp_path, edit(file_lines, "０ １ ２", "０ １ ２", "０ １"))
    assert err.line == 58
    assert "件数が3つ（S A B）あるはずですが、2つでした" in err.detail


def test_unknown_status_label_in_summary(tmp_path, file_lines):
    err = fails(
        tmp_path, edit(file_lines, "3 項目が「予定以上に進捗」", "予定以上に進捗", "順調に進捗")
    )
    assert err.line == 23  # where the summary sentence starts
    assert "順調に進捗" in err.detail and "予定以上に進捗" in err.detail


def test_duplicated_item_number(tmp_path, file_lines):
    err = fails(tmp_path, edit(file_lines, "10 なるほど出前講", "10 なるほど", "8 なるほど"))
    assert err.line == 326
    assert "No. 8 が二度あります" in err.detail
    assert "最初は288行目" in err.detail  # a line of the file, not of the undoubled text


def test_duplicated_row_number_in_single_spacing(tmp_path, raw_text):
    lines = single_spaced(raw_text).split("\n")
    lines = edit(lines, "12 行政評価の実施", "12 行政評価", "11 行政評価")
    err = fails(tmp_path, lines)
    assert lines[err.line - 1].startswith("11 行政評価")
    first = int(re.search(r"最初は(\d+)行目", err.detail).group(1))
    assert lines[first - 1].startswith("11 組織目標の管理")


@pytest.mark.parametrize("text", ["", "\n\n", "   \n \n"])
def test_empty_text(tmp_path, text):
    p = tmp_path / "empty.txt"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_report(p)
    assert str(p) in str(info.value)
    assert "空です" in info.value.detail


def test_empty_text_passed_as_string():
    with pytest.raises(InputError) as info:
        parse_report_text("", "r.txt")
    assert info.value.path == Path("r.txt")
    assert "要約の文が見つかりません" in info.value.detail


def test_a_different_document(tmp_path):
    text = "\n".join(
        [
            "令和元年度 第2回 行財政再構築推進委員会 会議録",
            "",
            "日時 令和元年10月3日 午後2時",
            "出席者 委員 8名",
            "議題 1 第3次行財政再構築プランの進捗状況について",
            "    2 その他",
        ]
        * 5
    )
    err = fails(tmp_path, text)
    assert "進捗状況の報告書" in err.detail


def test_summary_without_area_table(tmp_path, file_lines):
    err = fails(tmp_path, file_lines[:30])
    assert "分野別の表" in err.detail


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        parse_report(tmp_path / "nope.txt")
    assert "見つかりません" in info.value.detail


def test_areas_numbered_with_digits_parse_like_roman_numerals():
    """Another city's table may number its areas １, ２, … instead of Ⅰ, Ⅱ, …."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    for roman, digit in zip("ⅠⅡⅢⅣⅤ", "１２３４５", strict=True):
        text = text.replace(roman + " ", digit + " ", 1)
    report = parse_report_text(text, "digits.txt")
    assert [(a.area_no, a.items, a.S, a.A, a.B) for a in report.areas] == [
        (1, 7, 1, 4, 2),
        (2, 3, 0, 1, 2),
        (3, 6, 0, 4, 2),
        (4, 14, 1, 9, 4),
        (5, 13, 1, 12, 0),
    ]
    assert report.areas[2].area_name == "PDCAサイクルの構築"
    assert report.totals == {"S": 3, "A": 30, "B": 10}


def test_an_empty_list_of_items_ahead_puts_every_row_behind(tmp_path):
    """A period with no item ahead: 【参考１】…（0項目） has no rows, all rows are delayed."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    text = text.replace("（3項目（うち再掲 1項目））", "（0項目）")
    text = text.replace(
        "【参考２】予定よりも遅れている取組一覧（10項目）",
        "【参考２】予定よりも遅れている取組一覧（13項目）",
    )
    report = parse_report_text(text, "no_s.txt")
    assert {it.status for it in report.items} == {"B"}
    assert sum(len(it.numbers) for it in report.items) == 13


@pytest.mark.parametrize("numbers", ["7・41", "7 (41)", "7\n41（再掲）"])
def test_re_listed_numbers_in_other_spellings(numbers):
    """The No. cell of a re-listed item may read 7・41, 7 (41) or 41（再掲） on its own line."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    start = text.index("\n7 \n")
    end = text.index("観光まちづくり", start)
    text = text[:start] + "\n" + numbers.replace("\n", " \n\n") + " \n\n" + text[end:]
    report = parse_report_text(text, "relisted.txt")
    row = next(it for it in report.items if 7 in it.numbers)
    assert row.numbers == [7, 41] and row.name == "観光まちづくりの推進" and row.status == "S"


def test_an_empty_list_may_say_so():
    text = REPORT_FILE.read_text(encoding="utf-8")
    text = text.replace("（3項目（うち再掲 1項目））", "（0項目）").replace(
        "【参考２】予定よりも遅れている取組一覧（10項目）",
        "該当なし\n\n【参考２】予定よりも遅れている取組一覧（13項目）",
    )
    report = parse_report_text(text, "empty_s.txt")
    assert {it.status for it in report.items} == {"B"}


# --------------------------------------------------------------------------
# structure, not layout: rows, headings and sentences found by their content
# --------------------------------------------------------------------------


def no_blank(raw_text: str) -> str:
    return "\n".join(line for line in raw_text.split("\n") if line.strip())


def test_without_blank_lines_item_28_is_a_row_of_its_own(tmp_path, raw_text, report):
    """pdftotext or a PDF viewer's copy has no blank lines: rows start after a cell's end."""
    text = no_blank(raw_text)
    other = parse_report(write(tmp_path, text))
    assert content(other) == content(report)
    assert [it.numbers for it in other.items if it.status == "S"] == S_ITEMS
    item = by_no(other)[28]
    assert item.progress.endswith("合計29,509,646円の財源確保を行った。")
    assert item.next_steps.startswith("業務の優先順位を踏まえつつ")
    lines = text.split("\n")
    assert lines[item.line - 1].startswith("28 財産の有効活用")
    assert lines[item.line - 2].strip() == "③特産品開発の支援（アクションプラン 44）"


def test_summary_sentence_broken_at_another_place(tmp_path, raw_text, report):
    text = raw_text.replace("全 43項目（再掲 2項目）", "全\n\n43項目（再掲\n\n2項目）")
    other = parse_report(write(tmp_path, text))
    assert other.summary == Summary(
        43, 2, {"S": 3, "A": 30, "B": 10}, other.summary.line, report.summary.text
    )
    assert text.split("\n")[other.summary.line - 1].endswith("全")


def test_list_heading_wrapped_over_two_lines(tmp_path, raw_text, report):
    text = raw_text.replace(
        "取組一覧（3項目（うち再掲 1項目））", "取組一\n\n覧（3項目（うち再掲 1項目））"
    )
    other = parse_report(write(tmp_path, text))
    heading = other.headings["S"]
    assert (heading.count, heading.relisted, heading.text) == (3, 1, report.headings["S"].text)
    assert "【参考１】" in text.split("\n")[heading.line - 1]
    assert content(other) == content(report)


def test_quadruple_line_spacing_is_undone(tmp_path, raw_text, report):
    text = "\n\n".join(raw_text.split("\n"))
    other = parse_report(write(tmp_path, text))
    assert content(other) == content(report)
    lines = text.split("\n")
    assert lines[by_no(other)[30].line - 1].startswith("30 外郭団体の経")


def test_a_progress_split_the_sentences_do_not_settle_is_refused(tmp_path, raw_text):
    """No blank line and no marker: 今後の取組 begins at the first sentence not in the
    past tense; where the past tense comes back after it, the parser refuses."""
    text = no_blank(raw_text).replace(
        "を密にしていくことで計画的な売却を進めてい\nく。", "く。売払いを行った。"
    )
    err = fails(tmp_path, text)
    assert (
        "どこで終わり今後の取組がどこから始まるか判断できません" in err.detail
        and "No. 28" in err.detail
    )
    assert text.split("\n")[err.line - 1].startswith("業務の優先順位を踏まえつつ")


def test_a_name_wrapped_at_the_width_of_its_text_is_refused(tmp_path, raw_text):
    """Every column wrapped at one narrow width (15): after a full name line, a long
    line without 、 or 。 may go on with the name or begin the progress text."""
    text = ev.compose(ev.single_spaced, ev.rewrap(15), ev.no_blank_lines)(raw_text)
    err = fails(tmp_path, text)
    assert "判断できません" in err.detail and "No. 28" in err.detail
    lines = text.split("\n")
    assert lines[err.line - 2].startswith("28 財産の有効活用の促進")
    assert lines[err.line - 1].startswith("公有財産の売払い等")


@pytest.mark.parametrize(
    "line,boundary,expected",
    [
        ("28 財産の有効活用", WEAK, ([28], "財産の有効活用")),
        ("16 に対し、観光ポータルサイトの作", WEAK, None),  # a quantity in a sentence
        ("12 施設の適正配置", WEAK, ([12], "施設の適正配置")),
        ("7）", STRONG, None),  # closes a bracket of the line before
        ("（7） 観光", STRONG, ([7], "観光")),
        ("44 財産", WEAK, None),  # beyond the 43 items of the table
        ("28 財産の有効活用", None, None),  # inside a cell's text
    ],
)
def test_which_lines_open_a_row(line, boundary, expected):
    assert _row_opening(line, 43, boundary) == expected


def test_another_plans_status_wording_through_the_vocab_argument(raw_text):
    """Older plans say 予定より前倒しで進行 for S: a Vocabulary of their own reads them."""
    text = raw_text.replace("予定以上に進捗", "予定より前倒しで進行")
    with pytest.raises(InputError, match="状況「予定より前倒しで進行」を知りません"):
        parse_report_text(text, "older.txt")
    older = Vocabulary(
        labels={
            "S": ("予定より前倒しで進行",),
            "A": ("予定どおりに進捗",),
            "B": ("予定よりも遅れている",),
        },
        keywords={"S": ("前倒し",), "A": ("どおり",), "B": ("遅れ",)},
    )
    parsed = parse_report_text(text, "older.txt", vocab=older)
    assert parsed.summary.counts == {"S": 3, "A": 30, "B": 10}
    assert parsed.headings["S"].count == 3
    assert [it.numbers for it in parsed.items if it.status == "S"] == S_ITEMS
