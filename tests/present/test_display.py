"""helpers.present.display: what an analyst reads in the notebooks' tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import metrics
from helpers.core import jpnum, schema
from helpers.core.vocab import STATUS_CODES, Vocabulary, status_display
from helpers.present import display
from helpers.present.display import MISSING_TEXT, column_label, display_frame, format_number, show

# ------------------------------------------------------------------ labels


def _is_japanese(text: str) -> bool:
    return any(0x3040 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF for c in text)


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_column_of_every_processed_table_has_a_japanese_label(table):
    for col in schema.columns(table):
        label = column_label(col)
        assert label != col and _is_japanese(label), f"{table}.{col} → {label!r}"


@pytest.mark.parametrize(
    ("col", "label"),
    [
        ("achievement_pct", "達成率（%）"),
        ("change_pt", "増減（ポイント）"),
        ("change_pct", "増減率（%）"),
        ("change_abs", "増減"),
        ("status_basis", "判定の根拠"),
        ("met", "目標の達成"),
        ("trend", "傾向"),
        ("S", "予定以上に進捗（S）"),
        ("B_prev", "前期の予定よりも遅れている（B）"),
        ("A_change", "予定どおりに進捗（A）の増減"),
        ("my_extra_column", "my_extra_column"),
    ],
)
def test_column_labels(col, label):
    assert column_label(col) == label


def test_labels_within_a_table_are_distinct():
    for table in schema.TABLES:
        labels = [column_label(c) for c in schema.columns(table)]
        assert len(labels) == len(set(labels)), table


def test_a_plans_own_wording_labels_the_status_columns():
    older = Vocabulary(
        labels={
            "S": ("予定より前倒しで進行している",),
            "A": ("予定どおり進行している",),
            "B": ("予定より遅れている",),
        },
        keywords={"S": ("前倒し",), "A": ("どおり",), "B": ("遅れ",)},
    )
    df = pd.DataFrame({"status": ["S", "B"], "S": [1, 2]})
    frame = display_frame(df, vocab=older)
    assert list(frame.columns) == ["進捗状況", "予定より前倒しで進行している（S）"]
    assert list(frame["進捗状況"]) == [
        "予定より前倒しで進行している（S）",
        "予定より遅れている（B）",
    ]


# ------------------------------------------------------------------ codes as words


def test_every_target_kind_has_a_word():
    assert set(display.TARGET_KIND_LABELS) == set(jpnum.TARGET_KINDS)
    df = pd.DataFrame({"target_kind": ["at_least", "at_most", "range", "achieved", "yes_no"]})
    assert list(display_frame(df)["目標の種類"]) == [
        "以上",
        "以下",
        "範囲",
        "数値なしの達成",
        "実施の有無",
    ]


def test_trends_and_met_in_words():
    df = pd.DataFrame(
        {
            "trend": pd.array(["improved", "worsened", "unchanged", None], dtype="str"),
            "met": pd.array([True, False, None, True], dtype="boolean"),
            "ok": pd.array([True, False, True, None], dtype="boolean"),
        }
    )
    frame = display_frame(df)
    assert list(frame["傾向"]) == ["改善", "悪化", "横ばい", MISSING_TEXT]
    assert list(frame["目標の達成"]) == ["達成", "未達成", MISSING_TEXT, "達成"]
    assert list(frame["結果"]) == ["一致", "不一致", "一致", MISSING_TEXT]


def test_statuses_through_the_vocabulary():
    df = pd.DataFrame({"status": pd.array(["S", "A", "B", None], dtype="str")})
    shown = list(display_frame(df)["進捗状況"])
    assert shown == [status_display(c) for c in STATUS_CODES] + [MISSING_TEXT]


def test_every_formula_basis_and_direction_in_words():
    for code in (
        metrics.FORMULA_HIGHER,
        metrics.FORMULA_LOWER,
        metrics.FORMULA_RANGE,
        metrics.FORMULA_ACHIEVED,
        metrics.FORMULA_YES_NO,
    ):
        assert (
            _is_japanese(display.FORMULA_LABELS[code])
            and "target" not in display.FORMULA_LABELS[code]
        )
    df = pd.DataFrame(
        {
            "direction": ["higher", "lower"],
            "direction_basis": ["sheet", "inferred from name"],
            "status_basis": ["listed", "inferred from counts"],
        }
    )
    frame = display_frame(df)
    assert list(frame["望ましい方向"]) == ["高いほど良い", "低いほど良い"]
    assert list(frame["方向の根拠"]) == ["指標シートの指定", "指標名から判断"]
    assert list(frame["判定の根拠"]) == ["一覧に掲載", "件数から確定"]


def test_audit_checks_and_scopes_in_words():
    from helpers.analysis import audit

    df = pd.DataFrame(
        {
            "check": ["area_row_sum", "stated_result", "a_new_check"],
            "scope": ["area 1 B", "KPI 12-1", "column items"],
        }
    )
    frame = display_frame(df)
    assert list(frame["検算の種類"]) == [
        "分野の状況別の件数の和と項目数",
        "達成の記述と判定",
        "a_new_check",
    ]
    assert list(frame["対象"]) == ["分野1（B）", "指標12-1", "列（項目数）"]
    assert audit.AUDIT_COLUMNS == schema.columns("audit")


def test_periods_in_words():
    df = pd.DataFrame({"period": ["2018-03", "2017-09", "not-a-period"]})
    assert list(display_frame(df)["期間"]) == [
        "平成29年度末（2018-03）",
        "平成29年9月末（2017-09）",
        "not-a-period",
    ]


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (2860000000.0, {}, "2,860,000,000"),
        (9718, {}, "9,718"),
        (9718.0, {}, "9,718"),
        (1.5, {}, "1.5"),
        (1.005, {}, "1.01"),  # half up, as people round
        (0.0, {}, "0"),
        (-0.0, {"places": 1}, "0.0"),
        (92.6, {"places": 1}, "92.6"),
        (80, {"places": 1}, "80.0"),
        (97.18, {"places": 1}, "97.2"),
        (-2.25, {"places": 1}, "−2.3"),  # minus is U+2212 as in the report (one formatter)
        (-137.0, {"signed": True}, "−137"),
        (137.0, {"signed": True}, "+137"),
        (0.0, {"signed": True}, "±0"),  # a change of zero reads ±0, as in the report
        (1234, {"comma": False}, "1234"),
    ],
)
def test_format_number(value, kwargs, text):
    assert format_number(value, **kwargs) == text


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, float("nan"), pd.NaT, "", "  "])
def test_every_kind_of_missing_is_the_same_dash(missing):
    assert format_number(missing) == MISSING_TEXT
    df = pd.DataFrame(
        {"value": [missing], "unit": ["円"], "indicator": [missing], "met": [missing]}
    )
    assert set(display_frame(df).drop(columns="単位").iloc[0]) == {MISSING_TEXT}


def test_missing_in_typed_columns_is_the_dash_never_zero():
    df = schema.frame(
        [{"item_no": 1, "area_no": 1, "kpi_id": "1-1", "indicator": "x", "unit": "円"}],
        "indicators",
    )
    frame = display_frame(df)
    for col in ("今期の値", "前年度末の値", "目標値", "概数"):
        assert frame[col].iloc[0] == MISSING_TEXT
    text = " ".join(frame.iloc[0])
    assert "nan" not in text.lower() and "<NA>" not in text and "None" not in text


def test_numbers_by_unit_rate_and_kind():
    df = pd.DataFrame(
        {
            "kpi_id": ["1-1", "4-1", "28-1"],
            "unit": ["人", "%", "円"],
            "value": pd.array([9718.0, 92.6, 2860000000.0], dtype="Float64"),
            "prev_value": pd.array([9855.0, 94.8, None], dtype="Float64"),
            "target_value": pd.array([10000.0, 90.0, None], dtype="Float64"),
            "change_abs": pd.array([-137.0, -2.2, None], dtype="Float64"),
            "change_pt": pd.array([None, -2.2, None], dtype="Float64"),
            "change_pct": pd.array([-1.39015, None, None], dtype="Float64"),
            "achievement_pct": pd.array([97.18, 102.888, None], dtype="Float64"),
            "item_no": [1, 4, 28],
            "sheet_line": pd.array([2, 1234, None], dtype="Int64"),
        }
    )
    frame = display_frame(df)
    assert list(frame["今期の値"]) == ["9,718", "92.6", "2,860,000,000"]
    assert list(frame["前年度末の値"]) == ["9,855", "94.8", MISSING_TEXT]
    assert list(frame["目標値"]) == ["10,000", "90.0", MISSING_TEXT]
    assert list(frame["増減"]) == ["−137", "−2.2", MISSING_TEXT]
    assert list(frame["増減（ポイント）"]) == [MISSING_TEXT, "−2.2", MISSING_TEXT]
    assert list(frame["増減率（%）"]) == ["−1.4", MISSING_TEXT, MISSING_TEXT]
    assert list(frame["達成率（%）"]) == ["97.2", "102.9", MISSING_TEXT]
    assert list(frame["単位"]) == ["人", "%", "円"]
    assert list(frame["指標シートの行"]) == ["2", "1234", MISSING_TEXT]  # a line number, no comma
    assert not any(t.endswith(".0") for t in frame["今期の値"] if t != "92.6")


def test_counts_with_separators_and_signed_changes():
    df = pd.DataFrame({"items": [1043], "S": [3], "S_change": pd.array([2], dtype="Int64")})
    frame = display_frame(df)
    assert frame.iloc[0].tolist() == ["1,043", "3", "+2"]


# ------------------------------------------------------------------ HTML


def test_data_strings_are_escaped_and_bidi_controls_removed():
    evil = '<script>alert(1)</script><img src=x onerror=alert(1)>"&\u202e'
    df = pd.DataFrame({"indicator": [evil], evil: ["x"]})
    html = show(df, caption=evil)._repr_html_()
    assert "<script>" not in html and "<img" not in html and "\u202e" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("&lt;script&gt;") == 3  # the cell, the column label, the caption


def test_wide_tables_scroll_instead_of_being_cut():
    df = pd.DataFrame({f"c{i}": ["長い文字列" * 5] for i in range(30)})
    html = show(df)._repr_html_()
    assert html.startswith('<div class="reform-table" style="overflow-x:auto')
    assert html.count("<th style") == 30 and "<thead>" in html


def test_numbers_are_right_aligned_texts_left():
    df = pd.DataFrame({"indicator": ["来場者数"], "value": [9718.0], "unit": ["人"]})
    html = show(df)._repr_html_()
    assert '<td style="text-align:right;white-space:nowrap">9,718</td>' in html
    assert (
        '<td style="text-align:left;white-space:nowrap">来場者数</td>' in html
    )  # a short word: one line


def test_columns_pick_and_order_and_max_rows_says_how_many():
    df = pd.DataFrame({"item_no": range(1, 11), "item_name": [f"取組{i}" for i in range(1, 11)]})
    shown = show(df, ["item_name", "item_no"], max_rows=3)
    assert list(shown.frame.columns) == ["取組名", "項目番号"]
    assert len(shown.frame) == 3
    assert "先頭3行を表示（全10行）" in shown._repr_html_()
    with pytest.raises(KeyError, match="no_such"):
        show(df, ["no_such"])


def test_a_long_table_shows_its_first_rows_unless_asked_for_all():
    from helpers.present.display import MAX_ROWS_SHOWN

    n = MAX_ROWS_SHOWN + 50
    df = pd.DataFrame({"item_no": range(n)})
    assert len(show(df).frame) == MAX_ROWS_SHOWN
    assert f"先頭{MAX_ROWS_SHOWN}行を表示（全{n}行）" in show(df)._repr_html_()
    assert len(show(df, max_rows=None).frame) == n


def test_the_processed_csv_is_not_changed(tmp_path):
    df = pd.DataFrame({"met": pd.array([True], dtype="boolean"), "value": [1.5]})
    before = df.copy()
    show(df)
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.e2e
def test_every_real_processed_table_shows_without_machine_words(e2e_run):
    folder = e2e_run["data"] / "processed" / "2018-03"
    for table in schema.TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        df = schema.read_table(path, table)
        frame = show(df).frame
        assert all(_is_japanese(c) for c in frame.columns), table
        cells = {str(v) for col in frame.columns for v in frame[col]}
        for machine in ("nan", "<NA>", "None", "True", "False", "improved", "at_least", "listed"):
            assert machine not in cells, f"{table}: {machine}"
        assert not [c for c in cells if re.fullmatch(r"-?\d{4,}(\.\d+)?", c)], table  # 2860000000.0
