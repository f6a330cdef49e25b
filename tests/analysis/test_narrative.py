"""Japanese sentences with numbers written by code (helpers.analysis.narrative)."""

from __future__ import annotations

import pandas as pd
import pytest
from support import source_data

from helpers.analysis.metrics import compute_metrics
from helpers.analysis.narrative import (
    change_shown,
    kpi_sentence,
    prev_shown,
    target_label,
    tidy,
    value_shown,
)
from helpers.ingest.clean import clean_period


def test_target_label():
    assert target_label({"target_text": "1 万人以上", "unit": "人"}) == "1万人以上"
    assert target_label({"target_text": "目標値 95%", "unit": "%"}) == "95%"
    assert target_label({"target_text": "目標実施数 16", "unit": "件"}) == "16件"
    assert target_label({"target_text": "80%台", "unit": "%"}) == "80%台"
    assert target_label({"target_text": "目標を達成した", "unit": "円"}) == "目標を達成した"
    assert target_label({"target_text": None, "unit": "円"}) == ""


def test_tidy():
    assert tidy(None) == "" and tidy(pd.NA) == "" and tidy(float("nan")) == ""
    assert tidy("延べ 980 人／年") == "延べ980人/年"


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    result = clean_period("2018-03", source_data(), write=False)
    return {r["kpi_id"]: r for r in compute_metrics(result.indicators).to_dict("records")}


def test_values_as_printed(rows):
    """Digits, scale and qualifiers as the report printed them (issue 21)."""
    shown = {k: (value_shown(r), prev_shown(r), change_shown(r)) for k, r in rows.items()}
    assert shown["8-1"] == ("約340万件", "約300万件", "+約40万件（+13.3%）")
    assert shown["10-1"][0] == "延べ980人／年"
    assert shown["20-1"] == ("92.6%", "94.8%", "−2.2ポイント")
    assert shown["20-2"] == ("28.6億円", "25.4億円", "+3.2億円（+12.6%）")
    assert shown["30-2"] == ("2,265万円", "2,424万円", "−159万円（−6.6%）")
    assert shown["30-3"] == ("43,771万円", "42,969万円", "+802万円（+1.9%）")  # never 4.3億円
    assert shown["12-1"] == ("62.6%", "57.9%", "+4.7ポイント")
    assert shown["22-3"][0] == "未算出"


# --------------------------------------------------------------------------
# sentences on the real KPIs
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sentences() -> dict[str, str]:
    result = clean_period("2018-03", source_data(), write=False)
    metrics = compute_metrics(result.indicators)
    return {r["kpi_id"]: kpi_sentence(r) for r in metrics.to_dict("records")}


def test_sentence_1_1(sentences):
    s = sentences["1-1"]
    assert s.startswith("市民活動支援センター来場者数は9,718人で、")
    assert "前年度末（9,855人）から137人（1.4%）減少しました" in s
    assert "目標（1万人以上）に対する達成率は97.2%" in s
    assert "目標まで282人不足しています。" in s


def test_sentence_20_1_points_and_lower_is_better(sentences):
    s = sentences["20-1"]
    assert "経常収支比率は92.6%" in s
    assert "前年度末（94.8%）から2.2ポイント低下しました" in s
    assert "%）減少" not in s and "2.3%" not in s
    assert "低いほど良い指標のため改善です" in s
    assert "目標（80%台）の範囲外で、範囲の境界まで2.6ポイントの差があります。" in s


def test_sentence_20_2_oku(sentences):
    s = sentences["20-2"]
    assert "財政調整基金残高は28.6億円" in s
    assert "前年度末（25.4億円）から3.2億円（12.6%）増加しました" in s
    assert "達成率は81.7%" in s and "6.4億円不足" in s


def test_sentence_8_1_approx(sentences):
    s = sentences["8-1"]
    assert "約340万件" in s
    assert "前年度末（約300万件）から約40万件（13.3%）増加しました" in s
    assert "達成率は91.9%" in s
    assert "目標まで約30万件不足しています" in s  # a gap from an approximate value is approximate


def test_sentence_12_1_derived_previous(sentences):
    s = sentences["12-1"]
    assert "前年度末（57.9%、報告書の記載する増減から算出）から4.7ポイント上昇しました" in s
    assert "32.4ポイント不足" in s


def test_sentence_30_derived_and_markers(sentences):
    s = sentences["30-2"]
    assert s.startswith("②小平市社会福祉協議会財源確保額は2,265万円で")
    assert "前年度末（2,424万円、報告書の記載する増減から算出）から159万円（6.6%）減少しました" in s
    assert "達成率は98.5%" in s and "35万円不足" in s
    assert "達成率は99.0%" in sentences["30-3"]
    assert (
        sentences["30-1"]
        == "①利用料収入は6,870万円です。報告書では目標を達成したとされています（目標値の記載なし）。"
    )


