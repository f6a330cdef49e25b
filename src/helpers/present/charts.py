"""Charts of a period, in PNG and SVG, with Japanese labels.

Status and result labels, colours and hatching come from :mod:`helpers.core.vocab`.

Colours are told apart in grey-scale print too: each status or result also
has its own hatching and grey level.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.analysis.history import PREVIOUS, target_number  # noqa: E402
from helpers.analysis.narrative import (  # noqa: E402
    change_form,
    is_na,
    prev_shown,
    target_label,
    tidy,
    value_shown,
)
from helpers.core.numfmt import (  # noqa: E402
    TickLabels,
    axis_scale,
    form_of,
    format_percent,
    shown_value,
)
from helpers.core.paths import FIGURE_FORMATS, FIGURE_NAMES  # noqa: E402
from helpers.core.periods import period_label_short  # noqa: E402
from helpers.core.tables import atomic_write_bytes  # noqa: E402
from helpers.core.vocab import (  # noqa: E402
    MET_LABELS,
    MET_STYLE,
    STANDARD,
    TREND_STYLE,
    Vocabulary,
    status_display,
)
from helpers.present import figure_worker  # noqa: E402
from helpers.present.fonts import use_japanese_font  # noqa: E402

WIDTH_IN = 9.0
EDGE = {"edgecolor": "#333333", "linewidth": 0.6}
LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}


def _setup() -> None:
    use_japanese_font()
    matplotlib.rcParams["svg.hashsalt"] = "reform-workbook"
    matplotlib.rcParams["hatch.linewidth"] = 0.8


def _tight_below_title(fig, extra_inches: float = 0.0) -> None:
    """Lay the panels out below the figure's title (a tall figure's title would overlap them)."""
    title_inches = 0.55 + extra_inches
    fig.tight_layout(rect=(0, 0, 1, 1 - title_inches / fig.get_figheight()))


def _trend_legend(fig) -> None:
    """What the bars' colours mean in figure 4 (not met / not met as in figure 3: the trend)."""
    from matplotlib.patches import Patch

    words = {"previous": "前年度末", "improved": "今期（改善）", "worsened": "今期（悪化）"}
    handles = [
        Patch(facecolor=st["color"], hatch=st["hatch"], edgecolor="#333333", label=words[k])
        for k, st in TREND_STYLE.items()
        if k in words
    ]
    top = 1 - 0.5 / fig.get_figheight()
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=3,
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.5, top),
    )


def save_figure(fig, figures_dir: str | Path, name: str, *, wait: bool = True) -> list[Path]:
    """Write ``name``.png and ``name``.svg atomically; return their paths.

    The files are queued for :mod:`helpers.present.figure_worker` (a second process draws
    them while this one goes on); with ``wait`` they are written when this returns, else
    when :func:`helpers.present.figure_worker.finish` does (:func:`make_all_charts` calls
    it, and so does anything that shows the files).
    """
    if name not in FIGURE_NAMES:  # a folder holding a chart not named there could never be replaced
        raise ValueError(f"chart {name!r} is not in paths.FIGURE_NAMES")
    figures_dir = Path(figures_dir)
    plt.close(fig)  # drawn into files only (a closed figure pickles without pyplot's state)
    files = {fmt: figures_dir / f"{name}.{fmt}" for fmt in FIGURE_FORMATS}
    if not figure_worker.queue_files(fig, files):  # no worker: drawn here, now
        for fmt, path in files.items():
            atomic_write_bytes(path, figure_worker.figure_bytes(fig, fmt))
    elif wait:
        figure_worker.finish()
    return list(files.values())


def _text(x) -> str:
    """Text from the data for a label: NA (a float NaN read back from CSV) is empty, never 'nan'."""
    return "" if is_na(x) else tidy(x)


def _count_labels(ax, bars, vals: list[int], text_colour: str) -> None:
    box = dict(LABEL_BOX, alpha=0.7) if text_colour == "black" else None
    for bar, v in zip(bars, vals, strict=True):
        if v:
            x = bar.get_x() + bar.get_width() / 2
            y = bar.get_y() + bar.get_height() / 2
            ax.text(
                x, y, str(v), ha="center", va="center", fontsize=10, color=text_colour, bbox=box
            )


def _stacked(
    ax, labels: list[str], data: pd.DataFrame, horizontal: bool, vocab: Vocabulary = STANDARD
) -> None:
    """The plan's levels stacked best first (then its items not rated), each with its colour
    and hatching from the scale's ordered palette, counts written on the bars."""
    base = [0] * len(labels)
    for s, st in vocab.styles().items():
        if s not in data.columns:
            continue
        vals = [0 if is_na(v) else int(v) for v in data[s]]
        edge = EDGE | ({"edgecolor": st["edge"]} if "edge" in st else {})
        kw = dict(color=st["color"], hatch=st["hatch"], label=status_display(s, vocab), **edge)
        if horizontal:
            bars = ax.barh(labels, vals, left=base, **kw)
        else:
            bars = ax.bar(labels, vals, bottom=base, **kw)
        _count_labels(ax, bars, vals, st["text"])
        base = [a + b for a, b in zip(base, vals, strict=True)]


