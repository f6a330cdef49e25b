"""Whole figures, strictly (helpers.ingest.kpi_figures): a range end, a qualified figure or a
part of a larger figure in the report is not the whole figure of a value (issue 22).

Each form is tried on the real 2018-03 report with item 1's value (平成 29 年度末で 9,718人)
rewritten, against the real sheet's row for it (line 2, value_text).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from support import KPI_FILE, PLAN, REPORT_FILE, copy_raw, raw_of

from helpers.core.errors import InputError
from helpers.core.jpnum import stated_range
from helpers.core.textnorm import squash
from helpers.ingest.kpi_figures import Figures
from helpers.ingest.kpi_sheet import read_kpi_sheet
from helpers.ingest.report import parse_report
from helpers.run.cli import main

VALUE_IN_REPORT = "で 9,718\n"  # item 1: 平成 29 年度末で 9,718 / 人であり、…


def report_saying(tmp_path: Path, value: str):
    """The real report with item 1's value printed as ``value`` (its 人 on the next line)."""
    text = REPORT_FILE.read_text(encoding="utf-8")
    assert text.count(VALUE_IN_REPORT) == 1
    p = tmp_path / "report.txt"
    p.write_text(text.replace(VALUE_IN_REPORT, f"で {value}\n"), encoding="utf-8")
    return parse_report(p)


def sheet_with_value(tmp_path: Path, value: str) -> Path:
    text = KPI_FILE.read_text(encoding="utf-8-sig")
    assert text.count('"9,718人"') == 1
    p = tmp_path / "kpi_sheet.csv"
    p.write_text(text.replace('"9,718人"', f'"{value}"'), encoding="utf-8")
    return p


def refused(tmp_path: Path, printed: str, sheet_value: str) -> InputError:
    report = report_saying(tmp_path, printed)
    with pytest.raises(InputError) as info:
        read_kpi_sheet(sheet_with_value(tmp_path, sheet_value), report)
    err = info.value
    assert (err.line, err.field) == (2, "value_text")  # the sheet's cell
    assert "1" in err.detail and "協働推進体制の充実" in err.detail  # the item
    return err


def row_1_1(tmp_path: Path, printed: str, sheet_value: str) -> dict:
    report = report_saying(tmp_path, printed)
    got = read_kpi_sheet(sheet_with_value(tmp_path, sheet_value), report)
    return got.set_index("kpi_id").loc["1-1"].to_dict()


def is_na(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


# ------------------------------------------------------------ range ends


@pytest.mark.parametrize("mark", ["～", "〜", "~", "から", "–"])
def test_the_upper_end_of_a_range_is_refused(tmp_path, mark):
    err = refused(tmp_path, f"9,700{mark}9,718", "9,718人")
    assert "範囲" in err.detail and "一端" in err.detail
    shown = "～" if mark in "～〜~" else ("-" if mark == "–" else mark)
    assert f"9,700{shown}9,718人" in err.detail  # the report's words


@pytest.mark.parametrize("mark", ["～", "から", "–"])
def test_the_lower_end_of_a_range_is_refused(tmp_path, mark):
    err = refused(tmp_path, f"9,718{mark}9,800", "9,718")
    assert "範囲" in err.detail and "一端" in err.detail


@pytest.mark.parametrize("mark", ["～", "から"])
def test_the_same_range_in_the_sheet_is_no_figure_of_the_value(tmp_path, mark):
    """Never one end: the range stands as text, its value is missing (not 9,700, not 9,718)."""
    r = row_1_1(tmp_path, f"9,700{mark}9,718", f"9,700{mark}9,718人")
    assert r["value_text"] == f"9,700{mark}9,718人"
    assert is_na(r["value"]) and r["approx"] == False  # noqa: E712


def test_a_change_from_one_figure_to_another_is_no_range():
    """前年度の9,855人から9,718人に減少: 9,718人 is the whole value, 9,855人 the previous."""
    figs = Figures(squash("前年度の9,855人から9,718人に減少した"))
    assert figs.holds("9,718人") and figs.holds("9,855人")
    figs = Figures(squash("前年度の9,855人から137人減少した"))
    assert figs.holds("137人")


# ------------------------------------------------------------ qualifiers


@pytest.mark.parametrize("word", ["台", "以上", "程度", "未満", "余"])
def test_a_figure_with_a_qualifier_after_it_is_refused(tmp_path, word):
    report_word = f"9,718\n人{word}"  # 9,718人台 …
    report = report_saying(tmp_path, report_word)
    with pytest.raises(InputError) as info:
        read_kpi_sheet(sheet_with_value(tmp_path, "9,718人"), report)
    assert (info.value.line, info.value.field) == (2, "value_text")
    assert f"「9,718人{word}」の形でしかありません" in info.value.detail


@pytest.mark.parametrize("word", ["約", "およそ", "最大", "少なくとも"])
def test_a_figure_with_a_qualifier_before_it_is_refused(tmp_path, word):
    err = refused(tmp_path, f"{word}9,718", "9,718人")
    assert f"「{word}9,718人」" in err.detail and "意味を変えます" in err.detail


def test_the_same_qualifier_in_the_sheet_is_accepted(tmp_path):
    r = row_1_1(tmp_path, "約9,718", "約9,718人")
    assert r["value"] == 9718 and r["approx"] == True  # noqa: E712
    r = row_1_1(tmp_path, "9,718\n人台", "9,718人台")  # a bound: no one figure
    assert r["value_text"] == "9,718人台" and is_na(r["value"])


# ------------------------------------------------------------ parts of figures


@pytest.mark.parametrize("printed", ["19,718", "1万9,718", "9,718.5"])
def test_a_part_of_a_larger_figure_is_refused(tmp_path, printed):
    report = report_saying(tmp_path, printed)
    with pytest.raises(InputError) as info:
        read_kpi_sheet(sheet_with_value(tmp_path, "9,718人"), report)
    assert (info.value.line, info.value.field) == (2, "value_text")
    assert "数値全体としてはありません" in info.value.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9,700～9,800人", True),
        ("9,700〜9,800人", True),
        ("9,700 から 9,800 人", True),
        ("9,700–9,800人", True),
        ("1万～2万人", True),
        ("9,855人から9,718人に減少", False),
        ("9,718人", False),
        ("約340万件", False),
    ],
)
def test_stated_range(text, expected):
    assert stated_range(text) is expected


