"""KPI history: every point of every KPI of a plan, its charts, the pace towards the target.

``kpi_history.csv`` holds one row per KPI and period (columns in
:data:`helpers.core.schema.KPI_HISTORY`): the value each period's sheet gives
(``basis`` = ``reported``), and, where an earlier year-end has no KPI data for
that KPI, the previous value a later period prints for it (``basis`` =
``previous_value``; 2018-03's 前年度末 9,855人 stands as 2017-03's point). A
KPI is the same across periods when its item number and its marker + name
agree (width and spaces aside), or, where its wording changed, by its
``kpi_id`` or a similar name (:mod:`helpers.analysis.identity`): a renamed KPI
keeps one line. Its ``kpi_id`` is the id it has in the newest period.

Where it is written, consistent with the run's staging and swap:

- per period, ``data/processed/<plan>/<period>/kpi_history.csv``: the points of
  every period up to that one, computed by notebook 02 from the raw data of
  those periods (the same inputs the run's fingerprint covers), written into
  the staging folder and swapped in with the other tables;
- per plan, ``data/processed/<plan>/kpi_history.csv``: a copy of the newest
  period's table (the newest with processed tables), written atomically by
  :func:`helpers.analysis.plan_history.publish_plan_history` after each period's swap (and on an up-to-date
  rerun, so a deleted copy comes back), only when its bytes change. It is a
  product of the period tables, never an input of a run, so the up-to-date
  check does not read it.

The pace (only where ``plan.toml`` gives ``last_year``): the yearly change still
needed to reach the target by the end of the plan's last fiscal year, against the
latest yearly change (between the last two year-end points); see
:data:`PACE_DEFINITION`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis.identity import key_of, kpi_key, lineages  # noqa: F401 (kpi_key re-exported)
from helpers.analysis.metrics import compute_metrics
from helpers.analysis.plan_history import HISTORY_FILE, publish_plan_history  # noqa: F401 (re-exported)
from helpers.core import schema
from helpers.core.periods import (
    fiscal_year,
    fiscal_year_label,
    is_year_end,
    period_label,
    prev_value_period,
)
from helpers.core.schema import is_missing
from helpers.core.tables import records as table_records

REPORTED, PREVIOUS = "reported", "previous_value"
PACE_DEFINITION = (
    "目標年度までの見通し",
    "計画の最終年度（plan.toml の last_year）の年度末までに目標に届くために毎年度必要な変化"
    "（＝（目標値 − 直近の年度末の値）÷ 残りの年度数）と、直近1年の変化（直近の年度末の値 − "
    "その1年前の年度末の値）を比べます。直近1年の変化が必要な変化以上なら「このままの伸びで"
    "目標年度に届く見込み」、そうでなければ「このままの伸びでは目標年度に届かない見込み」と"
    "します。小さいほど良い指標は減少を伸びとみなします。範囲の目標は近い方の境界を目標値とし、"
    "数値のない目標や1年前の値がない指標では判定しません。",
)


def _sheet_name(result) -> str:
    return ((result.meta.get("sources") or {}).get("kpi_sheet") or {}).get("file", "")


def _point(period: str, r: dict, basis: str, source: str) -> dict:
    row = {c: r.get(c) for c in schema.KPI_HISTORY if c in r}
    row |= {"period": period, "label": period_label(period), "basis": basis, "source": source}
    return row


def _reported(period: str, records: list[dict], sheet: str) -> list[dict]:
    return [_point(period, r, REPORTED, f"{period}/{sheet} {_line(r)}") for r in records]


def _line(r: dict) -> str:
    return "" if is_missing(r.get("sheet_line")) else f"{int(r['sheet_line'])}行"


def _previous_points(
    period: str, records: list[dict], sheet: str, have: set, lineage: dict
) -> list[tuple[dict, tuple]]:
    """A period's previous values as points of the earlier year-end, where it has none."""
    year_end = prev_value_period(period)
    if year_end is None:
        return []
    out = []
    for r in records:
        key = lineage[(period, key_of(r))]
        if is_missing(r["prev_value"]) or (year_end, key) in have:
            continue
        how = "、増減から算出" if r["prev_derived"] else ""
        source = f"{period}/{sheet} {_line(r)}の前年度末の値{how}"
        point = _point(year_end, r, PREVIOUS, source)
        point |= {
            "value": r["prev_value"],
            "value_text": r["prev_text"],
            "prev_value": None,
            "prev_text": None,
            "achievement_pct": None,
            "met": None,
        }
        out.append((point, key))
        have.add((year_end, key))
    return out


