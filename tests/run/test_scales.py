"""Plans on other scales run end to end with only plan.toml and data files (no code change).

The plans are the synthetic fixtures of tests/fixtures/plans/ (invented figures):
``kizugawa-like`` (four levels S/A/B/C, only C behind, items 対象外, a yearly plan)
and ``otawara-like`` (A 完了 / B 順調 / C やや遅れ / D 計画見直し等, C and D behind).
"""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
from support import FIXTURES

from helpers.core.plans import month_warning, read_plan_config
from helpers.core.tables import read_csv
from helpers.present.index_page import build_index
from helpers.run.pipeline import run_period

pytestmark = pytest.mark.e2e

KIZUGAWA, OTAWARA = "kizugawa-like", "otawara-like"


def _text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every period of both plans run through the pipeline (papermill), oldest first."""
    base = tmp_path_factory.mktemp("scales")
    data, out = base / "data", base / "out"
    for plan in (KIZUGAWA, OTAWARA):
        shutil.copytree(FIXTURES / "plans" / plan, data / "raw" / plan)
    done = {}
    for plan, periods in ((KIZUGAWA, ("2020-03", "2021-03")), (OTAWARA, ("2018-03", "2019-03"))):
        for period in periods:
            run_period(period, data, out, plan=plan, log=lambda _: None)
            done[plan, period] = out / plan / period
    return {"data": data, "out": out, "dirs": done}


def _processed(runs: dict, plan: str, period: str, name: str):
    return read_csv(runs["data"] / "processed" / plan / period / f"{name}.csv")


def _report(runs: dict, plan: str, period: str) -> str:
    return _text((runs["dirs"][plan, period] / "report.html").read_text(encoding="utf-8"))


def test_four_levels_and_not_rated_kept_exactly_per_area(runs):
    areas = _processed(runs, KIZUGAWA, "2020-03", "areas")
    assert list(areas.columns[:8]) == [
        "area_no", "area_name", "items", "S", "A", "B", "C", "not_rated",
    ]  # fmt: skip
    assert areas[["items", "S", "A", "B", "C", "not_rated"]].values.tolist() == [
        [8, 1, 3, 2, 1, 1],
        [7, 0, 3, 2, 1, 1],
        [5, 0, 2, 2, 0, 1],
    ]
    # totals = rated + not rated, in every area and in both periods
    for period in ("2020-03", "2021-03"):
        a = _processed(runs, KIZUGAWA, period, "areas")
        assert (a[["S", "A", "B", "C", "not_rated"]].sum(axis=1) == a["items"]).all()
    later = _processed(runs, KIZUGAWA, "2021-03", "areas")
    assert later[["S", "A", "B", "C", "not_rated"]].sum().tolist() == [2, 10, 4, 1, 3]


def test_every_audit_check_agrees(runs):
    for plan, period in runs["dirs"]:
        audit = _processed(runs, plan, period, "audit")
        assert len(audit) and audit["ok"].all(), (plan, period, audit[~audit["ok"]])
    checks = set(_processed(runs, KIZUGAWA, "2020-03", "audit")["scope"])
    assert {"column C", "column not_rated", "status C", "list C"} <= checks


def test_items_listed_by_the_plans_ahead_and_behind(runs):
    items = _processed(runs, KIZUGAWA, "2020-03", "items")
    listed = items[items["status"].notna()]
    assert dict(zip(listed["item_no"], listed["status"], strict=True)) == {3: "S", 5: "C", 12: "C"}
    # A and B both unlisted (and items 対象外): the others' statuses stay unknown, never guessed
    assert items["status"].isna().sum() == 17
    items = _processed(runs, OTAWARA, "2019-03", "items")
    assert items.set_index("item_no")["status"].to_dict() == {
        1: "A", 2: "A", 3: "B", 4: "C", 5: "B", 6: "B", 7: "B", 8: "B", 9: "D", 10: "B",
    }  # fmt: skip


def test_the_report_names_the_plans_labels_counts_and_sections(runs):
    text = _report(runs, KIZUGAWA, "2020-03")
    assert "全20項目のうち、対象外が3項目、評価した17項目のうち" in text
    assert "特に良好に進捗（S）が1項目（5.9%）" in text  # 1 of 17 rated, not of 20
    assert "進捗に課題あり（C）が2項目（11.8%）" in text
    assert "割合は対象外を除く評価した項目に対するもの" in text
    assert "この計画で遅れとする区分:進捗に課題あり（C）" in text
    assert "この計画で予定以上とする区分:特に良好に進捗（S）" in text
    delayed = text[text.index("遅れている取組の要因と今後の対応") :]
    assert "No.5公共施設の再配置" in delayed and "No.12使用料の見直し" in delayed
    assert "予定よりも遅れている" not in text and "Bの割合" not in text
    text = _report(runs, OTAWARA, "2019-03")
    assert "この計画で遅れとする区分:やや遅れ（C）、計画見直し等（D）" in text
    delayed = text[
        text.index("遅れている取組の要因と今後の対応") : text.index("予定以上に進捗している取組")
    ]
    assert "No.4事務の外部委託" in delayed and "No.9補助金の整理合理化" in delayed
    assert "No.1電子申請の拡充" in text[text.index("予定以上に進捗している取組") :]
    assert "完了（A）が2項目（20.0%）" in text and "C・Dの割合" in text


def test_the_comparison_follows_the_plans_codes(runs):
    counts = _processed(runs, KIZUGAWA, "2021-03", "status_counts")
    assert list(counts.columns) == ["period", "label", "items", "S", "A", "B", "C", "not_rated"]
    assert counts[["S", "C", "not_rated"]].values.tolist() == [[1, 2, 3], [2, 1, 3]]
    cmp = _processed(runs, OTAWARA, "2019-03", "area_comparison")
    assert cmp["D_change"].tolist() == [0, 1] and cmp["A_prev"].tolist() == [1, 0]
    text = _report(runs, OTAWARA, "2019-03")
    assert "Dは0項目から1項目（+1項目" in text


def test_the_index_and_reader_tables_follow_the_plans_codes(runs):
    index = build_index(runs["data"], runs["out"], force=True, log=lambda _: None)
    index = _text(index.path.read_text(encoding="utf-8"))
    assert "計画見直し等（D）" in index and "対象外" in index and "進捗に課題あり（C）" in index
    book = runs["dirs"][KIZUGAWA, "2020-03"] / "tables" / "tables.xlsx"
    header = [c.value for c in openpyxl.load_workbook(book)["分野別"][1]]
    assert {"概ね進捗（B）", "進捗に課題あり（C）", "対象外"} <= set(header)
    assert "予定よりも遅れている（B）" not in header


def test_a_yearly_plan_warns_of_a_period_at_another_month():
    plan = read_plan_config(FIXTURES / "plans" / KIZUGAWA / "plan.toml", KIZUGAWA)
    assert plan.months == (3,) and month_warning(plan, "2021-03") is None
    assert "plan.toml の months" in month_warning(plan, "2020-09")


TWO = "two-scales"


@pytest.fixture(scope="module")
def two_scales(tmp_path_factory) -> dict:
    """The synthetic plan rated on 着手 and 達成度 at once, both periods run."""
    base = tmp_path_factory.mktemp("two")
    data, out = base / "data", base / "out"
    shutil.copytree(FIXTURES / "plans" / TWO, data / "raw" / TWO)
    for period in ("2020-03", "2021-03"):
        run_period(period, data, out, plan=TWO, log=lambda _: None)
    return {"data": data, "out": out}


def test_a_plan_on_two_scales_counts_and_shows_each_on_its_own(two_scales):
    data, out = two_scales["data"], two_scales["out"]
    areas = read_csv(data / "processed" / TWO / "2021-03" / "areas.csv")
    assert list(areas.columns[:9]) == [
        "area_no", "area_name", "items", "D", "P", "N", "X", "Y", "Z",
    ]  # fmt: skip
    assert areas[["D", "P", "N"]].sum(axis=1).tolist() == areas["items"].tolist() == [40, 29]
    assert areas[["X", "Y", "Z"]].sum(axis=1).tolist() == [40, 29]
    audit = read_csv(data / "processed" / TWO / "2021-03" / "audit.csv")
    assert audit["ok"].all()
    assert {"area 1 着手", "area 1 達成度", "totals 着手", "totals 達成度"} <= set(audit["scope"])
    text = _text((out / TWO / "2021-03" / "report.html").read_text(encoding="utf-8"))
    assert "【着手】令和2年度末の進捗状況は、全69項目のうち、完了（D）が19項目" in text
    assert "【達成度】令和2年度末の進捗状況は、全69項目のうち、達成（X）が25項目" in text
    # each scale compared with the last period
    assert "【着手】前回（令和元年度末）と比べると、Dは8項目から19項目（+11項目" in text
    assert "【達成度】前回（令和元年度末）と比べると、Xは18項目から25項目（+7項目" in text
    assert "表2-1【着手】進捗状況の推移" in text and "表3-2【達成度】分野別の増減" in text
