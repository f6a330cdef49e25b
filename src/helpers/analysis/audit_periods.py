"""The checks of a period against the plan's earlier periods (flagged, never fatal).

- a period's printed previous value (前年度末) of a KPI equals the value the
  workbook holds for that KPI at the earlier year-end of the same plan (both
  figures, both sheets and lines in the detail);
- items keep their numbers, names and areas from the previous period that
  names them;
- each area's item count agrees with the previous period's, or the change is
  listed.

Each check takes (period, history): history maps the plan's periods up to
``period`` to their cleaned tables (areas, items, indicators, meta), as
helpers.analysis.compare.load_history gives them.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.audit import audit_row
from helpers.analysis.compare import ADDED, item_changes
from helpers.analysis.identity import BY_ID, SIMILARITY, key_of, match_kpis
from helpers.core import schema
from helpers.core.periods import last_report_period, period_label, prev_value_period
from helpers.core.schema import is_missing
from helpers.core.tables import records as table_records
from helpers.core.textnorm import squash

__all__ = ["CROSS_PERIOD_CHECKS", "audit_across_periods"]


def report_words(period: str, text) -> str:
    """A value labelled as the period's report prints it: 「平成30年9月末の報告書の値: 9,718人」."""
    return f"{period_label(period)}の報告書の値: {text}"


def held_words(period: str, text) -> str:
    """A value labelled by the period the workbook holds it for: 「平成29年度末の値: 9,718人」."""
    return f"{period_label(period)}の値: {text}"


def _sheet_place(result, r: dict) -> str:
    sheet = ((result.meta.get("sources") or {}).get("kpi_sheet") or {}).get("file", "KPIシート")
    line = "" if is_missing(r.get("sheet_line")) else f" {int(r['sheet_line'])}行"
    return f"{result.period}/{sheet}{line}"


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


def check_previous_values(period: str, history: dict) -> list[dict]:
    """Each printed previous value against the value held for the earlier year-end."""
    earlier_id = prev_value_period(period)
    if earlier_id is None:
        return []
    current, earlier = history.get(period), history.get(earlier_id)
    if current is None or earlier is None or earlier_id == period or not len(earlier.indicators):
        return []
    earlier_rows = table_records(earlier.indicators)
    held = {key_of(r): r for r in earlier_rows}
    rows = table_records(current.indicators)
    matches = match_kpis(earlier_rows, rows)
    out = []
    for r in rows:
        m = matches.get(key_of(r))
        h = held.get(m.earlier) if m else None
        if is_missing(r["prev_value"]) or h is None or is_missing(h["value"]):
            continue
        how = "（増減から算出）" if r["prev_derived"] else ""
        out.append(
            audit_row(
                "prev_vs_earlier_period",
                f"KPI {r['kpi_id']}",
                report_words(period, f"{r['prev_text']}{how}"),
                held_words(earlier_id, h["value_text"]),
                f"「{r['indicator']}」: {period_label(period)}の報告書の前年度末"
                f"（{period_label(earlier_id)}）の値 {r['prev_text']}{how}"
                f"（{_sheet_place(current, r)}）が、{period_label(earlier_id)}の値 "
                f"{h['value_text']}（{_sheet_place(earlier, h)}）と一致するか",
                ok=_same(r["prev_value"], h["value"]),
            )
        )
    return out


def check_kpi_identity(period: str, history: dict) -> list[dict]:
    """A KPI whose wording changed since the last report, matched to its earlier self: to confirm."""
    current = history.get(period)
    with_kpis = [p for p in history if p < period and len(history[p].indicators)]
    before = last_report_period(period, with_kpis)
    if current is None or before is None:
        return []
    earlier = table_records(history[before].indicators)
    old = {key_of(r): r for r in earlier}
    out = []
    for r in table_records(current.indicators):
        m = match_kpis(earlier, [r]).get(key_of(r))
        if m is None or not m.renamed:
            continue
        o = old[m.earlier]
        how = (
            f"指標IDが同じ（{r['kpi_id']}）"
            if m.how == BY_ID
            else f"同じ取組で名称の類似度 {m.ratio:.2f}（{SIMILARITY}以上）"
        )
        out.append(
            audit_row(
                "kpi_identity",
                f"KPI {r['kpi_id']}",
                report_words(period, r["indicator"]),
                f"{period_label(before)}の指標名: {o['indicator']}",
                f"No.{r['item_no']} の成果指標「{r['indicator']}」を{period_label(before)}の"
                f"「{o['indicator']}」と同じ指標とみなしました（{how}）。推移はつないで示します。"
                "同じ指標か確認してください",
                ok=False,
            )
        )
    return out


