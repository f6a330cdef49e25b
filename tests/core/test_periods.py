"""Period ids (YYYY-MM) and their Japanese labels (helpers.core.periods)."""

from __future__ import annotations

import pytest

from helpers.core.errors import PeriodError, WorkbookError
from helpers.core.periods import (
    ACCEPTED_FORMS,
    find_label_in_text,
    fiscal_year,
    fiscal_year_label,
    is_year_end,
    last_report_period,
    parse_period,
    period_label,
    period_label_short,
    prev_value_label,
    prev_value_period,
    sort_periods,
    validate_period,
)

# --------------------------------------------------------------------------
# id -> label
# --------------------------------------------------------------------------

LABELS = [
    ("2018-03", "平成29年度末"),  # end of FY2017
    ("2017-09", "平成29年9月末"),  # middle of FY2017
    ("2020-03", "令和元年度末"),  # end of FY2019, begun under 平成 but called 令和元年度
    ("2019-03", "平成30年度末"),
    ("2019-04", "平成31年4月末"),  # last month of 平成
    ("2019-05", "令和元年5月末"),  # first month of 令和
    ("2019-09", "令和元年9月末"),
    ("2021-03", "令和2年度末"),
    ("2020-09", "令和2年9月末"),
    ("1990-03", "平成元年度末"),
    ("1989-01", "平成元年1月末"),  # 平成 began 1989-01-08, before the month's end
    ("2017-12", "平成29年12月末"),  # December: month-end arithmetic crosses the year
]


@pytest.mark.parametrize(("period_id", "label"), LABELS)
def test_period_label(period_id, label):
    assert period_label(period_id) == label


@pytest.mark.parametrize(("period_id", "label"), LABELS)
def test_label_round_trips_through_parse_period(period_id, label):
    assert parse_period(label) == period_id


@pytest.mark.parametrize(
    ("period_id", "short"),
    [
        ("2018-03", "H29年度末"),
        ("2017-09", "H29年9月末"),
        ("2020-03", "R元年度末"),
        ("2019-04", "H31年4月末"),
        ("2019-05", "R元年5月末"),
    ],
)
def test_period_label_short_and_round_trip(period_id, short):
    assert period_label_short(period_id) == short
    assert parse_period(short) == period_id


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2017, "平成29年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),  # not 平成31年度: named after the era in force for most of it
        (2020, "令和2年度"),
        (1989, "平成元年度"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


@pytest.mark.parametrize("fy", [1988, 2101])
def test_fiscal_year_label_out_of_range(fy):
    with pytest.raises(PeriodError, match=str(fy)):
        fiscal_year_label(fy)


# --------------------------------------------------------------------------
# label -> id
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period_id"),
    [
        # the ids themselves
        ("2018-03", "2018-03"),
        ("2017-09", "2017-09"),
        (" 2018-03 ", "2018-03"),
        ("２０１８－０３", "2018-03"),  # full-width id
        # fiscal-year ends, as in the design
        ("平成29年度末", "2018-03"),
        ("平成29年度", "2018-03"),
        ("令和元年度末", "2020-03"),
        ("令和元年度", "2020-03"),
        ("平成31年度", "2020-03"),  # = 令和元年度, FY2019
        ("平成31年度末", "2020-03"),
        ("平成30年度末", "2019-03"),
        ("令和2年度末", "2021-03"),
        # 元年 (first year of an era)
        ("平成元年度", "1990-03"),
        ("平成元年度末", "1990-03"),
        ("令和元年5月末", "2019-05"),
        ("令和元年9月", "2019-09"),
        ("平成元年1月末", "1989-01"),
        ("R元年度", "2020-03"),
        # months
        ("平成29年9月末", "2017-09"),
        ("平成29年9月", "2017-09"),
        ("平成31年4月末", "2019-04"),
        ("平成29年12月末", "2017-12"),
        # letters
        ("H29", "2018-03"),
        ("h29", "2018-03"),
        ("R1", "2020-03"),
        ("r1", "2020-03"),
        ("H31", "2020-03"),  # H31 = FY2019 = 令和元年度
        ("R2", "2021-03"),
        ("H29年度末", "2018-03"),
        ("H29.9", "2017-09"),
        ("H29/9", "2017-09"),
        ("R1.5", "2019-05"),
        ("R1.9", "2019-09"),
        # full width and spaces, as PDF text has them
        ("平成２９年度末", "2018-03"),
        ("平成２９年９月末", "2017-09"),
        ("Ｈ２９", "2018-03"),
        ("平成 29年度末", "2018-03"),
        ("平成 29 年度末", "2018-03"),
        ("平成\u300029年度末", "2018-03"),
        (" 平成 ２９ 年 度 末 ", "2018-03"),
        # western years
        ("2017年度末", "2018-03"),
        ("2017年度", "2018-03"),
        ("2019年度末", "2020-03"),
        ("2017年9月末", "2017-09"),
        ("2017年9月", "2017-09"),
        ("２０１７年度末", "2018-03"),
    ],
)
def test_parse_period(text, period_id):
    assert parse_period(text) == period_id


