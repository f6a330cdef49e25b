"""KPI history across a plan's periods, its chart, the pace, the plan's copy; the synthetic
next year-end (tests/support/next_year.py) agreeing and not agreeing with 2018-03."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from support import PLAN, copy_raw
from support.next_year import add_next_year

from helpers import notebook
from helpers.analysis.audit import run_audit
from helpers.analysis.audit_periods import audit_across_periods
from helpers.analysis.compare import load_history
from helpers.analysis.history import build_kpi_history, pace_of, paces
from helpers.analysis.metrics import compute_metrics
from helpers.analysis.plan_history import HISTORY_FILE, publish_plan_history
from helpers.core.schema import read_table
from helpers.ingest.clean import clean_period
from helpers.notebook import history_step
from helpers.present import figure_worker


def _history(data, period):
    current = clean_period(period, data, plan=PLAN, write=False)
    history, _ = load_history(period, data, current, plan=PLAN)
    return history, compute_metrics(current.indicators)


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def test_real_2018_03_previous_values_stand_as_2017_03_points(data):
    history, metrics = _history(data, "2018-03")
    kh = build_kpi_history("2018-03", history, metrics)
    assert len(kh[kh["basis"] == "reported"]) == 18
    one = kh[kh["kpi_id"] == "1-1"]
    assert one["period"].tolist() == ["2017-03", "2018-03"]
    assert one["value"].tolist() == [9855, 9718]
    assert one["basis"].tolist() == ["previous_value", "reported"]
    assert one["source"].iloc[0] == "2018-03/kpi_sheet.csv 2行の前年度末の値"
    derived = kh[(kh["kpi_id"] == "12-1") & (kh["basis"] == "previous_value")]
    assert "増減から算出" in derived["source"].iloc[0]
    assert derived["value"].iloc[0] == pytest.approx(57.9)


def test_next_year_agreeing_adds_points_and_checks_that_agree(data):
    add_next_year(data, agree=True)
    history, metrics = _history(data, "2019-03")
    kh = build_kpi_history("2019-03", history, metrics)
    one = kh[kh["kpi_id"] == "1-1"]
    assert one["period"].tolist() == ["2017-03", "2018-03", "2019-03"]
    assert one["value"].tolist() == [9855, 9718, 9901]
    # 2018-03 holds 1-1, so 2019-03's printed 9,718人 is not a second point for it
    assert (one["basis"] == "reported").sum() == 2
    audit = audit_across_periods("2019-03", history)
    prev = audit[audit["check"] == "prev_vs_earlier_period"]
    assert prev["scope"].tolist() == ["KPI 1-1", "KPI 8-1"]
    assert prev["ok"].all()
    assert audit["ok"].all()


def test_next_year_not_agreeing_is_flagged_with_both_figures_files_and_lines(data):
    add_next_year(data, agree=False)
    history, _ = _history(data, "2019-03")
    audit = audit_across_periods("2019-03", history)
    bad = audit[~audit["ok"].astype(bool)]
    assert bad["scope"].tolist() == ["KPI 1-1"]
    row = bad.iloc[0]
    # each value says which period it is from: the report's column holds the report's figure
    assert (row["expected"], row["actual"]) == (
        "平成30年度末の報告書の値: 9,700人",
        "平成29年度末の値: 9,718人",
    )
    assert "2019-03/kpi_sheet.csv 2行" in row["detail"]
    assert "2018-03/kpi_sheet.csv 2行" in row["detail"]


def test_an_item_renamed_or_an_area_resized_is_listed(data):
    add_next_year(data, agree=True)
    history, _ = _history(data, "2019-03")
    cur = history["2019-03"]
    items = cur.items.copy()
    items.loc[items["item_no"] == 3, "item_name"] = "地域コミュニティの再構築"
    areas = cur.areas.copy()
    areas.loc[0, "items"] = 8
    history["2019-03"] = type(cur)("2019-03", areas, items, cur.indicators, cur.meta)
    audit = audit_across_periods("2019-03", history)
    bad = audit[~audit["ok"].astype(bool)]
    assert "item 3" in bad["scope"].tolist() and "area 1" in bad["scope"].tolist()
    assert "（変更: 7→8項目）" in bad[bad["scope"] == "area 1"]["detail"].iloc[0]


def test_history_step_writes_table_and_chart_and_audit_step_counts_across_periods(data, tmp_path):
    """The checks across periods are the audit step's (02 counts what the report counts)."""
    add_next_year(data, agree=False)
    history, metrics = _history(data, "2019-03")
    cur = history["2019-03"]
    audit = run_audit(cur.areas, cur.items, metrics, cur.meta)
    run = SimpleNamespace(
        period="2019-03", processed_dir=tmp_path, figures_dir=tmp_path / "fig", queued_charts={}
    )
    notebook._current["run"] = run  # as the notebook's first cell makes it the current run
    comparison = SimpleNamespace(history=history)
    kh = history_step(run, comparison, metrics)
    assert read_table(tmp_path / "kpi_history.csv", "kpi_history").equals(kh)
    figure_worker.finish()  # the chart is queued for the second process (charts_step waits)
    assert (tmp_path / "fig" / "kpi_history.png").is_file()
    assert not (tmp_path / "audit.csv").exists()  # the history step leaves the audit alone
    # what 02's audit step adds to the period's own checks (tests/notebook: the same count)
    assert len(audit_across_periods("2019-03", history)) > 0 and len(audit) > 0


