"""Recompute the report's own arithmetic; record every check.

A failed check never stops a run: the report shows it, flagged. Checks:

- each area's counts of the plan's levels (S + A + B), plus its items not rated
  (対象外) where the plan has them, equal its item count;
- each column of the area table adds up to the 計 row, and the items to the
  summary's 全N項目;
- the summary sentence agrees with the 計 row;
- the listed S and B items agree with the S and B counts, overall and per area
  (a re-listed item counted under each number, as the report counts it);
- list headings agree with the rows listed (件数, うち再掲);
- sums, rates and changes stated in the text agree with their parts:
  amounts that add up to a stated 合計, 「N指標のうちM本」 and 「全N件中…M件」
  against a stated rate, a stated change against the two values, words such as
  微減 / 伸び / 改善 against the direction of the change, and 達成した /
  届かなかった against the computed met.

The checks across the plan's periods are in :mod:`helpers.analysis.audit_periods`.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from helpers.core import schema
from helpers.core.jpnum import NumberError, parse_amount
from helpers.core.schema import AUDIT_COLUMNS, is_missing
from helpers.core.textnorm import squash
from helpers.core.vocab import (
    CHANGE_LABELS,
    MISSING_TEXT,
    NOT_RATED,
    TREND_LABELS,
    scales_of,
    vocabulary_of,
)

__all__ = [
    "AUDIT_COLUMNS",
    "KPI_CHECKS",
    "TABLE_CHECKS",
    "audit_tables",
    "run_audit",
]


def audit_row(check, scope, expected, actual, detail, ok=None) -> dict:
    """One row of the audit table; ``ok`` defaults to expected == actual."""
    if ok is None:
        ok = expected == actual
    return {
        "check": check,
        "scope": scope,
        "expected": str(expected),
        "actual": str(actual),
        "ok": bool(ok),
        "detail": detail,
    }


def _listed(meta: dict) -> dict[str, list[int]]:
    """The item numbers listed per status, in the order of the scale's codes (S before B)."""
    listed = meta.get("listed") or {}
    return {code: listed[code] for code in vocabulary_of(meta).codes if code in listed}


def _counts(meta: dict, areas: pd.DataFrame, scale=None) -> tuple[str, ...]:
    """The count columns of the period's scale (``scale``, else every scale) that its area
    table has (codes, not_rated)."""
    scales = (scale,) if scale is not None else scales_of(meta)
    return tuple(c for v in scales for c in v.count_columns() if c in areas.columns)


def _scale_word(scale, meta: dict) -> str:
    """``【着手】`` where the plan has several scales, else ''."""
    return f"【{scale.name}】" if len(scales_of(meta)) > 1 else ""


def _display(meta: dict, code: str) -> str:
    """A code with its label, from whichever of the plan's scales has it."""
    scale = next((v for v in scales_of(meta) if code in v.count_columns()), vocabulary_of(meta))
    return scale.display(code)


def _sum_words(meta: dict, counts: tuple[str, ...]) -> str:
    """``S+A+B`` or ``S+A+B+C+対象外``."""
    vocab = vocabulary_of(meta)
    return "+".join(vocab.label(c) if c == NOT_RATED else c for c in counts)


# ------------------------------------------------------- the table and the lists
# Each check takes (areas, items, meta) and returns its rows; TABLE_CHECKS runs
# them in the order the audit table lists them.