def test_figures_check_is_linear(tmp_path):
    """A long text with many range marks costs about the same per character."""
    import time

    def timed(n: int) -> float:
        text = squash("9,700～9,800人、" * n)
        start = time.perf_counter()
        figs = Figures(text)
        figs.holds("9,800人")
        figs.form("9,800人")
        return time.perf_counter() - start

    timed(100)
    small, large = timed(2_000), timed(20_000)
    assert large < 30 * max(small, 1e-3)


# ---------------------------------------------- regression: issue 22, "Why" 1


def test_a_confirmed_upper_end_stops_the_run_with_exit_2(tmp_path, capsys):
    """Once a green audit: the report's 9,700～9,800人, the sheet's 9,800人 (drafted as the upper
    end, then confirmed) gave 来場者数は9,800人です、達成率98.0%. Now the run stops, naming the
    item, the sheet's cell and the report's words."""
    data = copy_raw(tmp_path / "data")
    period = raw_of(data, "2018-03")
    report = period / REPORT_FILE.name
    report.write_text(
        report.read_text(encoding="utf-8").replace(VALUE_IN_REPORT, "で 9,700～9,800\n"),
        encoding="utf-8",
    )
    sheet = period / KPI_FILE.name
    sheet.write_text(
        sheet.read_text(encoding="utf-8-sig").replace('"9,718人"', '"9,800人"'), encoding="utf-8"
    )
    status = main(
        [
            "--plan",
            PLAN,
            "--period",
            "2018-03",
            "--data-dir",
            str(data),
            "--output-dir",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "kpi_sheet.csv" in err and "value_text" in err
    assert "9,700～9,800人" in err and "協働推進体制の充実" in err


# ---------------------------------------------- regression: issue 22, "Why" 3


def test_a_draft_that_dropped_the_qualifier_cannot_be_confirmed(tmp_path):
    """Once drafted as 9,718人 from the report's 9,718人台 (the qualifier dropped), then
    confirmed as a plain value. The sheet's check now refuses it and gives the printed form."""
    report = report_saying(tmp_path, "9,718\n人台")
    sheet = KPI_FILE.read_text(encoding="utf-8-sig")
    p = tmp_path / "kpi_sheet.csv"
    p.write_text(sheet, encoding="utf-8")  # the value as drafted: 9,718人
    with pytest.raises(InputError) as info:
        read_kpi_sheet(p, report)
    assert (info.value.line, info.value.field) == (2, "value_text")
    assert "「9,718人台」の形でしかありません" in info.value.detail