def _previous(period: str, history: dict, named: bool = False):
    """The latest period before ``period`` in history (``named``: whose items have names)."""
    named_periods = [p for p in history if not named or history[p].items["item_name"].notna().any()]
    before = last_report_period(period, named_periods)
    return history[before] if before else None


def check_item_names(period: str, history: dict) -> list[dict]:
    """Items keep their numbers, names and areas from the previous period that names them."""
    current, before = history.get(period), _previous(period, history, named=True)
    if current is None or before is None:
        return []
    old = {int(r["item_no"]): r for r in before.items.to_dict("records")}
    out, agreeing = [], 0
    for r in current.items.dropna(subset=["item_name"]).to_dict("records"):
        o = old.get(int(r["item_no"]))
        if o is None or is_missing(o["item_name"]):
            continue
        same = squash(o["item_name"]) == squash(r["item_name"]) and o["area_no"] == r["area_no"]
        agreeing += same
        if not same:
            out.append(
                audit_row(
                    "item_across_periods",
                    f"item {r['item_no']}",
                    report_words(
                        period, f"No.{r['item_no']} {r['item_name']}（分野{r['area_no']}）"
                    ),
                    held_words(
                        before.period, f"No.{o['item_no']} {o['item_name']}（分野{o['area_no']}）"
                    ),
                    f"No.{r['item_no']} の名称・分野が{period_label(before.period)}と同じか",
                    ok=False,
                )
            )
    if agreeing:
        out.insert(
            0,
            audit_row(
                "item_across_periods",
                "items",
                agreeing,
                agreeing,
                f"両時点に名前のある{agreeing}項目の番号・名称・分野が"
                f"{period_label(before.period)}と同じか",
            ),
        )
    return out


def check_area_counts(period: str, history: dict) -> list[dict]:
    """Each area's item count (and name) against the previous period; a change is listed."""
    current, before = history.get(period), _previous(period, history)
    if current is None or before is None:
        return []
    old = {int(a["area_no"]): a for a in before.areas.to_dict("records")}
    moves = item_changes(current.items, before.items)
    out = []
    for a in current.areas.to_dict("records"):
        o = old.pop(int(a["area_no"]), None)
        was = None if o is None else int(o["items"])
        renamed = o is not None and squash(o["area_name"]) != squash(a["area_name"])
        # items added, completed or merged explain a change of the count
        here = [m for m in moves if int(m["area_no"]) == int(a["area_no"])]
        net = sum(1 if m["change"] == ADDED else -1 for m in here)
        explained = was is not None and was + net == int(a["items"]) and bool(here)
        change = (
            ""
            if was == int(a["items"])
            else f"（変更: {was if was is not None else 'なし'}→{a['items']}項目）"
        )
        if here:
            change += "（" + "、".join(f"No.{m['item_no']} {m['change']}" for m in here) + "）"
        if renamed:
            change += f"（名称の変更: {o['area_name']}→{a['area_name']}）"
        out.append(
            audit_row(
                "area_items_across_periods",
                f"area {a['area_no']}",
                report_words(current.period, f"{a['items']}項目"),
                held_words(before.period, "なし" if was is None else f"{was}項目"),
                f"分野{a['area_no']}「{a['area_name']}」の項目数・名称が"
                f"{period_label(before.period)}と同じか（取組の追加・完了・統合を除く）{change}",
                ok=(was == int(a["items"]) or explained) and not renamed,
            )
        )
    for no, o in sorted(old.items()):
        out.append(
            audit_row(
                "area_items_across_periods",
                f"area {no}",
                report_words(current.period, "なし"),
                held_words(before.period, f"{o['items']}項目"),
                f"分野{no}「{o['area_name']}」が{period_label(before.period)}にあり今期にない"
                f"（変更: {o['items']}→0項目）",
                ok=False,
            )
        )
    return out


#: the checks of a period against the plan's earlier periods, in audit order
CROSS_PERIOD_CHECKS = (
    check_previous_values,
    check_kpi_identity,
    check_item_names,
    check_area_counts,
)


def audit_across_periods(period: str, history: dict) -> pd.DataFrame:
    """The checks against earlier periods of the same plan (never another plan's)."""
    rows = [row for check in CROSS_PERIOD_CHECKS for row in check(period, history)]
    return schema.frame(rows, "audit")
