"""The analysts' KPI sheet (helpers.ingest.kpi_sheet), checked against the real 2018-03 report."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from support import KPI_FILE, REPORT_FILE

from helpers.core.errors import InputError
from helpers.ingest.kpi_sheet import INDICATOR_COLUMNS, infer_direction, read_kpi_sheet
from helpers.ingest.report import parse_report

KPI_IDS = [
    "1-1", "1-2", "1-3", "7-1", "28-1", "3-1", "8-1", "10-1", "11-1",
    "12-1", "20-1", "20-2", "22-1", "22-2", "22-3", "30-1", "30-2", "30-3",
]  # fmt: skip


@pytest.fixture(scope="module")
def report():
    return parse_report(REPORT_FILE)


@pytest.fixture(scope="module")
def sheet_text() -> str:
    return KPI_FILE.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def kpis(report) -> pd.DataFrame:
    return read_kpi_sheet(KPI_FILE, report)


@pytest.fixture(scope="module")
def by_id(kpis) -> dict[str, dict]:
    return {r["kpi_id"]: r for r in kpis.to_dict("records")}


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / "kpi_sheet.csv"
    p.write_bytes(text.encode(encoding))
    return p


def fails(tmp_path: Path, report, text: str) -> InputError:
    p = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_kpi_sheet(p, report)
    assert info.value.path == p and str(p) in str(info.value)
    return info.value


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def sheet_line(text: str, startswith: str) -> int:
    return next(i + 1 for i, line in enumerate(text.split("\n")) if line.startswith(startswith))


def is_na(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


# --------------------------------------------------------------------------
# the real sheet
# --------------------------------------------------------------------------


def test_eighteen_kpis(kpis):
    assert len(kpis) == 18
    assert list(kpis["kpi_id"]) == KPI_IDS
    assert list(kpis.columns) == INDICATOR_COLUMNS
    assert kpis["kpi_id"].is_unique


def test_contract_columns_present(kpis):
    for col in [
        "item_no", "indicator", "unit", "value", "value_text", "approx", "prev_value", "prev_text",
        "prev_derived", "target_kind", "target_low", "target_high", "target_text", "direction",
        "source_quote",
    ]:  # fmt: skip
        assert col in kpis.columns


def test_dtypes(kpis):
    for col in (
        "value",
        "prev_value",
        "target_low",
        "target_high",
        "target_value",
        "change_stated",
    ):
        assert str(kpis[col].dtype) == "Float64"
    assert str(kpis["value_flag"].dtype) == "boolean"
    assert str(kpis["stated_met"].dtype) == "boolean"


def test_kpi_1_1(by_id):
    r = by_id["1-1"]
    assert (r["item_no"], r["area_no"], r["item_status"]) == (1, 1, "B")
    assert r["indicator"] == "市民活動支援センター来場者数"
    assert r["unit"] == "人"
    assert r["value"] == 9718
    assert r["approx"] == False  # noqa: E712
    assert r["prev_value"] == 9855 and r["prev_derived"] == False  # noqa: E712
    assert r["target_kind"] == "at_least"
    assert r["target_low"] == 10000 and r["target_value"] == 10000
    assert is_na(r["target_high"])
    assert r["direction"] == "higher" and r["direction_basis"] == "inferred from name"
    assert r["stated_met"] == False  # noqa: E712  (達成できなかった)
    assert r["value_text"] == "9,718人" and r["target_text"] == "1 万人以上"
    assert "9,718人" in r["source_quote"]
    assert r["sheet_line"] == 2


def test_kpi_1_2_achieved_without_number(by_id):
    r = by_id["1-2"]
    assert r["target_kind"] == "achieved"
    assert is_na(r["value"]) and is_na(r["prev_value"])
    assert is_na(r["target_low"]) and is_na(r["target_high"])
    assert r["stated_met"] == True  # noqa: E712
    assert is_na(r["value_text"])


def test_kpi_1_3_yes_no(by_id):
    r = by_id["1-3"]
    assert r["target_kind"] == "yes_no"
    assert r["value_flag"] == False  # noqa: E712  (協定締結には至らなかった)
    assert r["value_flag"] is not pd.NA
    assert is_na(r["value"])
    assert is_na(r["unit"])
    assert r["target_text"] == "包括協定の締結"


def test_kpi_8_1_approximate(by_id):
    r = by_id["8-1"]
    assert r["value"] == 3_400_000
    assert r["approx"] == True  # noqa: E712
    assert r["prev_value"] == 3_000_000
    assert r["prev_approx"] == True  # noqa: E712
    assert r["prev_derived"] == False  # noqa: E712
    assert r["target_kind"] == "point" and r["target_low"] == 3_700_000
    assert r["unit"] == "件"


def test_kpi_12_1_previous_value_derived_from_stated_change(by_id):
    r = by_id["12-1"]
    assert r["unit"] == "%"
    assert r["value"] == 62.6
    assert r["prev_value"] == pytest.approx(57.9, abs=1e-9)
    assert r["prev_derived"] == True  # noqa: E712
    assert r["change_stated"] == pytest.approx(4.7)
    assert r["target_kind"] == "point" and r["target_low"] == 95


def test_kpi_20_1_range_lower_is_better(by_id):
    r = by_id["20-1"]
    assert r["indicator"] == "経常収支比率"
    assert (r["value"], r["prev_value"]) == (92.6, 94.8)
    assert r["target_kind"] == "range"
    assert (r["target_low"], r["target_high"]) == (80, 90)
    assert r["target_high_open"] == True  # noqa: E712  (80%台: 80 ≤ x < 90)
    assert is_na(r["target_value"])
    assert r["direction"] == "lower" and r["direction_basis"] == "sheet"


def test_kpi_20_2_exact_yen(by_id):
    r = by_id["20-2"]
    assert r["unit"] == "円"
    assert r["value"] == 2_860_000_000  # exact, not 2859999999.9999995
    assert r["prev_value"] == 2_540_000_000
    assert r["target_low"] == 3_500_000_000
    assert r["prev_derived"] == False  # noqa: E712


def test_kpi_22_3_missing_is_na_never_zero(by_id, kpis):
    r = by_id["22-3"]
    assert r["value_text"] == "未算出"
    assert is_na(r["value"])
    assert r["value"] != 0
    assert r["target_kind"] == "none"
    assert pd.isna(kpis.loc[kpis["kpi_id"] == "22-3", "value"]).all()


def test_kpi_30_derived_previous_values(by_id):
    r2, r3 = by_id["30-2"], by_id["30-3"]
    assert r2["marker"] == "②" and r3["marker"] == "③"
    assert r2["value"] == 22_650_000 and r2["prev_value"] == 24_240_000
    assert r2["change_stated"] == -1_590_000
    assert r2["prev_derived"] == True  # noqa: E712
    assert r3["value"] == 437_710_000 and r3["prev_value"] == 429_690_000
    assert r3["change_stated"] == 8_020_000
    assert r2["target_low"] == 23_000_000 and r3["target_low"] == 442_000_000
    assert by_id["30-1"]["target_kind"] == "achieved"
    assert by_id["30-1"]["value"] == 68_700_000


def test_other_values(by_id):
    assert by_id["7-1"]["value"] == 36 and by_id["7-1"]["target_low"] == 16
    assert by_id["7-1"]["item_status"] == "S"
    assert by_id["28-1"]["value"] == 29_509_646 and by_id["28-1"]["target_kind"] == "at_least"
    assert by_id["28-1"]["target_low"] == 10_000_000
    assert (
        by_id["3-1"]["unit"] == "地区"
        and by_id["3-1"]["value"] == 2
        and by_id["3-1"]["target_low"] == 4
    )
    assert by_id["10-1"]["value"] == 980 and by_id["10-1"]["target_low"] == 1000
    assert by_id["11-1"]["value"] == 94.3 and by_id["11-1"]["target_low"] == 100
    assert by_id["22-1"]["stated_met"] == True  # noqa: E712
    assert by_id["22-2"]["value"] == 88 and by_id["22-2"]["target_low"] == 120


def test_no_value_is_zero_where_missing(kpis):
    missing = kpis[kpis["value"].isna()]
    assert sorted(missing["kpi_id"]) == ["1-2", "1-3", "22-3"]
    assert not (kpis["value"].fillna(-1) == 0).any()


def test_only_20_1_is_lower_is_better(kpis):
    assert list(kpis.loc[kpis["direction"] == "lower", "kpi_id"]) == ["20-1"]


def test_infer_direction():
    assert infer_direction("経常収支比率") == "lower"
    assert infer_direction("待機児童数") == "lower"
    assert infer_direction("市民活動支援センター来場者数") == "higher"


def test_cp932_and_crlf_sheet_reads_the_same(tmp_path, report, sheet_text, kpis):
    p = write(tmp_path, sheet_text.replace("\n", "\r\n"), encoding="cp932")
    other = read_kpi_sheet(p, report)
    pd.testing.assert_frame_equal(other, kpis)


def test_comment_and_blank_lines_are_skipped(tmp_path, report, sheet_text, kpis):
    lines = sheet_text.split("\n")
    text = "\n".join(["# KPI sheet, checked by hand", lines[0], "", *lines[1:]])
    other = read_kpi_sheet(write(tmp_path, text), report)
    assert list(other["kpi_id"]) == KPI_IDS
    assert list(other["sheet_line"]) == [line + 2 for line in kpis["sheet_line"]]


# --------------------------------------------------------------------------
# bad sheets
# --------------------------------------------------------------------------


def test_missing_column(tmp_path, report, sheet_text):
    lines = sheet_text.rstrip("\n").split("\n")
    cols = lines[0].split(",")
    drop = cols.index("target_text")
    # the first data row has no quoted commas before target_text
    text = "\n".join(
        [",".join(c for i, c in enumerate(cols) if i != drop)]
        + [",".join(c for i, c in enumerate(lines[4].split(",")) if i != drop)]
    )
    err = fails(tmp_path, report, text)
    assert err.line == 1
    assert "列が足りません: target_text" in err.detail


@pytest.mark.parametrize(
    "wrong,right",
    [("valu_text", "value_text"), ("indicater", "indicator"), ("target", "target_text")],
)
def test_misspelt_column_suggests_the_right_name(tmp_path, report, sheet_text, wrong, right):
    header, rest = sheet_text.split("\n", 1)
    err = fails(tmp_path, report, header.replace(right, wrong, 1) + "\n" + rest)
    assert err.line == 1
    assert err.field == wrong
    assert f"（「{right}」のことですか？）" in err.detail


def test_value_text_not_in_report(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, '"9,718人"', '"9,719人"')
    err = fails(tmp_path, report, text)
    assert err.line == 2
    assert err.field == "value_text"
    assert "「9,719人」は取組 1" in err.detail
    assert "91〜153行目" in err.detail  # lines of the report file
    assert "2行目 value_text列" in str(err)


def test_target_text_not_in_report(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, ",370万件,", ",380万件,")
    err = fails(tmp_path, report, text)
    assert err.line == sheet_line(text, "8,")
    assert err.field == "target_text"


def test_spacing_differences_are_accepted(tmp_path, report, sheet_text, kpis):
    text = replace_once(sheet_text, '"9,718人"', '"9,718 人"')
    other = read_kpi_sheet(write(tmp_path, text), report)
    assert other.loc[0, "value"] == 9718


def test_item_not_listed_in_report(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, "\n3,,地域連絡会", "\n4,,地域連絡会")
    err = fails(tmp_path, report, text)
    assert err.line == sheet_line(text, "4,,地域連絡会") == 7
    assert err.field == "item_no"
    assert "取組 4 は報告書に予定以上・予定より遅れの取組として載っていません" in err.detail


def test_item_number_not_a_number(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, "\n3,,地域連絡会", "\nNo.3,,地域連絡会")
    err = fails(tmp_path, report, text)
    assert err.field == "item_no" and err.line == 7


def test_duplicate_kpi(tmp_path, report, sheet_text):
    lines = sheet_text.rstrip("\n").split("\n")
    text = "\n".join(lines + [lines[1]]) + "\n"
    err = fails(tmp_path, report, text)
    assert err.line == 20
    assert err.field == "indicator"
    assert "2行目と重なっています" in err.detail


def test_unit_mismatch_value(tmp_path, report, sheet_text):
    text = replace_once(
        sheet_text, "市民活動支援センター来場者数,人,", "市民活動支援センター来場者数,件,"
    )
    err = fails(tmp_path, report, text)
    assert err.line == 2 and err.field == "unit"
    assert "「人」" in err.detail and "「件」" in err.detail


def test_unit_mismatch_target(tmp_path, report, sheet_text):
    text = replace_once(
        sheet_text, "22,,創業支援件数,件,171 件,,150件", "22,,創業支援件数,件,171 件,,120人"
    )
    err = fails(tmp_path, report, text)
    assert err.line == 14 and err.field == "target_text"


def test_unit_mismatch_value_in_yen_for_percent(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, "財政調整基金残高,円", "財政調整基金残高,%")
    err = fails(tmp_path, report, text)
    assert err.line == 13 and err.field == "unit"


def test_unit_mismatch_previous(tmp_path, report, sheet_text):
    # 9,855人 is in item 1's text, but this KPI counts 件
    text = replace_once(sheet_text, ",件,,,目標を達成した", ',件,,"9,855人",目標を達成した')
    err = fails(tmp_path, report, text)
    assert err.line == 3 and err.field == "prev_text"
    assert "「人」" in err.detail


@pytest.mark.parametrize("bad", ["down", "better", "上"])
def test_bad_direction(tmp_path, report, sheet_text, bad):
    text = replace_once(sheet_text, ",lower,", f",{bad},")
    err = fails(tmp_path, report, text)
    assert err.line == 12 and err.field == "direction"
    assert "higher（高いほど良い）か lower" in err.detail


def test_direction_words_accepted(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, ",lower,", ",低いほど良い,")
    other = read_kpi_sheet(write(tmp_path, text), report)
    assert other.loc[other["kpi_id"] == "20-1", "direction"].item() == "lower"


def test_wrong_number_of_fields(tmp_path, report, sheet_text):
    text = replace_once(
        sheet_text, "市民活動支援センター来場者数,人,", "市民活動支援センター来場者数,人,,"
    )
    err = fails(tmp_path, report, text)
    assert err.line == 2
    assert "欄は11個" in err.detail


def test_empty_indicator(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, "\n3,,地域連絡会の地区数,", "\n3,,,")
    err = fails(tmp_path, report, text)
    assert err.line == 7 and err.field == "indicator"


def test_empty_sheet(tmp_path, report):
    p = write(tmp_path, "# only a comment\n")
    with pytest.raises(InputError) as info:
        read_kpi_sheet(p, report)
    assert "見出しの行がありません" in info.value.detail


# --------------------------------------------------------------------------
# the wording guard matches whole figures
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ('"9,718人"', '"718人"', 2, "value_text"),  # inside 9,718人 (across the comma)
        ('"9,718人"', '"18人"', 2, "value_text"),
        ('"9,855人"', '"855人"', 2, "prev_text"),
        (",92.6%,", ",2.6%,", 12, "value_text"),  # inside 92.6%
        (",92.6%,", ",.6%,", 12, "value_text"),  # across the decimal point
        (",92.6%,", ",92.%,", 12, "value_text"),
        ('"6,870万円"', '"870万円"', 17, "value_text"),
        ('"6,870万円"', '"6,87"', 17, "value_text"),  # a figure cut short at its end
        ("28.6 億円", "8.6 億円", 13, "value_text"),
        ("約340万件", "約34", 8, "value_text"),  # 34 of 340万
        (",1 万人以上,", ",1万人以上,", None, None),  # a whole figure: accepted
    ],
)
def test_wording_guard_matches_whole_figures(tmp_path, report, sheet_text, old, new, line, field):
    text = replace_once(sheet_text, old, new)
    if line is None:
        read_kpi_sheet(write(tmp_path, text), report)  # no error
        return
    err = fails(tmp_path, report, text)
    assert (err.line, err.field) == (line, field)
    assert "数値全体としてはありません" in err.detail


@pytest.mark.parametrize(
    ("old", "new", "kpi", "column", "expected"),
    [
        ('"9,718人"', '"９，７１８人"', "1-1", "value", 9718),  # full-width digits
        ('"9,718人"', '"9, 718 人"', "1-1", "value", 9718),  # spaces as the PDF text has them
        ('"9,718人"', '"9,71 8人"', "1-1", "value", 9718),
        (",約340万件,", ",約 340 万件,", "8-1", "value", 3400000),  # 約 and 万
        ("28.6 億円", "28.6億円", "20-2", "value", 2860000000),  # 億
        (",1 万人以上,", ",１万人以上,", "1-1", "target_low", 10000),
        ('"43,771万円"', '"43,771 万円"', "30-3", "value", 437710000),
    ],
)
def test_wording_guard_accepts_the_forms_of_the_pdf_text(
    tmp_path, report, sheet_text, old, new, kpi, column, expected
):
    got = read_kpi_sheet(write(tmp_path, replace_once(sheet_text, old, new)), report)
    assert got.set_index("kpi_id").loc[kpi, column] == expected


def _figures(text: str):
    from helpers.core.textnorm import squash
    from helpers.ingest.kpi_figures import Figures

    return Figures(squash(text))


@pytest.mark.parametrize(
    ("report_text", "needle", "held"),
    [
        ("来場者数は9,718人であり", "718人", False),
        ("来場者数は9,718人であり", "9,718人", True),
        ("来場者数は9,718人であり", "9,718", True),
        ("経常収支比率(94.8%→92.6%)", "2.6%", False),
        ("経常収支比率(94.8%→92.6%)", "92.6%", True),
        ("経常収支比率(94.8%→92.6%)", "94.8%→92.6%", True),
        ("合計1億2,000万円", "2,000万円", False),  # the tail of a compound figure
        ("合計1億2,000万円", "1億", False),  # its head
        ("合計1億2,000万円", "1億2,000万円", True),
        ("約340万件", "340", False),  # 340 of 340万
        ("約340万件", "340万件", False),  # 約 makes it approximate (issue 22)
        ("約340万件", "約340万件", True),
        ("前年度比▲159万円", "159万円", False),  # the sign belongs to the figure
        ("前年度比▲159万円", "▲159万円", True),
        ("アクセス数218件、うち18件", "18件", True),  # the second, whole occurrence
        ("1万人以上", "1 万人以上", True),
        ("来場者数は9、718人であり", "718人", False),  # 、 before three digits: a separator
        ("来場者数は9、718人であり", "9、718人", True),
        ("No.1、2、3の3件", "3件", True),  # 、 before one digit: a list
        ("前年度比−159万円", "159万円", False),  # the minus belongs to the figure
        ("目標9割5分", "9割", False),
    ],
)
def test_figures_index(report_text, needle, held):
    from helpers.core.textnorm import squash

    assert _figures(report_text).holds(squash(needle)) is held


# --------------------------------------------------------------------------
# stated changes with ▲/△; absurd figures
# --------------------------------------------------------------------------


@pytest.fixture
def triangle_report(tmp_path):
    """The real report with item 30 ②'s change written 前年度から△159万円."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    text = replace_once(text, "前年度から 159\n", "前年度から△159\n")
    text = replace_once(text, "万円の減であり", "万円であり")
    p = tmp_path / "report.txt"
    p.write_text(text, encoding="utf-8")
    return parse_report(p)