def test_heisei_31_and_reiwa_1_are_the_same_fiscal_year():
    assert (
        parse_period("平成31年度") == parse_period("令和元年度") == parse_period("R1") == "2020-03"
    )
    assert period_label(parse_period("平成31年度")) == "令和元年度末"


# --------------------------------------------------------------------------
# impossible inputs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2018-13", "13月はありません"),
        ("2018-00", "00月はありません"),
        ("18-03", "は期間として読めません"),
        ("", "は期間として読めません"),
        ("   ", "は期間として読めません"),
        ("abc", "は期間として読めません"),
        ("2018-3", "は期間として読めません"),
        ("2018/03", "は期間として読めません"),
        ("1988-03", "1988年は扱える範囲（1989〜2100年"),
        ("2101-03", "2101年は扱える範囲"),
        ("平成32年度", "平成32年度はありません"),
        ("H32", "平成32年度はありません"),
        ("平成0年度", "元"),
        ("令和0年度", "元"),
        ("令和元年4月末", "令和元年4月は令和の期間"),
        ("平成31年5月末", "平成31年5月は平成の期間"),
        ("平成29年13月末", "13月はありません"),
        ("H29.13", "13月はありません"),
        ("2017年13月", "13月はありません"),
        ("平成29年", "は期間として読めません"),  # a calendar year is not a half-year
        ("昭和63年度", "は期間として読めません"),
        ("2100年度", "2101"),  # FY2100 ends in 2101, past the supported range
    ],
)
def test_parse_period_refuses_impossible(text, message):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    msg = str(info.value)
    assert message in msg
    # the message quotes what the user typed
    assert f"「{text}」" in msg or text.strip() == ""


def test_unrecognised_text_lists_accepted_forms():
    with pytest.raises(PeriodError) as info:
        parse_period("abc")
    assert ACCEPTED_FORMS in str(info.value)
    assert "平成29年度末" in str(info.value) and "YYYY-MM" in str(info.value)


def test_heisei_32_suggests_the_reiwa_name():
    with pytest.raises(PeriodError, match="令和2年度"):
        parse_period("平成32年度")


def test_era_boundary_message_gives_the_era_dates():
    with pytest.raises(PeriodError, match="2019-05-01"):
        parse_period("令和元年4月末")
    with pytest.raises(PeriodError, match="2019-04-30"):
        parse_period("平成31年5月末")


@pytest.mark.parametrize("value", [None, 2018, 2018.03, b"2018-03"])
def test_parse_period_refuses_non_text(value):
    with pytest.raises(PeriodError, match="文字で指定"):
        parse_period(value)


def test_period_error_is_value_error_and_workbook_error():
    with pytest.raises(ValueError):
        parse_period("2018-13")
    with pytest.raises(WorkbookError):
        parse_period("2018-13")


@pytest.mark.parametrize(
    "bad", ["2018-13", "2018-00", "18-03", "", "abc", "1988-03", "2018-3", None]
)
def test_validate_period_refuses(bad):
    with pytest.raises(PeriodError):
        validate_period(bad)


@pytest.mark.parametrize("good", ["2018-03", "2017-09", "1989-01", "2100-12"])
def test_validate_period_returns_id(good):
    assert validate_period(good) == good


