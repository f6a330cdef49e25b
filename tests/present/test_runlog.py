"""The run log (outputs/run-log.csv): one timestamped line per plan and period, bounded, atomic."""

from __future__ import annotations

import csv
import re

from helpers.present import runlog
from helpers.present.runlog import RunLine, append_runs, last_made


def _rows(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_each_run_appends_a_line_per_plan_and_period(tmp_path):
    path = append_runs(tmp_path, [RunLine("kodaira-3", "2018-03", "made", 12.34)])
    append_runs(tmp_path, [RunLine("kodaira-3", "2018-03", "up_to_date", 0.5)])
    rows = _rows(path)
    assert [r["result"] for r in rows] == ["made", "up_to_date"]
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


def test_a_file_that_is_not_the_log_is_not_read(tmp_path):
    (tmp_path / runlog.RUN_LOG).write_text("a,b\n1,2\n", encoding="utf-8")
    assert last_made(tmp_path) == {}
