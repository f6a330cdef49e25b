"""The report's sections: every string from the data escaped, labels from the vocabulary.

The tables are the real 2018-03 data cleaned in memory (nothing written), with the
texts a reader never sees as code (item names, indicators, notes, areas, audit
details) replaced by hostile strings. No browser is needed.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from support import copy_raw

from helpers.analysis.audit import run_audit
from helpers.analysis.compare import compare_with_previous, load_history, status_counts
from helpers.analysis.metrics import compute_metrics
from helpers.core.vocab import STATUS_LABELS, Vocabulary, status_display
from helpers.ingest.clean import clean_period
from helpers.present import report_html as rh

SCRIPT = "<script>alert(1)</script>"
ATTR = '"onerror=alert(1) x="'
AMP = "A&B"
BIDI = "abc\u202edcba"
HOSTILE = f"{SCRIPT}{ATTR}{AMP}{BIDI}"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onerror=alert(1) x=&#34;A&amp;Babcdcba"
ALLOWED_TAGS = {
    "h1", "h2", "h3", "p", "ul", "li", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "blockquote", "figure", "img", "figcaption", "div", "details", "summary",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe(html: str) -> None:
    """No tag or attribute came from the data, and the hostile text is shown escaped."""
    assert "<script" not in html.lower()
    assert '"onerror' not in html and 'onerror=alert(1) x="' not in html
    assert "A&B" not in html
    assert "\u202e" not in html
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, _ in attrs:
            assert name in {"id", "class", "src", "alt", "scope"}, (tag, name)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    data = copy_raw(tmp_path_factory.mktemp("tables") / "data")
    res = clean_period("2018-03", data, write=False)
    areas, items, meta = res.areas.copy(), res.items.copy(), dict(res.meta)
    metrics = compute_metrics(res.indicators)
    audit = run_audit(areas, items, metrics, meta)
    history, _ = load_history("2018-03", data)
    counts = status_counts(history)
    area_cmp, item_cmp = compare_with_previous("2018-03", history, areas, items)
    # the data's texts, made hostile
    areas["area_name"] = HOSTILE
    area_cmp["area_name"] = HOSTILE
    for col in ("item_name", "progress", "causes", "next_steps"):
        items[col] = items[col].where(items[col].isna(), HOSTILE)
    for col in ("indicator", "value_text", "target_text", "note", "marker"):
        metrics[col] = HOSTILE
    metrics["value"] = metrics["value"].where(metrics.index % 2 == 0)  # half missing
    audit["detail"] = HOSTILE
    audit["expected"] = HOSTILE
    audit.loc[0, "ok"] = False
    counts["label"] = [HOSTILE] * len(counts)
    item_cmp = pd.DataFrame(
        {
            "item_no": [1, 2],
            "item_name": [HOSTILE, None],
            "area_no": [1, 1],
            "status": ["B", "A"],
            "status_basis": ["listed", "counts"],
            "status_prev": ["A", "S"],
            "changed": [True, True],
        }
    )
    meta["label"] = HOSTILE
    meta["sources"] = {"report": {"file": HOSTILE, "sha256": "0" * 64}}
    return {
        "areas": areas,
        "items": items,
        "metrics": metrics,
        "audit": audit,
        "counts": counts,
        "area_cmp": area_cmp,
        "item_cmp": item_cmp,
        "meta": meta,
    }


SECTIONS = {
    "title": lambda t: rh.title_block(t["meta"], HOSTILE),
    "summary": lambda t: rh.summary_section(t["areas"], t["metrics"], t["counts"], t["meta"]),
    "areas": lambda t: rh.areas_section(t["areas"]),
    "comparison": lambda t: rh.comparison_section(
        t["counts"], t["area_cmp"], t["item_cmp"], [HOSTILE]
    ),
    "kpis": lambda t: rh.kpi_section(t["items"], t["metrics"], HOSTILE),
    "narratives": lambda t: rh.narratives_section(t["items"]),
    "audit": lambda t: rh.audit_section(t["audit"]),
    "method": lambda t: rh.method_section(t["meta"]),
    "sources": lambda t: rh.sources_section(t["meta"]),
}


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_escapes_the_data(tables, name):
    html = str(SECTIONS[name](tables))
    assert_safe(html)
    if name != "method":  # the only section without data
        assert HOSTILE_ESCAPED in html or "&lt;script&gt;" in html


def test_hostile_text_appears_once_escaped_where_it_is_whole(tables):
    html = str(rh.comparison_section(tables["counts"], None, tables["item_cmp"], []))
    assert HOSTILE_ESCAPED in html


def test_escape_drops_bidi_controls_and_keeps_markup():
    assert str(rh.esc("a\u202eb\u2066c\u200fd")) == "abcd"
    m = rh.Markup("<b>x</b>")
    assert rh.esc(m) is m


def test_table_escapes_headers_caption_and_classes():
    html = str(rh.table([SCRIPT], [[SCRIPT]], caption=SCRIPT, row_classes=[ATTR]))
    assert_safe(html)
    assert html.count("&lt;script&gt;") == 3


def test_heading_escapes_its_anchor():
    html = str(rh.heading(2, "x", ATTR))
    assert 'id="&#34;onerror' in html
    assert_safe(html)


def test_missing_values_are_shown_as_missing_not_zero(tables):
    html = str(rh.kpi_section(tables["items"], tables["metrics"], "今期"))
    assert "—" in html  # the table's cell of a missing value
    assert "nan" not in html.lower() and "None" not in html


# ------------------------------------------------------------ vocabulary


def test_status_labels_come_from_the_vocabulary(tables):
    areas = tables["areas"].assign(area_name="分野")
    summary = str(
        rh.summary_section(areas, tables["metrics"], tables["counts"].iloc[:1], {"label": "今期"})
    )
    for code in "SAB":
        assert status_display(code) in summary
    caption = str(rh.areas_section(areas))
    assert "、".join(f"{c}: {STATUS_LABELS[c]}" for c in "SAB") in caption
    method = str(rh.method_section({}))
    assert "".join(f"「{status_display(c)}」" for c in "SAB") in method


def test_the_method_names_the_plans_own_codes_in_the_check_of_the_counts():
    kizugawa = Vocabulary.of_plan(
        {
            "S": ["特に良好に進捗"],
            "A": ["良好に進捗"],
            "B": ["概ね進捗"],
            "C": ["進捗に課題あり"],
        },
        not_rated=["対象外"],
    )
    assert "（S+A+B）と項目数" in str(rh.method_section({}))
    method = str(rh.method_section({}, vocab=kizugawa))
    assert "（S+A+B+C+対象外）と項目数" in method, method


def test_kpi_headings_name_the_status(tables):
    html = str(rh.kpi_section(tables["items"], tables["metrics"], "今期"))
    assert f"：{status_display('B')}</h3>" in html


def test_summary_counts_and_shares():
    areas = pd.DataFrame({"items": [3, 1], "S": [1, 0], "A": [1, 1], "B": [1, 0]})
    counts = pd.DataFrame(
        {"label": ["前", "今"], "items": [4, 4], "S": [0, 1], "A": [4, 2], "B": [0, 1]}
    )
    html = str(rh.summary_section(areas, pd.DataFrame(), counts, {"label": "今期"}))
    assert f"{status_display('S')}が1項目（25.0%）" in html
    assert f"{status_display('A')}が2項目（50.0%）" in html
    # the change in the share is in points; no change is ±
    assert "Sは0項目から1項目（+1項目、構成比+25.0ポイント）" in html
    assert "Aは4項目から2項目（−2項目、構成比−50.0ポイント）" in html


def test_change_in_points_for_percentages():
    r = {"change_abs": -2.2, "unit": "%", "approx": False, "prev_approx": False}
    assert rh._fmt_change(r) == "−2.2ポイント"
    r = {"change_abs": -137.0, "change_pct": -1.39, "unit": "人", "approx": False}
    assert rh._fmt_change(r) == "−137人（−1.4%）"
    assert rh._fmt_change({"change_abs": None}) == "—"


@pytest.mark.parametrize("builder", ["comparison", "kpis", "narratives"])
def test_sections_without_data_say_so(builder):
    empty_items = pd.DataFrame(
        columns=[
            "item_no",
            "item_name",
            "status",
            "progress",
            "causes",
            "next_steps",
            "relisted_as",
        ]
    )
    if builder == "comparison":
        html = str(rh.comparison_section(pd.DataFrame({"label": ["x"]}), None, None, [HOSTILE]))
        assert "比較できる過去の期間のデータがありません" in html
        assert_safe(html)
    elif builder == "kpis":
        html = str(rh.kpi_section(empty_items, pd.DataFrame(), "今期"))
        assert "成果指標のデータがありません" in html
    else:
        html = str(rh.narratives_section(empty_items))
        assert "遅れている取組の一覧がありません" in html


def test_kpi_history_section_and_pace_definition():
    import pandas as pd

    from helpers.core.schema import frame
    from helpers.present import report_html as rh

    rows = [
        {
            "period": p,
            "label": p,
            "kpi_id": "1-1",
            "item_no": 1,
            "indicator": "来場者数",
            "unit": "人",
            "value": v,
            "target_kind": "at_least",
            "target_low": 10000.0,
            "target_text": "1 万人以上",
            "direction": "higher",
            "basis": b,
        }
        for p, v, b in (("2017-03", 9855.0, "previous_value"), ("2018-03", 9718.0, "reported"))
    ]
    kh = frame(rows, "kpi_history")
    with_years = str(rh.kpi_history_section(kh, {"plan_years": [2017, 2021]}))
    assert (
        "平成28年度末 9,855人（後の報告書が記載する前年度末の値） → 平成29年度末 9,718人"
        in with_years
    )
    assert "このままの伸びでは目標年度に届かない見込み" in with_years
    assert "目標年度までの見通し" not in str(
        rh.kpi_history_section(kh, {"plan_years": [None, None]})
    )
    assert "2時点以上" in str(rh.kpi_history_section(kh.iloc[0:0], {}))
    method = str(rh.method_section({"plan_years": [2017, 2021]}))
    assert "直近1年の変化" in method
    assert "書かれていない" in str(rh.method_section({}))
    assert isinstance(kh, pd.DataFrame)


def test_the_audit_lists_the_flagged_checks_first():
    audit = pd.DataFrame(
        {
            "check": ["a", "b", "c"],
            "scope": ["x", "y", "z"],
            "expected": ["1", "2", "3"],
            "actual": ["1", "9", "3"],
            "ok": pd.array([True, False, True], dtype="boolean"),
            "detail": ["一つ目", "二つ目", "三つ目"],
        }
    )
    html = str(rh.audit_section(audit))
    assert html.index("二つ目") < html.index("一つ目") < html.index("三つ目")
    assert "不一致を先に" in html


def test_the_audit_names_an_input_file_by_what_it_is_never_its_name():
    """Found by a new analyst: 表6-2 showed 2018-09/kpi_sheet.xlsx once two periods had sheets."""
    audit = pd.DataFrame(
        {
            "check": ["prev_vs_earlier_period"],
            "scope": ["KPI 12-1"],
            "expected": ["94.8%（2018-09/kpi_sheet.xlsx 12行）"],
            "actual": ["92.6%（2018-03/kpi_sheet.csv 12行）"],
            "ok": pd.array([False], dtype="boolean"),
            "detail": ["前年度末の値（2018-09/kpi_sheet.xlsx 12行）が一致するか"],
        }
    )
    html = str(rh.audit_section(audit))
    assert "kpi_sheet" not in html and ".xlsx" not in html and ".csv" not in html, html
    assert "平成30年9月末の成果指標シート 12行" in html
    assert "平成29年度末の成果指標シート 12行" in html
