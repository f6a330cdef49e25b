"""The half-year cycle at 9月末: new-period and draft-kpis for 2018-09 carry 平成29年度末
(2018-03) as the previous values, and the cross-period audit agrees with them."""

from __future__ import annotations

import shutil

import pytest
from support import FIXTURES, PLAN, copy_raw, raw_of

from helpers.analysis.audit_periods import audit_across_periods
from helpers.analysis.compare import load_history
from helpers.core.errors import InputError
from helpers.core.vocab import carried_from, carried_words
from helpers.cycle.drafts import draft_kpis
from helpers.cycle.new_period import new_period, sheet_bytes, sheet_records

SEPT = FIXTURES / "report_2018_09"


def _confirmed_sheet(data, alter=None):
    """2018-09 as an analyst makes it: new-period, the report, draft-kpis, the checks done."""
    sheet, carried = new_period("2018-09", data)
    shutil.copy2(SEPT / "progress_report_H30_9.txt", raw_of(data, "2018-09"))
    result = draft_kpis("2018-09", data)
    key = [r for _, r in sheet_records(SEPT / "answer_key.csv")]
    rows = []
    for got, want in zip(result.rows, key, strict=True):
        # the analyst corrects the drafts to the report's words and empties the mark
        row = dict(got, value_text=want["value_text"], result_text=want["result_text"], draft="")
        rows.append(row)
    if alter:
        alter(rows)
    sheet.unlink()
    result.written.unlink()
    (raw_of(data, "2018-09") / "kpi_sheet.csv").write_bytes(sheet_bytes(rows, "csv"))
    return carried, result


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


def _prev_checks(data):
    history, notes = load_history("2018-09", data, plan=PLAN)
    assert "2018-03" in history, notes
    audit = audit_across_periods("2018-09", history)
    return audit[audit["check"] == "prev_vs_earlier_period"]


def test_every_kpi_with_a_year_end_value_carries_it_and_the_audit_agrees(data):
    carried, result = _confirmed_sheet(data)
    held = {r["indicator"]: r["value_text"] for _, r in sheet_records(carried.prev_source)}
    with_figure = [r for r in result.rows if r["prev_text"]]
    assert len(with_figure) == 15  # each KPI whose 2018-03 value is a figure
    for r in with_figure:
        # the carried text, or the report's own words for it (a change from 前年度)
        assert r["prev_text"] == held[r["indicator"]] or "から" in r["prev_text"], r
    checks = _prev_checks(data)
    assert len(checks) == 15
    assert checks["ok"].all(), checks[~checks["ok"]].to_dict("records")
    # the columns say which period each value is from
    detail = " ".join(checks["detail"])
    assert "平成29年度末" in detail and "平成30年9月末" in detail


def test_an_altered_previous_value_is_flagged(data):
    def alter(rows):
        # a carried previous value edited by hand (2018-03 holds 延べ 980 人／年); the
        # report does not print it, so only the cross-period audit can catch it
        ten = next(r for r in rows if r["item_no"] == "10")
        ten["prev_text"] = "延べ 890 人／年"
        ten["draft_source"] = carried_words("2018-03", "kpi_sheet.csv", "延べ 890 人／年")

    _confirmed_sheet(data, alter)
    checks = _prev_checks(data)
    bad = checks[~checks["ok"]]
    assert len(bad) == 1 and "890" in str(bad.iloc[0].to_dict())


def test_a_carried_previous_value_keeps_its_carried_words_through_the_drafts(data):
    _, result = _confirmed_sheet(data)
    ten = next(r for r in result.rows if r["item_no"] == "10")
    assert ten["prev_text"] == "延べ 980 人／年"
    assert carried_from(ten["draft_source"], ten["prev_text"]) == "2018-03"
    # a carried value the report does not print is not "not as printed": the plain mark
    assert ten["draft"] == "要確認" and "表記どおりではありません" not in ten["draft_source"]


def test_an_edited_carried_value_without_its_words_must_be_in_the_report(data):
    def alter(rows):
        next(r for r in rows if r["item_no"] == "10")["prev_text"] = "延べ 890 人／年"

    _confirmed_sheet(data, alter)
    with pytest.raises(InputError, match="prev_text"):
        load_history("2018-09", data, plan=PLAN)