def test_triangle_change_is_a_decrease_not_a_negative_previous_value(
    tmp_path, triangle_report, sheet_text, by_id
):
    text = replace_once(sheet_text, "前年度から 159万円の減", "前年度から△159万円")
    got = read_kpi_sheet(write(tmp_path, text), triangle_report).set_index("kpi_id")
    r = got.loc["30-2"]
    assert r["change_stated"] == -1590000
    assert r["prev_value"] == 22650000 + 1590000 == by_id["30-2"]["prev_value"]
    assert bool(r["prev_derived"]) is True


def test_triangle_with_increase_word_is_refused(tmp_path, report, sheet_text):
    text = REPORT_FILE.read_text(encoding="utf-8")
    text = replace_once(text, "前年度から 159\n", "前年度から△159\n")
    text = replace_once(text, "万円の減であり", "万円の増であり")
    p = tmp_path / "report.txt"
    p.write_text(text, encoding="utf-8")
    sheet = replace_once(sheet_text, "前年度から 159万円の減", "前年度から△159万円の増")
    err = fails(tmp_path, parse_report(p), sheet)
    assert (err.line, err.field) == (18, "prev_text") and "食い違って" in err.detail


@pytest.mark.parametrize(
    ("figure", "message"),
    [("12345678901234567890123456789", "有効数字が29桁"), ("1,000兆", "10の15乗")],
)
def test_absurd_figure_is_input_error_not_a_crash(tmp_path, sheet_text, figure, message):
    text = REPORT_FILE.read_text(encoding="utf-8")
    p = tmp_path / "report.txt"
    p.write_text(replace_once(text, "で 9,718\n", f"で {figure}\n"), encoding="utf-8")
    sheet = replace_once(sheet_text, '"9,718人"', f'"{figure}人"')
    err = fails(tmp_path, parse_report(p), sheet)
    assert (err.line, err.field) == (2, "value_text") and message in err.detail


