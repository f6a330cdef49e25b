"""KPI metrics (helpers.analysis.metrics): change, achievement, gap, met and trend.

Every rule is tested through :func:`compute_metrics`, the function the workbook
runs, one indicator row at a time (:func:`metrics_of`) or on whole frames.
"""

from __future__ import annotations

import pandas as pd
import pytest
from support import source_data

from helpers.analysis.metrics import METRIC_COLUMNS, compute_metrics, summarise_met
from helpers.core.schema import is_missing
from helpers.ingest.clean import clean_period


def row(**kw) -> dict:
    base = {
        "value": None,
        "prev_value": None,
        "unit": "件",
        "direction": "higher",
        "target_kind": "none",
        "target_low": None,
        "target_high": None,
        "target_high_open": False,
        "value_flag": None,
    }
    return base | kw


def metrics_of(r: dict) -> dict:
    """The metric columns compute_metrics gives a one-row frame, None where missing."""
    m = compute_metrics(pd.DataFrame([r]))
    assert len(m) == 1
    rec = m[METRIC_COLUMNS].to_dict("records")[0]
    return {k: None if is_missing(v) else v for k, v in rec.items()}


na = is_missing


# --------------------------------------------------------------------------
# target kinds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,value,target,met",
    [
        ("at_least", 10_000, 10_000, True),
        ("at_least", 9_718, 10_000, False),
        ("at_least", 10_001, 10_000, True),
        ("greater_than", 100, 100, False),
        ("greater_than", 101, 100, True),
        ("point", 36, 16, True),
        ("point", 16, 16, True),
        ("point", 2, 4, False),
    ],
)
def test_higher_is_better_kinds(kind, value, target, met):
    m = metrics_of(row(value=value, target_kind=kind, target_low=target))
    assert m["met"] is met
    assert m["gap"] == target - value
    assert m["achievement_pct"] == pytest.approx(value / target * 100)
    assert m["achievement_formula"] == "value / target × 100"


@pytest.mark.parametrize(
    "kind,value,target,met",
    [
        ("at_most", 5, 5, True),
        ("at_most", 6, 5, False),
        ("at_most", 4, 5, True),
        ("less_than", 10, 10, False),
        ("less_than", 9.9, 10, True),
        ("less_than", 11, 10, False),
    ],
)
def test_at_most_and_less_than(kind, value, target, met):
    m = metrics_of(
        row(value=value, target_kind=kind, target_high=target, direction="lower", unit="%")
    )
    assert m["met"] is met
    assert m["gap"] == pytest.approx(value - target)
    assert m["achievement_pct"] == pytest.approx(target / value * 100)
    assert m["achievement_formula"] == "target / value × 100 (lower is better)"


def test_at_most_uses_the_high_bound_not_the_low():
    m = metrics_of(
        row(value=4, target_kind="at_most", target_low=None, target_high=5, direction="lower")
    )
    assert m["met"] is True and m["gap"] == -1


def test_point_lower_is_better():
    m = metrics_of(row(value=90, target_kind="point", target_low=85, direction="lower", unit="%"))
    assert m["met"] is False
    assert m["gap"] == 5
    assert m["achievement_pct"] == pytest.approx(85 / 90 * 100)
    m = metrics_of(row(value=80, target_kind="point", target_low=85, direction="lower", unit="%"))
    assert m["met"] is True
    assert m["gap"] == -5
    assert m["achievement_pct"] == pytest.approx(106.25)


def test_point_higher_is_better():
    m = metrics_of(row(value=980, target_kind="point", target_low=1000, unit="人"))
    assert (m["met"], m["gap"], m["achievement_pct"]) == (False, 20, 98.0)


@pytest.mark.parametrize(
    "value,high_open,met,gap",
    [
        (85.0, True, True, 0.0),  # inside
        (80.0, True, True, 0.0),  # low bound is inside
        (92.6, True, False, 2.6),  # above: distance to 90
        (75.5, True, False, 4.5),  # below: distance to 80
        (90.0, True, False, 0.0),  # 80%台 excludes 90
        (90.0, False, True, 0.0),  # a closed range includes it
        (89.99, True, True, 0.0),
        (95.0, False, False, 5.0),
        (79.0, False, False, 1.0),
    ],
)
def test_range(value, high_open, met, gap):
    m = metrics_of(
        row(value=value, unit="%", target_kind="range", target_low=80, target_high=90,
            target_high_open=high_open, direction="lower")
    )  # fmt: skip
    assert m["met"] is met
    assert m["gap"] == pytest.approx(gap)
    assert m["achievement_pct"] is None
    assert m["achievement_formula"].startswith("range")


def test_range_gap_has_no_float_noise():
    m = metrics_of(row(value=92.6, unit="%", target_kind="range", target_low=80, target_high=90,
                        target_high_open=True))  # fmt: skip
    assert m["gap"] == 2.6


def test_range_high_open_given_as_text():
    m = metrics_of(row(value=90.0, unit="%", target_kind="range", target_low=80, target_high=90,
                        target_high_open="True"))  # fmt: skip
    assert m["met"] is False
    m = metrics_of(row(value=90.0, unit="%", target_kind="range", target_low=80, target_high=90,
                        target_high_open="False"))  # fmt: skip
    assert m["met"] is True