def build_kpi_history(period: str, history: dict, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every KPI point of the plan up to ``period``.

    ``history`` maps the plan's periods up to ``period`` to their cleaned tables
    (:func:`helpers.analysis.compare.load_history`); ``metrics`` is ``period``'s own.
    """
    per_period = {
        p: (metrics if p == period else compute_metrics(r.indicators), _sheet_name(r))
        for p, r in sorted(history.items())
        if p <= period and (p == period or len(r.indicators))
    }
    # each period's rows as dicts once (pandas' to_dict costs about 40 ms per 1,000 rows)
    records = {p: table_records(m) for p, (m, _) in per_period.items()}
    # a KPI whose wording changed is followed to its earlier self (helpers.analysis.identity)
    lineage = lineages(records)
    rows = [row for p, (_, sheet) in per_period.items() for row in _reported(p, records[p], sheet)]
    keys = [lineage[(r["period"], key_of(r))] for r in rows]
    have = set(zip([r["period"] for r in rows], keys, strict=True))
    for p, (_, sheet) in sorted(per_period.items(), reverse=True):
        for point, key in _previous_points(p, records[p], sheet, have, lineage):
            rows.append(point)
            keys.append(key)
    return _ordered(schema.frame(rows, "kpi_history"), keys)


def _ordered(df: pd.DataFrame, keys: list) -> pd.DataFrame:
    """Each KPI's id from its newest period; KPIs in their newest order, periods oldest first."""
    if not len(df):
        return df
    df = df.assign(_key=keys)
    newest = df.sort_values("period", kind="stable").groupby("_key", sort=False).tail(1)
    ids = dict(zip(newest["_key"], newest["kpi_id"], strict=True))
    order = {k: i for i, k in enumerate(newest.sort_values(["item_no", "kpi_id"])["_key"])}
    df = df.assign(kpi_id=[ids[k] for k in df["_key"]], _order=[order[k] for k in df["_key"]])
    df = df.sort_values(["_order", "period"], kind="stable").drop(columns=["_key", "_order"])
    return schema.conform(df.reset_index(drop=True), "kpi_history")


# ------------------------------------------------------------------- the pace


def target_number(r: dict) -> float | None:
    """The number a KPI's target asks for (a range: the bound nearer the value), or None."""
    kind = r.get("target_kind")
    value = r.get("target_value")
    if not is_missing(value):
        return float(value)
    if kind in ("at_least", "greater_than") and not is_missing(r.get("target_low")):
        return float(r["target_low"])
    if kind in ("at_most", "less_than") and not is_missing(r.get("target_high")):
        return float(r["target_high"])
    if kind == "range" and not is_missing(r.get("value")):
        low, high = r.get("target_low"), r.get("target_high")
        bounds = [float(b) for b in (low, high) if not is_missing(b)]
        return min(bounds, key=lambda b: abs(b - float(r["value"]))) if bounds else None
    return None


@dataclass
class Pace:
    kpi_id: str
    indicator: str
    words: str  # the judgement in Japanese
    needed: float | None = None  # the yearly change still needed
    latest: float | None = None  # the latest yearly change
    reaches: bool | None = None


def _year_end_points(points: pd.DataFrame) -> list[dict]:
    rows = [r for r in table_records(points) if is_year_end(r["period"])]
    return [r for r in rows if not is_missing(r["value"])]


def pace_of(points: pd.DataFrame, last_year: int) -> Pace | None:
    """The pace of one KPI (its rows of the history, oldest first) towards ``last_year``."""
    ends = _year_end_points(points)
    if not ends:
        return None
    now = ends[-1]
    reported = table_records(points[points["basis"] == REPORTED])
    target = target_number(reported[-1] if reported else now)
    pace = Pace(now["kpi_id"], now["indicator"], "")
    if target is None:
        return None
    sign = -1.0 if now["direction"] == "lower" else 1.0
    needed_total = sign * (target - float(now["value"]))
    years = last_year - fiscal_year(now["period"])
    if needed_total <= 0:
        pace.words, pace.reaches = "目標の水準に達しています", True
        return pace
    if years <= 0:
        pace.words = f"計画の最終年度（{fiscal_year_label(last_year)}）を過ぎています"
        return pace
    before = [r for r in ends if fiscal_year(r["period"]) == fiscal_year(now["period"]) - 1]
    pace.needed = needed_total / years
    if not before:
        pace.words = "1年前の年度末の値がなく、伸びを判定できません"
        return pace
    pace.latest = sign * (float(now["value"]) - float(before[-1]["value"]))
    pace.reaches = pace.latest >= pace.needed
    pace.words = (
        "このままの伸びで目標年度に届く見込み"
        if pace.reaches
        else "このままの伸びでは目標年度に届かない見込み"
    )
    return pace


def paces(kpi_history: pd.DataFrame, last_year: int | None) -> list[Pace]:
    """The pace of every KPI of the history, where ``last_year`` is known."""
    if last_year is None or not len(kpi_history):
        return []
    out = []
    for _, points in kpi_history.groupby("kpi_id", sort=False):
        pace = pace_of(points, last_year)
        if pace is not None:
            out.append(pace)
    return out
