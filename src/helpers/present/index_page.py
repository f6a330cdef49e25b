"""``<output>/index.html``: the page people open first, every plan with its periods.

For each plan (a folder under ``data/raw/``) and each of its periods, newest
first: the as-of label, the S/A/B counts and shares, the KPIs met / not met /
without data, the audit checks agreeing / flagged, and links to the period's
report, its Excel tables and any PDF beside the report; a small chart of the
statuses over time per plan. One self-contained file like ``report.html``:
escaped and sanitised, a Content-Security-Policy, no request to any other host.

The figures of a period come from ``<output>/<plan>/<period>/summary.json``,
which a run writes beside the report (:func:`write_summary`), so the page is
built without reading any table. The page is rebuilt only when what it shows
changed: its fingerprint (the code, each plan's ``plan.toml``, each period's run
fingerprint and summary, the files linked) is kept in the page itself. It is
written atomically, under a lock, and only over an ``index.html`` the workbook
made (it carries the fingerprint's ``<meta>``): anyone else's file there stops
the build (exit 2) and is left as it is.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers import __version__
from helpers.core import paths
from helpers.core.atomic import atomic_write_bytes
from helpers.core.errors import InputError, LockedError
from helpers.core.messages import say
from helpers.core.numfmt import format_percent, shown_value
from helpers.core.periods import period_label, period_label_short
from helpers.core.plans import PLAN_FILE, Plan, load_plan, plan_ids, plan_periods
from helpers.core.schema import count_columns, is_missing, read_table
from helpers.core.tables import json_bytes, read_own
from helpers.core.vocab import NOT_RATED, Vocabulary
from helpers.ingest.plan_sources import plan_name
from helpers.present.render import IMAGE_PREFIXES, sanitize
from helpers.present.runlog import last_made

INDEX_FILE = "index.html"
SUMMARY_FILE = "summary.json"
INDEX_META = "reform-workbook-index"
TEMPLATE = "index.html.j2"
PRINT_CSS = "report-print.css"  # included by the template: the page prints on A4 as the report does
_META_RE = re.compile(rf'<meta name="{INDEX_META}" content="([0-9a-f]{{64}})">')
_HEAD_BYTES = 4096
LOCK_TIMEOUT = 60.0  # another run's index build takes well under a second


# --- a period's summary, written by the run ----------------------------------------


def _count(values, wanted) -> int:
    return sum(1 for v in values if v is not None and v == v and bool(v) is wanted)


def period_summary(processed: Path, meta: dict) -> dict:
    """What the index shows of a period, from its processed tables and meta."""
    areas = read_table(processed / "areas.csv", "areas")
    audit = read_table(processed / "audit.csv", "audit")
    met = [
        None if is_missing(v) else bool(v)
        for v in read_table(processed / "metrics.csv", "metrics")["met"]
    ]
    ok = [None if is_missing(v) else bool(v) for v in audit["ok"]]
    kpis = None
    if meta.get("has_indicators"):
        kpis = {"met": _count(met, True), "not_met": _count(met, False), "no_data": met.count(None)}
    return {
        "kpi_points": _kpi_points(processed),
        "plan": meta.get("plan"),
        "plan_name": meta.get("plan_name"),
        "period": meta["period"],
        "label": meta["label"],
        "counts": {
            c: int(areas[c].sum()) for c in ("items", *count_columns("areas", areas.columns))
        },
        "kpis": kpis,
        "audit": {"agree": _count(ok, True), "flagged": _count(ok, False)},
    }


def _kpi_points(processed: Path) -> list[dict] | None:
    """The period's KPI history (every point up to it) as the index's KPI × period table needs it."""
    path = processed / "kpi_history.csv"
    if not path.is_file():
        return None
    df = read_table(path, "kpi_history")

    def column(name: str, convert=None) -> list:
        """The column as Python values, None where missing (one pass, not one test per cell)."""
        missing = df[name].isna().tolist()
        values = df[name].astype(object).tolist()
        return [
            None if m else (convert(v) if convert else v)
            for v, m in zip(values, missing, strict=True)
        ]

    markers = [m if isinstance(m, str) else "" for m in df["marker"].astype(object).tolist()]
    names = [
        m + str(i) for m, i in zip(markers, df["indicator"].astype(object).tolist(), strict=True)
    ]
    columns = {
        "period": df["period"].astype(object).tolist(),
        "kpi_id": df["kpi_id"].astype(object).tolist(),
        "name": names,
        "basis": df["basis"].astype(object).tolist(),
        "value": column("value", float),
        "value_text": column("value_text", str),
        "unit": column("unit"),
        "achievement_pct": column("achievement_pct", lambda v: round(float(v), 1)),
        "met": column("met", bool),
    }
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def summary_bytes(processed: Path, meta: dict) -> bytes:
    """The ``summary.json`` of a period, from its processed tables and meta (the run makes
    it in a thread while notebook 03 runs: 03 writes no processed table)."""
    return json_bytes(period_summary(Path(processed), meta))


def write_summary(processed: Path, period_folder: Path, meta: dict) -> Path:
    """Write ``summary.json`` of a run into its (staged) period folder."""
    return atomic_write_bytes(Path(period_folder) / SUMMARY_FILE, summary_bytes(processed, meta))


# --- what the page shows ----------------------------------------------------------


@dataclass
class PeriodEntry:
    period: str
    label: str
    summary: dict | None
    links: list[tuple[str, str]]  # (text, href relative to the index)
    failed: dict | None = None  # the latest run failed: when, and why (run_failed.json)
    updated: str | None = None  # when its report was last made (outputs/run-log.csv)


@dataclass
class PlanEntry:
    id: str
    name: str
    years: str
    vocab: Vocabulary
    periods: list[PeriodEntry] = field(default_factory=list)  # newest first


def _read_summary(folder: Path) -> tuple[dict | None, bytes]:
    try:
        raw = read_own(folder / SUMMARY_FILE)
        return json.loads(raw.decode("utf-8")), raw
    except (OSError, ValueError, InputError):
        return None, b""


def _read_failure(folder: Path) -> tuple[dict | None, bytes]:
    """The record of a failed latest run (written by the pipeline), or None."""
    try:
        with open(folder / paths.RUN_FAILED_FILE, "rb") as fh:  # bounded: a record is small
            raw = fh.read(8192)
        found = json.loads(raw.decode("utf-8"))
        return (found if isinstance(found, dict) else {}), raw
    except FileNotFoundError:
        return None, b""
    except (OSError, ValueError):
        return {}, b"?"


def _links(out_root: Path, folder: Path) -> list[tuple[str, str]]:
    """The period's files a reader opens, where they exist, as links from the index."""
    rel = folder.relative_to(out_root).as_posix()
    theirs = set(paths.foreign_files(folder)) if folder.is_dir() else set()
    found = []
    for text, name in (
        ("レポート", "report.html"),
        ("表（Excel）", "tables/tables.xlsx"),
        ("PDF", "report.pdf"),
    ):
        # the workbook's own file only: a user's report.pdf its run did not write is not linked
        if (folder / name).is_file() and folder / name not in theirs:
            found.append((text, f"{rel}/{name}"))
    return found


