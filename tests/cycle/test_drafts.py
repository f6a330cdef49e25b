"""draft-kpis: drafts from the real report, measured; never an edit of the analyst's file;
no unconfirmed draft reaches a report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support import KPI_FILE, PLAN, REPORT_FILE, copy_raw

from helpers.core.errors import InputError
from helpers.core.plans import load_plan
from helpers.cycle.drafts import (
    MARK_CHECK,
    MARK_UNSURE,
    Region,
    _report_of,
    draft_kpis,
    draft_prev,
    draft_result,
    draft_sheet,
    draft_value,
    measure_drafts,
)
from helpers.cycle.new_period import new_period, sheet_bytes, sheet_records
from helpers.run.cli import main


@pytest.fixture(scope="module")
def plan():
    return load_plan(REPORT_FILE.parents[3], PLAN)


def test_drafts_on_the_real_report_find_at_least_95_percent_exactly(plan):
    m = measure_drafts(KPI_FILE, REPORT_FILE.parent, "2018-03", plan)
    # 17 value texts, 7 previous-value texts and 15 result texts in the sheet
    assert m.with_text == 39
    assert m.exact / m.with_text >= 0.95, m.details
    assert m.different == m.different_marked, "every different draft is marked uncertain"
    assert m.blank_filled == 0, m.details  # nothing proposed where the sheet is blank
    assert (m.exact, m.different, m.not_found, m.blank_kept) == (38, 1, 0, 15), m.details


@pytest.mark.parametrize(
    ("sentence", "unit", "value", "prev"),
    [
        (
            "市民活動支援センター来場者数は、平成29年度末で9,718人であり、目標値1万人以上を達成できなかった。",
            "人",
            "9,718人",
            None,
        ),
        ("前年度に比べ、経常収支比率を改善させ（94.8%→92.6%）", "%", "92.6%", "94.8%"),
        (
            "②財源確保額：平成29年度末で2,265万円、前年度から159万円の減であり",
            "円",
            "2,265万円",
            "前年度から159万円の減",
        ),
        (
            "平成29年度末は62.6%（107指標のうち67本）と平成28年度末から4.7ポイント向上したが",
            "%",
            "62.6%",
            "平成28年度末から4.7ポイント向上",
        ),
        (
            "売払いは5件17,966,912円、貸付は10件11,542,734円、合計29,509,646円の財源確保を行った。",
            "円",
            "合計29,509,646円",
            None,
        ),
        ("※法人市民税調定額（資本金1億円以下）については未算出", "円", "未算出", None),
    ],
)
def test_the_wording_rules(sentence, unit, value, prev):
    region = Region(sentence)
    assert draft_value(region, "指標", unit, "2018-03").text == value
    found = draft_prev(region, unit, "2018-03")
    assert (found.text if found else None) == prev


FIXTURE = Path(__file__).parents[1] / "fixtures" / "report_2018_09"


def test_drafts_on_the_september_fixture_find_at_least_95_percent_exactly(plan):
    # a made-up 9月末 report (tests/fixtures/README.md) and its hand-written answer key
    m = measure_drafts(FIXTURE / "answer_key.csv", FIXTURE, "2018-09", plan)
    assert m.with_text == 39  # 17 values, 7 previous values, 15 results stated
    assert m.exact / m.with_text >= 0.95, m.details
    assert m.different == m.different_marked and m.blank_filled == 0, m.details


def test_a_september_report_is_read_at_its_own_date_and_the_last_year_end():
    region = Region(
        "来場者数は、平成30年9月末で5,102人であり、目標値1万人以上を達成できなかった。",
        ["また、平成29年度末の9,718人から減少した。"],
    )
    assert draft_value(region, "来場者数", "人", "2018-09").text == "5,102人"
    prev = draft_prev(region, "人", "2018-09")
    assert prev.text == "9,718人"
    assert draft_result(region).text == "達成できなかった"


@pytest.mark.parametrize(
    ("sentence", "value", "why"),
    [
        # a range is drafted whole, never one end
        ("来場者数は、平成29年度末で9,700～9,800人であり", "9,700～9,800人", "範囲"),
        ("来場者数は、平成29年度末で9,700から9,800人であり", "9,700から9,800人", "範囲"),
        ("来場者数は9,700〜9,800人となった", "9,700〜9,800人", "範囲"),
        # a qualifier is kept
        ("来場者数は、平成29年度末で9,718人台であり", "9,718人台", "限定語"),
        ("来場者数は、平成29年度末で約9,700人であり", "約9,700人", "限定語"),
        ("来場者数は9,700人程度であった", "9,700人程度", "限定語"),
        # two candidate figures
        ("来場者数は、平成29年度末で9,718人（速報値9,650人）であり", "9,718人", "候補が2つ以上"),
        ("来場者数は9,718人、うち市外から1,200人であった", "9,718人", "候補が2つ以上"),
    ],
)
def test_a_doubtful_figure_gets_the_weaker_mark_with_its_reason(sentence, value, why):
    found = draft_value(Region(sentence), "来場者数", "人", "2018-03")
    assert found.text == value
    assert not found.sure and why in found.why


def test_a_figure_from_another_sentence_gets_the_weaker_mark():
    region = Region("来場者数の集計方法を見直した。", ["平成29年度末で9,718人となった。"])
    found = draft_value(region, "来場者数", "人", "2018-03")
    assert found.text == "9,718人" and not found.sure and "別の文" in found.why


def test_the_drafted_sheet_marks_doubt_and_says_why(data):
    sheet = _blank_sheet(data)
    report = data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("9,718", "9,700～9,718", 1), encoding="utf-8")
    result = draft_kpis("2018-03", data)
    first = result.rows[0]
    assert first["value_text"] == "9,700～9,718人"  # whole, never one end
    assert first["draft"] == MARK_UNSURE
    assert "範囲で記載" in first["draft_source"]
    assert sheet.exists()


def test_drafts_are_the_text_as_printed(plan):
    m = measure_drafts(KPI_FILE, REPORT_FILE.parent, "2018-03", plan)
    assert m.exact >= 38
    report, lines = _report_of(REPORT_FILE.parent, "2018-03", plan)
    rows = [
        dict(r, value_text="", prev_text="", result_text="", draft="")
        for _, r in sheet_records(KPI_FILE)
    ]
    draft_sheet(rows, report, lines, "2018-03")
    by_name = {r["indicator"]: r for r in rows}
    # full-width ／ and ％ as the report prints them, the PDF's line break taken out
    assert by_name["出前講座参加人数"]["value_text"] == "延べ 980 人／年"
    assert by_name["組織目標の達成率"]["value_text"] == "94.3％"
    assert by_name["市民活動支援センター来場者数"]["value_text"] == "9,718人"
    assert by_name["出前講座参加人数"]["result_text"] == "達しなかった"


def test_a_normalised_text_in_a_marked_row_is_flagged(plan):
    report, lines = _report_of(REPORT_FILE.parent, "2018-03", plan)
    rows = [dict(r, draft="要確認") for _, r in sheet_records(KPI_FILE)]
    ten = next(r for r in rows if r["indicator"] == "出前講座参加人数")
    ten["value_text"] = "延べ980人/年"  # the report prints 延べ 980 人／年
    draft_sheet(rows, report, lines, "2018-03")
    assert ten["draft"] == MARK_UNSURE
    assert "報告書の表記どおりではありません" in ten["draft_source"]


def test_reiwa_years_are_read():
    region = Region("来場者数は、令和元年度末で9,901人であり、平成30年度末の9,718人から増加した。")
    assert draft_value(region, "来場者数", "人", "2020-03").text == "9,901人"
    assert draft_prev(region, "人", "2020-03").text == "9,718人"


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _blank_sheet(data):
    """2018-03's sheet with its value and previous-value texts blanked, as the analyst's file."""
    sheet = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    rows = [dict(r, value_text="", prev_text="") for _, r in sheet_records(sheet)]
    sheet.write_bytes(sheet_bytes(rows, "csv"))
    return sheet


def test_written_beside_the_analysts_sheet_which_stays_untouched(data, capsys):
    sheet = _blank_sheet(data)
    before = _sha(sheet)
    assert main(["draft-kpis", "--period", "2018-03", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    drafted = sheet.with_name("kpi_sheet.draft.csv")
    assert drafted.is_file() and _sha(sheet) == before
    assert "kpi_sheet.draft.csv" in out and "draft 欄を空に" in out and "名前を" in out
    steps = [line.split(".")[0] for line in out.splitlines() if line[:1].isdigit()]
    assert steps == ["1", "2", "3", "4"]  # numbered without a gap
    rows = [r for _, r in sheet_records(drafted)]
    assert rows[0]["value_text"] == "9,718人" and rows[0]["prev_text"] == "9,855人"
    assert rows[0]["draft"] == MARK_CHECK
    assert "progress_report_H29_end.txt" in rows[0]["draft_source"]
    assert "行「" in rows[0]["draft_source"]
    assert rows[3]["draft"] == MARK_UNSURE  # item 7: a bare 36, not in the unit
    # a second run refuses: the draft is there, untouched
    drafted_sha = _sha(drafted)
    assert main(["draft-kpis", "--period", "2018-03", "--data-dir", str(data)]) == 2
    assert "下書きのシートが既にあります" in capsys.readouterr().err
    assert _sha(drafted) == drafted_sha and _sha(sheet) == before


def test_no_unconfirmed_draft_reaches_a_report(data, tmp_path, capsys):
    sheet = _blank_sheet(data)
    main(["draft-kpis", "--period", "2018-03", "--data-dir", str(data)])
    drafted = sheet.with_name("kpi_sheet.draft.csv")
    out = tmp_path / "out"
    args = ["--period", "2018-03", "--data-dir", str(data), "--output-dir", str(out)]
    # the draft beside the sheet stops the run
    assert main(args) == 2
    assert "draft-kpis が作った" in capsys.readouterr().err
    # in place of the sheet, its marks stop the run, naming the rows
    sheet.unlink()
    drafted.rename(sheet)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "18行に確認していない下書き" in err and "2行目（取組 1: 要確認）" in err
    assert not out.exists() or not any(out.rglob("report.html"))
    # confirmed (marks emptied), the drafted texts pass the sheet's checks against the report
    from helpers.ingest.clean import clean_period

    rows = [dict(r, draft="") for _, r in sheet_records(sheet)]
    sheet.write_bytes(sheet_bytes(rows, "csv"))
    result = clean_period("2018-03", data, write=False)
    assert (
        result.indicators.loc[0, "value"] == 9718 and result.indicators.loc[0, "prev_value"] == 9855
    )


def test_a_new_period_sheet_is_drafted_beside_and_a_carried_previous_value_checked(data):
    from support.next_year import add_next_year

    from helpers.cycle.drafts import draft_kpis

    sheet, _ = new_period("2019-03", data)
    add_next_year(data, agree=False, sheet=False)
    result = draft_kpis("2019-03", data)
    assert result.written.name == "kpi_sheet.draft.xlsx" and result.beside == sheet
    first = result.rows[0]
    assert first["value_text"] == "9,901人"
    # 9,718人 was carried from 2018-03; the report prints 9,700人: proposed, and marked
    assert first["prev_text"] == "9,700人" and first["draft"] == MARK_UNSURE
    assert "転記した「9,718人」と報告書の「9,700人」が異なる" in first["draft_source"]


def test_without_a_report_draft_kpis_says_what_to_do(data):
    from helpers.cycle.drafts import draft_kpis

    new_period("2019-03", data)
    with pytest.raises(InputError, match="報告書（.pdf か .txt）がありません"):
        draft_kpis("2019-03", data)


@pytest.mark.parametrize(
    "value, carried, change, agrees",
    [
        ("65.4%", "62.6%", "前年度から2.8ポイント向上", True),
        ("2,290万円", "2,265万円", "前年度から25万円の増", True),
        ("65.4%", "62.6%", "前年度から3.0ポイント向上", False),
        ("65.4%", "62.6%", "62.6%", False),  # not a change: the texts differ, flagged
    ],
)
def test_a_stated_change_that_agrees_with_the_carried_value_is_not_flagged(
    value, carried, change, agrees
):
    from helpers.cycle.drafts import Found, RowDraft, _change_agrees

    unit = "%" if value.endswith("%") else "円"
    rec = {"value_text": "", "prev_text": carried, "direction": ""}
    out = RowDraft(value=Found(value, "…"))
    assert _change_agrees(rec, out, Found(change, "…"), unit) is agrees


def test_a_drafted_sheet_without_its_draft_column_is_refused(data, capsys):
    import csv
    import io

    sheet = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    rows = [r for _, r in sheet_records(sheet)]
    columns = [c for c in rows[0] if c not in ("draft", "draft_source")] + ["draft_source"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(dict(r, draft_source="報告書 91行") for r in rows)
    sheet.write_text(buf.getvalue(), encoding="utf-8")
    status = main(["--period", "2018-03", "--data-dir", str(data), "--output-dir", str(data / "o")])
    err = capsys.readouterr().err
    assert status == 2 and "draft の列がありません" in err, err


def test_excels_lock_file_beside_an_open_sheet_is_not_a_second_sheet(data):
    from helpers.ingest.clean import find_raw_files

    raw = data / "raw" / PLAN / "2018-03"
    (raw / "~$kpi_sheet.xlsx").write_bytes(b"\x05owner")
    assert find_raw_files(raw).kpi_sheet == raw / "kpi_sheet.csv"