def _legend_columns(vocab: Vocabulary) -> int:
    """Three legend entries a row (Kodaira's S / A / B on one line); more levels wrap."""
    return min(3, len(vocab.count_columns())) if len(vocab.count_columns()) != 4 else 2


def chart_status_by_area(areas: pd.DataFrame, period_label: str, vocab: Vocabulary = STANDARD):
    """Stacked counts per level of the plan's scale per area, in its wording ``vocab``."""
    _setup()
    labels = [
        f"{int(a.area_no)} {_text(a.area_name)}（{int(a.items)}項目）" for a in areas.itertuples()
    ]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.6 * len(labels) + 1.6))
    _stacked(ax, labels, areas, horizontal=True, vocab=vocab)
    ax.invert_yaxis()
    ax.set_xlabel("項目数")
    ax.set_title(f"分野別の進捗状況（{period_label}）")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=_legend_columns(vocab), frameon=False
    )
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def chart_status_across_periods(counts: pd.DataFrame, vocab: Vocabulary = STANDARD):
    """Stacked counts per level for each period of one plan."""
    _setup()
    labels = [_text(x) for x in counts["label"]]
    fig, ax = plt.subplots(figsize=(WIDTH_IN * 0.75, 4.2))
    _stacked(ax, labels, counts, horizontal=False, vocab=vocab)
    ax.set_ylabel("項目数")
    ax.set_title("進捗状況の推移（全項目）")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=_legend_columns(vocab), frameon=False
    )
    fig.tight_layout()
    return fig


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _achievement_label(r) -> str:
    lower = "〔低いほど良い〕" if r.direction == "lower" else ""
    return _shorten(f"{_marker(r.marker)}{_text(r.indicator)}（No.{r.item_no}）{lower}", 34)


def _met(x) -> bool:
    return not is_na(x) and bool(x)


def _achievement_bar(ax, i: int, r) -> None:
    st = MET_STYLE[_met(r.met)]
    pct = float(r.achievement_pct)
    ax.barh(i, pct, color=st["color"], hatch=st["hatch"], **EDGE)
    ax.text(pct + 2, i, format_percent(pct), va="center", fontsize=9, bbox=LABEL_BOX)


def _met_legend(ax) -> None:
    handles = [
        plt.Rectangle(
            (0, 0), 1, 1, color=MET_STYLE[k]["color"], hatch=MET_STYLE[k]["hatch"], ec="#333333"
        )
        for k in (True, False)
    ]
    ax.legend(
        handles,
        [MET_LABELS[k] for k in (True, False)],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
    )


#: KPIs drawn in one chart at most: a chart of hundreds of bars or panels is neither
#: readable nor cheap (matplotlib's cost grows with them); the tables hold them all
MAX_KPIS_DRAWN = 30