def check_area_rows(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """Each area's counts per code (plus its items not rated) equal its item count, on
    each of the plan's scales."""
    out = []
    for scale in scales_of(meta):
        counts = _counts(meta, areas, scale)
        scope = f" {scale.name}" if len(scales_of(meta)) > 1 else ""
        out += [
            audit_row(
                "area_row_sum",
                f"area {a['area_no']}{scope}",
                int(a["items"]),
                sum(int(a[c]) for c in counts),
                f"{_scale_word(scale, meta)}分野{a['area_no']}「{a['area_name']}」: "
                f"{_sum_words(meta, counts)}（{'+'.join(str(a[c]) for c in counts)}）が"
                f"項目数{a['items']}と一致するか",
            )
            for a in areas.to_dict("records")
        ]
    return out


def check_column_totals(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """Each column of the area table adds up to the 計 row; the 計 row's counts to the items."""
    totals = meta.get("totals")
    if not totals:
        return []
    counts = _counts(meta, areas)
    out = [
        audit_row(
            "column_total",
            f"column {s}",
            int(totals[s]),
            int(areas[s].sum()),
            f"{_display(meta, s)}の各分野の合計が計の行（{totals[s]}）と一致するか",
        )
        for s in counts
    ]
    if "items" in totals:
        out.append(
            audit_row(
                "column_total",
                "column items",
                int(totals["items"]),
                int(areas["items"].sum()),
                "各分野の項目数の合計が計の行と一致するか",
            )
        )
    for scale in scales_of(meta):
        counts = _counts(meta, areas, scale)
        scope = f" {scale.name}" if len(scales_of(meta)) > 1 else ""
        out.append(
            audit_row(
                "total_row_sum",
                f"totals{scope}",
                int(areas["items"].sum()),
                sum(int(totals[c]) for c in counts),
                f"{_scale_word(scale, meta)}計の行の{_sum_words(meta, counts)}が項目数の合計と一致するか",
            )
        )
    return out


def check_summary(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """The summary sentence's 全N項目 against the table, its counts against the 計 row."""
    summary, totals = meta.get("summary"), meta.get("totals")
    if not summary:
        return []
    out = [
        audit_row(
            "summary_total",
            "summary",
            int(summary["total"]),
            int(areas["items"].sum()),
            f"本文の「全{summary['total']}項目」が表の項目数の合計と一致するか",
        )
    ]
    for s in _counts(meta, areas) if totals else ():
        out.append(
            audit_row(
                "summary_vs_table",
                f"status {s}",
                int(summary[s]),
                int(totals[s]),
                f"本文の「{summary[s]}項目が{vocabulary_of(meta).label(s)}」が表の計と一致するか",
            )
        )
    return out


def check_listed_vs_total(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """The items listed as S and as B against the 計 row (a re-listed item under each number)."""
    totals = meta.get("totals")
    if not totals:
        return []
    return [
        audit_row(
            "listed_vs_total",
            f"status {s}",
            int(totals[s]),
            len(numbers),
            f"一覧に掲載された{vocabulary_of(meta).label(s)}の取組（No. {', '.join(map(str, numbers)) or 'なし'}）"
            "の数が表の計と一致するか（再掲はそれぞれの番号で数える）",
        )
        for s, numbers in _listed(meta).items()
    ]


def check_listed_vs_area(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """The items listed as S and as B within each area's numbers against the area's counts."""
    if not meta.get("totals"):
        return []
    return [
        audit_row(
            "listed_vs_area",
            f"area {a['area_no']} {s}",
            int(a[s]),
            sum(1 for no in numbers if a["item_from"] <= no <= a["item_to"]),
            f"分野{a['area_no']}（No.{a['item_from']}～{a['item_to']}）の一覧掲載数（{s}）が表の値と一致するか",
        )
        for a in areas.to_dict("records")
        for s, numbers in _listed(meta).items()
    ]


def check_area_tables(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """A per-area table given beside the report says the same as the report's table."""
    out = []
    for other in meta.get("area_tables") or []:
        by_no = {int(r["area_no"]): r for r in other["areas"]}
        for a in areas.to_dict("records"):
            row = by_no.get(int(a["area_no"]))
            for col in ("items", *_counts(meta, areas)):
                out.append(
                    audit_row(
                        "area_table_vs_report",
                        f"area {a['area_no']} {col}",
                        int(a[col]),
                        None if row is None else int(row[col]),
                        f"{other['file']} の分野{a['area_no']}の{col}が報告書の表と一致するか",
                    )
                )
    return out


def _relisted_pairs(items: pd.DataFrame, status: str | None = None) -> int:
    """Re-listed items (one item under two numbers) among the items of ``status`` (or all)."""
    if "relisted_as" not in items:
        return 0
    rows = items if status is None else items[items["status"] == status]
    return int(rows["relisted_as"].notna().sum() // 2)


def check_headings(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """Each list heading's 件数 and うち再掲 against the rows listed under it."""
    listed = meta.get("listed")
    if not listed:
        return []
    out = []
    for s, h in (meta.get("headings") or {}).items():
        if h.get("count") is not None:
            out.append(
                audit_row(
                    "heading_count",
                    f"list {s}",
                    int(h["count"]),
                    len(listed[s]),
                    f"一覧の見出し「{h['text']}」の項目数と掲載行数が一致するか",
                )
            )
        if h.get("relisted") is not None:
            out.append(
                audit_row(
                    "heading_relisted",
                    f"list {s}",
                    int(h["relisted"]),
                    _relisted_pairs(items, s),
                    "見出しの「うち再掲」の数が、一覧で複数の番号を持つ取組の数と一致するか",
                )
            )
    return out


def check_summary_relisted(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """The re-listed items found in the lists are no more than the summary's 再掲M項目."""
    summary = meta.get("summary")
    if not meta.get("listed") or not summary or summary.get("relisted") is None:
        return []
    pairs = int(items["relisted_as"].notna().sum() // 2)
    return [
        audit_row(
            "summary_relisted",
            "summary",
            f"≤ {summary['relisted']}",
            pairs,
            f"一覧で見つかった再掲（{pairs}件）が本文の「再掲{summary['relisted']}項目」を超えないか",
            ok=pairs <= int(summary["relisted"]),
        )
    ]


#: the checks of the per-area table, the summary sentence and the item lists, in audit order
TABLE_CHECKS = (
    check_area_rows,
    check_column_totals,
    check_summary,
    check_listed_vs_total,
    check_listed_vs_area,
    check_area_tables,
    check_headings,
    check_summary_relisted,
)


def audit_tables(areas: pd.DataFrame, items: pd.DataFrame, meta: dict) -> list[dict]:
    """Checks of the per-area table, the summary sentence and the item lists."""
    return [row for check in TABLE_CHECKS for row in check(areas, items, meta)]


# ------------------------------------------------------------- text arithmetic

_YEN = r"(\d[\d,]*(?:\.\d+)?(?:[千万億兆]\d[\d,]*(?:\.\d+)?)*[千万億兆]?)円"


def _fmt(d: Decimal) -> str:
    return f"{d:,}"


def check_sums(item_no: int, text: str) -> list[dict]:
    """Amounts that add up to a stated 合計 (…円、…円、合計…円)."""
    out = []
    s = squash(text)
    for sentence in re.split(r"(?<=。)", s):
        for m in re.finditer(rf"合計{_YEN}", sentence):
            before = sentence[: m.start()]
            # only the clause list right before 合計: after the last 対し/目標 phrase
            cut = max(before.rfind("に対し"), before.rfind("目標"))
            if cut >= 0:
                after_cut = before[cut:]
                k = after_cut.find("、")
                before = after_cut[k + 1 :] if k >= 0 else ""
            parts = []
            for pm in re.finditer(_YEN, before):
                tail = before[pm.end() : pm.end() + 2]
                if tail.startswith(("以上", "以下", "未満")):
                    continue
                try:
                    parts.append(parse_amount(pm.group(0)))
                except NumberError:
                    continue
            if len(parts) < 2:
                continue
            total = parse_amount(m.group(0))
            out.append(
                audit_row(
                    "text_sum",
                    f"item {item_no}",
                    _fmt(total),
                    _fmt(sum(parts)),
                    "本文の合計額が内訳の和と一致するか: "
                    + " + ".join(_fmt(p) for p in parts)
                    + f" = {_fmt(sum(parts))}円（記載 {_fmt(total)}円）",
                )
            )
    return out


def _round_like(value: Decimal, stated: str) -> Decimal:
    places = len(stated.split(".")[1]) if "." in stated else 0
    return value.quantize(Decimal(1).scaleb(-places))


def check_rates(item_no: int, texts: list[str]) -> list[dict]:
    """「62.6%（107指標のうち67本）」 and 「全106件中…6件」 against the stated rate."""
    out = []
    joined = squash("\n".join(t for t in texts if t))
    for m in re.finditer(
        r"(\d+(?:\.\d+)?)%[（(](\d[\d,]*)[^\d（）()]{0,6}?のうち(\d[\d,]*)", joined
    ):
        rate, n, k = (
            m.group(1),
            Decimal(m.group(2).replace(",", "")),
            Decimal(m.group(3).replace(",", "")),
        )
        if n == 0:
            continue
        computed = _round_like(k / n * 100, rate)
        out.append(
            audit_row(
                "text_rate",
                f"item {item_no}",
                rate,
                str(computed),
                f"記載の割合{rate}%が {k}/{n}×100 = {computed}% と一致するか",
            )
        )
    rates = re.findall(r"達成率(?:は|が)?(\d+(?:\.\d+)?)%", joined)
    for m in re.finditer(r"全(\d[\d,]*)件中、([^。]*?)が(\d[\d,]*)件", joined):
        n, k = Decimal(m.group(1).replace(",", "")), Decimal(m.group(3).replace(",", ""))
        if n == 0 or not rates:
            continue
        shortfall = bool(re.search(r"未達成|未実施|未了|除", m.group(2)))
        share = (n - k) / n * 100 if shortfall else k / n * 100
        rate = rates[0]
        computed = _round_like(share, rate)
        formula = f"({n}−{k})/{n}×100" if shortfall else f"{k}/{n}×100"
        out.append(
            audit_row(
                "text_rate",
                f"item {item_no}",
                rate,
                str(computed),
                f"記載の達成率{rate}%が {formula} = {computed}% と一致するか"
                + ("（未達成・未実施の件数を除いた割合）" if shortfall else ""),
            )
        )
    return out


_UP = ("微増", "増加", "伸び", "上昇", "向上", "増")
_DOWN = ("微減", "減少", "低下", "下落", "減")


def _texts_of(item_texts: dict, item_no) -> dict:
    """The texts of an item; a re-listed number (41) finds those of its first (7)."""
    key = str(item_no)
    key = item_texts.get("__aliases__", {}).get(key, key)
    return item_texts.get(key) or {}


def check_change_words(metrics: pd.DataFrame, item_texts: dict) -> list[dict]:
    """Words of change next to a KPI's numbers (微減, 伸び, 改善) against its computed change."""
    out = []
    for r in metrics.itertuples():
        if is_missing(r.change_abs) or r.prev_derived:
            continue
        texts = _texts_of(item_texts, r.item_no)
        progress = squash(texts.get("progress") or "")
        needles = [squash(t) for t in (r.prev_text, r.value_text) if isinstance(t, str) and t]
        for clause in re.split(r"[、。]", progress):
            if not any(n and n in clause for n in needles):
                continue
            if "改善" in clause or "悪化" in clause:
                said = TREND_LABELS["improved" if "改善" in clause else "worsened"]
                got = TREND_LABELS.get(r.trend, MISSING_TEXT)
            elif any(w in clause for w in _UP + _DOWN):
                up = next((w for w in _UP if w in clause), None)
                down = next((w for w in _DOWN if w in clause), None)
                if up and down:
                    continue
                said = CHANGE_LABELS["increase" if up else "decrease"]
                got = CHANGE_LABELS[
                    "increase" if r.change_abs > 0 else ("decrease" if r.change_abs < 0 else "none")
                ]
            else:
                continue
            out.append(
                audit_row(
                    "text_change_word",
                    f"KPI {r.kpi_id}",
                    said,
                    got,
                    f"「{r.indicator}」の本文の表現（{clause[:40]}）が前年度からの変化の向きと一致するか",
                )
            )
            break
    return out


def check_stated_changes(metrics: pd.DataFrame, item_texts: dict) -> list[dict]:
    """Every statement of an item's change in points (4.7ポイント向上) agrees with value − prev."""
    out = []
    for r in metrics.itertuples():
        if r.unit != "%" or is_missing(r.change_pt):
            continue
        texts = _texts_of(item_texts, r.item_no)
        joined = squash("\n".join(t for t in texts.values() if t))
        for m in re.finditer(
            r"(\d+(?:\.\d+)?)ポイント(向上|上昇|増加|改善|低下|減少|悪化)", joined
        ):
            amount = Decimal(m.group(1))
            sign = -1 if m.group(2) in ("低下", "減少") else 1
            if m.group(2) in ("改善", "悪化"):
                sign = (1 if m.group(2) == "改善" else -1) * (-1 if r.direction == "lower" else 1)
            stated = sign * amount
            computed = _round_like(Decimal(str(r.change_pt)), m.group(1))
            out.append(
                audit_row(
                    "text_change",
                    f"KPI {r.kpi_id}",
                    str(stated),
                    str(computed),
                    f"本文の「{m.group(0)}」が {r.prev_value:g}% → {r.value:g}% の差（{computed}ポイント）と一致するか",
                )
            )
    return out


def check_stated_results(metrics: pd.DataFrame, item_texts: dict | None = None) -> list[dict]:
    """What the report says (達成した / 届かなかった) against the computed met.

    ``item_texts`` is not read: the KPI sheet holds what the report says of the target.
    """
    out = []
    for r in metrics.itertuples():
        if is_missing(r.stated_met) or is_missing(r.met) or r.target_kind in ("achieved",):
            continue
        out.append(
            audit_row(
                "stated_result",
                f"KPI {r.kpi_id}",
                "達成" if r.stated_met else "未達成",
                "達成" if r.met else "未達成",
                f"「{r.indicator}」: 報告書の記述（{r.result_text}）が数値から判定した目標達成と一致するか",
            )
        )
    return out


#: the checks of each KPI against its item's texts, in audit order
KPI_CHECKS = (check_stated_changes, check_change_words, check_stated_results)


def audit_texts(metrics: pd.DataFrame, meta: dict) -> list[dict]:
    """Sums and rates stated in each item's texts, then each KPI against its item's texts."""
    item_texts = dict(meta.get("item_texts") or {})
    out = []
    for no, texts in sorted(item_texts.items(), key=lambda kv: int(kv[0])):
        out += check_sums(int(no), texts.get("progress") or "")
        out += check_rates(
            int(no), [texts.get("progress"), texts.get("causes"), texts.get("next_steps")]
        )
    item_texts["__aliases__"] = meta.get("item_aliases") or {}
    if len(metrics):
        for check in KPI_CHECKS:
            out += check(metrics, item_texts)
    return out


def run_audit(
    areas: pd.DataFrame, items: pd.DataFrame, metrics: pd.DataFrame, meta: dict
) -> pd.DataFrame:
    """All checks of a period, one row each: check, scope, expected, actual, ok, detail."""
    rows = audit_tables(areas, items, meta) + audit_texts(metrics, meta)
    # a statement printed twice in an item's text is one check, not two identical rows
    return schema.frame(rows, "audit").drop_duplicates(ignore_index=True)