def test_pace_in_words(data):
    add_next_year(data, agree=True)
    history, metrics = _history(data, "2019-03")
    kh = build_kpi_history("2019-03", history, metrics)
    one = pace_of(kh[kh["kpi_id"] == "1-1"], last_year=2021)
    # 10,000 − 9,901 = 99 in 3 years: 33 a year needed; the last year gained 183
    assert one.needed == pytest.approx(33) and one.latest == pytest.approx(183)
    assert one.words == "このままの伸びで目標年度に届く見込み"
    slow = pace_of(kh[kh["kpi_id"] == "8-1"], last_year=2019)
    # 3,700,000 − 3,600,000 in 1 year needed; the last year gained 200,000
    assert slow.reaches and slow.needed == pytest.approx(100_000)
    short = pace_of(kh[kh["kpi_id"] == "8-1"], last_year=2018)
    assert "過ぎています" in short.words
    assert paces(kh, None) == []


def test_falling_behind_is_said_so(data):
    history, metrics = _history(data, "2018-03")
    kh = build_kpi_history("2018-03", history, metrics)
    one = pace_of(kh[kh["kpi_id"] == "1-1"], last_year=2021)
    assert one.words == "このままの伸びでは目標年度に届かない見込み"
    assert one.needed == pytest.approx(282 / 4) and one.latest == pytest.approx(-137)


def test_the_plans_copy_is_the_newest_completed_periods(tmp_path):
    plan = tmp_path / PLAN
    for period, body in (("2018-03", b"a\n"), ("2019-03", b"b\n")):
        (plan / period).mkdir(parents=True)
        (plan / period / HISTORY_FILE).write_bytes(body)
    (plan / "2018-03" / ".fingerprint").write_text("x\n", encoding="utf-8")
    assert publish_plan_history(plan) == plan / HISTORY_FILE
    assert (plan / HISTORY_FILE).read_bytes() == b"a\n"  # 2019-03 never completed
    (plan / "2019-03" / ".fingerprint").write_text("x\n", encoding="utf-8")
    publish_plan_history(plan)
    assert (plan / HISTORY_FILE).read_bytes() == b"b\n"
    assert publish_plan_history(plan) is None  # unchanged: not written again
    # 2019-03's raw folder removed: the copy goes back to the newest period that has raw data
    assert publish_plan_history(plan, ["2018-03"]) == plan / HISTORY_FILE
    assert (plan / HISTORY_FILE).read_bytes() == b"a\n"


@pytest.mark.e2e
def test_a_2019_03_printing_another_figure_is_flagged_in_its_audit_and_report(tmp_path):
    from helpers.run.pipeline import run_period

    data = copy_raw(tmp_path / "data")
    add_next_year(data, agree=False)
    out = tmp_path / "out"
    run_period("2019-03", data, out, plan=PLAN)
    audit = read_table(data / "processed" / PLAN / "2019-03" / "audit.csv", "audit")
    bad = audit[~audit["ok"].astype(bool) & (audit["check"] == "prev_vs_earlier_period")]
    assert bad["scope"].tolist() == ["KPI 1-1"]
    html = (out / PLAN / "2019-03" / "report.html").read_text(encoding="utf-8")
    audit_part = html[html.index('id="audit"') :]
    assert "9,700人" in audit_part and "9,718人" in audit_part and "不一致" in audit_part
    assert 'id="kpi-history"' in html and "成果指標の推移" in html
    plan_copy = data / "processed" / PLAN / HISTORY_FILE
    assert (
        plan_copy.read_bytes()
        == (data / "processed" / PLAN / "2019-03" / HISTORY_FILE).read_bytes()
    )
    # a rerun with nothing changed is up to date
    assert run_period("2019-03", data, out, plan=PLAN).skipped