def _first_kpis(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The first MAX_KPIS_DRAWN rows, and a title note when some were left out."""
    if len(df) <= MAX_KPIS_DRAWN:
        return df, ""
    return df.head(
        MAX_KPIS_DRAWN
    ), f"（全{len(df):,}件のうち先頭の{MAX_KPIS_DRAWN}件。全件は表を参照）"


def chart_achievement(metrics: pd.DataFrame):
    """Achievement rate of each KPI with a numeric target, against 100%."""
    _setup()
    df = metrics[metrics["achievement_pct"].notna()]
    if df.empty:
        return None
    df, note = _first_kpis(df)
    df = df.iloc[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * len(df) + 1.8))
    for i, r in enumerate(df.itertuples()):
        _achievement_bar(ax, i, r)
    ax.set_yticks(range(len(df)), [_achievement_label(r) for r in df.itertuples()])
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    ax.text(100, len(df) - 0.4, " 目標（100%）", fontsize=9, va="bottom")
    ax.set_xlim(0, max(120.0, float(df["achievement_pct"].max()) * 1.2))
    ax.set_xlabel("達成率（%）")
    ax.set_title(f"成果指標の目標達成率{note}")
    _met_legend(ax)
    fig.tight_layout()
    return fig


def _marker(m) -> str:
    """①②③ of a sub-indicator, or nothing (NA read back from CSV is a float NaN)."""
    return m if isinstance(m, str) else ""


#: a range target (80%台) as a band, the colour of a target line, and its hatching
TARGET_BAND = {
    "facecolor": "#bdbdbd",
    "alpha": 0.45,
    "hatch": "//",
    "edgecolor": "black",
    "linestyle": "--",
    "linewidth": 1,
    "zorder": 4,
}


def _draw_target(ax, r: dict) -> list[float]:
    """The target of a KPI: a band for a range (80%台: 80 to 90), else a dashed line.

    Returns the numbers drawn (for the axis' limits).
    """
    low, high = r.get("target_low"), r.get("target_high")
    if r.get("target_kind") == "range" and not is_na(low) and not is_na(high):
        ax.axhspan(float(low), float(high), **TARGET_BAND)
        return [float(low), float(high)]
    tv = r.get("target_value")
    tv = target_number(r) if is_na(tv) else float(tv)
    if tv is None:
        return []
    ax.axhline(tv, color="black", linestyle="--", linewidth=1)
    return [tv]


def _value_axis(ax, values: list[float], unit, form) -> None:
    """Round ticks at their true values, written in the source's unit scale (万円, 億円)."""
    scale = axis_scale(values, unit, form)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(TickLabels(unit, scale)))


def _prev_current_bars(ax, r, period_label: str) -> list[float]:
    vals = [float(r.prev_value), float(r.value)]
    now = TREND_STYLE["improved" if r.trend == "improved" else "worsened"]
    colours = [TREND_STYLE["previous"]["color"], now["color"]]
    hatches = [TREND_STYLE["previous"]["hatch"], now["hatch"]]
    bars = ax.bar(["前年度末", period_label], vals, color=colours, **EDGE)
    row = r._asdict()
    for bar, h, v, text in zip(
        bars, hatches, vals, [prev_shown(row), value_shown(row)], strict=True
    ):
        bar.set_hatch(h)
        x = bar.get_x() + bar.get_width() / 2
        ax.text(x, v, text, ha="center", va="bottom", fontsize=9, bbox=LABEL_BOX)
    return vals


def _prev_current_panel(ax, r, period_label: str) -> None:
    """One KPI: previous and current value, the target (a line, or a band for a range), own scale."""
    vals = _prev_current_bars(ax, r, period_label)
    row = r._asdict()
    drawn = _draw_target(ax, row)
    ax.set_ylim(0, max(vals + drawn) * 1.3)
    target = target_label(row)
    title = _shorten(f"{_marker(r.marker)}{_text(r.indicator)}", 22)
    ax.set_title(title + (f"\n（目標 {target}）" if target else ""), fontsize=9.5)
    ax.tick_params(axis="y", labelsize=8)
    _value_axis(ax, vals + drawn, r.unit, change_form(row))
    if _met(r.prev_derived):
        ax.set_xticks([0, 1], ["前年度末＊\n（増減から算出）", period_label])


def chart_prev_current(metrics: pd.DataFrame, period_label: str):
    """Previous → current for each KPI that has both, one panel per KPI (own scale)."""
    _setup()
    df = metrics[metrics["value"].notna() & metrics["prev_value"].notna()]
    if df.empty:
        return None
    df, note = _first_kpis(df)
    n, cols = len(df), 2
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH_IN, 2.6 * rows), squeeze=False)
    for ax, r in zip(axes.flat, df.itertuples(), strict=False):
        _prev_current_panel(ax, r, period_label)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(f"前年度末と今期の比較（成果指標）{note}", fontsize=12)
    _trend_legend(fig)
    _tight_below_title(fig, extra_inches=0.35)
    return fig


def queue_chart(name: str, make, args: tuple, figures_dir: str | Path) -> figure_worker.Chart:
    """Queue the chart ``name``, ``make(*args)``, to be made and saved as ``name``.png and
    ``name``.svg in ``figures_dir`` by the second process or here (made where it is drawn:
    thousands of KPIs take a second to lay out); written once
    :func:`helpers.present.figure_worker.finish` returns, if ``make`` has something to show."""
    if name not in FIGURE_NAMES:  # a folder holding a chart not named there could never be replaced
        raise ValueError(f"chart {name!r} is not in paths.FIGURE_NAMES")
    files = {fmt: Path(figures_dir) / f"{name}.{fmt}" for fmt in FIGURE_FORMATS}
    return figure_worker.queue_chart(make, args, files)


#: the charts of a period (:func:`make_all_charts`), in the report's order
PERIOD_CHARTS = ("status_by_area", "kpi_achievement", "kpi_prev_current", "status_across_periods")


def queue_kpi_charts(metrics, period_label: str, figures_dir) -> dict[str, figure_worker.Chart]:
    """Queue the KPI charts (figures 3 and 4) of a period's metrics, as soon as they are
    computed; none when there are no KPIs."""
    if not len(metrics):
        return {}
    return {
        name: queue_chart(name, make, args, figures_dir)
        for name, make, args in (
            # the largest first: the second process takes the oldest
            ("kpi_prev_current", chart_prev_current, (metrics, period_label)),
            ("kpi_achievement", chart_achievement, (metrics,)),
        )
    }


