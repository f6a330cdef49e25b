"""The one number formatter (helpers.core.numfmt): the printed forms are the specification."""

from __future__ import annotations

import pytest

from helpers.core.numfmt import (
    Form,
    finest,
    form_of,
    format_decimal,
    format_number,
    format_percent,
    format_plain,
    format_signed,
    format_size,
    printed_figure,
    shown_value,
    tick_label,
)


@pytest.mark.parametrize(
    "x,places,text",
    [
        (0.05, 1, "0.1"),  # half up, not to even, and not 0.0 from binary 0.05
        (1.25, 1, "1.3"),
        (0.15, 1, "0.2"),
        (2.675, 2, "2.68"),
        (2.5, 0, "3"),
        (-1.25, 1, "−1.3"),  # minus is U+2212 wherever a number is shown
        (1.390157, 1, "1.4"),
        (97.18, 1, "97.2"),
        (1.0, 1, "1.0"),  # the decimals asked for, always (one form everywhere)
        (0.0, 1, "0.0"),
        (-0.04, 1, "0.0"),  # one form for −0.04 everywhere: never "-0", "0" here and "0.0" there
        (-0.0, 1, "0.0"),
        (1234567.891, 1, "1,234,567.9"),
        (9718, 0, "9,718"),
    ],
)
def test_format_decimal(x, places, text):
    assert format_decimal(x, places) == text


@pytest.mark.parametrize(
    "value,unit,text,approx,shown",
    [
        (3_400_000, "件", "約340万件", True, "約340万件"),
        (3_000_000, "件", "約300万件", True, "約300万件"),
        (9718, "人", "9,718人", False, "9,718人"),
        (980, "人", "延べ 980 人／年", False, "延べ980人／年"),
        (2_860_000_000, "円", "28.6 億円", False, "28.6億円"),
        (22_650_000, "円", "2,265 万円", False, "2,265万円"),
        (437_710_000, "円", "43,771万円", False, "43,771万円"),
        (29_509_646, "円", "合計29,509,646円", False, "合計29,509,646円"),
        (94.3, "%", "94.3％", False, "94.3%"),
        (171, "件", "171 件", False, "171件"),
        (36, "件", "36のアクションプラン", False, "36件"),
        (None, "円", "未算出", False, "未算出"),
        (None, "円", None, False, "—"),  # missing is never 0
    ],
)
def test_shown_value_as_printed(value, unit, text, approx, shown):
    assert shown_value(value, unit, text, approx=approx) == shown


def test_derived_values_keep_the_source_form():
    manen = form_of("43,771万円")
    assert shown_value(429_690_000, "円", None, form=manen) == "42,969万円"  # not 4.3億円
    assert (
        shown_value(24_240_000, "円", "前年度から 159万円の減", form=form_of("2,265万円"))
        == "2,424万円"
    )
    assert format_signed(8_020_000, None, "円", form=manen) == "+802万円"
    assert format_signed(320_000_000, None, "円", form=form_of("28.6 億円")) == "+3.2億円"
    # a change smaller than the printed step is shown, not rounded away
    assert format_signed(-400_000, None, "円", form=form_of("28.6 億円")) == "−0.004億円"


def test_finest_form():
    assert finest(form_of("28.6億円"), form_of("1,500万円")) == Form(10**4, 0)
    assert finest(None, None) is None


def test_signed_and_sizes():
    assert format_signed(-2.2, 1, "ポイント") == "−2.2ポイント"
    assert format_signed(0, 1, "%") == "±0.0%"
    assert format_signed(-0.04, 1) == "−0.04"
    assert format_signed(137, None, "人") == "+137人"
    assert format_size(-2.2, "%") == "2.2ポイント"
    assert format_size(-1_590_000, "円", form=Form(10**4, 0)) == "159万円"
    assert format_size(400_000, "件", form=Form(10**4, 0), approx=True) == "約40万件"


def test_numbers_without_a_printed_form():
    assert format_number(92.0, "%") == "92.0%"
    assert format_number(8.0, "人") == "8人"
    assert format_number(2, "地区") == "2地区"
    assert format_plain(2_860_000_000) == "2,860,000,000"
    assert format_plain(-2.25, 1) == "−2.3"
    assert format_percent(97.18) == "97.2%"


def test_printed_figure_refuses_what_is_no_value():
    assert printed_figure("平成 28年度末から 4.7ポイント向上", "%", 57.9) is None
    assert printed_figure("前年度から 159万円の減", "円", 24_240_000) is None
    assert printed_figure("1 万人以上", "人") == "1万人以上"
    assert printed_figure("80%台", "%") == "80%台"


@pytest.mark.parametrize(
    "v,unit,scale,text",
    [
        (12_500, "人", 10**4, "1.25万人"),  # at its true position, never 1.3万人
        (10_000, "人", 10**4, "1万人"),
        (2_500_000_000, "円", 10**8, "25億円"),
        (420_000_000, "円", 10**4, "42,000万円"),
        (92.5, "%", 1, "92.5%"),
        (9_000, "人", 1, "9,000人"),
    ],
)
def test_tick_labels(v, unit, scale, text):
    assert tick_label(v, unit, scale) == text


def test_a_value_derived_from_a_stated_change_takes_the_change_form():
    """A history point computed from 平成28年度末から4.7ポイント向上 is 57.9%, never 58%."""
    assert shown_value(57.9, "%", "平成 28年度末から 4.7ポイント向上") == "57.9%"
    assert shown_value(24_240_000, "円", "前年度から 159万円の減") == "2,424万円"