# --------------------------------------------------------------------------
# invisible characters reach the sheet through rawio
# --------------------------------------------------------------------------


def test_zero_width_space_in_a_number_is_refused(tmp_path, report, sheet_text):
    err = fails(tmp_path, report, replace_once(sheet_text, '"9,718人"', '"9\u200b,718人"'))
    assert (err.line, err.field) == (2, "value_text") and "ZERO WIDTH SPACE" in err.detail


def test_right_to_left_override_in_indicator_is_refused(tmp_path, report, sheet_text):
    text = replace_once(sheet_text, "センター来場者数,", "センター来場者数\u202e,")
    err = fails(tmp_path, report, text)
    assert (err.line, err.field) == (2, "indicator") and "RIGHT-TO-LEFT OVERRIDE" in err.detail


def test_soft_hyphen_between_words_is_removed(tmp_path, report, sheet_text, kpis):
    text = replace_once(sheet_text, "センター来場者数,", "センター\u00ad来場者数,")
    got = read_kpi_sheet(write(tmp_path, text), report)
    assert got.loc[0, "indicator"] == kpis.loc[0, "indicator"] == "市民活動支援センター来場者数"


# --------------------------------------------------------------------------
# the steps
# --------------------------------------------------------------------------


def test_each_item_is_indexed_once(tmp_path, report, sheet_text, monkeypatch):
    """The report's text of an item is normalised once, however many rows cite it."""
    from helpers.ingest.kpi_figures import ItemIndex

    built: list[int] = []
    real_of = ItemIndex.of.__func__

    def counting_of(cls, item):
        built.append(item.numbers[0])
        return real_of(cls, item)

    monkeypatch.setattr(ItemIndex, "of", classmethod(counting_of))
    lines = sheet_text.rstrip("\n").split("\n")
    extra = [lines[1].replace("来場者数", f"来場者数{i}") for i in range(50)]
    got = read_kpi_sheet(write(tmp_path, "\n".join(lines + extra) + "\n"), report)
    assert len(got) == 18 + 50
    assert sorted(built) == sorted(set(built)) == [1, 3, 7, 8, 10, 11, 12, 20, 22, 28, 30]