def make_all_charts(
    areas,
    metrics,
    counts,
    period_label: str,
    figures_dir,
    vocab: Vocabulary = STANDARD,
    *,
    queued: dict[str, figure_worker.Chart] | None = None,
) -> dict[str, list[Path]]:
    """All charts of a period; a chart with nothing to show is left out. The charts are
    made and drawn by both processes; those in ``queued`` (by name: queued as soon as
    their data was ready, :func:`queue_kpi_charts`) are not queued again, and every chart
    queued before (notebook 02's KPI history) is written too when this returns."""
    queued = dict(queued or {})
    if "kpi_prev_current" not in queued:
        queued.update(queue_kpi_charts(metrics, period_label, figures_dir))
    wanted = [("status_by_area", chart_status_by_area, (areas, period_label, vocab))]
    if len(counts) > 1:
        wanted.append(("status_across_periods", chart_status_across_periods, (counts, vocab)))
    for name, make, args in wanted:
        queued[name] = queue_chart(name, make, args, figures_dir)
    figure_worker.finish()
    return {
        name: list(queued[name].files.values())
        for name in PERIOD_CHARTS
        if name in queued and queued[name].drawn
    }


# ------------------------------------------------------------------ KPI history


def history_series(kpi_history: pd.DataFrame, limit: int | None = None) -> list[pd.DataFrame]:
    """The points of each KPI that has two or more with a value, oldest first (the first
    ``limit`` KPIs only, if given)."""
    if not len(kpi_history):
        return []
    valued = kpi_history[kpi_history["value"].notna()]
    return [valued[valued["kpi_id"] == k] for k in _history_ids(valued)[:limit]]


def _history_ids(valued: pd.DataFrame) -> list:
    """The KPIs with two or more valued points, in order of first appearance (no pandas
    group per KPI: thousands of them cost seconds)."""
    ids = valued["kpi_id"].dropna()
    counts = ids.value_counts()
    return [k for k in pd.unique(ids) if counts[k] >= 2]


def _history_panel(ax, points: pd.DataFrame) -> None:
    """One KPI over time: a line through its points (a hollow one from a later report's
    前年度末), the target of its newest point as a dashed line, its own scale."""
    rows = points.to_dict("records")
    xs = list(range(len(rows)))
    ys = [float(r["value"]) for r in rows]
    ax.plot(xs, ys, color="#333333", linewidth=1.2, zorder=2)
    for x, y, r in zip(xs, ys, rows, strict=True):
        hollow = r["basis"] == PREVIOUS
        ax.plot(
            x, y, "o", ms=7, zorder=3, mfc="white" if hollow else "#1f4e79", mec="#1f4e79", mew=1.5
        )
        ax.annotate(
            shown_value(y, r["unit"], r.get("value_text")),
            (x, y),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
            bbox=LABEL_BOX,
        )
    drawn = _draw_target(ax, rows[-1])
    top = max(ys + drawn)
    ax.set_ylim(0, top * 1.3 if top > 0 else 1)
    ax.set_xticks(xs, [period_label_short(r["period"]) for r in rows], fontsize=8)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    label = target_label(rows[-1])
    title = _shorten(f"{_marker(rows[-1]['marker'])}{_text(rows[-1]['indicator'])}", 22)
    ax.set_title(
        f"{rows[-1]['kpi_id']} {title}" + (f"\n（目標 {label}）" if label else ""), fontsize=9
    )
    ax.tick_params(axis="y", labelsize=8)
    form = next((f for f in (form_of(r.get("value_text")) for r in reversed(rows)) if f), None)
    _value_axis(ax, ys + drawn, rows[-1]["unit"], form)


def chart_kpi_history(kpi_history: pd.DataFrame):
    """Each KPI with two or more points over the plan's periods, one panel each; None if none."""
    total = len(_history_ids(kpi_history[kpi_history["value"].notna()])) if len(kpi_history) else 0
    if not total:
        return None
    series = history_series(kpi_history, MAX_KPIS_DRAWN)
    _setup()
    note = (
        f"（全{total:,}件のうち先頭の{MAX_KPIS_DRAWN}件。全件は表を参照）"
        if total > MAX_KPIS_DRAWN
        else ""
    )
    n, cols = len(series), 2
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH_IN, 2.8 * rows), squeeze=False)
    for ax, points in zip(axes.flat, series, strict=False):
        _history_panel(ax, points)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(
        "成果指標の推移（●各時点の値、○後の時点の報告書が記載する前年度末の値、破線・網掛けは目標）"
        + note,
        fontsize=11,
    )
    _tight_below_title(fig)
    return fig
