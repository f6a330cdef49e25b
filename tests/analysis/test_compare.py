"""Comparison with earlier periods (helpers.analysis.compare), on the real 2017-09 and 2018-03 data."""

from __future__ import annotations

import pandas as pd
import pytest
from support import PLAN, copy_raw, source_data

from helpers.analysis.audit_periods import audit_across_periods
from helpers.analysis.compare import (
    available_periods,
    compare_areas,
    compare_items,
    compare_with_previous,
    item_changes,
    latest_period,
    load_history,
    named_from_earlier,
    previous_period,
    status_counts,
)
from helpers.core import schema
from helpers.core.errors import InputError
from helpers.ingest.clean import clean_period

DATA = source_data()


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return df.dtypes.astype(str).to_dict()


def schema_dtypes(table: str) -> dict[str, str]:
    return {c: str(pd.api.types.pandas_dtype(d)) for c, d in schema.TABLES[table].items()}


@pytest.fixture(scope="module")
def history():
    hist, notes = load_history("2018-03", DATA)
    assert notes == []
    return hist


def test_periods():
    assert available_periods(DATA) == ["2017-09", "2018-03"]
    assert latest_period(DATA) == "2018-03"
    assert previous_period("2018-03", DATA) == "2017-09"
    assert previous_period("2017-09", DATA) is None


def test_periods_of_an_empty_data_folder(tmp_path):
    assert available_periods(tmp_path) == []
    assert latest_period(tmp_path) is None


def test_history_holds_this_and_earlier_periods(history):
    assert sorted(history) == ["2017-09", "2018-03"]
    only, _ = load_history("2017-09", DATA)
    assert sorted(only) == ["2017-09"]


def test_status_counts(history):
    counts = status_counts(history)
    assert dtypes(counts) == schema_dtypes("status_counts")
    assert counts.to_dict("records") == [
        {"period": "2017-09", "label": "平成29年9月末", "items": 43, "S": 0, "A": 39, "B": 4},
        {"period": "2018-03", "label": "平成29年度末", "items": 43, "S": 3, "A": 30, "B": 10},
    ]


def test_compare_areas(history):
    cmp = compare_areas(history["2018-03"].areas, history["2017-09"].areas)
    assert dtypes(cmp) == schema_dtypes("area_comparison")
    first = cmp.iloc[0]
    assert (first["S_prev"], first["S"], first["S_change"]) == (0, 1, 1)
    assert (first["A_prev"], first["A"], first["A_change"]) == (7, 4, -3)
    assert (first["B_prev"], first["B"], first["B_change"]) == (0, 2, 2)
    assert cmp["B_change"].tolist() == [2, 2, 2, 0, 0]


def test_an_area_in_one_period_only_has_na_not_zero(history):
    now = history["2018-03"].areas
    before = history["2017-09"].areas[lambda d: d["area_no"] != 5]
    cmp = compare_areas(now, before)
    last = cmp[cmp["area_no"] == 5].iloc[0]
    assert last["S"] == 1
    assert last["S_prev"] is pd.NA and last["S_change"] is pd.NA


def test_compare_items(history):
    cmp = compare_items(history["2018-03"].items, history["2017-09"].items)
    assert dtypes(cmp) == schema_dtypes("item_comparison")
    # only items whose status is known in both periods
    assert cmp["status"].notna().all() and cmp["status_prev"].notna().all()
    assert len(cmp) == 29
    assert int(cmp["changed"].sum()) == 8
    one = cmp[cmp["item_no"] == 1].iloc[0]
    assert (one["status_prev"], one["status"], bool(one["changed"])) == ("A", "B", True)


def test_compare_with_previous_without_an_earlier_period():
    r = clean_period("2017-09", DATA, write=False)
    areas, items = compare_with_previous("2017-09", {"2017-09": r}, r.areas, r.items)
    assert len(items) == 0 and dtypes(items) == schema_dtypes("item_comparison")
    assert len(areas) == 5 and areas["S_prev"].isna().all()
    assert dtypes(areas) == schema_dtypes("area_comparison")


