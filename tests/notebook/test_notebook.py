"""helpers.notebook: what the notebooks call (their period, inputs, steps, messages, export)."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from support import FIXTURES, PLAN, copy_raw

from helpers import notebook as nb
from helpers.core.errors import LockedError
from helpers.core.tables import read_json, write_json
from helpers.present.display import Message, Shown

PERIODS_LINE = "2017-09（平成29年9月末）、2018-03（平成29年度末）"


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def open_(data, notebook="02_analyze", **kw):
    return nb.open_period(
        notebook, data_dir=str(data), output_dir=str(data.parent / "outputs"), **kw
    )


# ------------------------------------------------------------ the period, or one line


def test_the_defaults_are_the_latest_period_and_the_lines_say_what_is_read_and_written(
    data, capsys
):
    run = open_(data, "01_clean")
    assert (run.plan, run.period, run.label) == (PLAN, "2018-03", "平成29年度末")
    assert run.plan_name == "第3次行財政再構築プラン"
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "計画: 第3次行財政再構築プラン（kodaira-3）",
        "期間: 平成29年度末（2018-03）",
    ]
    assert lines[2].startswith("読むもの: 生データ ") and lines[2].endswith(
        "raw/kodaira-3/2018-03/"
    )
    assert lines[3].startswith("書くもの: 整理済みの表 ")
    assert run.processed_dir.is_dir() and not run.period_output.exists()  # 01 writes no outputs


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (
            "2030-03",
            "第3次行財政再構築プラン（kodaira-3）には 2030-03（令和11年度末）の生データがありません。",
        ),
        ("2018-13", "期間「2018-13」を読み取れません"),
        ("平成99年度末", "期間「平成99年度末」を読み取れません"),
        ("来年", "期間「来年」を読み取れません"),
    ],
)
def test_an_unknown_or_malformed_period_is_one_japanese_line_listing_the_periods(
    data, period, words
):
    with pytest.raises(nb.NotebookStop) as stop:
        open_(data, period=period)
    message = stop.value.message
    assert "\n" not in message
    assert words in message
    assert (
        f"生データのある計画と期間: kodaira-3（第3次行財政再構築プラン）: {PERIODS_LINE}。"
        in message
    )
    # IPython shows this in place of a traceback: the line alone
    shown = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in stop.value._render_traceback_()]
    assert shown == [message]
    assert not (data / "processed" / PLAN / "2030-03").exists()


def test_an_unknown_plan_lists_the_plans(data):
    with pytest.raises(
        nb.NotebookStop,
        match="計画「kodaira-9」の生データのフォルダがありません。生データのある計画と期間: kodaira-3",
    ):
        open_(data, plan="kodaira-9")


def test_with_two_plans_a_period_none_has_says_so(data):
    shutil.copytree(FIXTURES / "plans" / "kodaira-2", data / "raw" / "kodaira-2")
    with pytest.raises(nb.NotebookStop) as stop:
        open_(data, period="2030-03")
    assert stop.value.message.startswith("どの計画にも 2030-03")
    assert "kodaira-2（" in stop.value.message and "kodaira-3（" in stop.value.message


def test_no_raw_data_at_all(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    with pytest.raises(nb.NotebookStop, match="生データがありません"):
        open_(tmp_path / "data")


def test_a_misnamed_period_folder_stops_with_its_path(data):
    (data / "raw" / PLAN / "2018-9").mkdir()
    with pytest.raises(nb.NotebookStop, match="入力データに誤りがあるため止めました: .*2018-9"):
        open_(data)


# ------------------------------------------------------------ inputs, built when missing


def test_02_alone_cleans_first_and_says_so_then_reads_what_is_there(data, capsys):
    run = open_(data)
    cleaned = nb.cleaned_inputs(run)
    out = capsys.readouterr().out
    assert (
        "整理済みの表（01 の結果）がありません。01_clean と同じ処理で、生データから作ります。"
        in out
    )
    assert "分野 5、項目 43、成果指標 18 を読み込みました。" in out
    assert (run.processed_dir / "indicators.csv").is_file()
    again = nb.cleaned_inputs(run)
    assert "01_clean と同じ処理" not in capsys.readouterr().out
    pd.testing.assert_frame_equal(again.indicators, cleaned.indicators)


def test_tables_made_from_other_raw_files_are_made_again(data, capsys):
    run = open_(data)
    nb.cleaned_inputs(run)
    meta = read_json(run.processed_dir / "meta.json")
    meta["sources"]["kpi_sheet"]["sha256"] = "0" * 64
    write_json(meta, run.processed_dir / "meta.json")
    capsys.readouterr()
    nb.cleaned_inputs(run)
    assert "今の生データから作られたものではありません" in capsys.readouterr().out


def test_in_the_pipeline_missing_inputs_are_a_failure_not_rebuilt(data):
    run = open_(data, run_by_pipeline=True)
    with pytest.raises(nb.NotebookStop, match="前のノートブックが失敗しています"):
        nb.cleaned_inputs(run)
    assert not (run.processed_dir / "areas.csv").exists()


def test_03_alone_builds_the_analysis_and_the_charts(data, capsys):
    run = open_(data, "03_report", period="2017-09")
    t = nb.report_inputs(run)
    out = capsys.readouterr().out
    assert "01_clean と同じ処理" in out and "02_analyze と同じ処理" in out
    assert len(t.counts) == 1 and len(t.metrics) == 0 and len(t.audit) > 0
    assert (run.figures_dir / "status_by_area.png").is_file()
    for name in nb.ANALYSIS_TABLES:
        assert (run.processed_dir / f"{name}.csv").is_file(), name
    nb.report_inputs(run)
    assert "同じ処理" not in capsys.readouterr().out  # all there now: only read


# ------------------------------------------------------------ what the notebooks show


def test_small_tables_for_the_notebooks(data):
    run = open_(data, "01_clean")
    result = nb.clean(run)
    counts = nb.status_count_frame(result.items)
    assert counts.to_dict("list") == {"status": ["S", "A", "B"], "items": [3, 30, 10]}
    files = nb.files_frame(result.written, run.processed_dir)
    assert files["file"].tolist() == ["areas.csv", "items.csv", "indicators.csv", "meta.json"]
    assert files["rows"].tolist()[:3] == [5, 43, 18] and pd.isna(files["rows"].iloc[3])
    raw = nb.raw_files_frame(run)
    assert raw["kind"].tolist() == ["報告書のテキスト", "成果指標シート"]
    metrics = nb.metrics_step(run, result.indicators)
    summary = nb.met_summary(metrics)
    assert summary["count"].tolist() == [5, 12, 1, 18]
    comparison = nb.compare_step(run, result)
    audit = nb.audit_step(run, result, metrics, comparison)
    assert (
        nb.audit_summary(audit)
        == f"検算 {len(audit)} 件のうち {len(audit)} 件が一致、不一致はありません。"
    )
    assert len(nb.flagged(audit)) == 0


def test_02_counts_every_check_the_report_and_index_count(data):
    """One value for one count: 02's audit holds the checks across periods too (issue 21:
    02 said 50 while the report and the index said 55)."""
    run = open_(data, "02_analyze", period="2018-03")
    analysis = nb.analyze(run, nb.cleaned_inputs(run))
    saved = pd.read_csv(run.processed_dir / "audit.csv")
    assert len(analysis.audit) == len(saved)
    assert nb.audit_summary(analysis.audit).startswith(f"検算 {len(saved)} 件のうち")
    assert (saved["check"] == "area_items_across_periods").any()  # a check across periods


def test_every_chart_is_shown_under_its_caption_or_why_it_is_missing(data):
    run = open_(data, "02_analyze", period="2017-09")
    cleaned = nb.cleaned_inputs(run)
    metrics = nb.metrics_step(run, cleaned.indicators)
    comparison = nb.compare_step(run, cleaned)
    nb.charts_step(run, cleaned, metrics, comparison.counts)
    shown = []
    nb.show_charts(run, show=shown.append)
    assert len(shown) == 8
    captions = [s.data for s in shown[::2]]
    assert [c.removeprefix("<p><strong>").removesuffix("</strong></p>") for c in captions] == list(
        nb.CHARTS.values()
    )
    assert type(shown[1]).__name__ == "Image"
    # 2017-09: the plan's first period, an area table without KPIs
    assert [type(s).__name__ for s in shown[3::2]] == ["Message", "Message", "Message"]
    assert "前の期間" in shown[3].text and "成果指標がない" in shown[5].text


def test_show_gives_a_sentence_for_an_empty_table():
    empty = pd.DataFrame({"kpi_id": pd.Series([], dtype="str")})
    from helpers.present.display import show

    assert isinstance(show(empty, empty="ありません。"), Message)
    assert isinstance(show(empty), Shown)
    assert repr(show(empty, empty="ありません。")) == "ありません。"


# ------------------------------------------------------------ the export


def test_run_by_the_pipeline_the_notebook_does_not_export(data):
    run = open_(data, "03_report", run_by_pipeline=True)
    said = []
    assert nb.export_report(run, log=said.append) is None
    assert "パイプラインが書き出します" in said[0]
    assert not (run.period_output / "report.html").exists()


def test_other_folders_than_the_defaults_are_not_exported(data, tmp_path):
    run = open_(data, "03_report", processed_dir=str(tmp_path / "elsewhere"))
    said = []
    assert nb.export_report(run, log=said.append) is None
    assert "既定と違うフォルダ" in said[0]


def test_a_failed_export_is_one_japanese_line(data, monkeypatch):

    def locked(*a, **k):
        raise LockedError("another run of 2018-03 is in progress")

    monkeypatch.setattr(nb, "run_period", locked)
    run = open_(data, "03_report")
    with pytest.raises(nb.NotebookStop, match="別の実行（make report など）がこの期間を処理中"):
        nb.export_report(run, log=lambda _m: None)


def test_files_frame_counts_rows_with_a_cell_as_long_as_a_report_line(tmp_path):
    """A report line of 200,000 characters ends up in a table cell; its rows are still counted."""
    from helpers import notebook

    p = tmp_path / "items.csv"
    p.write_text('item_no,item_name\n1,"' + "あ" * 200_000 + '"\n2,b\n', encoding="utf-8")
    frame = notebook.files_frame([p], tmp_path)
    assert frame["rows"].tolist() == [2]
