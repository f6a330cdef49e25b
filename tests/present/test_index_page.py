"""The index page (helpers.present.index_page): what it lists, its safety, its rebuilds, its file.

Periods' outputs are stand-ins here (a report file and a summary.json written by
the test); tests/test_browser.py opens a real one in Chromium, and the
end-to-end test at the bottom runs two plans through the command line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from support import FIXTURES, PLAN, copy_raw

from helpers.core.errors import InputError
from helpers.present import index_page
from helpers.present.index_page import INDEX_FILE, build_index, status_chart_svg
from helpers.run.pipeline import record_failure, run_period

OTHER = "kodaira-2"


def fake_period(out: Path, plan: str, period: str, counts, kpis=None, flagged=0, pdf=False):
    """What a run leaves that the index reads: report.html, tables.xlsx, summary.json."""
    folder = out / plan / period
    (folder / "tables").mkdir(parents=True)
    (folder / "report.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")
    (folder / "tables" / "tables.xlsx").write_bytes(b"PK")
    (folder / ".fingerprint").write_text(f"{plan}{period}\n", encoding="utf-8")
    if pdf:
        (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    items, s, a, b = counts
    summary = {
        "plan": plan,
        "period": period,
        "label": period,
        "counts": {"items": items, "S": s, "A": a, "B": b},
        "kpis": kpis,
        "audit": {"agree": 10, "flagged": flagged},
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    data = copy_raw(tmp_path / "data")
    shutil.copytree(FIXTURES / "plans" / OTHER, data / "raw" / OTHER)
    out = tmp_path / "out"
    fake_period(out, PLAN, "2017-09", (43, 0, 39, 4))
    fake_period(
        out, PLAN, "2018-03", (43, 3, 30, 10), {"met": 5, "not_met": 12, "no_data": 1}, pdf=True
    )
    fake_period(out, OTHER, "2017-09", (41, 2, 32, 7), flagged=2)
    # kodaira-2's 2017-03 has raw data but was never run
    return data, out


def _build(site, **kw):
    data, out = site
    return build_index(data, out, log=lambda m: None, **kw)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_every_plan_with_its_periods_newest_first(site):
    result = _build(site)
    assert result.rebuilt and (result.plans, result.periods) == (2, 4)
    html = result.path.read_text(encoding="utf-8")
    text = _text(html)
    assert (
        "第3次行財政再構築プラン" in text
        and "第2次行財政再構築プラン（フォローアップ項目）" in text
    )
    # the newest plan first: kodaira-3 (its latest period 2018-03) above kodaira-2
    assert html.index(f'id="plan-{PLAN}"') < html.index(f'id="plan-{OTHER}"')
    mine = html[html.index(f'id="plan-{PLAN}"') : html.index(f'id="plan-{OTHER}"')]
    rows = mine[mine.index("<tbody>") :]
    assert rows.index("平成29年度末") < rows.index("平成29年9月末")  # newest first
    # counts and shares, KPIs, audit
    assert "10（23.3%）" in mine and "3（7.0%）" in mine and "5 ／ 12 ／ 1" in mine
    assert "指標なし" in mine and "10 ／ 0" in mine
    other = html[html.index(f'id="plan-{OTHER}"') :]
    assert "7（17.1%）" in other and '<td class="num ng">10 ／ 2</td>' in other
    assert "未作成" in other  # 2017-03: raw data, no report yet
    # each plan's own wording in its table head
    assert "予定より遅れている（B）" in other and "予定よりも遅れている（B）" in mine


def test_links_only_to_files_that_exist_and_all_relative(site):
    data, out = site
    html = _build(site).path.read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', html)
    files = [h for h in hrefs if not h.startswith("#")]
    assert f"{PLAN}/2018-03/report.html" in files and f"{PLAN}/2018-03/report.pdf" in files
    assert f"{OTHER}/2017-09/tables/tables.xlsx" in files
    assert f"{PLAN}/2017-09/report.pdf" not in files
    for h in files:
        assert (out / unquote(h)).is_file(), h
    for h in hrefs:
        if h.startswith("#"):
            assert f'id="{h[1:]}"' in html


def test_a_small_status_chart_per_plan(site):
    html = _build(site).path.read_text(encoding="utf-8")
    assert html.count('<img src="data:image/svg+xml;base64,') == 2
    plan = index_page.collect(*site)[0][0]  # kodaira-3, the newest plan, first
    svg = status_chart_svg(plan)
    assert svg.startswith("<svg") and svg.count("<rect") == 2 * 3 + 3  # 2 periods × S/A/B + legend
    assert "H29年度末" in svg and "予定よりも遅れている（B）" in svg


def test_self_contained_with_csp_and_nothing_from_other_hosts(site):
    html = _build(site).path.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.rstrip().endswith("</html>")


def test_names_from_the_data_are_escaped_and_sanitised(site):
    data, out = site
    evil = "プラン<script>alert(1)</script><img src=x onerror=alert(2)>\u202e"
    toml = data / "raw" / OTHER / "plan.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'name = "第2次行財政再構築プラン（フォローアップ項目）"', f"name = {json.dumps(evil)}"
        ),
        encoding="utf-8",
    )
    html = _build(site).path.read_text(encoding="utf-8")
    assert "<script" not in html and "onerror" not in html.replace("onerror=alert(2)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u202e" not in html


def test_a_rerun_with_nothing_changed_is_up_to_date(site):
    first = _build(site)
    before = first.path.read_bytes()
    again = _build(site)
    assert not again.rebuilt and again.path.read_bytes() == before


def test_rebuilt_when_a_period_is(site):
    data, out = site
    _build(site)
    fake_period(out, OTHER, "2017-03", (41, 1, 35, 5))  # the period is run
    result = _build(site)
    assert result.rebuilt and "35（85.4%）" in result.path.read_text(encoding="utf-8")
    (out / PLAN / "2018-03" / ".fingerprint").write_text("rerun\n", encoding="utf-8")
    assert _build(site).rebuilt
    (out / PLAN / "2018-03" / "report.pdf").unlink()  # a link target gone
    result = _build(site)
    assert result.rebuilt and "report.pdf" not in result.path.read_text(encoding="utf-8")


def test_someone_elses_index_html_is_left_alone(site):
    data, out = site
    out.mkdir(exist_ok=True)
    mine = out / INDEX_FILE
    mine.write_text("<html>the team's own start page</html>", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(InputError, match="ワークブックが作ったものではありません") as err:
            _build(site, force=force)
        assert err.value.path == mine
    assert mine.read_text(encoding="utf-8") == "<html>the team's own start page</html>"
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [".index.lock", INDEX_FILE]


def test_written_atomically_without_leftovers(site, monkeypatch):
    data, out = site
    _build(site)
    before = (out / INDEX_FILE).read_bytes()
    import helpers.core.atomic

    def full_disk(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(helpers.core.atomic.os, "replace", full_disk)
    with pytest.raises(OSError):
        _build(site, force=True)
    assert (out / INDEX_FILE).read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_an_output_folder_inside_raw_is_refused(site):
    data, _ = site
    with pytest.raises(InputError, match="生データのフォルダ"):
        build_index(data, data / "raw" / "x", log=lambda m: None)
    assert not (data / "raw" / "x").exists()


# --- end to end: two plans through the command line ------------------------------------


@pytest.mark.e2e
def test_a_second_plan_runs_with_all_appears_on_the_index_and_stays_apart(tmp_path):
    from helpers.core.tables import read_csv
    from helpers.run.cli import main

    data = copy_raw(tmp_path / "data")
    shutil.copytree(FIXTURES / "plans" / OTHER, data / "raw" / OTHER)
    out = tmp_path / "out"
    assert main(["--all", "--data-dir", str(data), "--output-dir", str(out)]) == 0
    html = (out / INDEX_FILE).read_text(encoding="utf-8")
    for plan, period in [
        (PLAN, "2017-09"),
        (PLAN, "2018-03"),
        (OTHER, "2017-03"),
        (OTHER, "2017-09"),
    ]:
        assert f'href="{plan}/{period}/report.html"' in html
        report = (out / plan / period / "report.html").read_text(encoding="utf-8")
        assert 'href="../../index.html"' in report
    # the first plan's comparisons hold only its own periods
    counts = read_csv(data / "processed" / PLAN / "2018-03" / "status_counts.csv")
    assert counts[["period", "items", "B"]].values.tolist() == [
        ["2017-09", 43, 4],
        ["2018-03", 43, 10],
    ]
    other = read_csv(data / "processed" / OTHER / "2017-09" / "area_comparison.csv")
    assert other["items_prev"].tolist() == [7, 5, 6, 12, 11]
    assert other["B_change"].tolist() == [0, 0, 1, 0, 1]
    text = _text((out / OTHER / "2017-09" / "report.html").read_text(encoding="utf-8"))
    assert "予定より遅れている（B）が7項目" in text and "予定よりも遅れている" not in text
    # a rerun with nothing changed: every period and the index up to date
    logs = []
    import helpers.run.cli  # the command's own reference (imported at its top)

    real = helpers.run.cli.build_index
    helpers_result = []

    def spy(*a, **k):
        helpers_result.append(real(*a, log=logs.append, **k))

    try:
        helpers.run.cli.build_index = spy
        assert main(["--all", "--data-dir", str(data), "--output-dir", str(out)]) == 0
    finally:
        helpers.run.cli.build_index = real
    assert helpers_result and not helpers_result[0].rebuilt


def test_only_the_workbooks_own_pdf_is_linked(site):
    data, out = site
    (out / PLAN / "2017-09" / "原本.pdf").write_bytes(b"%PDF-1.4 someone else's")
    html = _build(site).path.read_text(encoding="utf-8")
    assert "原本" not in html and "%E5%8E%9F" not in html


def test_kpi_by_period_table_in_words_and_colour():
    from helpers.core.vocab import STANDARD
    from helpers.present.index_page import PeriodEntry, PlanEntry, kpi_table_html

    points = [
        {
            "period": "2017-03",
            "kpi_id": "1-1",
            "name": "来場者数<b>",
            "basis": "previous_value",
            "value": 9855.0,
            "unit": "人",
            "achievement_pct": None,
            "met": None,
        },
        {
            "period": "2018-03",
            "kpi_id": "1-1",
            "name": "来場者数<b>",
            "basis": "reported",
            "value": 9718.0,
            "unit": "人",
            "achievement_pct": 97.2,
            "met": False,
        },
        {
            "period": "2018-03",
            "kpi_id": "22-1",
            "name": "創業支援件数",
            "basis": "reported",
            "value": 171.0,
            "unit": "件",
            "achievement_pct": 114.0,
            "met": True,
        },
    ]
    newest = PeriodEntry("2018-03", "平成29年度末", {"kpi_points": points}, [])
    html = kpi_table_html(PlanEntry("p", "計画", "", STANDARD, [newest]))
    assert '<th scope="col">平成28年度末</th><th scope="col">平成29年度末</th>' in html
    assert '<td class="notmet">× 未達成<br>達成率 97.2%</td>' in html
    assert '<td class="met">○ 達成<br>達成率 114.0%</td>' in html
    assert "参考 9,855人" in html and "&lt;b&gt;" in html
    approx = dict(points[0], value=3_000_000.0, unit="件", value_text="約300万件")
    assert "参考 約300万件" in kpi_table_html(  # as printed (issue 21: 参考 300万件)
        PlanEntry(
            "p", "計画", "", STANDARD, [PeriodEntry("2018-03", "", {"kpi_points": [approx]}, [])]
        )
    )
    assert kpi_table_html(PlanEntry("p", "計画", "", STANDARD, [])) == ""


def test_a_period_whose_latest_run_failed_is_shown_failed_with_its_older_report(site):
    data, out = site
    folder = out / PLAN / "2018-03"
    (folder / ".reform-workbook").write_text("made by the workbook\n", encoding="utf-8")
    record_failure(folder, InputError(None, "kpi_sheet.csv 3行: 値がありません"))
    html = _build(site).path.read_text(encoding="utf-8")
    row = html[html.index("2018-03</span>") :]
    row = row[: row.index("</tr>")]
    assert "最新の実行は失敗しました" in row
    assert "UTC" not in row and "make report" not in html
    assert "以前のレポート（古い内容）" in row and 'href="kodaira-3/2018-03/report.html"' in row
    assert "最新の実行は失敗しました" not in html[html.index("2017-09</span>") :][:2000]
    # a later good run (or an up-to-date one) removes the record; the page says so again
    (folder / "run_failed.json").unlink()
    again = _build(site)
    assert again.rebuilt and "最新の実行は失敗しました" not in again.path.read_text(
        encoding="utf-8"
    )


def test_a_failed_run_records_itself_and_leaves_the_report(tmp_path):
    data = copy_raw(tmp_path / "data")
    out = tmp_path / "out"
    folder = out / PLAN / "2018-03"
    folder.mkdir(parents=True)
    (folder / ".reform-workbook").write_text("made by the workbook\n", encoding="utf-8")
    (folder / "report.html").write_text("<!DOCTYPE html><title>old</title>", encoding="utf-8")
    sheet = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    sheet.write_text(
        sheet.read_text(encoding="utf-8-sig").replace("9,718人", "9,999人"), encoding="utf-8"
    )
    with pytest.raises(InputError):
        run_period("2018-03", data, out, plan=PLAN, log=lambda m: None)
    record = json.loads((folder / "run_failed.json").read_text(encoding="utf-8"))
    assert "9,999" in record["error"] and record["failed_at"]
    assert (folder / "report.html").read_text(encoding="utf-8").endswith("<title>old</title>")


def test_each_period_shows_when_its_report_was_last_made(site):
    from helpers.present.runlog import RunLine, append_runs

    data, out = site
    append_runs(out, [RunLine(PLAN, "2018-03", "made", 60.0, time="2026-04-01 06:01:00")])
    append_runs(out, [RunLine(PLAN, "2018-03", "up_to_date", 0.1, time="2026-10-01 06:00:00")])
    html = _build(site).path.read_text(encoding="utf-8")
    mine = html[html.index(f'id="plan-{PLAN}"') : html.index(f'id="plan-{OTHER}"')]
    assert "最終更新 2026-04-01 06:01:00" in mine
    assert html.count("最終更新") == 1  # only the periods the log saw made
    assert not _build(site).rebuilt  # an up-to-date run's line does not rewrite the page


@pytest.mark.skipif(not hasattr(__import__("time"), "tzset"), reason="time.tzset is POSIX only")
def test_a_failure_time_is_shown_in_the_pcs_own_time_as_the_run_log_writes(monkeypatch):
    import time

    from helpers.present.index_page import local_time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert local_time("2026-12-05T07:17:30+00:00") == "2026-12-05 16:17"
        assert local_time("2026-12-31T20:00:00") == "2027-01-01 05:00"  # no offset: UTC
        assert local_time(None) == "" and local_time("yesterday") == ""
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_users_report_pdf_the_run_did_not_write_is_not_linked(site):
    """A recheck's: the index linked a user's own scan as the period's PDF."""
    data, out = site
    folder = out / PLAN / "2017-09"
    listed = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    (folder / ".fingerprint").write_text("abc\n" + "\n".join(listed) + "\n", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 the user's scan")
    html = _build(site).path.read_text(encoding="utf-8")
    assert 'href="kodaira-3/2017-09/report.html"' in html
    assert 'href="kodaira-3/2017-09/report.pdf"' not in html
    assert 'href="kodaira-3/2018-03/report.pdf"' in html  # the workbook's own (no listing)