def _fingerprint_of_run(folder: Path) -> bytes:
    try:
        return read_own(folder / paths.FINGERPRINT_FILE)
    except (OSError, InputError):
        return b""


def collect(data: Path, out_root: Path) -> tuple[list[PlanEntry], str]:
    """Every plan and period the page lists, and the fingerprint of all that it shows."""
    h = hashlib.sha256()
    h.update(f"version={__version__}\0".encode())
    for code in (Path(__file__), paths.TEMPLATES_DIR / TEMPLATE, paths.TEMPLATES_DIR / PRINT_CSS):
        h.update(code.read_bytes() + b"\0")
    entries = []
    made = last_made(out_root)
    for pid in plan_ids(data):
        try:
            plan = load_plan(data, pid)
        except InputError:  # its runs report the fault; the page still lists what was made
            plan = Plan(pid, paths.plan_raw_dir(data, pid))
        config = paths.plan_raw_dir(data, pid) / PLAN_FILE
        h.update(f"plan={pid}\0".encode() + (read_own(config) if config.is_file() else b""))
        entry = PlanEntry(pid, plan.name or "", plan.years_label(), plan.vocab)
        for period in reversed(plan_periods(data, pid)):
            folder = out_root / pid / period
            summary, raw = _read_summary(folder)
            links = _links(out_root, folder)
            failed, failed_raw = _read_failure(folder)
            h.update(f"\0{period}\0".encode() + raw + _fingerprint_of_run(folder) + failed_raw)
            updated = made.get((pid, period)) if links else None
            h.update(repr(links).encode() + repr(updated).encode())
            entry.periods.append(
                PeriodEntry(period, period_label(period), summary, links, failed, updated)
            )
        entry.name = entry.name or _name_from_summaries(entry) or _plan_name_or_id(data, pid)
        h.update(entry.name.encode())
        entries.append(entry)
    # the newest plan first: by its latest period, then by its folder id
    entries.sort(key=lambda e: (e.periods[0].period if e.periods else "", e.id), reverse=True)
    return entries, h.hexdigest()


