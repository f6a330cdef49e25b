"""KPIs keep their identity: a KPI renamed between two periods is matched to its earlier self
(by kpi_id, else by a similar name in the same item), keeps one history line, and is listed
in the cross-period audit for the analyst to confirm."""

from __future__ import annotations

import pytest
from support import PLAN, copy_raw
from support.next_year import add_next_year, next_year_sheet

from helpers.analysis.audit_periods import audit_across_periods
from helpers.analysis.compare import load_history
from helpers.analysis.history import build_kpi_history
from helpers.analysis.identity import BY_ID, BY_NAME, BY_SIMILARITY, SIMILARITY, match_kpis
from helpers.analysis.metrics import compute_metrics
from helpers.ingest.clean import clean_period


def _kpi(item, name, kpi_id="", marker=""):
    return {"item_no": item, "marker": marker, "indicator": name, "kpi_id": kpi_id}


def test_the_rules_in_order():
    earlier = [
        _kpi(1, "市民活動支援センター来場者数", "1-1"),
        _kpi(8, "ホームページアクセス数", "8-1"),
        _kpi(22, "創業支援件数", "22-1"),
    ]
    later = [
        _kpi(1, "市民活動支援センター来場者数", "1-1"),
        _kpi(8, "ホームページのアクセス件数", "8-9"),
        _kpi(22, "起業した人の数", "22-1"),
        _kpi(3, "ホームページアクセス数", "3-1"),  # same words, another item: not the same KPI
    ]
    m = match_kpis(earlier, later)
    assert m[(1, "市民活動支援センター来場者数")].how == BY_NAME
    sim = m[(8, "ホームページのアクセス件数")]
    assert sim.how == BY_SIMILARITY and sim.ratio >= SIMILARITY and sim.renamed
    assert m[(22, "起業した人の数")].how == BY_ID
    assert (3, "ホームページアクセス数") not in m


def test_a_dissimilar_name_without_the_same_id_is_a_new_kpi():
    m = match_kpis([_kpi(8, "ホームページアクセス数", "8-1")], [_kpi(8, "SNSの登録者数", "8-2")])
    assert m == {}


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def _renamed_next_year(data):
    """2019-03 with item 8's indicator reworded and item 1's renamed, holding its kpi_id."""
    folder = add_next_year(data, agree=True)
    lines = next_year_sheet(True).splitlines()
    lines[0] = "kpi_id," + lines[0]
    lines[1] = "1-1," + lines[1].replace("市民活動支援センター来場者数", "あすぴあ来館者数")
    lines[2] = "3-1," + lines[2]
    lines[3] = "8-1," + lines[3].replace("ホームページアクセス数", "ホームページのアクセス件数")
    (folder / "kpi_sheet.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_renamed_kpi_keeps_one_history_line_and_is_listed_to_confirm(data):
    _renamed_next_year(data)
    current = clean_period("2019-03", data, plan=PLAN, write=False)
    history, _ = load_history("2019-03", data, current, plan=PLAN)
    kh = build_kpi_history("2019-03", history, compute_metrics(current.indicators))
    one = kh[kh["kpi_id"] == "1-1"]
    assert one["period"].tolist() == ["2017-03", "2018-03", "2019-03"]
    assert one["value"].tolist() == [9855, 9718, 9901]
    eight = kh[kh["kpi_id"] == "8-1"]
    assert eight["period"].tolist() == ["2017-03", "2018-03", "2019-03"]
    assert len(kh[kh["indicator"].str.contains("ホームページ")].groupby("kpi_id")) == 1
    audit = audit_across_periods("2019-03", history)
    renamed = audit[audit["check"] == "kpi_identity"]
    assert renamed["scope"].tolist() == ["KPI 1-1", "KPI 8-1"]
    assert not renamed["ok"].any()  # flagged for the analyst to confirm
    assert "指標IDが同じ" in renamed["detail"].iloc[0]
    assert "確認してください" in renamed["detail"].iloc[1]
    # the previous values are still checked against the renamed KPIs' earlier selves
    prev = audit[audit["check"] == "prev_vs_earlier_period"]
    assert prev["scope"].tolist() == ["KPI 1-1", "KPI 8-1"] and prev["ok"].all()


def test_a_wrong_kpi_id_in_the_sheet_is_refused(data):
    folder = add_next_year(data, agree=True)
    lines = next_year_sheet(True).splitlines()
    lines[0] = "kpi_id," + lines[0]
    lines[1] = "3-1," + lines[1]  # item 1's row with an id of item 3
    lines[2] = "3-1," + lines[2]
    lines[3] = "8-1," + lines[3]
    (folder / "kpi_sheet.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="kpi_id"):
        clean_period("2019-03", data, plan=PLAN, write=False)
