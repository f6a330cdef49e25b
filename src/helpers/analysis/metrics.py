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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.core.schema import METRIC_COLUMNS, METRIC_NUMBER_COLUMNS, METRICS_ADDED, is_missing

__all__ = ["METRIC_COLUMNS", "METRIC_NUMBER_COLUMNS", "compute_metrics", "summarise_met"]

NUMERIC_KINDS = ("at_least", "greater_than", "at_most", "less_than", "point")
TARGET_KINDS = (*NUMERIC_KINDS, "range", "achieved", "yes_no")

FORMULA_HIGHER = "value / target × 100"
FORMULA_LOWER = "target / value × 100 (lower is better)"
FORMULA_RANGE = "range: met iff inside; gap = distance to nearest bound"
FORMULA_ACHIEVED = "stated as achieved (目標を達成した)"
FORMULA_YES_NO = "yes/no: met iff done"


# ------------------------------------------------------------------ the inputs


def _num(x) -> float:
    """``x`` as a float; NaN where it is missing or not a number."""
    if is_missing(x):
        return np.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        return np.nan


def _flag(x) -> bool | None:
    """``x`` as True / False; None where it is missing ("True"/"False" as read from text)."""
    if is_missing(x):
        return None
    if isinstance(x, str):
        return {"True": True, "False": False}.get(x)
    return bool(x)


def _num_array(s: pd.Series | None, n: int) -> np.ndarray:
    """:func:`_num` of each element as float64, NaN for missing."""
    if s is None:
        return np.full(n, np.nan)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.array([_num(x) for x in s.tolist()], dtype=np.float64)


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


@dataclass
class _Inputs:
    """The columns the rules read, as numpy arrays (NaN / False where missing)."""

    value: np.ndarray
    prev: np.ndarray
    low: np.ndarray
    high: np.ndarray
    is_pct: np.ndarray
    lower: np.ndarray
    kind: dict[str, np.ndarray]
    high_open: np.ndarray
    value_flag: np.ndarray
    value_flag_missing: np.ndarray

    @property
    def has_value(self) -> np.ndarray:
        return ~np.isnan(self.value)


def _read_inputs(indicators: pd.DataFrame) -> _Inputs:
    n = len(indicators)

    def col(name: str) -> pd.Series | None:
        return indicators[name] if name in indicators.columns else None

    kinds = col("target_kind")
    high_open, _ = _flag_arrays(col("target_high_open"), n)
    value_flag, value_flag_missing = _flag_arrays(col("value_flag"), n)
    return _Inputs(
        value=_num_array(col("value"), n),
        prev=_num_array(col("prev_value"), n),
        low=_num_array(col("target_low"), n),
        high=_num_array(col("target_high"), n),
        is_pct=_eq_array(col("unit"), "%", n),
        lower=_eq_array(col("direction"), "lower", n),
        kind={k: _eq_array(kinds, k, n) for k in TARGET_KINDS},
        high_open=high_open,
        value_flag=value_flag,
        value_flag_missing=value_flag_missing,
    )


# ----------------------------------------------------------------- the outputs