def test_sentence_missing_value(sentences):
    s = sentences["22-3"]
    assert "未算出" in s
    assert "値はありません" in s and "欠損" in s
    assert "0円" not in s and "（値なし）" not in s


def test_sentence_yes_no_and_achieved(sentences):
    assert sentences["1-3"] == (
        "民間事業者との包括協定の締結は「協定締結には至らなかった」とされ、目標（包括協定の締結）は達成していません。"
    )
    assert "数値の記載はありませんが、報告書では目標を達成したとされています" in sentences["1-2"]


def test_sentence_met_targets(sentences):
    assert (
        sentences["7-1"]
        == "アクションプランの実施数は36件です。目標（16件）に対する達成率は225.0%で、目標を達成しています。"
    )
    assert (
        "29,509,646円です。目標（1,000万円以上）に対する達成率は295.1%で、目標を達成しています。"
        in sentences["28-1"]
    )
    assert (
        "171件です。目標（150件）に対する達成率は114.0%で、目標を達成しています。"
        in sentences["22-1"]
    )


def test_no_sentence_leaks_raw_values(sentences):
    for s in sentences.values():
        assert "nan" not in s.lower() and "<NA>" not in s and "None" not in s
        assert "ですす" not in s and "でで" not in s
        assert s.endswith("。")


# --------------------------------------------------------------------------
# synthetic rows
# --------------------------------------------------------------------------


def sentence(**r) -> str:
    """The sentence of one indicator row, with the metrics compute_metrics gives it."""
    return kpi_sentence(compute_metrics(pd.DataFrame([r])).to_dict("records")[0])


def test_unchanged_and_inside_range():
    s = sentence(indicator="経常収支比率", value=85.0, prev_value=85.0, unit="%", direction="lower",
                 target_kind="range", target_low=80.0, target_high=90.0, target_high_open=True,
                 target_text="80%台")  # fmt: skip
    assert (
        s
        == "経常収支比率は85.0%で、前年度末（85.0%）から変わっていません。目標（80%台）の範囲内にあり、目標を達成しています。"
    )


def test_lower_is_better_target_missed_is_not_a_shortfall():
    s = sentence(indicator="待機児童数", value=8.0, prev_value=10.0, unit="人", direction="lower",
                 target_kind="at_most", target_high=5.0, target_text="5人以下")  # fmt: skip
    assert "2人（20.0%）減少しました（低いほど良い指標のため改善です）" in s
    assert "達成率は62.5%" in s
    assert "目標を3人上回っており、達成していません。" in s
    assert "不足" not in s


def test_lower_is_better_target_met():
    s = sentence(indicator="待機児童数", value=3.0, unit="人", direction="lower",
                 target_kind="at_most", target_high=5.0, target_text="5人以下")  # fmt: skip
    assert (
        s == "待機児童数は3人です。目標（5人以下）に対する達成率は166.7%で、目標を達成しています。"
    )


def test_yes_no_missing_and_done():
    assert sentence(indicator="協定", unit=None, target_kind="yes_no", value_flag=pd.NA,
                    target_text="協定締結") == "協定は、報告書に実施の有無の記載がありません（欠損）。"  # fmt: skip
    assert sentence(indicator="協定", unit=None, target_kind="yes_no", value_flag=True,
                    value_text="協定を締結した", target_text="協定締結") == (
        "協定は「協定を締結した」とされ、目標（協定締結）は達成しました。"
    )  # fmt: skip


def test_missing_value_without_text():
    s = sentence(indicator="件数", unit="件", value=None, target_kind="point", target_low=5.0)
    assert s == "件数は、報告書に値の記載がありません（欠損）。"


def test_no_target():
    assert (
        sentence(indicator="件数", unit="件", value=5.0, target_kind="none")
        == "件数は5件です。目標値の記載はありません。"
    )


def test_na_flags_do_not_crash():
    s = sentence(indicator="件数", unit="件", value=5.0, prev_value=4.0, approx=pd.NA, prev_approx=pd.NA,
                 target_kind="none")  # fmt: skip
    assert (
        s == "件数は5件で、前年度末（4件）から1件（25.0%）増加しました。目標値の記載はありません。"
    )


def test_sentence_is_composed_not_repaired():
    # a name holding で twice in a row is printed as written (no after-the-fact repair)
    s = sentence(indicator="まちでできる講座の数", value=5.0, unit="件", target_kind="none")
    assert s == "まちでできる講座の数は5件です。目標値の記載はありません。"
    s = sentence(indicator="まちでできる講座の数", value=5.0, prev_value=4.0, unit="件",
                 target_kind="none")  # fmt: skip
    assert s == (
        "まちでできる講座の数は5件で、前年度末（4件）から1件（25.0%）増加しました。"
        "目標値の記載はありません。"
    )
