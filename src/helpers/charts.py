"""Charts of a period, in PNG and SVG, with Japanese labels.

Colours are told apart in grey-scale print too: each status or result also
has its own hatching and grey level.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .fonts import use_japanese_font  # noqa: E402
from .narrative import format_value, target_label  # noqa: E402
from .tables import atomic_write_bytes  # noqa: E402

STATUS_STYLE = {
    "S": {"label": "予定以上に進捗（S）", "color": "#1f5fa8", "hatch": "", "text": "white"},
    "A": {"label": "予定どおりに進捗（A）", "color": "#c9d6e3", "hatch": "..", "text": "black"},
    "B": {
        "label": "予定よりも遅れている（B）",
        "color": "#e07b00",
        "hatch": "///",
        "text": "black",
    },
}
MET_STYLE = {
    True: {"label": "目標達成", "color": "#1f5fa8", "hatch": ""},
    False: {"label": "目標未達成", "color": "#e07b00", "hatch": "///"},
}
WIDTH_IN = 9.0


def _setup() -> None:
    use_japanese_font()
    matplotlib.rcParams["svg.hashsalt"] = "reform-workbook"
    matplotlib.rcParams["hatch.linewidth"] = 0.8


def save_figure(fig, figures_dir: str | Path, name: str) -> list[Path]:
    """Write ``name``.png and ``name``.svg atomically; return their paths."""
    figures_dir = Path(figures_dir)
    out = []
    for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=meta)
        out.append(atomic_write_bytes(figures_dir / f"{name}.{fmt}", buf.getvalue()))
    plt.close(fig)
    return out


def _stacked(ax, labels: list[str], data: pd.DataFrame, horizontal: bool) -> None:
    left = [0] * len(labels)
    for s in ("S", "A", "B"):
        st = STATUS_STYLE[s]
        vals = [int(v) for v in data[s]]
        kw = dict(
            color=st["color"],
            hatch=st["hatch"],
            edgecolor="#333333",
            linewidth=0.6,
            label=st["label"],
        )
        if horizontal:
            bars = ax.barh(labels, vals, left=left, **kw)
        else:
            bars = ax.bar(labels, vals, bottom=left, **kw)
        for bar, v in zip(bars, vals, strict=True):
            if v:
                x = bar.get_x() + bar.get_width() / 2
                y = bar.get_y() + bar.get_height() / 2
                ax.text(
                    x,
                    y,
                    str(v),
                    ha="center",
                    va="center",
                    fontsize=10,
                    color=st["text"],
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7)
                    if st["text"] == "black"
                    else None,
                )
        left = [a + b for a, b in zip(left, vals, strict=True)]


def chart_status_by_area(areas: pd.DataFrame, period_label: str):
    """Stacked S/A/B counts per area."""
    _setup()
    labels = [f"{int(a.area_no)} {a.area_name}（{int(a.items)}項目）" for a in areas.itertuples()]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.6 * len(labels) + 1.6))
    _stacked(ax, labels, areas, horizontal=True)
    ax.invert_yaxis()
    ax.set_xlabel("項目数")
    ax.set_title(f"分野別の進捗状況（{period_label}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def chart_status_across_periods(counts: pd.DataFrame):
    """Stacked S/A/B counts for each period."""
    _setup()
    labels = list(counts["label"])
    fig, ax = plt.subplots(figsize=(WIDTH_IN * 0.75, 4.2))
    _stacked(ax, labels, counts, horizontal=False)
    ax.set_ylabel("項目数")
    ax.set_title("進捗状況の推移（全項目）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


def chart_achievement(metrics: pd.DataFrame):
    """Achievement rate of each KPI with a numeric target, against 100%."""
    _setup()
    df = metrics[metrics["achievement_pct"].notna()].copy()
    if df.empty:
        return None
    df = df.iloc[::-1]
    labels = [
        f"{_marker(r.marker)}{r.indicator}（No.{r.item_no}）"
        + ("〔低いほど良い〕" if r.direction == "lower" else "")
        for r in df.itertuples()
    ]
    labels = [lab if len(lab) <= 34 else lab[:33] + "…" for lab in labels]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * len(df) + 1.8))
    for i, r in enumerate(df.itertuples()):
        st = MET_STYLE[bool(r.met)]
        ax.barh(
            i,
            float(r.achievement_pct),
            color=st["color"],
            hatch=st["hatch"],
            edgecolor="#333333",
            linewidth=0.6,
        )
        ax.text(
            float(r.achievement_pct) + 2,
            i,
            f"{_pct(r.achievement_pct)}%",
            va="center",
            fontsize=9,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
        )
    ax.set_yticks(range(len(df)), labels)
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    ax.text(100, len(df) - 0.4, " 目標（100%）", fontsize=9, va="bottom")
    top = max(120.0, float(df["achievement_pct"].max()) * 1.2)
    ax.set_xlim(0, top)
    ax.set_xlabel("達成率（%）")
    ax.set_title("成果指標の目標達成率")
    handles = [
        plt.Rectangle(
            (0, 0), 1, 1, color=MET_STYLE[k]["color"], hatch=MET_STYLE[k]["hatch"], ec="#333333"
        )
        for k in (True, False)
    ]
    ax.legend(
        handles,
        [MET_STYLE[k]["label"] for k in (True, False)],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
    )
    fig.tight_layout()
    return fig


def _marker(m) -> str:
    """①②③ of a sub-indicator, or nothing (NA read back from CSV is a float NaN)."""
    return m if isinstance(m, str) else ""


def _pct(x) -> str:
    from .narrative import format_decimal

    return format_decimal(float(x), 1, trim=False)


def chart_prev_current(metrics: pd.DataFrame, period_label: str):
    """Previous → current for each KPI that has both, one panel per KPI (own scale)."""
    _setup()
    df = metrics[metrics["value"].notna() & metrics["prev_value"].notna()]
    if df.empty:
        return None
    n = len(df)
    cols = 2
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH_IN, 2.6 * rows), squeeze=False)
    for ax, r in zip(axes.flat, df.itertuples(), strict=False):
        vals = [float(r.prev_value), float(r.value)]
        better = r.trend == "improved"
        colors = ["#9aa5b1", "#1f5fa8" if better else "#e07b00"]
        hatches = ["..", "" if better else "///"]
        bars = ax.bar(
            ["前年度末", period_label], vals, color=colors, edgecolor="#333333", linewidth=0.6
        )
        for bar, h in zip(bars, hatches, strict=True):
            bar.set_hatch(h)
        for bar, v, approx in zip(bars, vals, [r.prev_approx, r.approx], strict=True):
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                v,
                format_value(v, r.unit, bool(approx)),
                ha="center",
                va="bottom",
                fontsize=9,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
            )
        tv = r.target_value if not pd.isna(r.target_value) else None
        if tv is None and r.target_kind == "range":
            tv = r.target_high
        if tv is not None and not pd.isna(tv):
            ax.axhline(float(tv), color="black", linestyle="--", linewidth=1)
        top = max(vals + ([float(tv)] if tv is not None and not pd.isna(tv) else []))
        ax.set_ylim(0, top * 1.3)
        title = f"{_marker(r.marker)}{r.indicator}"
        title = title if len(title) <= 22 else title[:21] + "…"
        target = target_label(r._asdict())
        ax.set_title(title + (f"\n（目標 {target}）" if target else ""), fontsize=9.5)
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(
                lambda v, _p, u=r.unit: format_value(v, u, False, short=True)
            )
        )
        if r.prev_derived:
            ax.set_xticks([0, 1], ["前年度末＊\n（増減から算出）", period_label])
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("前年度末と今期の比較（成果指標）", fontsize=12)
    fig.tight_layout()
    return fig


def make_all_charts(
    areas, metrics, counts, period_label: str, figures_dir
) -> dict[str, list[Path]]:
    """All charts of a period; a chart with nothing to show is left out."""
    out = {}
    for name, fig in (
        ("status_by_area", chart_status_by_area(areas, period_label)),
        ("kpi_achievement", chart_achievement(metrics) if len(metrics) else None),
        ("kpi_prev_current", chart_prev_current(metrics, period_label) if len(metrics) else None),
        ("status_across_periods", chart_status_across_periods(counts) if len(counts) > 1 else None),
    ):
        if fig is not None:
            out[name] = save_figure(fig, figures_dir, name)
    return out
