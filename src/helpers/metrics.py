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

import numpy as np
import pandas as pd

METRIC_NUMBER_COLUMNS = ("change_abs", "change_pct", "change_pt", "achievement_pct", "gap")
METRIC_COLUMNS = [
    "change_abs",
    "change_pct",
    "change_pt",
    "achievement_pct",
    "gap",
    "met",
    "trend",
    "achievement_formula",
]
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


def _typed_metrics(indicators: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat([indicators, metrics], axis=1)
    for col in METRIC_NUMBER_COLUMNS:
        out[col] = out[col].astype("Float64")
    out["met"] = out["met"].astype("boolean")
    return out


def compute_metrics_rowwise(indicators: pd.DataFrame) -> pd.DataFrame:
    """The reference: :func:`kpi_metrics` row by row (slow; :func:`compute_metrics` equals it)."""
    rows = [kpi_metrics(r) for r in indicators.to_dict("records")]
    metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS, index=indicators.index)
    return _typed_metrics(indicators, metrics)


# --------------------------------------------------------------------------
# Vectorised: the same rules as kpi_metrics, on whole columns. Results are
# identical to compute_metrics_rowwise, bit for bit and dtype for dtype
# (bench/run_bench.py compares the two on the real data and a 10k-row table).
# --------------------------------------------------------------------------


def _round9(x: np.ndarray) -> np.ndarray:
    """``round(v, 9)`` of each element, bit for bit as Python's round.

    rint(x·1e9)/1e9 is exact (the nearest double to k/10⁹, as Python's round
    gives) whenever rint picks the right k. It may not where x·1e9 lies within
    float error of a half-integer, or is too large for its fraction to be
    known; those few elements (and only non-integral ones: round leaves an
    integral float as it is) go through Python's round itself.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 1e9
        out = np.rint(y) / 1e9
        frac = y - np.floor(y)
        doubtful = ~(np.abs(y) < 2.0**52) | (np.abs(frac - 0.5) <= 4 * np.spacing(np.abs(y)))
        integral = x == np.floor(x)
    out[integral] = x[integral]
    idx = np.flatnonzero(doubtful & ~integral & ~np.isnan(x))
    if idx.size:
        out[idx] = [round(v, 9) for v in x[idx].tolist()]
    return out


def _column(df: pd.DataFrame, name: str) -> pd.Series | None:
    return df[name] if name in df.columns else None


def _num_array(s: pd.Series | None, n: int) -> np.ndarray:
    """:func:`_num` of each element as float64, NaN for None."""
    if s is None:
        return np.full(n, np.nan)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.array([np.nan if (v := _num(x)) is None else v for x in s.tolist()], dtype=np.float64)


def _flag_arrays(s: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_flag` of each element as (value, missing) boolean arrays."""
    if s is None:
        return np.zeros(n, bool), np.ones(n, bool)
    if s.dtype == bool:
        return s.to_numpy(dtype=bool), np.zeros(n, bool)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        f = s.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(f)
        return (f != 0) & ~missing, missing
    flags = [_flag(x) for x in s.tolist()]
    missing = np.array([f is None for f in flags], dtype=bool)
    return np.array([bool(f) for f in flags], dtype=bool), missing


def _eq_array(s: pd.Series | None, value: str, n: int) -> np.ndarray:
    """``x == value`` of each element; missing is not equal."""
    if s is None:
        return np.zeros(n, bool)
    return s.eq(value).fillna(False).to_numpy(dtype=bool)


