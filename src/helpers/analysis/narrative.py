"""Japanese sentences with numbers written by code.

Every number goes through :mod:`helpers.core.numfmt` (the one formatter): a value
the report printed is shown as printed (約340万件, 28.6億円, 延べ980人／年), a
derived figure in the unit and decimals of its inputs (42,969万円).

>>> r = {"indicator": "シルバー人材センターの財源確保額", "unit": "円", "value": 437710000,
...      "value_text": "43,771万円", "prev_value": 429690000, "prev_text": "前年度から 802万円の増",
...      "prev_derived": True, "change_abs": 8020000, "change_pct": 1.866}
>>> value_shown(r), prev_shown(r), change_shown(r)
('43,771万円', '42,969万円', '+802万円（+1.9%）')
"""

from __future__ import annotations

import re

from helpers.analysis.metrics import NUMERIC_KINDS
from helpers.core.numfmt import (
    Form,
    finest,
    form_of,
    format_percent,
    format_signed,
    format_size,
    printed_figure,
    printed_target,
    shown_value,
)
from helpers.core.schema import is_missing
from helpers.core.textnorm import tidy_jp
from helpers.core.vocab import TREND_LABELS

#: the one missing-value test, under the name report_html imports (helpers.core.schema.is_missing)
is_na = is_missing


def _prev_is_printed(r: dict) -> bool:
    return printed_figure(r.get("prev_text"), _text(r, "unit"), r.get("prev_value")) is not None


def value_form(r: dict) -> Form | None:
    """The form (unit scale, decimals) the report printed the KPI's value in."""
    return form_of(r.get("value_text"))


def change_form(r: dict) -> Form | None:
    """The form of a figure derived from the value and the previous value (or the stated change)."""
    return finest(value_form(r), form_of(r.get("prev_text")))


def value_shown(r: dict) -> str:
    """The KPI's value as the report printed it; its text where there is no number."""
    return shown_value(
        r.get("value"), _text(r, "unit"), r.get("value_text"), approx=_is_true(r.get("approx"))
    )


def prev_shown(r: dict) -> str:
    """The previous value: as printed, or (derived from a stated change) in the value's form."""
    if is_missing(r.get("prev_value")):
        return "—"
    text = r.get("prev_text") if _prev_is_printed(r) else None
    return shown_value(
        r.get("prev_value"),
        _text(r, "unit"),
        text,
        approx=_is_true(r.get("prev_approx")),
        form=change_form(r),
    )


def change_shown(r: dict) -> str:
    """The change since the previous value, signed: +802万円（+1.9%）, −2.2ポイント."""
    change = r.get("change_abs")
    if is_missing(change):
        return "—"
    unit = _text(r, "unit")
    approx = "約" if _is_true(r.get("approx")) or _is_true(r.get("prev_approx")) else ""
    if unit == "%":
        text = format_signed(change, 1, "ポイント")
        return text[0] + approx + text[1:]
    text = format_signed(change, None, unit, form=change_form(r))
    text = text[0] + approx + text[1:]
    pct = r.get("change_pct")
    if not is_missing(pct):
        text += f"（{format_signed(pct, 1, '%')}）"
    return text


def tidy(text) -> str:
    """Text from the data for display: width-fixed, whitespace collapsed."""
    if is_missing(text):
        return ""
    return tidy_jp(str(text))


def target_label(r: dict) -> str:
    """The target as the report states it, without a leading 目標/目標値 (1万人以上, 80%台)."""
    text = printed_target(r.get("target_text"))
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
    prev_text = prev_shown(r)
    if change == 0:
        return f"前年度末（{prev_text}）から変わっていません"
    if _is_true(r.get("prev_derived")):
        prev_text += "、報告書の記載する増減から算出"
    size = format_size(change, unit, form=change_form(r), approx=approx or prev_approx)
    if unit == "%":
        verb = "上昇" if change > 0 else "低下"
    else:
        verb = "増加" if change > 0 else "減少"
        pct = r.get("change_pct")
        if not is_missing(pct):
            size += f"（{format_percent(abs(float(pct)))}）"
    clause = f"前年度末（{prev_text}）から{size}{verb}しました"
    trend = r.get("trend")
    if r.get("direction") == "lower" and trend in TREND_LABELS:
        clause += f"（低いほど良い指標のため{TREND_LABELS[trend]}です）"
    return clause


def _numeric_target_sentence(r: dict, unit: str, target_text: str) -> str:
    ach = format_percent(r["achievement_pct"])
    head = f"目標（{target_text}）に対する達成率は{ach}で、"
    if _is_true(r.get("met")):
        return head + "目標を達成しています。"
    size = format_size(r.get("gap"), unit, form=_gap_form(r), approx=_is_true(r.get("approx")))
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
    size = format_size(gap, unit, form=_gap_form(r))
    return f"目標（{target_text}）の範囲外で、範囲の境界まで{size}の差があります。"


def _gap_form(r: dict) -> Form | None:
    """The form of the distance between the value and the target (figures of both)."""
    return finest(value_form(r), form_of(r.get("target_text")))


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
    value = f"{name}は{value_shown(r)}"
    change = _change_clause(r, unit, approx)
    first = f"{value}で、{change}。" if change else f"{value}です。"
    return first + _target_sentence(r, kind, unit, target_text)