@pytest.mark.parametrize("bad", ["2018-13", "2018-00", "18-03", "", "abc", "1988-03"])
def test_period_label_refuses(bad):
    with pytest.raises(PeriodError):
        period_label(bad)


# --------------------------------------------------------------------------
# fiscal year, year end, sorting
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_id", "fy"),
    [
        ("2018-03", 2017),
        ("2017-09", 2017),
        ("2017-04", 2017),
        ("2017-12", 2017),
        ("2018-01", 2017),
        ("2018-04", 2018),
        ("2020-03", 2019),
        ("2019-05", 2019),
    ],
)
def test_fiscal_year(period_id, fy):
    assert fiscal_year(period_id) == fy


@pytest.mark.parametrize("bad", ["2018-13", "18-03", "abc"])
def test_fiscal_year_refuses(bad):
    with pytest.raises(PeriodError):
        fiscal_year(bad)


@pytest.mark.parametrize(
    ("period_id", "expected"),
    [
        ("2018-03", True),
        ("2020-03", True),
        ("2017-09", False),
        ("2018-04", False),
        ("2018-02", False),
    ],
)
def test_is_year_end(period_id, expected):
    assert is_year_end(period_id) is expected


def test_is_year_end_refuses_bad_id():
    with pytest.raises(PeriodError):
        is_year_end("2018-13")


def test_sort_periods():
    assert sort_periods(["2019-03", "2017-09", "2018-03", "2018-09"]) == [
        "2017-09",
        "2018-03",
        "2018-09",
        "2019-03",
    ]
    with pytest.raises(PeriodError):
        sort_periods(["2018-03", "2018-13"])


# --------------------------------------------------------------------------
# finding a label in report text
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period_id"),
    [
        ("第３次行財政再構築プランの進捗状況\n\n（平成 29年度末）について", "2018-03"),
        ("平成２９年９月末現在の状況", "2017-09"),
        ("令和元年度末の状況", "2020-03"),
        ("平成 29 年 度 末", "2018-03"),
        ("平成\u300029年度末", "2018-03"),
        ("進捗状況（平成\n29年度末）", "2018-03"),  # label wrapped over two lines
        ("平成28年度末から平成29年度末", "2017-03"),  # the first label wins
        ("令和元年5月末時点", "2019-05"),
    ],
)
def test_find_label_in_text(text, period_id):
    assert find_label_in_text(text) == period_id


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ラベルなし",
        "平成29年度の実績",  # a fiscal year, not a period end
        "平成29年の実績",
        "2018-03",  # ids are not labels
        "令和元年4月末",  # impossible label: None, not an exception
    ],
)
def test_find_label_in_text_none(text):
    assert find_label_in_text(text) is None


def test_find_label_in_real_report_header():
    from pathlib import Path

    from helpers.ingest.rawio import read_text

    report = (
        Path(__file__).resolve().parents[2]
        / "data/raw/kodaira-3/2018-03/progress_report_H29_end.txt"
    )
    if not report.exists():
        pytest.skip("report not present")
    lines = read_text(report).split("\n")
    assert find_label_in_text("\n".join(lines[:12])) == "2018-03"


@pytest.mark.parametrize(
    ("period", "held"),
    [
        ("2018-03", "2017-03"),
        ("2018-09", "2018-03"),
        ("2018-04", "2018-03"),
        ("2019-02", "2018-03"),
        ("2020-03", "2019-03"),
        ("2019-09", "2019-03"),
        ("1989-09", None),  # 1989-03 is 昭和63年度末, before the labelled eras
    ],
)
def test_the_previous_value_is_the_last_year_end_before(period, held):
    assert prev_value_period(period) == held


def test_the_previous_value_label_names_the_year_end():
    assert prev_value_label("2018-09") == "平成29年度末"
    assert prev_value_label("2020-03") == "平成30年度末"


def test_the_last_report_is_the_plans_previous_period_whatever_its_month():
    periods = ["2017-09", "2018-03", "2018-09", "2019-03"]
    assert last_report_period("2018-09", periods) == "2018-03"
    assert last_report_period("2019-03", periods) == "2018-09"
    assert last_report_period("2017-09", periods) is None
    # a year-end plan: the last report is the year-end before
    assert last_report_period("2019-03", ["2018-03"]) == "2018-03"