def compute_metrics(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators plus change_abs, change_pct, change_pt, achievement_pct, gap, met, trend.

    The rules of :func:`kpi_metrics`, applied to whole columns at once.
    """
    n = len(indicators)
    if n == 0:
        return compute_metrics_rowwise(indicators)

    def col(name: str) -> pd.Series | None:
        return _column(indicators, name)

    value = _num_array(col("value"), n)
    prev = _num_array(col("prev_value"), n)
    low = _num_array(col("target_low"), n)
    high = _num_array(col("target_high"), n)
    is_pct = _eq_array(col("unit"), "%", n)
    lower = _eq_array(col("direction"), "lower", n)
    kinds = col("target_kind")
    kind = {k: _eq_array(kinds, k, n) for k in (*NUMERIC_KINDS, "range", "achieved", "yes_no")}
    high_open, _ = _flag_arrays(col("target_high_open"), n)
    value_flag, value_flag_missing = _flag_arrays(col("value_flag"), n)
    has_value = ~np.isnan(value)

    nan = np.full(n, np.nan)
    change_abs, change_pct, change_pt = nan.copy(), nan.copy(), nan.copy()
    achievement_pct, gap = nan.copy(), nan.copy()
    met = np.zeros(n, bool)
    met_known = np.zeros(n, bool)
    trend = np.full(n, None, dtype=object)
    formula = np.full(n, None, dtype=object)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # change from the previous value
        both = has_value & ~np.isnan(prev)
        change = _round9(value[both] - prev[both])
        change_abs[both] = change
        pt = both & is_pct
        change_pt[pt] = change_abs[pt]
        pc = both & ~is_pct & (prev != 0)
        change_pct[pc] = _round9(change_abs[pc] / prev[pc] * 100)
        ch, lw = change_abs[both], lower[both]
        better = np.where((ch > 0) != lw, "improved", "worsened")
        trend[both] = np.where(ch == 0, "unchanged", better)

        # a numeric target
        target = np.where(kind["at_least"] | kind["greater_than"] | kind["point"], low, high)
        numeric = np.zeros(n, bool)
        for k in NUMERIC_KINDS:
            numeric |= kind[k]
        numeric &= has_value & ~np.isnan(target)
        m = np.select(
            [kind["at_least"], kind["greater_than"], kind["at_most"], kind["less_than"]],
            [value >= target, value > target, value <= target, value < target],
            default=np.where(lower, value <= target, value >= target),
        )
        met[numeric], met_known[numeric] = m[numeric], True
        nl, nh = numeric & lower, numeric & ~lower
        gap[nl] = _round9(value[nl] - target[nl])
        gap[nh] = _round9(target[nh] - value[nh])
        al, ah = nl & (value != 0), nh & (target != 0)
        achievement_pct[al] = _round9(target[al] / value[al] * 100)
        achievement_pct[ah] = _round9(value[ah] / target[ah] * 100)
        formula[nl] = "target / value × 100 (lower is better)"
        formula[nh] = "value / target × 100"

        # a range
        rng = ~numeric & kind["range"] & has_value & ~np.isnan(low) & ~np.isnan(high)
        inside = (low <= value) & np.where(high_open, value < high, value <= high)
        met[rng], met_known[rng] = inside[rng], True
        gap[rng & inside] = 0.0
        below = rng & ~inside & (value < low)
        above = rng & ~inside & ~(value < low)
        gap[below] = _round9(low[below] - value[below])
        gap[above] = _round9(value[above] - high[above])
        formula[rng] = "range: met iff inside; gap = distance to nearest bound"

    # targets without a number
    ach = ~numeric & ~rng & kind["achieved"]
    met[ach], met_known[ach] = True, True
    formula[ach] = "stated as achieved (目標を達成した)"
    yn = ~numeric & ~rng & ~ach & kind["yes_no"]
    met[yn], met_known[yn] = value_flag[yn], ~value_flag_missing[yn]
    formula[yn] = "yes/no: met iff done"

    met_col = np.full(n, None, dtype=object)
    met_col[met_known] = met[met_known]
    metrics = pd.DataFrame(
        {
            "change_abs": change_abs,
            "change_pct": change_pct,
            "change_pt": change_pt,
            "achievement_pct": achievement_pct,
            "gap": gap,
            "met": met_col,
            "trend": trend,
            "achievement_formula": formula,
        },
        columns=METRIC_COLUMNS,
        index=indicators.index,
    )
    return _typed_metrics(indicators, metrics)


def summarise_met(metrics: pd.DataFrame) -> dict:
    """Counts of KPIs met, not met, and without a judgement (missing)."""
    met = metrics["met"]
    return {
        "kpis": int(len(metrics)),
        "met": int((met == True).sum()),  # noqa: E712 (nullable boolean)
        "not_met": int((met == False).sum()),  # noqa: E712
        "undetermined": int(met.isna().sum()),
    }