def test_achieved_without_number():
    m = metrics_of(row(target_kind="achieved"))
    assert m["met"] is True
    assert m["achievement_pct"] is None and m["gap"] is None
    assert "目標を達成した" in m["achievement_formula"]


@pytest.mark.parametrize(
    "flag,met", [(True, True), (False, False), (None, None), (pd.NA, None), (float("nan"), None),
                 ("True", True), ("False", False)]
)  # fmt: skip
def test_yes_no(flag, met):
    m = metrics_of(row(unit=None, target_kind="yes_no", value_flag=flag))
    assert m["met"] is met
    assert m["achievement_pct"] is None and m["gap"] is None
    assert m["achievement_formula"] == "yes/no: met iff done"


def test_no_target():
    m = metrics_of(row(value=5, prev_value=4, target_kind="none"))
    assert m["met"] is None and m["achievement_pct"] is None and m["gap"] is None
    assert m["achievement_formula"] is None
    assert m["change_abs"] == 1 and m["trend"] == "improved"


def test_unknown_or_missing_kind_is_no_target():
    assert metrics_of(row(value=5, target_kind=None))["met"] is None
    assert metrics_of(row(value=5, target_kind=float("nan")))["met"] is None
    assert metrics_of({}) == dict.fromkeys(METRIC_COLUMNS)


# --------------------------------------------------------------------------
# changes and trend
# --------------------------------------------------------------------------


def test_percentage_change_is_in_points():
    m = metrics_of(row(value=92.6, prev_value=94.8, unit="%", direction="lower"))
    assert m["change_pt"] == -2.2  # exactly, after rounding away float noise
    assert m["change_abs"] == -2.2
    assert m["change_pct"] is None
    assert m["trend"] == "improved"


def test_percentage_rise_higher_is_better():
    m = metrics_of(row(value=62.6, prev_value=57.9, unit="%"))
    assert m["change_pt"] == 4.7
    assert m["change_pct"] is None
    assert m["trend"] == "improved"


def test_count_change_pct():
    m = metrics_of(row(value=9718, prev_value=9855, unit="人"))
    assert m["change_abs"] == -137
    assert m["change_pct"] == pytest.approx(-1.3901573, abs=1e-6)
    assert m["change_pt"] is None
    assert m["trend"] == "worsened"


def test_change_pct_of_an_increase():
    m = metrics_of(row(value=3_400_000, prev_value=3_000_000))
    assert m["change_abs"] == 400_000
    assert m["change_pct"] == pytest.approx(13.333333333)
    assert m["trend"] == "improved"


@pytest.mark.parametrize(
    "value,prev,direction,trend",
    [
        (10, 8, "higher", "improved"),
        (8, 10, "higher", "worsened"),
        (10, 8, "lower", "worsened"),
        (8, 10, "lower", "improved"),
        (10, 10, "higher", "unchanged"),
        (10, 10, "lower", "unchanged"),
    ],
)
def test_trend_by_direction(value, prev, direction, trend):
    assert metrics_of(row(value=value, prev_value=prev, direction=direction))["trend"] == trend


def test_trend_missing_without_previous_value():
    m = metrics_of(row(value=10, prev_value=None))
    assert m["trend"] is None and m["change_abs"] is None and m["change_pct"] is None


# --------------------------------------------------------------------------
# missing values and zeros
# --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [None, pd.NA, float("nan")])
@pytest.mark.parametrize("kind", ["at_least", "greater_than", "point", "at_most", "less_than"])
def test_missing_value_is_never_met_and_never_zero(missing, kind):
    m = metrics_of(
        row(value=missing, prev_value=100, target_kind=kind, target_low=50, target_high=50)
    )
    assert m["met"] is None
    assert m["achievement_pct"] is None
    assert m["gap"] is None
    assert m["change_abs"] is None and m["change_pct"] is None and m["trend"] is None


def test_missing_value_in_range_is_not_met():
    m = metrics_of(row(value=pd.NA, unit="%", target_kind="range", target_low=80, target_high=90))
    assert m["met"] is None and m["gap"] is None


def test_missing_target_number():
    m = metrics_of(row(value=10, target_kind="at_least", target_low=None))
    assert m["met"] is None and m["achievement_pct"] is None


def test_zero_previous_value_no_crash():
    m = metrics_of(row(value=5, prev_value=0))
    assert m["change_abs"] == 5
    assert m["change_pct"] is None
    assert m["trend"] == "improved"


def test_zero_target_no_crash():
    m = metrics_of(row(value=3, target_kind="at_least", target_low=0))
    assert m["met"] is True
    assert m["achievement_pct"] is None
    assert m["gap"] == -3


def test_zero_value_lower_is_better_no_crash():
    m = metrics_of(row(value=0, target_kind="at_most", target_high=5, direction="lower"))
    assert m["met"] is True
    assert m["achievement_pct"] is None
    assert m["gap"] == -5


