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

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .textnorm import tidy_jp

TREND_JA = {"improved": "改善", "worsened": "悪化", "unchanged": "横ばい"}


def is_na(x) -> bool:
    """Missing: None, NA or NaN (as read back from a CSV)."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


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
    if is_na(v):
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
    if is_na(text):
        return ""
    return tidy_jp(str(text))


def target_label(r: dict) -> str:
    """The target as the report states it, without a leading 目標/目標値 (1万人以上, 80%台)."""
    text = tidy(r.get("target_text"))
    stripped = re.sub(r"^(目標(値|とする|実施数)?(は|である)?)(?=[\d約.])", "", text)
    unit = r.get("unit") if not is_na(r.get("unit")) else ""
    if stripped and re.fullmatch(r"[\d,.]+", stripped) and unit:
        stripped += unit
    return stripped or text


def kpi_sentence(r: dict, period_label: str = "今期") -> str:
    """One KPI in words, e.g.

    市民活動支援センター来場者数は9,718人で、前年度末（9,855人）から137人（1.4%）減少しました。
    目標（1万人以上）に対する達成率は97.2%です。
    """
    name = tidy(r.get("indicator"))
    if r.get("marker") and not is_na(r.get("marker")):
        name = f"{r['marker']}{name}"
    unit = r.get("unit") if not is_na(r.get("unit")) else ""
    approx = not is_na(r.get("approx")) and bool(r.get("approx"))
    value = r.get("value")
    kind = r.get("target_kind") or "none"
    target_text = target_label(r)
    parts: list[str] = []

    if kind == "yes_no":
        done = r.get("value_flag")
        said = tidy(r.get("value_text"))
        if is_na(done):
            return f"{name}は、報告書に実施の有無の記載がありません（欠損）。"
        return f"{name}は「{said}」とされ、目標（{target_text}）は" + (
            "達成しました。" if done else "達成していません。"
        )

    if is_na(value):
        said = tidy(r.get("value_text"))
        if kind == "achieved":
            return f"{name}は、数値の記載はありませんが、報告書では目標を達成したとされています。"
        if said:
            return f"{name}は「{said}」のため、値はありません（欠損として扱い、0とはしません）。"
        return f"{name}は、報告書に値の記載がありません（欠損）。"

    parts.append(f"{name}は{format_value(value, unit, approx)}で")
    prev = r.get("prev_value")
    change = r.get("change_abs")
    if not is_na(prev) and not is_na(change):
        prev_approx = not is_na(r.get("prev_approx")) and bool(r.get("prev_approx"))
        either_approx = approx or prev_approx
        if change == 0:
            parts.append(
                f"、前年度末（{format_value(prev, unit, prev_approx)}）から変わっていません。"
            )
        else:
            if unit == "%":
                verb = "上昇" if change > 0 else "低下"
                size = format_amount_change(change, unit, either_approx)
            else:
                verb = "増加" if change > 0 else "減少"
                size = format_amount_change(change, unit, either_approx)
                pct = r.get("change_pct")
                if not is_na(pct):
                    size += f"（{format_decimal(abs(float(pct)), 1, trim=False)}%）"
            prev_label = "前年度末" + (
                f"（{format_value(prev, unit, prev_approx)}、報告書の記載する増減から算出）"
                if r.get("prev_derived") is True or str(r.get("prev_derived")) == "True"
                else f"（{format_value(prev, unit, prev_approx)}）"
            )
            parts.append(f"、{prev_label}から{size}{verb}しました")
            trend = r.get("trend")
            if r.get("direction") == "lower" and trend in TREND_JA:
                parts.append(f"（低いほど良い指標のため{TREND_JA[trend]}です）")
            parts.append("。")
    else:
        parts.append("す。")

    ach = r.get("achievement_pct")
    met = r.get("met")
    gap = r.get("gap")
    if kind in ("at_least", "greater_than", "at_most", "less_than", "point") and not is_na(ach):
        parts.append(
            f"目標（{target_text}）に対する達成率は{format_decimal(float(ach), 1, trim=False)}%で、"
        )
        if met is True or str(met) == "True":
            parts.append("目標を達成しています。")
        else:
            size = format_amount_change(float(gap), unit)
            if r.get("direction") == "lower":  # a value above a lower-is-better target
                parts.append(f"目標を{size}上回っており、達成していません。")
            else:
                parts.append(f"目標まで{size}不足しています。")
    elif kind == "range" and not is_na(met):
        if met is True or str(met) == "True":
            parts.append(f"目標（{target_text}）の範囲内にあり、目標を達成しています。")
        else:
            if float(gap) == 0:
                # on an open upper bound (90.0 for 80%台): outside, at no distance
                parts.append(f"目標（{target_text}）の範囲の上限ちょうどで、範囲外です。")
            else:
                parts.append(
                    f"目標（{target_text}）の範囲外で、範囲の境界まで{format_amount_change(float(gap), unit)}の差があります。"
                )
    elif kind == "achieved":
        parts.append("報告書では目標を達成したとされています（目標値の記載なし）。")
    elif kind == "none":
        parts.append("目標値の記載はありません。")
    text = "".join(parts)
    return text.replace("ですす。", "です。").replace("でで", "で")