def _plan_name_or_id(data: Path, pid: str) -> str:
    try:
        return plan_name(data, pid)
    except InputError:
        return pid


def _name_from_summaries(entry: PlanEntry) -> str | None:
    return next(
        (p.summary["plan_name"] for p in entry.periods if p.summary and p.summary.get("plan_name")),
        None,
    )


# --- the page ---------------------------------------------------------------------

_SVG_FONT = "IPAexGothic, Yu Gothic, Meiryo, Hiragino Sans, Noto Sans CJK JP, sans-serif"


def _share(n: int, total: int) -> str:
    return format_percent(100 * n / total) if total else "—"


def status_chart_svg(plan: PlanEntry) -> str | None:
    """A small stacked-bar chart of the plan's levels per period (oldest left), as SVG text;
    None if no data."""
    from markupsafe import escape

    done = [p for p in reversed(plan.periods) if p.summary]
    if not done:
        return None
    top = max(p.summary["counts"]["items"] for p in done) or 1
    bar, gap, height, base = 44, 28, 120, 150
    styles = plan.vocab.styles()
    legend = max(len(plan.vocab.display(c)) for c in styles)  # label（S）, in em
    width = max(40 + len(done) * (bar + gap), 45 + 11 * legend)
    svg_height = 215 + 13 * max(0, len(styles) - 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{svg_height}" '
        f'viewBox="0 0 {width} {svg_height}" font-family="{_SVG_FONT}" font-size="11">',
        f"<title>{escape(plan.name)}: 進捗状況の推移</title>",
        f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#888"/>',
    ]
    for i, p in enumerate(done):
        x, y = 30 + i * (bar + gap), base
        for code, style in styles.items():
            n = p.summary["counts"].get(code, 0)
            h = height * n / top
            parts.append(
                f'<rect x="{x}" y="{y - h:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{style["color"]}" stroke="{style.get("edge", "#333")}" stroke-width="0.5"/>'
            )
            if h >= 13:
                parts.append(
                    f'<text x="{x + bar / 2}" y="{y - h / 2 + 4:.1f}" text-anchor="middle" '
                    f'fill="{style["text"]}">{n}</text>'
                )
            y -= h
        parts.append(
            f'<text x="{x + bar / 2}" y="{base + 15}" text-anchor="middle">'
            f"{escape(period_label_short(p.period))}</text>"
        )
    for k, (code, style) in enumerate(styles.items()):
        y = 178 + 13 * k
        parts.append(
            f'<rect x="20" y="{y - 9}" width="10" height="10" fill="{style["color"]}" '
            f'stroke="{style.get("edge", "#333")}" stroke-width="0.5"/><text x="35" y="{y}">'
            f"{escape(plan.vocab.display(code))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _chart_html(plan: PlanEntry) -> str:
    from markupsafe import escape

    svg = status_chart_svg(plan)
    if svg is None:
        return '<p class="note">まだ作成されたレポートがありません。</p>'
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = "、".join(
        f"{p.label}: "
        + "・".join(
            f"{_head(c, plan.vocab)} {p.summary['counts'].get(c, 0)}項目"
            for c in plan.vocab.count_columns()
        )
        for p in reversed(plan.periods)
        if p.summary
    )
    return (
        f'<figure><img src="data:image/svg+xml;base64,{data}" alt="進捗状況の推移（{escape(alt)}）">'
        f"<figcaption>{escape(plan.name)}の進捗状況の推移（項目数）</figcaption></figure>"
    )


def _head(code: str, vocab: Vocabulary) -> str:
    return vocab.label(code) if code == NOT_RATED else code


def _status_cells(s: dict | None, vocab: Vocabulary) -> list[str]:
    """A period's count per level (share of the rated items) and of items not rated."""
    cols = vocab.count_columns()
    if not s:
        return ['<td class="num">—</td>'] * len(cols)
    counts = s["counts"]
    rated = counts["items"] - counts.get(NOT_RATED, 0)
    return [
        f'<td class="num">{counts[c]}</td>'
        if c == NOT_RATED
        else f'<td class="num">{counts[c]}（{_share(counts[c], rated)}）</td>'
        if c in counts
        else '<td class="num">—</td>'
        for c in cols
    ]


def _kpi_cell(s: dict | None) -> str:
    if not s:
        return '<td class="num">—</td>'
    k = s.get("kpis")
    if k is None:
        return '<td class="num">指標なし</td>'
    return f'<td class="num">{k["met"]} ／ {k["not_met"]} ／ {k["no_data"]}</td>'


def _audit_cell(s: dict | None) -> str:
    if not s:
        return '<td class="num">—</td>'
    a = s["audit"]
    cls = "num ng" if a["flagged"] else "num"
    return f'<td class="{cls}">{a["agree"]} ／ {a["flagged"]}</td>'


def local_time(stamp) -> str:
    """An ISO time with its offset (UTC, as the pipeline records it) in the PC's own time,
    as the run log writes 最終更新: ``2026-12-05 16:17``."""
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _period_row(p: PeriodEntry, vocab: Vocabulary) -> str:
    from markupsafe import escape

    links = "　".join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in p.links)
    if p.failed is not None:
        # the latest run failed: say so; a report still there is an older one
        when = local_time(p.failed.get("failed_at"))
        older = f"<br>以前のレポート（古い内容）: {links}" if links else ""
        links = (
            f'<strong class="ng">最新の実行は失敗しました</strong>'
            f"{f'（{escape(when)}）' if when else ''}。"
            f"担当者は、もう一度実行して表示されるメッセージで原因を確かめてください。{older}"
        )
    return (
        f'<tr><td class="when">{escape(p.label)}<br><span class="id">{escape(p.period)}</span>'
        + (f'<br><span class="id">最終更新 {escape(p.updated)}</span>' if p.updated else "")
        + "</td>"
        + "".join(_status_cells(p.summary, vocab))
        + _kpi_cell(p.summary)
        + _audit_cell(p.summary)
        + f"<td>{links or '未作成（まだレポートを作っていません）'}</td></tr>"
    )


