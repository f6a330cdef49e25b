"""Japanese sentences with numbers written by code.

>>> format_value(9718, "人")
'9,718人'
>>> format_value(2860000000, "円")
'28.6億円'
>>> format_value(3400000, "件", approx=True)
'約340万件'
>>> format_value(92.6, "%")
'92.6%'
>>> format_decimal(1.390157, 1)
'1.4'
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from helpers.analysis.metrics import NUMERIC_KINDS
from helpers.core.schema import is_missing
from helpers.core.textnorm import tidy_jp
from helpers.core.vocab import TREND_LABELS

#: the one missing-value test, under the name report_html imports (helpers.core.schema.is_missing)
is_na = is_missing


def format_decimal(x: float, places: int = 1, *, comma: bool = True, trim: bool = True) -> str:
    """Round half up (as people do, not to even); ``trim`` drops a trailing .0."""
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if trim and d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    s = f"{d:,}" if comma else str(d)
    return "0" if s in ("-0", "-0.0") else s


def _scaled(v: float, unit: str, short: bool) -> str:
    a = abs(v)
    if a >= 1e8 and round(v) % 10_000_000 == 0:
        return format_decimal(v / 1e8, 1) + "億" + unit
    if a >= 1e4 and round(v) % 10_000 == 0 and (unit == "円" or a >= 1e5 or short):
        return format_decimal(v / 1e4, 1) + "万" + unit
    return format_decimal(v, 0 if float(v).is_integer() else 2) + unit


def format_value(v, unit: str | None, approx: bool = False, *, short: bool = False) -> str:
    """A value with its unit as a Japanese reader expects it (万/億 for large round amounts)."""
    if is_missing(v):
        return "（値なし）"
    unit = unit if isinstance(unit, str) else ""
    if unit == "%":
        text = format_decimal(v, 1, trim=False) + "%"
    elif short and abs(v) >= 1e8:
        text = format_decimal(v / 1e8, 1) + "億" + unit
    elif short and abs(v) >= 1e4:
        text = format_decimal(v / 1e4, 1) + "万" + unit
    else:
        text = _scaled(float(v), unit, short)
    return ("約" if approx else "") + text


def format_amount_change(v: float, unit: str | None, approx: bool = False) -> str:
    """The size of a change (no sign): 137人, 2.2ポイント, 3.2億円."""
    if unit == "%":
        return ("約" if approx else "") + format_decimal(abs(v), 1, trim=False) + "ポイント"
    return format_value(abs(v), unit, approx)


def tidy(text) -> str:
    """Text from the data for display: width-fixed, whitespace collapsed."""
    if is_missing(text):
        return ""
    return tidy_jp(str(text))


def target_label(r: dict) -> str:
    """The target as the report states it, without a leading 目標/目標値 (1万人以上, 80%台)."""
    text = tidy(r.get("target_text"))
    stripped = re.sub(r"^(目標(値|とする|実施数)?(は|である)?)(?=[\d約.])", "", text)
    unit = _text(r, "unit")
    if stripped and re.fullmatch(r"[\d,.]+", stripped) and unit:
        stripped += unit
    return stripped or text


def _is_true(flag) -> bool:
    """A flag as read from a table: True (Python, numpy or the text "True"); NA is not true."""
    return not is_missing(flag) and str(flag) == "True"


def _text(r: dict, key: str) -> str:
    """A text field of the row, "" where missing."""
    v = r.get(key)
    return "" if is_missing(v) else v


def _kpi_name(r: dict) -> str:
    """The KPI's name as printed, with its ①②③ marker."""
    return _text(r, "marker") + tidy(r.get("indicator"))


def _yes_no_sentence(r: dict, name: str, target_text: str) -> str:
    done = r.get("value_flag")
    if is_missing(done):
        return f"{name}は、報告書に実施の有無の記載がありません（欠損）。"
    result = "達成しました" if _is_true(done) else "達成していません"
    return f"{name}は「{tidy(r.get('value_text'))}」とされ、目標（{target_text}）は{result}。"


