"""The run log (outputs/run-log.csv): one timestamped line per plan and period, bounded, atomic."""

from __future__ import annotations

import csv
import re

import pytest

from helpers.present import runlog
from helpers.present.runlog import RunLine, append_runs, last_made


def _rows(path):
    """The log's rows with the code's keys (the file's headers are Japanese)."""
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    keys = dict(zip(runlog.HEADERS, runlog.COLUMNS, strict=True))
    return [{keys[k]: v for k, v in r.items()} for r in rows]


def test_each_run_appends_a_line_per_plan_and_period(tmp_path):
    path = append_runs(tmp_path, [RunLine("kodaira-3", "2018-03", "made", 12.34)])
    append_runs(tmp_path, [RunLine("kodaira-3", "2018-03", "up_to_date", 0.5)])
    rows = _rows(path)
    assert path.read_bytes().startswith("\ufeff日時,計画,期間,結果,秒,詳細\r\n".encode())
    assert [r["result"] for r in rows] == ["作成", "変更なし（最新）"]
    assert rows[0]["seconds"] == "12.3"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["time"]) for r in rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # opens in Excel
    assert not list(tmp_path.glob("*.tmp"))


def test_the_log_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(runlog, "MAX_LINES", 3)
    for n in range(5):
        append_runs(tmp_path, [RunLine("p", f"2018-0{n + 1}", "made", n)])
    assert [r["period"] for r in _rows(tmp_path / runlog.RUN_LOG)] == [
        "2018-03",
        "2018-04",
        "2018-05",
    ]


def test_last_made_is_the_latest_made_run(tmp_path):
    append_runs(tmp_path, [RunLine("p", "2018-03", "made", 1, time="2026-04-01 06:00:00")])
    append_runs(tmp_path, [RunLine("p", "2018-03", "up_to_date", 1, time="2026-10-01 06:00:00")])
    append_runs(tmp_path, [RunLine("p", "2017-09", "refused", 1, detail="x\ny")])
    assert last_made(tmp_path) == {("p", "2018-03"): "2026-04-01 06:00:00"}
    assert _rows(tmp_path / runlog.RUN_LOG)[-1]["detail"] == "x"  # one line per run


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2\n",  # someone's own table
        "会議メモ\n大事な内容\n".encode(),
        "日時,計画,期間,結果,秒,詳細,メモ\r\n".encode(),  # a column added by hand
        "日時,計画,期間,結果,秒,詳細\r\n".encode("cp932"),  # saved again from Excel
    ],
)
def test_a_file_that_is_not_the_log_is_neither_read_nor_overwritten(tmp_path, data):
    """A break trial's: a user's run-log.csv (or one edited out of shape) lost its contents."""
    from helpers.core.errors import InputError

    (tmp_path / runlog.RUN_LOG).write_bytes(data)
    assert last_made(tmp_path) == {}
    with pytest.raises(InputError, match="実行の記録の形ではありません"):
        append_runs(tmp_path, [RunLine("p", "2018-03", "made", 1.0)])
    assert (tmp_path / runlog.RUN_LOG).read_bytes() == data


def test_a_log_with_carriage_returns_only_is_read(tmp_path):
    (tmp_path / runlog.RUN_LOG).write_bytes(
        "\ufeff日時,計画,期間,結果,秒,詳細\r2019-01-01 10:00:00,p,2018-03,作成,1.0,\r".encode()
    )
    assert last_made(tmp_path) == {("p", "2018-03"): "2019-01-01 10:00:00"}
    append_runs(tmp_path, [RunLine("p", "2018-09", "made", 1.0)])
    assert [r["period"] for r in _rows(tmp_path / runlog.RUN_LOG)] == ["2018-03", "2018-09"]


def test_a_log_of_an_earlier_version_is_read_and_written_back_in_japanese(tmp_path):
    (tmp_path / runlog.RUN_LOG).write_text(
        "\ufefftime,plan,period,result,seconds,detail\r\n"
        "2026-04-01 06:00:00,p,2018-03,made,60.0,\r\n",
        encoding="utf-8",
    )
    assert last_made(tmp_path) == {("p", "2018-03"): "2026-04-01 06:00:00"}
    append_runs(tmp_path, [RunLine("p", "2018-09", "refused", 1.0, detail="誤り")])
    rows = _rows(tmp_path / runlog.RUN_LOG)
    assert [r["result"] for r in rows] == ["作成", "受け付けず（入力の誤り）"]
    assert last_made(tmp_path) == {("p", "2018-03"): "2026-04-01 06:00:00"}
