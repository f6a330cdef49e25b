"""new-period: a new half-year period scaffolded from the plan's last KPI sheet, on the real data."""

from __future__ import annotations

import hashlib

import pytest
from support import PLAN, copy_raw

from helpers.core.errors import InputError
from helpers.cycle.new_period import new_period, sheet_records
from helpers.run.cli import main
from helpers.run.pipeline import run_period


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_2019_03_has_the_18_kpis_with_1_1_carried_as_9718(data):
    sheet, carried = new_period("2019-03", data)
    assert sheet == data / "raw" / PLAN / "2019-03" / "kpi_sheet.xlsx"
    rows = [rec for _, rec in sheet_records(sheet)]
    assert len(rows) == 18 == len(carried.rows)
    first = rows[0]
    assert first["indicator"] == "市民活動支援センター来場者数"
    assert first["prev_text"] == "9,718人"
    assert "2018-03/kpi_sheet.csv" in first["draft_source"] and "転記" in first["draft_source"]
    # same items, indicators, units, targets and directions; values blank; every row marked
    assert [r["target_text"] for r in rows][:3] == [
        "1 万人以上",
        "目標を達成した",
        "包括協定の締結",
    ]
    assert rows[10]["direction"] == "lower"
    assert all(r["value_text"] == "" and r["result_text"] == "" for r in rows)
    assert {r["draft"] for r in rows} == {"未入力"}
    # prev texts only where 2018-03 has a figure (未算出 and 協定締結… are not carried)
    by_name = {r["indicator"]: r for r in rows}
    assert by_name["法人市民税調定額（資本金1億円以下）"]["prev_text"] == ""
    assert by_name["民間事業者との包括協定の締結"]["prev_text"] == ""
    assert carried.prev_filled == 15


def test_a_second_time_is_refused_and_the_file_untouched(data, capsys):
    assert main(["new-period", "2019-03", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "次の手順" in out and ".txt" in out and "make draft-kpis PERIOD=2019-03" in out
    sheet = data / "raw" / PLAN / "2019-03" / "kpi_sheet.xlsx"
    before = (_sha(sheet), sheet.stat().st_mtime_ns)
    assert main(["new-period", "2019-03", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "成果指標シートが既にあります" in err and "何も書き込んでいません" in err
    assert (_sha(sheet), sheet.stat().st_mtime_ns) == before
    assert sorted(p.name for p in sheet.parent.iterdir()) == ["kpi_sheet.xlsx"]


def test_japanese_period_labels_and_csv(data):
    sheet, _ = new_period("平成30年度末", data, fmt="csv")
    assert sheet.name == "kpi_sheet.csv" and sheet.parent.name == "2019-03"
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sheet_records(sheet)[0][1]["prev_text"] == "9,718人"


def test_a_mid_year_period_carries_the_last_year_end_as_previous_values(data, capsys):
    # 2018-09's 前年度末 is 平成29年度末 (2018-03), not a year-end a year before
    _, carried = new_period("2018-09", data)
    assert carried.prev_source == data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    assert carried.prev_filled == 15
    held = {r["indicator"]: r["value_text"] for _, r in sheet_records(carried.prev_source)}
    for r in carried.rows:
        if r["prev_text"]:
            assert r["prev_text"] == held[r["indicator"]]
            assert "2018-03/kpi_sheet.csv" in r["draft_source"] and "転記" in r["draft_source"]
            assert r["draft"] == "未入力"
    assert carried.rows[0]["prev_text"] == "9,718人"
    # notes are carried with the KPI
    assert carried.rows[10]["note"] == "低いほど良い指標"


def test_a_plan_without_an_earlier_sheet_is_refused(data):
    with pytest.raises(InputError, match="計画 kodaira-3 の 2017-03 より前の期間に"):
        new_period("2017-03", data)
    assert not (data / "raw" / PLAN / "2017-03" / "kpi_sheet.xlsx").exists()


def test_the_new_folder_is_refused_by_a_run_until_the_report_is_there(data, tmp_path):
    new_period("2019-03", data)
    with pytest.raises(InputError, match="照らし合わせる報告書"):
        run_period("2019-03", data, tmp_path / "out", plan=PLAN)