def test_a_mistyped_figure_is_answered_with_the_nearest_figure_of_the_item(
    tmp_path, report, sheet_text
):
    text = replace_once(sheet_text, '"9,718人"', '"9,781人"')
    err = fails(tmp_path, report, text)
    assert (err.line, err.field) == (2, "value_text")
    assert "報告書では「9,718" in err.detail


# --------------------------------------------------------------------------
# figures that can be read more than one way are refused (tester's findings)
# --------------------------------------------------------------------------


def report_with(tmp_path: Path, *edits: tuple[str, str]):
    """The real report with each (old, new) replaced once, parsed."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    for old, new in edits:
        text = replace_once(text, old, new)
    p = tmp_path / "report.txt"
    p.write_text(text, encoding="utf-8")
    return parse_report(p)


MINUS_CHANGE = (("前年度から 159\n", "前年度比 −159\n"), ("万円の減であり", "万円であり"))


@pytest.mark.parametrize("prev", ["−159万円", "-159万円", "－159万円", "▲159万円", "△159万円"])
def test_bare_signed_previous_text_is_refused(tmp_path, sheet_text, prev):
    """Once read as a previous value of −1,590,000 (trend improved): a sign without words."""
    mark = prev[0]
    report = report_with(
        tmp_path, ("前年度から 159\n", f"前年度比 {mark}159\n"), ("万円の減であり", "万円であり")
    )
    err = fails(tmp_path, report, replace_once(sheet_text, "前年度から 159万円の減", prev))
    assert (err.line, err.field) == (18, "prev_text")
    assert "符号" in err.detail and "前年度比△159万円" in err.detail


def test_signed_change_with_its_words_is_a_decrease(tmp_path, sheet_text, by_id):
    report = report_with(tmp_path, *MINUS_CHANGE)
    sheet = replace_once(sheet_text, "前年度から 159万円の減", "前年度比 −159万円")
    r = read_kpi_sheet(write(tmp_path, sheet), report).set_index("kpi_id").loc["30-2"]
    assert r["change_stated"] == -1590000
    assert r["prev_value"] == 24240000 == by_id["30-2"]["prev_value"]
    assert bool(r["prev_derived"]) is True


def test_figure_without_the_reports_sign_is_not_whole(tmp_path, sheet_text):
    report = report_with(tmp_path, *MINUS_CHANGE)
    err = fails(tmp_path, report, replace_once(sheet_text, "前年度から 159万円の減", "159万円"))
    assert (err.line, err.field) == (18, "prev_text") and "数値全体としてはありません" in err.detail


@pytest.mark.parametrize("dash", ["ー", "ｰ", "―"])
def test_long_vowel_mark_before_a_digit_is_refused(tmp_path, sheet_text, dash):
    """Once read as a previous value of +1,590,000: ー from a PDF may be a minus or a dash."""
    report = report_with(
        tmp_path, ("前年度から 159\n", f"前年度比{dash}159\n"), ("万円の減であり", "万円であり")
    )
    sheet = replace_once(sheet_text, "前年度から 159万円の減", f"前年度比{dash}159万円")
    err = fails(tmp_path, report, sheet)
    assert (err.line, err.field) == (18, "prev_text")
    assert "数字の直前に" in err.detail and "− か △ を印刷のとおりに" in err.detail


def test_long_vowel_mark_in_a_value_is_refused(tmp_path, sheet_text):
    report = report_with(tmp_path, ("で 9,718\n", "で ー9,718\n"))
    err = fails(tmp_path, report, replace_once(sheet_text, '"9,718人"', '"ー9,718人"'))
    assert (err.line, err.field) == (2, "value_text") and "U+30FC" in err.detail


def test_ideographic_comma_as_thousands_separator(tmp_path, sheet_text):
    """Once accepted as 718: 718人 is not whole in 9、718人, and 9、718人 is refused."""
    report = report_with(tmp_path, ("で 9,718\n", "で 9、718\n"))
    err = fails(tmp_path, report, replace_once(sheet_text, '"9,718人"', "718人"))
    assert (err.line, err.field) == (2, "value_text")
    assert "数値全体としてはありません" in err.detail and "「9、718」" in err.detail
    err = fails(tmp_path, report, replace_once(sheet_text, '"9,718人"', "9、718人"))
    assert (err.line, err.field) == (2, "value_text") and "桁区切り" in err.detail


def test_wari_target_is_a_percentage(tmp_path, sheet_text):
    """Once read as a target of 9: 9割以上 is at least 90%."""
    report = report_with(tmp_path, ("80%台", "9割以上"))
    sheet = replace_once(sheet_text, ",80%台,", ",9割以上,")
    r = read_kpi_sheet(write(tmp_path, sheet), report).set_index("kpi_id").loc["20-1"]
    assert (r["target_kind"], r["target_low"]) == ("at_least", 90)


def test_wari_with_a_unit_other_than_percent_is_refused(tmp_path, sheet_text):
    report = report_with(tmp_path, ("1 万人以上", "9割以上"))
    err = fails(tmp_path, report, replace_once(sheet_text, ",1 万人以上,", ",9割以上,"))
    assert (err.line, err.field) == (2, "target_text") and "割は10分の1" in err.detail


@pytest.mark.parametrize(
    ("old", "new", "line", "printed"),
    [
        (",80%台,", ",80%,", 12, "80%台"),  # once a point target of 80
        (",1 万人以上,", ",1 万人,", 2, "1万人以上"),  # once a point target of 10,000
    ],
)
def test_figure_the_report_qualifies_is_refused(
    tmp_path, report, sheet_text, old, new, line, printed
):
    err = fails(tmp_path, report, replace_once(sheet_text, old, new))
    assert (err.line, err.field) == (line, "target_text")
    assert f"「{printed}」の形でしかありません" in err.detail


@pytest.mark.parametrize("word", ["以上", "以下", "未満", "以内", "超", "台", "強", "弱", "程度"])
def test_figures_index_refuses_a_qualified_figure(word):
    figs = _figures(f"来場者数は9,718人{word}であった")
    assert figs.holds("9,718人") is False
    assert figs.qualified("9,718人") == f"9,718人{word}"
    assert figs.holds(f"9,718人{word}") is True


@pytest.mark.parametrize(
    ("target", "kind", "low", "high"),
    [("95%以内", "at_most", None, 95), ("95%未満", "less_than", None, 95)],
)
def test_within_is_an_inclusive_upper_bound(tmp_path, sheet_text, target, kind, low, high):
    report = report_with(tmp_path, ("80%台", target))
    sheet = replace_once(sheet_text, ",80%台,", f",{target},")
    r = read_kpi_sheet(write(tmp_path, sheet), report).set_index("kpi_id").loc["20-1"]
    assert r["target_kind"] == kind and r["target_high"] == high and is_na(r["target_low"])


def test_relisted_item_number_is_refused(tmp_path, report, sheet_text):
    """Once a second KPI row for item 7 (listed again as 41), counting one KPI twice."""
    text = replace_once(sheet_text, "\n7,,アクションプラン", "\n41,,アクションプラン")
    err = fails(tmp_path, report, text)
    assert (err.line, err.field) == (5, "item_no")
    assert "取組 41 は取組 7 の再掲" in err.detail


def test_header_only_sheet_is_refused(tmp_path, report, sheet_text):
    """Once accepted (the report then said the period had no KPI data)."""
    err = fails(tmp_path, report, sheet_text.split("\n")[0] + "\n")
    assert err.line == 1 and "行がありません" in err.detail and "ファイルを削除" in err.detail


SENTENCE = "売払いは 5 件 17,966,912円（旧用水敷 5件）、貸付は 10件 11,542,734円、合計29,509,646円"


def test_a_sentence_as_value_is_refused(tmp_path, report, sheet_text):
    """Once read as its first figure (5, or 10,000,000 from the sentence before)."""
    err = fails(tmp_path, report, replace_once(sheet_text, '"合計29,509,646円"', f'"{SENTENCE}"'))
    assert (err.line, err.field) == (6, "value_text")
    assert "数値が6個あります（5, 17,966,912, 5, 10, 11,542,734, 29,509,646）" in err.detail


def test_two_figures_in_a_previous_text_are_refused(tmp_path, report, sheet_text):
    sheet = replace_once(sheet_text, ",94.8%,", ",94.8%→92.6%,")
    err = fails(tmp_path, report, sheet)
    assert (err.line, err.field) == (12, "prev_text") and "数値が2個" in err.detail


def test_a_cell_longer_than_csv_allows_is_told_in_japanese(tmp_path, report, sheet_text):
    """A quote left open swallows the rest of the file into one cell (a break trial's case)."""
    lines = sheet_text.splitlines()
    lines[3] = lines[3] + ',"' + "あ" * 140_000
    err = fails(tmp_path, report, "\n".join(lines) + "\n")
    message = str(err)
    assert "一つのセルが長すぎます" in message and "131072" in message
    assert "field" not in message and "limit" not in message


@pytest.mark.parametrize(
    "english, japanese",
    [
        ("field larger than field limit (131072)", "131072 文字を超えています"),
        (
            "new-line character seen in unquoted field - do you need to open the file",
            "CR だけの改行",
        ),
        ("line contains NUL", "NUL 文字"),
        ("'\"' expected after '\"'", "区切りや引用符の形が崩れています"),
    ],
)
def test_the_csv_modules_complaints_are_put_in_japanese(english, japanese):
    import csv

    from helpers.core.messages import csv_error_text

    text = csv_error_text(csv.Error(english))
    assert japanese in text and "field" not in text and "expected" not in text


def test_a_quote_left_open_names_the_line_it_opens_on(tmp_path, report, sheet_text):
    """A break trial's: the last field's quote left open was told as line 20 of a 19-line file."""
    lines = sheet_text.splitlines()
    lines[-1] = lines[-1] + ',"'
    err = fails(tmp_path, report, "\n".join(lines) + "\n")
    assert err.line == len(lines) and "引用符" in str(err) and "閉じられていません" in str(err)


def test_a_lone_quote_inside_a_cell_is_text(tmp_path, report, sheet_text):
    from helpers.core.textnorm import unclosed_quote_line

    assert unclosed_quote_line('a,b\n1,abc"def,x\n') is None
    assert unclosed_quote_line('a,b\n1,"x""y",z\n') is None
    assert unclosed_quote_line('a,b\n1,"x\n2,y\n') == 2


def test_every_fault_of_the_header_is_told_at_once(tmp_path, report, sheet_text):
    """A break trial's: an empty header cell hid the unknown column beside it."""
    header, rest = sheet_text.split("\n", 1)
    lines = [line + ",," for line in rest.splitlines()]
    err = fails(tmp_path, report, header + ",,extra_header\n" + "\n".join(lines) + "\n")
    message = str(err)
    assert "見出しが空の列" in message and "extra_header" in message, message