# --- the KPI × period table ---------------------------------------------------------

#: a KPI's judgement in a cell: class, mark and word (readable without colour)
_JUDGED = {
    True: ("met", "○ 達成"),
    False: ("notmet", "× 未達成"),
    None: ("nodata", "－ データなし"),
}


def _kpi_points_of(plan: PlanEntry) -> list[dict]:
    """The newest period's KPI history (it holds every point up to it), or none."""
    return next(
        (
            p.summary["kpi_points"]
            for p in plan.periods
            if p.summary and p.summary.get("kpi_points")
        ),
        [],
    )


def _kpi_cell_html(point: dict | None) -> str:
    from markupsafe import escape

    if point is None:
        return '<td class="nodata">—</td>'
    if point["basis"] == "previous_value":
        shown = shown_value(point["value"], point["unit"], point.get("value_text"))
        return f'<td class="ref">参考 {escape(shown)}<br><span class="id">後の報告書の前年度末の値</span></td>'
    cls, word = _JUDGED[point["met"]]
    pct = point["achievement_pct"]
    rate = f"<br>達成率 {format_percent(pct)}" if pct is not None else ""
    return f'<td class="{cls}">{escape(word)}{rate}</td>'


def kpi_table_html(plan: PlanEntry) -> str:
    """成果指標 × 時点: each KPI's judgement and achievement in each period (colour and text)."""
    from markupsafe import escape

    points = _kpi_points_of(plan)
    if not points:
        return ""
    periods = sorted({p["period"] for p in points})
    kpis: dict[str, dict] = {}
    for p in points:
        kpis.setdefault(p["kpi_id"], {"name": p["name"], "cells": {}})["cells"][p["period"]] = p
    heads = "".join(f'<th scope="col">{escape(period_label(p))}</th>' for p in periods)
    rows = "".join(
        f'<tr><td class="name">{escape(kid)} {escape(k["name"])}</td>'
        + "".join(_kpi_cell_html(k["cells"].get(p)) for p in periods)
        + "</tr>"
        for kid, k in kpis.items()
    )
    return (
        '<div class="table-wrap"><table class="data"><caption>成果指標の目標達成の推移（○ 達成、× 未達成、－ データなし。'
        "参考は後の時点の報告書が記載する前年度末の値で、判定はしていません）</caption>"
        f'<thead><tr><th scope="col" class="name">成果指標</th>{heads}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _plan_section(plan: PlanEntry) -> str:
    from markupsafe import escape

    heads = "".join(
        f'<th scope="col">{escape(plan.vocab.display(c))}</th>' for c in plan.vocab.count_columns()
    )
    facts = [f"時点数: {len(plan.periods)}"]
    if plan.years:
        facts.insert(1, f"計画期間: {escape(plan.years)}")
    return (
        f'<section id="plan-{escape(plan.id)}"><h2>{escape(plan.name)}</h2>'
        f'<p class="note">{"、".join(facts)}</p>'
        + _chart_html(plan)
        + '<div class="table-wrap"><table class="data">'
        + "<caption>時点ごとの進捗状況（新しい順。件数（割合））</caption>"
        + f'<thead><tr><th scope="col">時点</th>{heads}'
        + '<th scope="col">成果指標<br>達成 ／ 未達成 ／ データなし</th>'
        + '<th scope="col">検算<br>一致 ／ 不一致</th><th scope="col">資料</th></tr></thead><tbody>'
        + "".join(_period_row(p, plan.vocab) for p in plan.periods)
        + "</tbody></table></div>"
        + kpi_table_html(plan)
        + "</section>"
    )


def index_body(plans: list[PlanEntry]) -> str:
    """The page's content (sanitised by :func:`sanitize_index` before use)."""
    from markupsafe import escape

    toc = "".join(f'<li><a href="#plan-{escape(p.id)}">{escape(p.name)}</a></li>' for p in plans)
    lead = (
        "計画（プラン）ごとに、各時点の進捗状況（項目数と割合）、成果指標の目標達成の状況、"
        "報告書の数値の検算結果と、各時点のレポート・表・PDF へのリンクを新しい順に示します。"
        "時点の比較は同じ計画の中でだけ行います。"
    )
    if not plans:
        return f'<h1>進捗状況レポート一覧</h1><p class="lead">{lead}</p><p>計画の生データがありません。</p>'
    return (
        f'<h1>進捗状況レポート一覧</h1><p class="lead">{lead}</p>'
        f'<nav aria-label="計画"><ul>{toc}</ul></nav>' + "".join(_plan_section(p) for p in plans)
    )


_LINK = re.compile(r"^(#[A-Za-z0-9_-]+|[A-Za-z0-9_-][A-Za-z0-9._~%-]*(/[A-Za-z0-9._~%-]+)*)$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if value.startswith(IMAGE_PREFIXES) else None
    if tag == "a" and attr == "href":
        # within the page, or a file below the output folder: no scheme, no host, no ..
        ok = _LINK.match(value) and ".." not in value.split("/")
        return value if ok else None
    return value


def sanitize_index(html: str) -> str:
    """The report's allow-list, with links to files below the output folder allowed."""
    return sanitize(html, attribute_filter=_attribute_filter)


def render_index(plans: list[PlanEntry], fingerprint: str) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup, escape

    env = Environment(
        loader=FileSystemLoader(str(paths.TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
    )
    folders = "".join(f"<li>{escape(p.name)}: data/raw/{escape(p.id)}/</li>" for p in plans)
    return env.get_template(TEMPLATE).render(
        body=Markup(sanitize_index(index_body(plans))),
        tech=Markup(sanitize_index(f"<p>計画のフォルダ:</p><ul>{folders}</ul>")),
        fingerprint=fingerprint,
        meta_name=INDEX_META,
        version=__version__,
    )


# --- building it --------------------------------------------------------------------


def _current_fingerprint(index: Path) -> str | None:
    """The fingerprint of an index.html the workbook made; None if absent; raise if not ours."""
    if not (index.exists() or index.is_symlink()):
        return None
    if index.is_symlink() or not index.is_file():
        raise InputError(
            index,
            say("index.not_ours_kind"),
        )
    with open(index, "rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    m = _META_RE.search(head)
    if m is None:
        raise InputError(
            index,
            say("index.not_ours"),
        )
    return m.group(1)


def is_workbook_index(index: Path) -> bool:
    """Whether ``index`` is an index.html the workbook made (its meta tag near the top)."""
    try:
        return _current_fingerprint(index) is not None
    except InputError:
        return False


def check_index(output_dir=None) -> None:
    """Refuse, before any run, an index.html in the output folder that the workbook did not make."""
    _current_fingerprint(paths.output_dir(output_dir) / INDEX_FILE)


def _lock(out_root: Path):
    from filelock import FileLock, Timeout

    lock = FileLock(str(out_root / ".index.lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise LockedError(say("index.locked", lock=out_root / ".index.lock")) from None
    return lock


@dataclass
class IndexResult:
    path: Path
    rebuilt: bool
    plans: int
    periods: int


def build_index(data_dir=None, output_dir=None, *, force: bool = False, log=print) -> IndexResult:
    """Rebuild ``<output>/index.html`` if what it shows changed (or ``force``).

    Raises
    ------
    InputError
        An index.html there that the workbook did not make, or bad plan folders.
    """
    data, out_root = paths.data_dir(data_dir), paths.output_dir(output_dir)
    paths.check_outside_raw(out_root, data, say("paths.what_output", option="--output-dir"))
    out_root.mkdir(parents=True, exist_ok=True)
    index = out_root / INDEX_FILE
    lock = _lock(out_root)
    try:
        plans, fp = collect(data, out_root)
        n = sum(len(p.periods) for p in plans)
        if not force and _current_fingerprint(index) == fp:
            log(f"{index}: 最新です")
            return IndexResult(index, False, len(plans), n)
        _current_fingerprint(index)  # refuse someone else's file before replacing it
        atomic_write_bytes(index, render_index(plans, fp).encode("utf-8"))
        log(f"{index}: 一覧ページを書き出しました（計画 {len(plans)}、期間 {n}）")
        return IndexResult(index, True, len(plans), n)
    finally:
        lock.release()
