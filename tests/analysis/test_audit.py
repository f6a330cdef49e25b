"""Recomputing the report's own arithmetic (helpers.analysis.audit), on the real 2018-03 data."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from support import PLAN, source_data

from helpers.analysis.audit import (
    AUDIT_COLUMNS,
    audit_tables,
    check_rates,
    check_stated_results,
    check_sums,
    run_audit,
)
from helpers.analysis.metrics import compute_metrics
from helpers.ingest.clean import clean_period


@pytest.fixture(scope="module")
def cleaned():
    return clean_period("2018-03", source_data(), write=False)


@pytest.fixture(scope="module")
def metrics(cleaned):
    return compute_metrics(cleaned.indicators)


@pytest.fixture(scope="module")
def audit(cleaned, metrics) -> pd.DataFrame:
    return run_audit(cleaned.areas, cleaned.items, metrics, cleaned.meta)


def rows(audit: pd.DataFrame, check: str, scope: str | None = None) -> pd.DataFrame:
    sel = audit[audit["check"] == check]
    return sel if scope is None else sel[sel["scope"] == scope]


def one(audit: pd.DataFrame, check: str, scope: str) -> dict:
    sel = rows(audit, check, scope)
    assert len(sel) == 1, (check, scope, sel)
    return sel.iloc[0].to_dict()


def failed(audit: pd.DataFrame) -> set[tuple[str, str]]:
    return set(map(tuple, audit.loc[~audit["ok"], ["check", "scope"]].to_numpy().tolist()))


# --------------------------------------------------------------------------
# the real period
# --------------------------------------------------------------------------


def test_columns(audit):
    assert list(audit.columns) == AUDIT_COLUMNS
    for col in ("check", "expected", "actual", "ok", "detail"):
        assert col in audit.columns
    assert str(audit["ok"].dtype) == "boolean"


def test_all_real_checks_pass(audit):
    assert len(audit) >= 50
    assert audit["ok"].all(), audit[~audit["ok"]].to_string()


def test_kinds_of_checks_present(audit):
    assert set(audit["check"]) >= {
        "area_row_sum", "column_total", "total_row_sum", "summary_total", "summary_vs_table",
        "listed_vs_total", "listed_vs_area", "heading_count", "heading_relisted", "summary_relisted",
        "text_sum", "text_rate", "text_change", "text_change_word", "stated_result",
    }  # fmt: skip
    assert len(rows(audit, "area_row_sum")) == 5
    assert len(rows(audit, "listed_vs_area")) == 10


def test_text_sum_item_28(audit):
    r = one(audit, "text_sum", "item 28")
    assert r["expected"] == r["actual"] == "29,509,646"
    assert r["ok"]
    assert "17,966,912 + 11,542,734" in r["detail"]
    assert len(rows(audit, "text_sum")) == 1


def test_text_rates_items_11_and_12(audit):
    r11 = one(audit, "text_rate", "item 11")
    assert (r11["expected"], r11["actual"], r11["ok"]) == ("94.3", "94.3", True)
    assert "(106−6)/106" in r11["detail"]
    r12 = one(audit, "text_rate", "item 12")
    assert (r12["expected"], r12["actual"], r12["ok"]) == ("62.6", "62.6", True)
    assert "67/107" in r12["detail"]


def test_stated_results(audit):
    sr = rows(audit, "stated_result")
    assert set(sr["scope"]) == {
        "KPI 1-1", "KPI 1-3", "KPI 3-1", "KPI 8-1", "KPI 10-1", "KPI 11-1", "KPI 12-1",
        "KPI 20-1", "KPI 20-2", "KPI 22-1", "KPI 22-2", "KPI 30-2", "KPI 30-3",
    }  # fmt: skip
    assert one(audit, "stated_result", "KPI 22-1")["expected"] == "達成"
    assert one(audit, "stated_result", "KPI 1-1")["actual"] == "未達成"
    # achieved-without-number and missing values are not judged
    assert not (sr["scope"].isin(["KPI 1-2", "KPI 30-1", "KPI 22-3"])).any()


def test_stated_change_and_words(audit):
    tc = rows(audit, "text_change", "KPI 12-1")
    assert len(tc) >= 1 and (tc["expected"] == "4.7").all() and (tc["actual"] == "4.7").all()
    assert one(audit, "text_change_word", "KPI 1-1")["expected"] == "減少"  # 微減
    assert one(audit, "text_change_word", "KPI 8-1")["expected"] == "増加"  # 伸び
    assert one(audit, "text_change_word", "KPI 20-1")["expected"] == "改善"  # 改善させ


def test_table_checks_values(audit):
    assert one(audit, "area_row_sum", "area 4")["expected"] == "14"
    assert one(audit, "summary_total", "summary")["actual"] == "43"
    assert one(audit, "listed_vs_total", "status S")["actual"] == "3"  # 7, 28, 41
    assert one(audit, "listed_vs_total", "status B")["actual"] == "10"
    assert one(audit, "heading_relisted", "list S")["actual"] == "1"
    r = one(audit, "summary_relisted", "summary")
    assert r["expected"] == "≤ 2" and r["actual"] == "1" and r["ok"]


# --------------------------------------------------------------------------
# tampered inputs: checks fail, nothing raises
# --------------------------------------------------------------------------


def test_changed_area_b_count(cleaned, metrics):
    areas = cleaned.areas.copy()
    areas.loc[areas["area_no"] == 1, "B"] = 3
    audit = run_audit(areas, cleaned.items, metrics, cleaned.meta)
    assert failed(audit) == {
        ("area_row_sum", "area 1"),
        ("column_total", "column B"),
        ("listed_vs_area", "area 1 B"),
    }
    r = one(audit, "area_row_sum", "area 1")
    assert (r["expected"], r["actual"]) == ("7", "8")
    r = one(audit, "column_total", "column B")
    assert (r["expected"], r["actual"]) == ("10", "11")


def test_changed_area_item_count(cleaned, metrics):
    areas = cleaned.areas.copy()
    areas.loc[areas["area_no"] == 5, "items"] = 14
    audit = run_audit(areas, cleaned.items, metrics, cleaned.meta)
    assert {
        ("area_row_sum", "area 5"),
        ("summary_total", "summary"),
        ("total_row_sum", "totals"),
    } <= failed(audit)


def test_changed_summary_counts(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    meta["summary"]["S"] = 4
    meta["summary"]["total"] = 44
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {("summary_vs_table", "status S"), ("summary_total", "summary")}
    r = one(audit, "summary_vs_table", "status S")
    assert (r["expected"], r["actual"]) == ("4", "3")


def test_changed_totals_row(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    meta["totals"]["A"] = 31
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {
        ("column_total", "column A"),
        ("total_row_sum", "totals"),
        ("summary_vs_table", "status A"),
    }


def test_fewer_relisted_than_found(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    meta["summary"]["relisted"] = 0
    meta["headings"]["S"]["relisted"] = 0
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {("summary_relisted", "summary"), ("heading_relisted", "list S")}


def test_listed_items_disagree_with_table(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    meta["listed"]["B"] = [n for n in meta["listed"]["B"] if n != 30]
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {
        ("listed_vs_total", "status B"),
        ("listed_vs_area", "area 4 B"),
        ("heading_count", "list B"),
    }


def test_sum_that_does_not_add_up(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    text = meta["item_texts"]["28"]["progress"]
    meta["item_texts"]["28"]["progress"] = text.replace("合計29,509,646円", "合計29,609,646円")
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {("text_sum", "item 28")}
    r = one(audit, "text_sum", "item 28")
    assert (r["expected"], r["actual"]) == ("29,609,646", "29,509,646")


def test_check_sums_directly():
    ok = check_sums(5, "内訳は、Aが100円、Bが250円、合計350円となった。")
    assert [(r["expected"], r["actual"], r["ok"]) for r in ok] == [("350", "350", True)]
    bad = check_sums(5, "Aが1万円、Bが2万円、合計4万円となった。")
    assert [(r["expected"], r["actual"], r["ok"]) for r in bad] == [("40,000", "30,000", False)]
    # a target before 合計 is no part of the sum
    assert check_sums(5, "目標値1,000万円以上に対し、合計2,000円") == []


def test_stated_rate_that_does_not_match(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    t = meta["item_texts"]["12"]
    t["progress"] = t["progress"].replace(
        "62.6%（107指標のうち67本）", "63.6%（107指標のうち67本）"
    )
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert ("text_rate", "item 12") in failed(audit)
    r = one(audit, "text_rate", "item 12")
    assert (r["expected"], r["actual"]) == ("63.6", "62.6")


def test_stated_achievement_rate_that_does_not_match(cleaned, metrics):
    meta = copy.deepcopy(cleaned.meta)
    t = meta["item_texts"]["11"]
    t["causes"] = t["causes"].replace("全106件中", "全100件中")
    audit = run_audit(cleaned.areas, cleaned.items, metrics, meta)
    assert failed(audit) == {("text_rate", "item 11")}
    assert one(audit, "text_rate", "item 11")["actual"] == "94.0"


def test_check_rates_directly():
    rs = check_rates(1, ["割合は50.0%（10件のうち5件）であった。"])
    assert [(r["expected"], r["actual"], r["ok"]) for r in rs] == [("50.0", "50.0", True)]
    rs = check_rates(1, ["割合は33%（3件のうち2件）であった。"])
    assert [(r["expected"], r["actual"], r["ok"]) for r in rs] == [("33", "67", False)]
    assert check_rates(1, [None, ""]) == []


def test_stated_result_contradicted(metrics):
    m = metrics.copy()
    m.loc[m["kpi_id"] == "22-1", "value"] = 140.0
    m = compute_metrics(m.drop(columns=["change_abs", "change_pct", "change_pt", "achievement_pct",
                                        "gap", "met", "trend", "achievement_formula"]))  # fmt: skip
    out = pd.DataFrame(check_stated_results(m))
    bad = out[~out["ok"]]
    assert list(bad["scope"]) == ["KPI 22-1"]
    assert (bad.iloc[0]["expected"], bad.iloc[0]["actual"]) == ("達成", "未達成")


def test_stated_point_change_contradicted(cleaned, metrics):
    m = metrics.copy()
    m.loc[m["kpi_id"] == "12-1", "change_pt"] = 5.7
    audit = run_audit(cleaned.areas, cleaned.items, m, cleaned.meta)
    tc = rows(audit, "text_change", "KPI 12-1")
    assert len(tc) >= 1 and not tc["ok"].any()
    assert set(tc["actual"]) == {"5.7"}


def test_change_word_contradicted(cleaned, metrics):
    m = metrics.copy()
    m.loc[m["kpi_id"] == "1-1", "change_abs"] = 137.0
    audit = run_audit(cleaned.areas, cleaned.items, m, cleaned.meta)
    r = one(audit, "text_change_word", "KPI 1-1")
    assert (r["expected"], r["actual"], r["ok"]) == ("減少", "増加", False)


def test_without_metrics_or_texts(cleaned):
    empty = compute_metrics(cleaned.indicators.iloc[0:0])
    meta = {k: v for k, v in cleaned.meta.items() if k != "item_texts"}
    audit = run_audit(cleaned.areas, cleaned.items, empty, meta)
    assert audit["ok"].all()
    assert not audit["check"].str.startswith(("text_", "stated_")).any()


def test_area_table_only_period():
    res = clean_period("2017-09", source_data(), write=False)
    out = pd.DataFrame(audit_tables(res.areas, res.items, res.meta))
    assert out["ok"].all()
    assert set(out["check"]) == {"area_row_sum", "column_total", "total_row_sum"}
    assert one(out, "column_total", "column B")["actual"] == "4"
    assert one(out, "column_total", "column items")["expected"] == "43"


def test_area_table_beside_the_report_is_compared(tmp_path):
    """A per-area CSV given with the report is checked against the report's table."""
    import shutil

    from support import AREAS_FILE, copy_raw

    data = copy_raw(tmp_path / "data")
    shutil.copyfile(
        AREAS_FILE, data / "raw" / PLAN / "2018-03" / "areas_from_web.csv"
    )  # the 2017-09 counts
    r = clean_period("2018-03", data, write=False)
    audit = run_audit(r.areas, r.items, compute_metrics(r.indicators), r.meta)
    rows = audit[audit["check"] == "area_table_vs_report"]
    assert len(rows) == 20
    failed = set(rows[~rows["ok"]]["scope"])
    # 2017-09 differs from 2018-03 in area 1 S/A/B, area 2 A/B, area 3 A/B, area 4 S/A, area 5 S/A
    assert failed == {
        "area 1 S",
        "area 1 A",
        "area 1 B",
        "area 2 A",
        "area 2 B",
        "area 3 A",
        "area 3 B",
        "area 4 S",
        "area 4 A",
        "area 5 S",
        "area 5 A",
    }


def test_a_statement_printed_twice_is_one_check():
    from helpers.analysis.audit import run_audit

    r = clean_period("2018-03", source_data(), write=False)
    audit = run_audit(r.areas, r.items, compute_metrics(r.indicators), r.meta)
    assert not audit.duplicated().any()
    # the report states 12-1's 4.7ポイント向上 in two places: one row remains
    assert len(rows(audit, "text_change", "KPI 12-1")) == 1