def test_an_unreadable_earlier_period_is_left_out_with_a_note(tmp_path):
    data = copy_raw(tmp_path / "data")
    (data / "raw" / PLAN / "2017-09" / "progress_areas_H29_9.csv").write_text("", encoding="utf-8")
    hist, notes = load_history("2018-03", data)
    assert sorted(hist) == ["2018-03"]
    assert len(notes) == 1 and notes[0].startswith("平成29年9月末（2017-09）は読み込めない")


def test_an_unreadable_current_period_is_an_error(tmp_path):
    data = copy_raw(tmp_path / "data")
    (data / "raw" / PLAN / "2017-09" / "progress_areas_H29_9.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        load_history("2017-09", data)


def test_load_history_takes_the_current_periods_tables_instead_of_cleaning_again(monkeypatch):
    import helpers.analysis.compare

    current = clean_period("2018-03", DATA, write=False)
    cleaned: list[str] = []
    real = helpers.analysis.compare.clean_period

    def counting(period, *args, **kwargs):
        cleaned.append(period)
        return real(period, *args, **kwargs)

    monkeypatch.setattr(helpers.analysis.compare, "clean_period", counting)
    hist, notes = load_history("2018-03", DATA, current)
    assert hist["2018-03"] is current
    assert cleaned == ["2017-09"]  # only the earlier period is read from raw data
    assert notes == []


def test_items_added_completed_or_merged_are_shown_as_such():
    cols = ["item_no", "item_name", "area_no", "status", "status_basis", "progress", "next_steps"]
    before = pd.DataFrame(
        [
            [1, "協働推進体制の充実", 1, "A", "listed", "", ""],
            [2, "窓口の電子化", 1, "S", "listed", "予定どおり完了した。", ""],
            [3, "地域コミュニティの推進", 1, "A", "listed", "", ""],
        ],
        columns=cols,
    )
    after = pd.DataFrame(
        [
            [1, "協働推進体制の充実", 1, "A", "listed", "No.3 を統合して進める。", ""],
            [44, "公共施設の再編", 1, "A", "listed", "", ""],
        ],
        columns=cols,
    )
    changes = {r["item_no"]: r["change"] for r in item_changes(after, before)}
    assert changes == {2: "完了", 3: "統合", 44: "追加"}
    table = compare_items(after, before).set_index("item_no")
    assert pd.isna(table.loc[1, "change"]) and not table.loc[1, "changed"]
    assert table.loc[[2, 3, 44], "change"].tolist() == ["完了", "統合", "追加"]


def test_an_area_count_changed_by_items_added_or_completed_is_no_mismatch(tmp_path):
    r = clean_period("2018-03", DATA, write=False)
    before = clean_period("2017-09", DATA, write=False)
    items = r.items[r.items["item_no"] != 2].copy()  # item 2 completed
    items.loc[items.index[0], "progress"] = "取組No.2は完了"
    prev_items = before.items.copy()
    prev_items.loc[prev_items["item_no"] == 2, "progress"] = "予定どおり完了した。"
    areas = r.areas.copy()
    areas.loc[areas["area_no"] == 1, "items"] = 6
    areas.loc[areas["area_no"] == 1, "A"] -= 1
    history = {
        "2017-09": type(before)(
            "2017-09", before.areas, prev_items, before.indicators, before.meta
        ),
        "2018-03": type(r)("2018-03", areas, items, r.indicators, r.meta),
    }
    audit = audit_across_periods("2018-03", history)
    one = audit[audit["scope"] == "area 1"].iloc[0]
    assert bool(one["ok"]) and "No.2 完了" in one["detail"]
    assert one["expected"] == "平成29年度末の報告書の値: 6項目"
    assert one["actual"] == "平成29年9月末の値: 7項目"


def test_an_item_without_a_name_is_named_from_an_earlier_period():
    cols = ["item_no", "item_name", "area_no", "status", "status_basis"]
    earlier = type("R", (), {})()
    earlier.items = pd.DataFrame(
        [[8, "多様なメディアを生かした積極的な情報発信", 2, "B", "listed"]], columns=cols
    )
    now = pd.DataFrame([[8, None, 2, "A", "inferred from counts"]], columns=cols)
    named = named_from_earlier(now, {"2018-03": earlier, "2018-09": None}, "2018-09")
    assert named["item_name"].tolist() == ["多様なメディアを生かした積極的な情報発信"]
