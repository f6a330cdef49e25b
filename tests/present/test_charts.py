"""Charts: PNG and SVG of each, Japanese text in IPAexGothic, labels and colours from the
vocabulary, and no 'nan' where a value or marker is missing."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import matplotlib.text
import pandas as pd
import pytest
from support import copy_raw

from helpers.analysis.compare import load_history, status_counts
from helpers.analysis.metrics import compute_metrics
from helpers.core.vocab import MET_LABELS, MET_STYLE, STATUS_STYLE, status_display
from helpers.ingest.clean import clean_period
from helpers.present import charts


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    data = copy_raw(tmp_path_factory.mktemp("real") / "data")
    res = clean_period("2018-03", data, write=False)
    history, _ = load_history("2018-03", data)
    return {
        "areas": res.areas,
        "metrics": compute_metrics(res.indicators),
        "counts": status_counts(history),
    }


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _draw_without_missing_glyphs(fig) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing


def test_make_all_charts_writes_png_and_svg(real, tmp_path):
    out = charts.make_all_charts(
        real["areas"], real["metrics"], real["counts"], "平成29年度末", tmp_path
    )
    assert set(out) == {
        "status_by_area",
        "kpi_achievement",
        "kpi_prev_current",
        "status_across_periods",
    }
    for name, files in out.items():
        assert [p.name for p in files] == [f"{name}.png", f"{name}.svg"]
        png, svg = files
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        text = svg.read_text(encoding="utf-8")
        ET.fromstring(text.split("\n", 1)[1] if text.startswith("<?xml") else text)
        # text drawn as glyphs of the Japanese font (matplotlib names them by font)
        assert 'id="IPAexGothic-' in text, name
        assert "DejaVu" not in text, name
        assert "nan" not in text.lower().replace("nano", ""), name


def test_svg_is_reproducible(real, tmp_path):
    a = charts.save_figure(
        charts.chart_status_by_area(real["areas"], "今期"), tmp_path / "a", "status_by_area"
    )
    b = charts.save_figure(
        charts.chart_status_by_area(real["areas"], "今期"), tmp_path / "b", "status_by_area"
    )
    assert a[1].read_bytes() == b[1].read_bytes()  # fixed hash salt, no date


def test_status_chart_uses_the_vocabulary(real):
    fig = charts.chart_status_by_area(real["areas"], "平成29年度末")
    ax = fig.axes[0]
    handles, labels = ax.get_legend_handles_labels()
    assert labels == [status_display(c) for c in "SAB"]
    for handle, code in zip(handles, "SAB", strict=True):
        assert (
            matplotlib.colors.to_hex(handle.patches[0].get_facecolor())
            == STATUS_STYLE[code]["color"]
        )
        assert (handle.patches[0].get_hatch() or "") == STATUS_STYLE[code]["hatch"]
    _draw_without_missing_glyphs(fig)
    charts.plt.close(fig)


def test_achievement_chart_legend_and_no_nan(real):
    metrics = real["metrics"].copy()
    metrics["marker"] = pd.array([None] * len(metrics), dtype="string")  # NA markers
    metrics.loc[metrics.index[0], "indicator"] = None  # a missing name
    fig = charts.chart_achievement(metrics)
    texts = _texts(fig)
    assert not [t for t in texts if "nan" in t.lower() or "None" in t or "<NA>" in t]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [MET_LABELS[True], MET_LABELS[False]]
    bars = [p for p in fig.axes[0].patches if p.get_width() > 0 and p.get_height() < 1]
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in bars}
    assert colours <= {MET_STYLE[True]["color"], MET_STYLE[False]["color"]}
    _draw_without_missing_glyphs(fig)
    charts.plt.close(fig)


def test_prev_current_panels_have_no_nan(real):
    metrics = real["metrics"].copy()
    metrics["marker"] = float("nan")  # as read back from a CSV
    fig = charts.chart_prev_current(metrics, "平成29年度末")
    shown = metrics[metrics["value"].notna() & metrics["prev_value"].notna()]
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(shown)
    texts = _texts(fig)
    assert not [t for t in texts if "nan" in t.lower() or "None" in t]
    _draw_without_missing_glyphs(fig)
    charts.plt.close(fig)


def test_charts_with_nothing_to_show_are_left_out(real, tmp_path):
    empty = real["metrics"].iloc[0:0]
    assert charts.chart_achievement(empty) is None
    assert charts.chart_prev_current(empty, "今期") is None
    out = charts.make_all_charts(real["areas"], empty, real["counts"].iloc[:1], "今期", tmp_path)
    assert list(out) == ["status_by_area"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "status_by_area.png",
        "status_by_area.svg",
    ]


def test_long_labels_are_shortened():
    assert charts._shorten("あ" * 40, 34) == "あ" * 33 + "…"
    assert charts._shorten("短い", 34) == "短い"


def test_a_chart_draws_at_most_max_kpis_and_says_so():
    import matplotlib.pyplot as plt

    from helpers.present import charts

    base = pd.DataFrame(
        {
            "kpi_id": [f"{i}-1" for i in range(100)],
            "indicator": [f"指標{i}" for i in range(100)],
            "unit": "人",
            "value": pd.array([float(i + 1) for i in range(100)], dtype="Float64"),
            "prev_value": pd.array([float(i + 2) for i in range(100)], dtype="Float64"),
            "achievement_pct": pd.array([50.0] * 100, dtype="Float64"),
        }
    )
    fig = charts._first_kpis(base)
    assert len(fig[0]) == charts.MAX_KPIS_DRAWN and "全100件" in fig[1]
    small, note = charts._first_kpis(base.head(5))
    assert len(small) == 5 and note == ""
    plt.close("all")


def test_figure_4_explains_its_colours_which_are_not_figure_3s():
    import matplotlib.pyplot as plt

    from helpers.analysis.metrics import compute_metrics
    from helpers.core.vocab import MET_STYLE, TREND_STYLE
    from helpers.ingest.clean import clean_period
    from helpers.present import charts

    m = compute_metrics(clean_period("2018-03", None, write=False).indicators)
    fig = charts.chart_prev_current(m, "平成29年度末")
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["前年度末", "今期（改善）", "今期（悪化）"]
    met_colours = {st["color"] for st in MET_STYLE.values()}
    assert not met_colours & {st["color"] for st in TREND_STYLE.values()}
    plt.close(fig)


def _tick_value(label: str) -> float:
    """A tick label read back: 1.25万人 → 12500, 40,000万円 → 400000000, 0 → 0."""
    import re

    m = re.fullmatch(r"([\d,.]+)(億|万)?\D*", label.replace("\u2212", "-"))
    assert m, label
    return float(m.group(1).replace(",", "")) * {"億": 1e8, "万": 1e4, None: 1}[m.group(2)]


def test_ticks_sit_at_their_values_and_a_range_target_is_a_band(real):
    """Issue 21: a tick 1.3万人 stood at 12,500, and 80%台 was a line at 90%."""
    fig = charts.chart_prev_current(real["metrics"], "平成29年度末")
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert panels
    for ax in panels:
        for loc, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True):
            text = label.get_text()
            if text:
                assert _tick_value(text) == pytest.approx(loc), (ax.get_title(), text, loc)
    ratio = next(ax for ax in panels if "経常収支比率" in ax.get_title())
    bands = [p for p in ratio.patches if p.get_hatch() == "//" and p.get_alpha() is not None]
    assert len(bands) == 1
    ys = sorted(
        {
            round(y, 6)
            for _, y in bands[0].get_path().transformed(bands[0].get_patch_transform()).vertices
        }
    )
    assert ys[0] == pytest.approx(80) and ys[-1] == pytest.approx(90)
    assert not [line for line in ratio.lines if list(line.get_ydata()) == [90, 90]]


def test_kpi_history_chart_draws_at_most_max_kpis_and_says_so():
    import matplotlib.pyplot as plt

    from helpers.present import charts

    n = charts.MAX_KPIS_DRAWN + 10
    rows = [
        {
            "period": period,
            "kpi_id": f"{i}-1",
            "marker": None,
            "indicator": f"指標{i}",
            "unit": "人",
            "value": float(i + k + 1),
            "target_kind": "at_least",
            "target_low": 100.0,
            "target_value": 100.0,
            "target_text": "100人以上",
            "basis": basis,
        }
        for i in range(n)
        for k, (period, basis) in enumerate(
            (("2017-03", "previous_value"), ("2018-03", "reported"))
        )
    ]
    fig = charts.chart_kpi_history(pd.DataFrame(rows))
    assert sum(ax.axison for ax in fig.axes) == charts.MAX_KPIS_DRAWN
    assert f"全{n}件のうち先頭の{charts.MAX_KPIS_DRAWN}件" in fig._suptitle.get_text()
    plt.close(fig)