def _no_value_sentence(r: dict, name: str, kind: str) -> str:
    said = tidy(r.get("value_text"))
    if kind == "achieved":
        return f"{name}は、数値の記載はありませんが、報告書では目標を達成したとされています。"
    if said:
        return f"{name}は「{said}」のため、値はありません（欠損として扱い、0とはしません）。"
    return f"{name}は、報告書に値の記載がありません（欠損）。"


def _change_clause(r: dict, unit: str, approx: bool) -> str | None:
    """From the previous value to this one: ``前年度末（9,855人）から137人（1.4%）減少しました``.

    None where the previous value or the change is missing.
    """
    prev, change = r.get("prev_value"), r.get("change_abs")
    if is_missing(prev) or is_missing(change):
        return None
    prev_approx = _is_true(r.get("prev_approx"))
    prev_text = format_value(prev, unit, prev_approx)
    if change == 0:
        return f"前年度末（{prev_text}）から変わっていません"
    if _is_true(r.get("prev_derived")):
        prev_text += "、報告書の記載する増減から算出"
    size = format_amount_change(change, unit, approx or prev_approx)
    if unit == "%":
        verb = "上昇" if change > 0 else "低下"
    else:
        verb = "増加" if change > 0 else "減少"
        pct = r.get("change_pct")
        if not is_missing(pct):
            size += f"（{format_decimal(abs(float(pct)), 1, trim=False)}%）"
    clause = f"前年度末（{prev_text}）から{size}{verb}しました"
    trend = r.get("trend")
    if r.get("direction") == "lower" and trend in TREND_LABELS:
        clause += f"（低いほど良い指標のため{TREND_LABELS[trend]}です）"
    return clause


def _numeric_target_sentence(r: dict, unit: str, target_text: str) -> str:
    ach = format_decimal(float(r["achievement_pct"]), 1, trim=False)
    head = f"目標（{target_text}）に対する達成率は{ach}%で、"
    if _is_true(r.get("met")):
        return head + "目標を達成しています。"
    size = format_amount_change(float(r.get("gap")), unit)
    if r.get("direction") == "lower":  # a value above a lower-is-better target
        return head + f"目標を{size}上回っており、達成していません。"
    return head + f"目標まで{size}不足しています。"


def _range_target_sentence(r: dict, unit: str, target_text: str) -> str:
    if _is_true(r.get("met")):
        return f"目標（{target_text}）の範囲内にあり、目標を達成しています。"
    gap = float(r.get("gap"))
    if gap == 0:
        # on an open upper bound (90.0 for 80%台): outside, at no distance
        return f"目標（{target_text}）の範囲の上限ちょうどで、範囲外です。"
    size = format_amount_change(gap, unit)
    return f"目標（{target_text}）の範囲外で、範囲の境界まで{size}の差があります。"


def _target_sentence(r: dict, kind: str, unit: str, target_text: str) -> str:
    """What the value means for the target; "" where that cannot be said."""
    if kind in NUMERIC_KINDS and not is_missing(r.get("achievement_pct")):
        return _numeric_target_sentence(r, unit, target_text)
    if kind == "range" and not is_missing(r.get("met")):
        return _range_target_sentence(r, unit, target_text)
    if kind == "achieved":
        return "報告書では目標を達成したとされています（目標値の記載なし）。"
    if kind == "none":
        return "目標値の記載はありません。"
    return ""


def kpi_sentence(r: dict, period_label: str = "今期") -> str:
    """One KPI in words, e.g.

    市民活動支援センター来場者数は9,718人で、前年度末（9,855人）から137人（1.4%）減少しました。
    目標（1万人以上）に対する達成率は97.2%です。

    ``r`` is a row of the metrics table (a dict by column name).
    """
    name = _kpi_name(r)
    unit = _text(r, "unit")
    kind = r.get("target_kind") or "none"
    target_text = target_label(r)
    if kind == "yes_no":
        return _yes_no_sentence(r, name, target_text)
    if is_missing(r.get("value")):
        return _no_value_sentence(r, name, kind)
    approx = _is_true(r.get("approx"))
    value = f"{name}は{format_value(r.get('value'), unit, approx)}"
    change = _change_clause(r, unit, approx)
    first = f"{value}で、{change}。" if change else f"{value}です。"
    return first + _target_sentence(r, kind, unit, target_text)