def _round9(x: np.ndarray) -> np.ndarray:
    """``round(v, 9)`` of each element, bit for bit as Python's round.

    Rounds away float noise (92.6 − 94.8 = −2.1999999999999886 → −2.2).
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


@dataclass
class _Metrics:
    """The metric columns being filled in; ``met`` counts only where ``met_known``."""

    n: int
    change_abs: np.ndarray = field(init=False)
    change_pct: np.ndarray = field(init=False)
    change_pt: np.ndarray = field(init=False)
    achievement_pct: np.ndarray = field(init=False)
    gap: np.ndarray = field(init=False)
    met: np.ndarray = field(init=False)
    met_known: np.ndarray = field(init=False)
    trend: np.ndarray = field(init=False)
    formula: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        for name in METRIC_NUMBER_COLUMNS:
            setattr(self, name, np.full(self.n, np.nan))
        self.met = np.zeros(self.n, bool)
        self.met_known = np.zeros(self.n, bool)
        self.trend = np.full(self.n, None, dtype=object)
        self.formula = np.full(self.n, None, dtype=object)

    def judge(self, rows: np.ndarray, met: np.ndarray, known: np.ndarray | bool = True) -> None:
        self.met[rows], self.met_known[rows] = met[rows], known

    def frame(self, index: pd.Index) -> pd.DataFrame:
        met = np.full(self.n, None, dtype=object)
        met[self.met_known] = self.met[self.met_known]
        columns = {name: getattr(self, name) for name in METRIC_NUMBER_COLUMNS}
        columns |= {"met": met, "trend": self.trend, "achievement_formula": self.formula}
        df = pd.DataFrame(columns, columns=METRIC_COLUMNS, index=index)
        return df.astype(METRICS_ADDED)


# ------------------------------------------------------------------- the rules


def _apply_changes(c: _Inputs, m: _Metrics) -> None:
    """change_abs, change_pt for percentages, change_pct for the rest, trend by direction."""
    both = c.has_value & ~np.isnan(c.prev)
    m.change_abs[both] = _round9(c.value[both] - c.prev[both])
    pt = both & c.is_pct
    m.change_pt[pt] = m.change_abs[pt]
    pc = both & ~c.is_pct & (c.prev != 0)
    m.change_pct[pc] = _round9(m.change_abs[pc] / c.prev[pc] * 100)
    ch, lw = m.change_abs[both], c.lower[both]
    better = np.where((ch > 0) != lw, "improved", "worsened")
    m.trend[both] = np.where(ch == 0, "unchanged", better)


def _apply_numeric_targets(c: _Inputs, m: _Metrics) -> np.ndarray:
    """A number to reach: met by kind, gap and achievement by direction. Returns the rows judged."""
    k = c.kind
    target = np.where(k["at_least"] | k["greater_than"] | k["point"], c.low, c.high)
    numeric = np.logical_or.reduce([k[name] for name in NUMERIC_KINDS])
    numeric &= c.has_value & ~np.isnan(target)
    v = c.value
    met = np.select(
        [k["at_least"], k["greater_than"], k["at_most"], k["less_than"]],
        [v >= target, v > target, v <= target, v < target],
        default=np.where(c.lower, v <= target, v >= target),  # point
    )
    m.judge(numeric, met)
    nl, nh = numeric & c.lower, numeric & ~c.lower
    m.gap[nl] = _round9(v[nl] - target[nl])
    m.gap[nh] = _round9(target[nh] - v[nh])
    al, ah = nl & (v != 0), nh & (target != 0)
    m.achievement_pct[al] = _round9(target[al] / v[al] * 100)
    m.achievement_pct[ah] = _round9(v[ah] / target[ah] * 100)
    m.formula[nl] = FORMULA_LOWER
    m.formula[nh] = FORMULA_HIGHER
    return numeric


def _apply_range_targets(c: _Inputs, m: _Metrics, open_rows: np.ndarray) -> np.ndarray:
    """A range (80%台): met iff inside; gap 0 inside, else the distance to the nearest bound."""
    v, low, high = c.value, c.low, c.high
    rng = open_rows & c.kind["range"] & c.has_value & ~np.isnan(low) & ~np.isnan(high)
    inside = (low <= v) & np.where(c.high_open, v < high, v <= high)
    m.judge(rng, inside)
    m.gap[rng & inside] = 0.0
    below = rng & ~inside & (v < low)
    above = rng & ~inside & ~(v < low)
    m.gap[below] = _round9(low[below] - v[below])
    m.gap[above] = _round9(v[above] - high[above])
    m.formula[rng] = FORMULA_RANGE
    return rng


def _apply_worded_targets(c: _Inputs, m: _Metrics, open_rows: np.ndarray) -> None:
    """Targets without a number: 目標を達成した is met; a yes/no target is met iff done."""
    ach = open_rows & c.kind["achieved"]
    m.judge(ach, np.ones(m.n, bool))
    m.formula[ach] = FORMULA_ACHIEVED
    yn = open_rows & ~ach & c.kind["yes_no"]
    m.judge(yn, c.value_flag, ~c.value_flag_missing[yn])
    m.formula[yn] = FORMULA_YES_NO


def compute_metrics(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators plus change_abs, change_pct, change_pt, achievement_pct, gap, met, trend.

    The rules of the module's docstring, on whole columns at once. Columns the
    rules read may be absent (they count as missing) and may hold text as read
    from a CSV ("True", "92.6"); the added columns have the dtypes of
    :data:`helpers.core.schema.METRICS`.
    """
    c = _read_inputs(indicators)
    m = _Metrics(len(indicators))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        _apply_changes(c, m)
        numeric = _apply_numeric_targets(c, m)
        ranged = _apply_range_targets(c, m, ~numeric)
    _apply_worded_targets(c, m, ~numeric & ~ranged)
    return pd.concat([indicators, m.frame(indicators.index)], axis=1)


def summarise_met(metrics: pd.DataFrame) -> dict:
    """Counts of KPIs met, not met, and without a judgement (missing)."""
    met = metrics["met"]
    return {
        "kpis": int(len(metrics)),
        "met": int((met == True).sum()),  # noqa: E712 (nullable boolean)
        "not_met": int((met == False).sum()),  # noqa: E712
        "undetermined": int(met.isna().sum()),
    }
