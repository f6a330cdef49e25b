"""Japanese numbers, amounts, targets and changes (helpers.core.jpnum).

Values are compared as exact Decimals: ``Decimal('2540000000')``, never a float.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from helpers.core.jpnum import (
    Change,
    NumberError,
    Quantity,
    Target,
    ambiguous_dash,
    bare_signed,
    figures,
    looks_like_change,
    parse_amount,
    parse_change,
    parse_quantity,
    parse_result,
    parse_target,
    says_missing,
    to_float,
)


def exact(value, expected):
    """Decimal equality that also refuses floats sneaking in."""
    assert isinstance(value, D), f"{value!r} is not a Decimal"
    assert value == D(expected), f"{value!r} != {expected}"


# --------------------------------------------------------------------------
# parse_amount
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain and comma-grouped
        ("9,718人", "9718"),
        ("17,966,912円", "17966912"),
        ("12,345,678", "12345678"),
        ("1,234.5", "1234.5"),
        ("0", "0"),
        (".5", "0.5"),
        # full width digits, point, comma, percent
        ("１２３", "123"),
        ("９４．８％", "94.8"),
        ("９，７１８人", "9718"),
        ("１００％", "100"),
        # split by spaces (PDF text)
        ("1 万人", "10000"),
        ("１ 万人", "10000"),
        ("9, 718人", "9718"),
        ("28.6 億円", "2860000000"),
        ("25.4 億 円", "2540000000"),
        ("1 ０ ０", "100"),
        # multipliers
        ("3千", "3000"),
        ("100万", "1000000"),
        ("2,265万円", "22650000"),
        ("43,771万円", "437710000"),
        ("35億円", "3500000000"),
        ("0.5億", "50000000"),
        ("3.14159億", "314159000"),
        ("1兆2億", "1000200000000"),
        ("17,966千円", "17966000"),
        # compound
        ("1億2,000万円", "120000000"),
        ("1億2000万円", "120000000"),
        ("1万5000", "15000"),
        ("1万5千人", "15000"),
        ("2億5千万円", "250000000"),
        ("1千万円", "10000000"),
        ("1 千 万円", "10000000"),
        ("5百万円", "5000000"),
        ("1,234百万円", "1234000000"),
        ("2億3,456万7,890円", "234567890"),
        # signs
        ("▲159万円", "-1590000"),
        ("△3.2", "-3.2"),
        ("▲ 1,234", "-1234"),
        ("-3.2", "-3.2"),
        ("－3.2", "-3.2"),  # full-width hyphen-minus
        ("−3.2", "-3.2"),  # U+2212 MINUS SIGN
        ("マイナス3", "-3"),
        ("+5", "5"),
        ("＋5", "5"),
        # the first number of a phrase
        ("約340万件", "3400000"),
        ("12.5ポイント", "12.5"),
    ],
)
def test_parse_amount(text, expected):
    exact(parse_amount(text), expected)


def test_25_4_oku_is_exact():
    value = parse_amount("25.4億円")
    assert value == D(2540000000)
    assert value == D("2540000000")
    assert str(value) == "2540000000"  # no exponent, no trailing .0
    assert value.as_tuple().exponent == 0
    # the float route would not be exact in general; the Decimal one is
    assert parse_amount("0.1億") + parse_amount("0.2億") == parse_amount("0.3億") == D(30000000)


def test_amounts_have_no_exponent_or_trailing_zeros():
    assert str(parse_amount("1,000")) == "1000"
    assert str(parse_amount("1.000")) == "1"
    assert str(parse_amount("94.80%")) == "94.8"
    assert str(parse_amount("100万")) == "1000000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,00", "桁区切りのコンマの位置が正しくありません"),
        ("1,0000", "桁区切りのコンマの位置が正しくありません"),
        ("12,34", "桁区切りのコンマの位置が正しくありません"),
        ("123,4567", "桁区切りのコンマの位置が正しくありません"),
        ("1,5", "桁区切りのコンマの位置が正しくありません"),
        ("1,00人の減", "桁区切りのコンマの位置が正しくありません"),
        ("", "数値が見つかりません"),
        ("abc", "数値が見つかりません"),
        ("億円", "数値が見つかりません"),
        ("万", "数値が見つかりません"),
        ("1万1億", "万・億などの順序が正しくありません"),
        ("1万2万", "万・億などの順序が正しくありません"),
    ],
)
def test_parse_amount_refuses(text, message):
    with pytest.raises(NumberError) as info:
        parse_amount(text)
    assert message in str(info.value)
    assert f"「{text}」" in str(info.value)  # names the text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12345678901234567890123456789人", "有効数字が29桁"),
        ("1234567890123456", "有効数字が16桁"),
        ("0.1234567890123456", "有効数字が16桁"),
        ("1,234,567,890,123,456円", "有効数字が16桁"),
        ("1,000兆円", "1,000兆（10の15乗）以上"),
        ("9,999兆円", "1,000兆（10の15乗）以上"),
        ("1000000000000000円", "1,000兆（10の15乗）以上"),
        ("12345678901234567890123456789億円", "有効数字が29桁"),
    ],
)
def test_absurd_figures_are_refused(text, message):
    for parse in (parse_amount, parse_quantity, parse_target):
        with pytest.raises(NumberError) as info:
            parse(text)
        assert message in str(info.value) and f"「{text}」" in str(info.value)
    with pytest.raises(NumberError, match="有効数字|10の15乗"):
        parse_change(f"前年度から{text}の増")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("999兆円", "999000000000000"),
        ("999,999,999,999,999円", "999999999999999"),
        ("0.00000000000001", "0.00000000000001"),
        ("12345678901234.5", "12345678901234.5"),
        ("1,000,000,000,000円", "1000000000000"),
        ("▲999兆円", "-999000000000000"),
    ],
)
def test_figures_within_the_bound_are_exact(text, expected):
    value = parse_amount(text)
    exact(value, expected)
    assert D(repr(float(value))) == value  # a float holds it exactly


def test_number_error_is_value_error():
    with pytest.raises(ValueError):
        parse_amount("abc")


# --------------------------------------------------------------------------
# missing markers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "  ",
        "\u3000",
        "未算出",
        "未集計",
        "－",
        "-",
        "―",
        "—",
        "ｰ",
        "ー",
        "－ －",
        "nan",
        "<NA>",
        "不明",
        "集計中",
    ],
)
def test_missing_is_none_never_zero(text):
    assert says_missing(text) is True
    q = parse_quantity(text, "円")
    assert q.missing is True
    assert q.value is None
    assert q.value != 0
    assert q.unit == "円"  # the caller's unit is kept
    assert q.approx is False
    assert to_float(q.value) is None


@pytest.mark.parametrize("text", ["0", "0人", "9,718人", "▲3", "-3.2"])
def test_not_missing(text):
    assert says_missing(text) is False
    assert parse_quantity(text).missing is False


def test_zero_is_a_value_not_missing():
    q = parse_quantity("0件")
    assert q == Quantity(D(0), "件", False, False)


# --------------------------------------------------------------------------
# parse_quantity
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("9,718人", "9718", "人", False),
        ("1 万人", "10000", "人", False),
        ("約340万件", "3400000", "件", True),
        ("約 300 万件", "3000000", "件", True),
        ("およそ 300 万件", "3000000", "件", True),
        ("94.3％", "94.3", "%", False),
        ("９４．３％", "94.3", "%", False),
        ("62.6%（107 指標のうち 67", "62.6", "%", False),
        ("12.5ポイント", "12.5", "%", False),
        ("延べ 980 人／年", "980", "人", False),
        ("28.6 億円", "2860000000", "円", False),
        ("6,870万円", "68700000", "円", False),
        ("▲159万円", "-1590000", "円", False),
        ("3地区", "3", "地区", False),
        ("2か所", "2", "か所", False),
        ("2箇所", "2", "か所", False),
        ("88指標", "88", "指標", False),
        ("5名", "5", "人", False),
        ("約1千万円", "10000000", "円", True),
    ],
)
def test_parse_quantity(text, value, unit, approx):
    q = parse_quantity(text)
    exact(q.value, value)
    assert q.unit == unit
    assert q.approx is approx
    assert q.missing is False


def test_parse_quantity_uses_callers_unit_when_text_has_none():
    assert parse_quantity("171", "件") == Quantity(D(171), "件", False, False)
    # a unit in the text wins over the caller's
    assert parse_quantity("94.3%", "件").unit == "%"


def test_parse_quantity_refuses_text_without_number():
    with pytest.raises(NumberError, match="数値"):
        parse_quantity("協定締結には至らなかった")


# --------------------------------------------------------------------------
# parse_target
# --------------------------------------------------------------------------


def test_range_80_percent_dai():
    t = parse_target("80%台")
    assert t == Target("range", D(80), D(90), True, "%", False)
    assert t.high_open is True
    assert t.value is None  # a range has no single number


def test_range_full_width_dai():
    assert parse_target("８０％台") == Target("range", D(80), D(90), True, "%", False)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("1,500人台", "1500", "1600", "人"),
        ("100人台", "100", "200", "人"),
        ("5件台", "5", "6", "件"),
        ("2.5%台", "2.5", "2.6", "%"),
        ("90%台", "90", "100", "%"),
    ],
)
def test_dai_ranges_are_half_open(text, low, high, unit):
    t = parse_target(text)
    assert t.kind == "range"
    exact(t.low, low)
    exact(t.high, high)
    assert t.high_open is True
    assert t.unit == unit


@pytest.mark.parametrize(
    "text", ["80～90%", "80〜90％", "80~90%", "80%～90%", "８０～９０％", "80から90%"]
)
def test_explicit_range_is_inclusive(text):
    t = parse_target(text)
    assert t == Target("range", D(80), D(90), False, "%", False)


@pytest.mark.parametrize("text", ["80%から90%", "80 から 90%", "80％から９０％"])
def test_kara_between_two_figures_is_a_range(text):
    assert parse_target(text) == Target("range", D(80), D(90), False, "%", False)


@pytest.mark.parametrize("text", ["80か90%", "80ら90%", "80らか90%"])
def test_single_characters_of_kara_make_no_range(text):
    # から is a word: its characters alone do not join two figures into a range
    t = parse_target(text)
    assert t.kind == "point"
    assert (t.low, t.high) == (D(80), None)


def test_explicit_range_with_multipliers():
    t = parse_target("1万人～1万2千人")
    assert (t.kind, t.low, t.high, t.high_open, t.unit) == (
        "range",
        D(10000),
        D(12000),
        False,
        "人",
    )


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "unit"),
    [
        ("1 万人以上", "at_least", "10000", None, "人"),
        ("目標値 1,000万円以上", "at_least", "10000000", None, "円"),
        ("1,000万円以上", "at_least", "10000000", None, "円"),
        ("10%未満", "less_than", None, "10", "%"),
        ("10%以下", "at_most", None, "10", "%"),
        ("経常収支比率 90%以下", "at_most", None, "90", "%"),
        ("5件超", "greater_than", "5", None, "件"),
        ("5件を超える", "greater_than", "5", None, "件"),
        ("35 億円", "point", "3500000000", None, "円"),
        ("370万件", "point", "3700000", None, "件"),
        ("目標値 95%", "point", "95", None, "%"),
        ("100%達成", "point", "100", None, "%"),
        ("目標実施数 16", "point", "16", None, None),
        ("1,000 人／年", "point", "1000", None, "人"),
        ("44,200 万円", "point", "442000000", None, "円"),
    ],
)
def test_numeric_targets(text, kind, low, high, unit):
    t = parse_target(text)
    assert t.kind == kind
    assert t.low == (None if low is None else D(low))
    assert t.high == (None if high is None else D(high))
    assert t.high_open is False
    assert t.unit == unit
    assert t.approx is False


def test_target_value_property():
    assert parse_target("1 万人以上").value == D(10000)
    assert parse_target("10%以下").value == D(10)
    assert parse_target("10%未満").value == D(10)
    assert parse_target("5件超").value == D(5)
    assert parse_target("35億円").value == D(3500000000)
    assert parse_target("目標を達成した").value is None


def test_approx_target():
    t = parse_target("約35億円")
    assert t.approx is True and t.kind == "point" and t.low == D(3500000000)


def test_target_uses_callers_unit():
    assert parse_target("16", "件").unit == "件"


@pytest.mark.parametrize(
    "text", ["目標を達成した", "目標値を達成した", "目標を全て達成している", "達成", "達成した"]
)
def test_target_achieved(text):
    assert parse_target(text) == Target("achieved", None, None, False, None, False)


@pytest.mark.parametrize("text", ["包括協定の締結", "協定締結", "計画の策定"])
def test_target_yes_no(text):
    t = parse_target(text)
    assert t.kind == "yes_no"
    assert t.low is None and t.high is None


@pytest.mark.parametrize("text", ["", None, "  ", "－", "未算出", "nan"])
def test_target_none(text):
    t = parse_target(text, "円")
    assert t.kind == "none"
    assert t.low is None and t.high is None
    assert t.unit == "円"


# --------------------------------------------------------------------------
# parse_change
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit", "points"),
    [
        ("前年度から 159万円の減", "-1590000", "円", False),
        ("前年度から159万円の減少", "-1590000", "円", False),
        ("前年度から 802万円の増", "8020000", "円", False),
        ("802万円の増", "8020000", "円", False),
        ("4.7ポイント向上", "4.7", "%", True),
        ("平成 28年度末から 4.7ポ イント向上", "4.7", "%", True),  # PDF split
        ("平成28年度末の9,855人から137人減少", "-137", "人", False),  # reference digits ignored
        ("3件減", "-3", "件", False),
        ("2.2%低下", "-2.2", "%", False),
        ("1.5ポイント上昇", "1.5", "%", True),
        ("▲2.2ポイント", "-2.2", "%", True),
        ("△3件", "-3", "件", False),
        ("+3件", "3", "件", False),
        ("マイナス 5件", "-5", "件", False),
        ("前年度から 1億2,000万円の増加", "120000000", "円", False),
    ],
)
def test_parse_change(text, amount, unit, points):
    c = parse_change(text)
    exact(c.amount, amount)
    assert c.unit == unit
    assert c.points is points


@pytest.mark.parametrize(
    "text",
    [
        "前年度から△159万円",
        "前年度から▲159万円",
        "前年度比▲159万円",
        "前年度比 △ 159 万円",
        "前年度比△１５９万円",
        "平成 28年度末から△159万円",
        "前年度から△159万円の減",  # mark and word agree
        "前年度比マイナス159万円",
    ],
)
def test_triangle_before_a_change_is_a_decrease(text):
    assert looks_like_change(text) is True  # a change, not a (negative) previous value
    c = parse_change(text)
    exact(c.amount, "-1590000")
    assert c.unit == "円"


def test_plus_before_a_change_is_an_increase():
    exact(parse_change("前年度比+802万円").amount, "8020000")


@pytest.mark.parametrize(
    "text", ["△159万円の増", "前年度から▲3件増加", "+3件の減", "▲2.2ポイント向上"]
)
def test_sign_and_words_that_disagree_are_refused(text):
    with pytest.raises(NumberError, match="食い違って"):
        parse_change(text)


@pytest.mark.parametrize(
    ("text", "direction", "amount"),
    [("▲2.2ポイント改善", "lower", "-2.2"), ("△2.2ポイント悪化", "higher", "-2.2")],
)
def test_sign_agrees_with_direction_words(text, direction, amount):
    exact(parse_change(text, direction=direction).amount, amount)


def test_change_example_from_design():
    assert parse_change("前年度から 159万円の減") == Change(D(-1590000), "円", False)
    assert parse_change("4.7ポイント向上") == Change(D("4.7"), "%", True)


@pytest.mark.parametrize(
    ("text", "direction", "amount"),
    [
        ("2.2ポイント改善", "lower", "-2.2"),  # lower is better: improvement is a decrease
        ("2.2ポイント改善", "higher", "2.2"),
        ("2.2ポイント悪化", "lower", "2.2"),
        ("2.2ポイント悪化", "higher", "-2.2"),
        # explicit 増/減 do not depend on direction
        ("3件減", "lower", "-3"),
        ("3件増", "lower", "3"),
    ],
)
def test_change_direction(text, direction, amount):
    c = parse_change(text, direction=direction)
    exact(c.amount, amount)


def test_change_uses_callers_unit_when_text_has_none():
    assert parse_change("3の増", "件").unit == "件"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3件", "増減のどちらか"),
        ("159万円", "増減のどちらか"),
        ("前年度から3件", "増減のどちらか"),
        ("前年度から", "数値がありません"),
        ("ゼロ", "数値がありません"),
        ("", "数値がありません"),
    ],
)
def test_change_refuses(text, message):
    with pytest.raises(NumberError) as info:
        parse_change(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("前年度から 159万円の減", True),
        ("4.7ポイント向上", True),
        ("2.2ポイント改善", True),
        ("▲3", True),
        ("+3", True),
        ("前年度から△159万円", True),
        ("前年度比▲159万円", True),
        ("前年度から3件", True),  # then refused: it says neither 増 nor 減
        ("9,855人から微減", True),
        ("平成28年度末の9,855人", False),
        ("経常収支比率94.8%", False),  # 比 of 比率 is no reference point
        ("-3.2", False),  # a negative value
        ("9,718人", False),
        ("94.8%", False),
        ("abc", False),
        ("", False),
        (None, False),
    ],
)
def test_looks_like_change(text, expected):
    assert looks_like_change(text) is expected


# --------------------------------------------------------------------------
# parse_result
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "達成した",
        "目標を達成した",
        "目標値に達した",
        "上回った",
        "締結した",
        "実施した",
        "完了した",
    ],
)
def test_result_true(text):
    assert parse_result(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "達成できなかった",
        "届かなかった",
        "目標値に届かなかった",
        "及ばなかった",
        "達していない",
        "達しなかった",
        "至らなかった",
        "協定締結には至らなかった",
        "目標を達成できず",
        "達成には至らず",
        "目標に届かず",
        "達成できていない",
        "未達成",
        "未達",
        "達成できな かった",  # split by PDF text
    ],
)
def test_result_false(text):
    assert parse_result(text) is False


@pytest.mark.parametrize("text", [None, "", "  ", "nan", "検討中"])
def test_result_unknown(text):
    assert parse_result(text) is None


# --------------------------------------------------------------------------
# to_float
# --------------------------------------------------------------------------


def test_to_float():
    assert to_float(None) is None
    assert to_float(D("92.6")) == 92.6
    assert isinstance(to_float(D(0)), float) and to_float(D(0)) == 0.0


# --------------------------------------------------------------------------
# 割 (tenths): a percentage
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9割", "90"), ("9割5分", "95"), ("１割", "10"), ("10割", "100"), ("2.5割", "25")],
)
def test_wari_is_tenths_of_a_percent_figure(text, expected):
    q = parse_quantity(text, "%")
    exact(q.value, expected)
    assert q.unit == "%"


def test_wari_target_at_least():
    """Once read as 9 (a target of 9%): 9割以上 is at least 90%."""
    t = parse_target("9割以上", "%")
    assert (t.kind, t.unit) == ("at_least", "%")
    exact(t.low, "90")


@pytest.mark.parametrize("unit", ["人", "件", "円"])
def test_wari_with_another_unit_is_refused(unit):
    with pytest.raises(NumberError, match="割は10分の1"):
        parse_target("9割以上", unit)
    with pytest.raises(NumberError, match="割は10分の1"):
        parse_quantity("9割", unit)


def test_wari_change_is_refused():
    with pytest.raises(NumberError, match="相対的"):
        parse_change("前年度から1割増")


def test_wari_word_is_no_figure():
    """割合 (ratio) and 役割 hold no 割 figure."""
    exact(parse_quantity("割合 62.6%").value, "62.6")


# --------------------------------------------------------------------------
# qualifiers after a figure: bounds, ranges, approximations
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "low", "high"),
    [
        ("5%以内", "at_most", None, "5"),  # inclusive, like 以下
        ("5%以下", "at_most", None, "5"),
        ("10%未満", "less_than", None, "10"),  # exclusive
        ("100件超", "greater_than", "100", None),  # exclusive lower bound
        ("1 万人以上", "at_least", "10000", None),
    ],
)
def test_bound_words_make_target_kinds(text, kind, low, high):
    t = parse_target(text)
    assert t.kind == kind
    assert t.low == (D(low) if low else None) and t.high == (D(high) if high else None)


@pytest.mark.parametrize("text", ["100件以上", "80%台", "5%以内", "10%未満", "100件超", "80%強"])
def test_a_value_with_a_bound_is_refused(text):
    """Once read as the bare figure: a bound or a range is no value."""
    with pytest.raises(NumberError, match="上限・下限や範囲"):
        parse_quantity(text)


@pytest.mark.parametrize("text", ["300人程度", "300人前後", "300人ほど"])
def test_approximating_words_mark_a_value_approx(text):
    q = parse_quantity(text)
    assert q.approx is True
    exact(q.value, "300")


@pytest.mark.parametrize("text", ["80%強", "80%弱", "300人余"])
def test_target_with_a_vague_bound_is_refused(text):
    with pytest.raises(NumberError, match="数値をはっきり"):
        parse_target(text)


def test_dai_is_a_counter_where_the_unit_is_dai():
    assert parse_target("5台", "台").kind == "point"
    assert parse_quantity("5台", "台").value == D(5)
    assert parse_target("80%台").kind == "range"


# --------------------------------------------------------------------------
# signs and dashes, figures of a text
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dash"),
    [
        ("前年度比ー159万円", "ー"),
        ("ｰ159万円", "ー"),  # half-width, made ー by NFKC
        ("―5件", "―"),
        ("—5件", "—"),
        ("−159万円", None),  # a minus sign
        ("△159万円", None),
        ("データー", None),
        ("ー", None),
    ],
)
def test_ambiguous_dash(text, dash):
    assert ambiguous_dash(text) == dash


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("−159万円", "-"),
        ("-159万円", "-"),
        ("－159万円", "-"),
        ("‐159万円", "-"),
        ("▲159万円", "▲"),
        ("△ 159万円", "△"),
        ("+3件", "+"),
        ("前年度比 −159万円", None),  # a change: its words say so
        ("前年度比△159万円", None),
        ("前年度から△159万円", None),
        ("159万円の減", None),
        ("△159万円の減", None),
        ("9,855人", None),
        ("平成28年度末の9,855人", None),
    ],
)
def test_bare_signed(text, sign):
    assert bare_signed(text) == sign


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("9,718人", ["9,718"]),
        ("1 万人", ["1万"]),  # the space of PDF text is inside one figure
        ("平成 29年度末で 9,718 人", ["9,718"]),
        ("平成 28年度末から 4.7ポイント向上", ["4.7"]),
        ("2018年3月末で5件", ["5"]),
        ("80～90%", ["80", "90"]),
        (
            "目標値 1,000万円以上に対し、売払いは 5 件 17,966,912円、合計29,509,646円",
            ["1,000万", "5", "17,966,912", "29,509,646"],
        ),
        ("未算出", []),
    ],
)
def test_figures(text, found):
    assert figures(text) == found


@pytest.mark.parametrize(("text", "expected"), [("△1億円", "-100000000"), ("▲3.2%", "-3.2")])
def test_triangle_before_a_value_is_a_negative_value(text, expected):
    """In public finance △ before a plain value is a negative number (実質収支 △1億円)."""
    assert bare_signed(text) is not None  # refused as a previous text, where it is ambiguous
    exact(parse_quantity(text).value, expected)
