"""Year-over-year change and achievement of each KPI.

Definitions (the report's method section prints the same):

- change_abs = value − prev_value, in the indicator's unit.
- change_pct = change_abs / prev_value × 100, for indicators not in percent;
  for a percentage the change is in points (change_pt): 94.8% → 92.6% is
  −2.2 ポイント, and change_pct is left empty.
- trend: improved / worsened / unchanged, read in the light of direction
  (for 経常収支比率, lower is better, a decrease is an improvement).
- achievement_pct: value / target × 100 where higher is better, target / value × 100
  where lower is better; empty for a range (80%台), for targets without a number,
  and where a value is missing.
- gap: how far the value is from the target, in the indicator's unit
  (ポイント for percentages): target − value where higher is better,
  value − target where lower is better, so positive means short of the target
  and negative beyond it; for a range, 0 inside it, else the distance to the
  nearest bound.
- met: at least (以上) value ≥ target; more than (超) value > target; at most
  (以下) value ≤ target; less than (未満) value < target; a number to reach:
  value ≥ target (≤ where lower is better); a range: low ≤ value < high;
  achieved without a number (目標を達成した): met; yes/no (協定締結): met iff done.
  A missing value is never met and never counted: met is empty.
"""

from __future__ import annotations

import math

import pandas as pd

METRIC_COLUMNS = ["change_abs", "change_pct", "change_pt", "achievement_pct", "gap", "met", "trend", "achievement_formula"]
NUMERIC_KINDS = ("at_least", "greater_than", "at_most", "less_than", "point")


def _num(x) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _flag(x) -> bool | None:
    if x is None or x is pd.NA:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, str):
        return {"True": True, "False": False}.get(x)
    return bool(x)


def _r(x: float | None) -> float | None:
    """Round away float noise (92.6 − 94.8 = −2.1999999999999886 → −2.2)."""
    return None if x is None else round(x, 9)


def kpi_metrics(row: dict) -> dict:
    """Metrics of one indicator row (a dict with the indicators.csv columns)."""
    value = _num(row.get("value"))
    prev = _num(row.get("prev_value"))
    unit = row.get("unit")
    is_pct = unit == "%"
    lower = row.get("direction") == "lower"
    kind = row.get("target_kind") or "none"
    low, high = _num(row.get("target_low")), _num(row.get("target_high"))
    high_open = bool(_flag(row.get("target_high_open")))
    out: dict = dict.fromkeys(METRIC_COLUMNS)

    if value is not None and prev is not None:
        change = _r(value - prev)
        out["change_abs"] = change
        if is_pct:
            out["change_pt"] = change
        elif prev != 0:
            out["change_pct"] = _r(change / prev * 100)
        if change == 0:
            out["trend"] = "unchanged"
        else:
            out["trend"] = "improved" if (change > 0) != lower else "worsened"

    target = low if kind in ("at_least", "greater_than", "point") else high
    if kind in NUMERIC_KINDS and value is not None and target is not None:
        if kind == "at_least":
            met = value >= target
        elif kind == "greater_than":
            met = value > target
        elif kind == "at_most":
            met = value <= target
        elif kind == "less_than":
            met = value < target
        else:
            met = value <= target if lower else value >= target
        out["met"] = met
        if lower:
            out["gap"] = _r(value - target)
            if value != 0:
                out["achievement_pct"] = _r(target / value * 100)
            out["achievement_formula"] = "target / value × 100 (lower is better)"
        else:
            out["gap"] = _r(target - value)
            if target != 0:
                out["achievement_pct"] = _r(value / target * 100)
            out["achievement_formula"] = "value / target × 100"
    elif kind == "range" and value is not None and low is not None and high is not None:
        inside_high = value < high if high_open else value <= high
        out["met"] = low <= value and inside_high
        if out["met"]:
            out["gap"] = 0.0
        elif value < low:
            out["gap"] = _r(low - value)
        else:
            out["gap"] = _r(value - high)
        out["achievement_formula"] = "range: met iff inside; gap = distance to nearest bound"
    elif kind == "achieved":
        out["met"] = True
        out["achievement_formula"] = "stated as achieved (目標を達成した)"
    elif kind == "yes_no":
        out["met"] = _flag(row.get("value_flag"))
        out["achievement_formula"] = "yes/no: met iff done"
    return out


def compute_metrics(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators plus change_abs, change_pct, change_pt, achievement_pct, gap, met, trend."""
    rows = [kpi_metrics(r) for r in indicators.to_dict("records")]
    metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS, index=indicators.index)
    out = pd.concat([indicators, metrics], axis=1)
    for col in ("change_abs", "change_pct", "change_pt", "achievement_pct", "gap"):
        out[col] = out[col].astype("Float64")
    out["met"] = out["met"].astype("boolean")
    return out


def summarise_met(metrics: pd.DataFrame) -> dict:
    """Counts of KPIs met, not met, and without a judgement (missing)."""
    met = metrics["met"]
    return {
        "kpis": int(len(metrics)),
        "met": int((met == True).sum()),  # noqa: E712 (nullable boolean)
        "not_met": int((met == False).sum()),  # noqa: E712
        "undetermined": int(met.isna().sum()),
    }
