"""The column parsers give exactly what the scalar parsers give, row for row."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from helpers import jpnum
from helpers.jpnum_vec import missing_mask, parse_targets, parse_values

TEXTS = [
    "9,718人",
    "9,855人",
    "約340万件",
    "約300万件",
    "25.4億円",
    "28.6 億円",
    "2,265 万円",
    "43,771万円",
    "延べ 980 人／年",
    "94.3％",
    "62.6%",
    "未算出",
    "－",
    "",
    None,
    "36のアクションプラン",
    "合計29,509,646円",
    "1億2,000万円",
    "▲159万円",
    "△3.2",
    "平成 28年度末の 9,855人",
    "0.05%",
    "123456789012345人",  # 15 digits: the most a figure may have (jpnum.MAX_DIGITS)
    "約1.5万人",
    "0件",
    "１ 万人",
    "NA",
    "17,966,912円",
    "3.14159億円",
]
TARGETS = [
    "1 万人以上",
    "80%台",
    "35 億円",
    "目標を達成した",
    "包括協定の締結",
    "",
    None,
    "10%未満",
    "5以下",
    "100超",
    "1,500人台",
    "2.5%台",
    "80～90%",
    "約100件",
    "目標値 1,000万円以上",
    "目標実施数 16",
    "4 地区",
    "90%台",
    "未設定",
    "0人台",
    "1万人台",
    "370万件",
    "100%達成",
    "1億円以上",
]


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def _scalar_value(text, unit):
    if jpnum.is_missing(text):
        return (math.nan, False, True)
    q = jpnum.parse_quantity(text, unit)
    return (math.nan if q.value is None else float(q.value), q.approx, False)


def _random_texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    parts = ["", "約", "▲", "延べ "]
    units = ["人", "件", "円", "万円", "億円", "%", "ポイント", "地区", "人／年", ""]
    bounds = ["", "以上", "以下", "未満", "超", "台"]
    out = []
    for _ in range(n):
        num = rnd.choice(
            [
                str(rnd.randint(0, 10**7)),
                f"{rnd.randint(0, 99999):,}",
                f"{rnd.uniform(0, 999):.{rnd.randint(1, 3)}f}",
            ]
        )
        out.append(
            rnd.choice(parts) + num + rnd.choice([" ", ""]) + rnd.choice(units) + rnd.choice(bounds)
        )
    return out


@pytest.mark.parametrize("texts", [TEXTS, _random_texts(3000)], ids=["cases", "random"])
def test_values_equal_the_scalar_parser(texts):
    got = parse_values(pd.Series(texts, dtype=object), "人")
    for i, t in enumerate(texts):
        try:
            want = _scalar_value(t, "人")
        except jpnum.NumberError:
            continue  # the scalar parser refuses it; the column parser is only asked about valid text
        row = got.iloc[i]
        assert (
            _same(float(row["value"]), want[0])
            and bool(row["approx"]) == want[1]
            and bool(row["missing"]) == want[2]
        ), (t, row.to_dict(), want)


@pytest.mark.parametrize("texts", [TARGETS, _random_texts(3000, seed=11)], ids=["cases", "random"])
def test_targets_equal_the_scalar_parser(texts):
    got = parse_targets(pd.Series(texts, dtype=object), None)
    for i, t in enumerate(texts):
        try:
            want = jpnum.parse_target(t, None)
        except jpnum.NumberError:
            continue
        row = got.iloc[i]
        assert row["kind"] == want.kind, (t, row.to_dict(), want)
        assert _same(float(row["low"]), None if want.low is None else float(want.low)), (
            t,
            row.to_dict(),
            want,
        )
        assert _same(float(row["high"]), None if want.high is None else float(want.high)), (
            t,
            row.to_dict(),
            want,
        )
        assert bool(row["high_open"]) == want.high_open, (t, row.to_dict(), want)


def test_exact_amounts_and_missing():
    got = parse_values(pd.Series(["25.4億円", "未算出", "約340万件"]), "円")
    assert got["value"].tolist()[0] == 2_540_000_000.0
    assert math.isnan(got["value"].tolist()[1]) and got["missing"].tolist() == [False, True, False]
    assert got["approx"].tolist() == [False, False, True]
    assert missing_mask(pd.Series(["－", "ー", "9人", None])).tolist() == [True, True, False, True]


@pytest.mark.parametrize("text", ["協定締結には至らなかった", "1,00人"])
def test_text_the_scalar_parser_refuses_is_refused_too(text):
    with pytest.raises(jpnum.NumberError):
        parse_values(pd.Series(["9人", text]), "人")