def test_zero_value_higher_is_better():
    m = metrics_of(row(value=0, target_kind="point", target_low=4, unit="地区"))
    assert m["achievement_pct"] == 0 and m["met"] is False and m["gap"] == 4


# --------------------------------------------------------------------------
# whole frames
# --------------------------------------------------------------------------


def test_compute_metrics_frame_types():
    df = pd.DataFrame(
        {
            "kpi_id": ["a", "b", "c"],
            "value": pd.array([9718, None, 92.6], dtype="Float64"),
            "prev_value": pd.array([9855, 5, 94.8], dtype="Float64"),
            "unit": ["人", "件", "%"],
            "direction": ["higher", "higher", "lower"],
            "target_kind": ["at_least", "at_least", "range"],
            "target_low": pd.array([10000, 10, 80], dtype="Float64"),
            "target_high": pd.array([None, None, 90], dtype="Float64"),
            "target_high_open": [False, False, True],
            "value_flag": pd.array([None, None, None], dtype="boolean"),
        }
    )
    m = compute_metrics(df)
    assert list(m.columns[: len(df.columns)]) == list(df.columns)
    for col in ("change_abs", "change_pct", "change_pt", "achievement_pct", "gap"):
        assert str(m[col].dtype) == "Float64"
    assert str(m["met"].dtype) == "boolean"
    assert list(m["met"].astype(object).where(m["met"].notna(), None)) == [False, None, False]
    assert m.loc[1, "achievement_pct"] is pd.NA
    assert m.loc[2, "change_pt"] == -2.2 and m.loc[2, "change_pct"] is pd.NA
    assert summarise_met(m) == {"kpis": 3, "met": 0, "not_met": 2, "undetermined": 1}


def test_compute_metrics_empty_frame():
    df = pd.DataFrame(columns=["value", "prev_value", "unit", "target_kind"])
    m = compute_metrics(df)
    assert len(m) == 0
    for col in ["change_abs", "change_pct", "change_pt", "achievement_pct", "gap", "met", "trend"]:
        assert col in m.columns


# --------------------------------------------------------------------------
# the real numbers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> dict[str, dict]:
    result = clean_period("2018-03", source_data(), write=False)
    metrics = compute_metrics(result.indicators)
    return {r["kpi_id"]: r for r in metrics.to_dict("records")}


def test_real_1_1(real):
    r = real["1-1"]
    assert r["change_abs"] == -137
    assert r["change_pct"] == pytest.approx(-1.390157, abs=1e-6)
    assert r["achievement_pct"] == 97.18
    assert r["gap"] == 282
    assert r["met"] == False  # noqa: E712
    assert r["trend"] == "worsened"


def test_real_20_1_points(real):
    r = real["20-1"]
    assert r["change_pt"] == -2.2 and r["change_abs"] == -2.2
    assert na(r["change_pct"])
    assert r["trend"] == "improved"
    assert r["met"] == False  # noqa: E712
    assert r["gap"] == 2.6
    assert na(r["achievement_pct"])


def test_real_20_2(real):
    r = real["20-2"]
    assert r["change_abs"] == 320_000_000
    assert r["change_pct"] == pytest.approx(12.598425, abs=1e-6)
    assert r["achievement_pct"] == pytest.approx(81.714286, abs=1e-6)
    assert r["gap"] == 640_000_000


def test_real_30(real):
    assert real["30-3"]["achievement_pct"] == pytest.approx(99.029412, abs=1e-6)
    assert real["30-3"]["change_abs"] == 8_020_000
    assert real["30-3"]["change_pct"] == pytest.approx(1.866462, abs=1e-6)
    assert real["30-2"]["change_abs"] == -1_590_000
    assert real["30-2"]["change_pct"] == pytest.approx(-6.559406, abs=1e-6)
    assert real["30-2"]["achievement_pct"] == pytest.approx(98.478261, abs=1e-6)
    assert real["30-1"]["met"] == True  # noqa: E712


def test_real_others(real):
    assert real["12-1"]["change_pt"] == 4.7
    assert real["8-1"]["change_pct"] == pytest.approx(13.333333, abs=1e-6)
    assert real["8-1"]["trend"] == "improved"
    assert real["7-1"]["achievement_pct"] == 225 and real["7-1"]["met"] == True  # noqa: E712
    assert real["28-1"]["achievement_pct"] == pytest.approx(295.09646)
    assert real["3-1"]["achievement_pct"] == 50
    assert real["11-1"]["gap"] == pytest.approx(5.7)
    assert real["1-3"]["met"] == False  # noqa: E712
    assert real["1-2"]["met"] == True  # noqa: E712


def test_real_missing_value_is_undetermined(real):
    r = real["22-3"]
    for col in ("value", "achievement_pct", "gap", "met", "change_abs"):
        assert na(r[col]), col


def test_real_met_counts(real):
    met = [k for k, r in real.items() if r["met"] is True]
    not_met = [k for k, r in real.items() if r["met"] is False]
    assert sorted(met) == sorted(["1-2", "7-1", "28-1", "22-1", "30-1"])
    assert len(not_met) == 12
    assert [k for k, r in real.items() if na(r["met"])] == ["22-3"]
