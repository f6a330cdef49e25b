"""What the notebooks call: their period, their inputs, their steps, and their messages.

The notebooks hold Japanese narrative and short calls; what the calls do lives
here, so that each notebook also runs alone, for any plan and period with raw
data:

- :func:`open_period` settles the plan and period a notebook works on (as the
  parameters cell gives them, or the defaults) and says in Japanese what it
  reads and writes. An unknown or malformed period, an unknown plan, or a period
  without raw data stops the notebook with :class:`NotebookStop`: one Japanese
  line naming the plans and periods there are, and no traceback.
- :func:`cleaned_inputs` (02) and :func:`report_inputs` (03) read what the
  earlier notebooks wrote; where it is missing (02 or 03 run before 01 for the
  period) or made from other raw files, they build it with the same steps
  (:func:`clean`, :func:`analyze`) and say so.
- The steps of 02 (:func:`metrics_step`, :func:`audit_step`, :func:`compare_step`,
  :func:`charts_step`) each compute one thing and write its table.
- :func:`export_report`, 03's last cell: run alone (in JupyterLab), it makes the
  period's report exactly as ``make report`` does, by running the pipeline
  (:func:`helpers.run.pipeline.run_period`: the three notebooks headless, the HTML
  export, staged and swapped in, fingerprinted), then refreshes the index.
  Run by the pipeline (parameter ``run_by_pipeline``), it does nothing: the
  pipeline exports once, after the notebook.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

try:  # the notebooks' kernel; the helpers run without IPython too
    from IPython import get_ipython
except ImportError:  # pragma: no cover
    get_ipython = None

from helpers.analysis.audit import run_audit
from helpers.analysis.audit_periods import audit_across_periods
from helpers.analysis.compare import compare_with_previous, load_history, status_counts
from helpers.analysis.history import build_kpi_history
from helpers.analysis.metrics import compute_metrics, summarise_met
from helpers.core import paths
from helpers.core.errors import InputError, LockedError, PeriodError, WorkbookError
from helpers.core.messages import say
from helpers.core.periods import parse_period, period_label
from helpers.core.plans import choose_plan, plan_ids, plan_periods
from helpers.core.vocab import STANDARD, Vocabulary, scales_of, vocabulary_of
from helpers.ingest.clean import CleanResult, find_raw_files
from helpers.ingest.plan_sources import plan_name
from helpers.ingest.store import (
    _sources_unchanged,
    cleaned_tables,
    load_meta,
    load_table,
    save_table,
)
from helpers.present import figure_worker
from helpers.present.charts import (
    chart_kpi_history,
    make_all_charts,
    queue_chart,
    queue_kpi_charts,
)
from helpers.present.display import Message
from helpers.present.export import TablesWriting, start_tables
from helpers.present.index_page import build_index
from helpers.run.pipeline import run_period

#: the metrics a notebook shows, in this order
METRIC_COLUMNS = [
    "kpi_id",
    "indicator",
    "unit",
    "value",
    "value_text",  # as the report printed it (約340万件), beside the number in base units
    "prev_value",
    "change_abs",
    "change_pct",
    "change_pt",
    "achievement_pct",
    "gap",
    "met",
    "trend",
]
INDICATOR_COLUMNS = [
    "kpi_id",
    "indicator",
    "unit",
    "value",
    "value_text",
    "approx",
    "prev_value",
    "prev_derived",
    "target_kind",
    "target_low",
    "target_high",
    "direction",
]
ITEM_COLUMNS = ["item_no", "item_name", "area_no", "status", "status_basis", "relisted_as"]
AREA_COLUMNS = ["area_no", "area_name", "items"]  # then the count columns of the plan's scale
AUDIT_COLUMNS = ["check", "scope", "expected", "actual", "ok", "detail"]
#: the tables notebook 02 writes (03 reads them)
ANALYSIS_TABLES = (
    "metrics",
    "audit",
    "status_counts",
    "area_comparison",
    "item_comparison",
    "history_notes",
    "kpi_history",
)
CLEANED_FILES = ("areas.csv", "items.csv", "indicators.csv", "meta.json")
#: the charts in the order the report numbers them, with their captions
CHARTS = {
    "status_by_area": "図1 分野別の進捗状況",
    "status_across_periods": "図2 進捗状況の推移",
    "kpi_achievement": "図3 成果指標の目標達成率（破線が100%）",
    "kpi_prev_current": "図4 前年度末と今期の比較（破線は目標）",
}
#: what each notebook reads and writes, for its first lines
NOTEBOOK_IO = {
    "01_clean": (("raw",), ("processed",)),
    "02_analyze": (("processed",), ("processed", "figures")),
    "03_report": (("processed", "figures"), ("tables", "report")),
}


class NotebookStop(WorkbookError):
    """Stops a notebook with one Japanese line and no traceback.

    IPython shows what ``_render_traceback_`` returns in place of a traceback, so
    JupyterLab shows the message alone; the cell still fails, so "run all" stops
    there and papermill (the pipeline) sees the run as failed.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[1;31m{self.message}\x1b[0m"]


# ------------------------------------------------------------------ the current run
#
# "No write after a stop": the period a notebook's first cell opened is the
# kernel's current run. Running the parameters cell, a first cell that stops,
# or any cell that stops clears it; every writing step checks that the run it
# is given is the current one, so cells run after a stop (Run All Below, one by
# one) write nothing, whatever the kernel still holds from an earlier run.

_current: dict[str, object] = {"run": None, "hooked": False}

#: a cell that sets the parameters (the parameters cell, or papermill's injected one)
_PARAMETERS_CELL = re.compile(r"(?m)^\s*(?:plan|period|data_dir|output_dir)\s*(?::[^=\n]*)?=(?!=)")


def _forget_run() -> None:
    _current["run"] = None


def _after_cell(result) -> None:
    """IPython's post_run_cell hook: a cell that stopped, or new parameters, end the run."""
    failed = result.error_before_exec is not None or result.error_in_exec is not None
    source = getattr(getattr(result, "info", None), "raw_cell", "") or ""
    if failed or _PARAMETERS_CELL.search(source):
        _forget_run()


def _hook_kernel() -> None:
    """Register :func:`_after_cell` once with the running IPython kernel (none: nothing to do)."""
    if _current["hooked"] or get_ipython is None:
        return
    shell = get_ipython()
    if shell is not None:
        shell.events.register("post_run_cell", _after_cell)
        _current["hooked"] = True


def check_current(run: Period) -> None:
    """Refuse to write for a run that is not the one the notebook's first cell last opened.

    Raises
    ------
    NotebookStop
        After the parameters were changed, or a cell stopped, until the first
        cell is run again and succeeds.
    """
    if _current["run"] is not run:
        raise NotebookStop(
            f"{run.label}（{run.period}）の処理は止まっているため、何も書き出しません。"
            "入力のセル（plan・period）を確かめ、最初のセルから実行し直してください"
            "（Run All）。前の実行の結果はそのまま残っています。"
        )


# ------------------------------------------------------------------ the period


@dataclass
class Period:
    """The plan and period a notebook works on, and its folders."""

    notebook: str
    plan: str
    plan_name: str
    period: str
    data_dir: Path
    output_dir: Path
    processed_dir: Path
    period_output: Path
    run_by_pipeline: bool = False
    default_folders: bool = True  # processed_dir and period_output_dir not given
    vocab: Vocabulary = STANDARD
    #: charts queued by a step as soon as their data is ready (made and drawn by the
    #: second process while 02 goes on), written by :func:`charts_step`
    queued_charts: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return period_label(self.period)

    @property
    def raw_dir(self) -> Path:
        return paths.raw_dir(self.period, self.data_dir, self.plan)

    @property
    def figures_dir(self) -> Path:
        return self.period_output / "figures"

    def describe(self) -> list[str]:
        """The lines a notebook prints first: plan, period, what it reads and writes."""
        where = {
            "raw": f"生データ {shown_path(self.raw_dir)}/",
            "processed": f"整理済みの表 {shown_path(self.processed_dir)}/",
            "figures": f"グラフ {shown_path(self.figures_dir)}/",
            "tables": f"読者向けの表 {shown_path(self.period_output / 'tables')}/",
            "report": f"レポート {shown_path(self.period_output / 'report.html')}",
        }
        reads, writes = NOTEBOOK_IO.get(self.notebook, ((), ()))
        return [
            f"計画: {self.plan_name}（{self.plan}）",
            f"期間: {self.label}（{self.period}）",
            *(f"読むもの: {where[k]}" for k in reads),
            *(f"書くもの: {where[k]}" for k in writes),
        ]

    def __repr__(self) -> str:
        return "\n".join(self.describe())


def shown_path(path: Path) -> str:
    """A path as an analyst reads it: relative to the project folder when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(paths.PROJ_ROOT).as_posix()
    except ValueError:
        return str(path)


def _plan_title(data: Path, plan: str) -> str:
    try:
        return plan_name(data, plan)
    except (InputError, OSError):
        return plan


def available_text(data: Path) -> str:
    """The plans and periods with raw data, in one Japanese sentence.

    ``生データのある計画と期間: kodaira-3（第3次…）: 2017-09（平成29年9月末）、2018-03（平成29年度末）``
    """
    try:
        parts = []
        for plan in plan_ids(data):
            periods = plan_periods(data, plan)
            listed = "、".join(f"{p}（{period_label(p)}）" for p in periods) or "なし"
            parts.append(f"{plan}（{_plan_title(data, plan)}）: {listed}")
    except InputError as exc:
        return f"（{shown_path(data / 'raw')} の計画と期間を一覧にできません: {exc}）"
    if not parts:
        return (
            f"{shown_path(data / 'raw')} に生データがありません"
            "（data/raw/<計画>/<YYYY-MM>/ に置いてください）。"
        )
    return "生データのある計画と期間: " + "／".join(parts) + "。"


def _period_id(period: str, data: Path) -> str | None:
    """The period id of the parameter (None when empty); NotebookStop if it is not one."""
    if not period.strip():
        return None
    try:
        return parse_period(period)
    except PeriodError:
        raise NotebookStop(
            f"期間「{period}」を読み取れません（2018-03 のような基準月 YYYY-MM か、"
            f"平成29年度末 のような表記で指定してください）。{available_text(data)}"
        ) from None


def resolve(plan: str, period: str, data: Path) -> tuple[str, str]:
    """The (plan, period) a notebook works on; NotebookStop (one Japanese line) if there is none."""
    pid = _period_id(period, data)
    with stop_on_input_error():
        ids = plan_ids(data)
    if not ids:
        raise NotebookStop(available_text(data))
    if plan and plan not in ids:
        raise NotebookStop(
            f"計画「{plan}」の生データのフォルダがありません。{available_text(data)}"
        )
    with stop_on_input_error():
        chosen = choose_plan(data, plan, pid)
        periods = plan_periods(data, chosen)
    if pid is None:
        if not periods:
            raise NotebookStop(
                f"計画 {chosen} には期間の生データがありません。{available_text(data)}"
            )
        return chosen, periods[-1]
    if pid not in periods:
        only = plan or len(ids) == 1
        which = f"{_plan_title(data, chosen)}（{chosen}）には" if only else "どの計画にも"
        raise NotebookStop(
            f"{which} {pid}（{period_label(pid)}）の生データがありません。{available_text(data)}"
        )
    return chosen, pid


@contextlib.contextmanager
def stop_on_input_error() -> Iterator[None]:
    """Bad input (a file, a line, a field) stops the notebook with one line, not a traceback."""
    try:
        yield
    except InputError as exc:
        raise NotebookStop(f"入力データに誤りがあるため止めました: {exc}") from None


def open_period(
    notebook: str,
    plan: str = "",
    period: str = "",
    data_dir: str = "",
    output_dir: str = "",
    processed_dir: str = "",
    period_output_dir: str = "",
    run_by_pipeline: bool = False,
) -> Period:
    """The plan and period of a notebook's parameters, its folders made ready; prints them.

    Empty parameters take the defaults: the plan with the newest period, that
    plan's latest period, the project's folders. A notebook that writes a folder
    makes it (marked as the workbook's; :func:`helpers.core.paths.product_folder`).
    """
    _hook_kernel()
    _forget_run()  # until this cell succeeds, no step writes for an earlier run
    data = paths.data_dir(data_dir or None)
    out = paths.output_dir(output_dir or None)
    plan_id, pid = resolve(plan, period, data)
    default_processed = paths.processed_dir(pid, data, plan_id)
    default_output = out / plan_id / pid
    run = Period(
        notebook,
        plan_id,
        _plan_title(data, plan_id),
        pid,
        data,
        out,
        Path(processed_dir) if processed_dir else default_processed,
        Path(period_output_dir) if period_output_dir else default_output,
        run_by_pipeline=run_by_pipeline,
        default_folders=not processed_dir and not period_output_dir,
    )
    reads, writes = NOTEBOOK_IO.get(notebook, ((), ("processed",)))
    with stop_on_input_error():
        if "processed" in writes or "processed" in reads:
            run.processed_dir = paths.product_folder(
                run.processed_dir,
                data,
                say("paths.what_processed"),
                "processed_dir",
                processed=True,
            )
        if {"figures", "tables"} & set(writes):
            run.period_output = paths.product_folder(
                run.period_output, data, say("paths.what_period_output"), "period_output_dir"
            )
    print("\n".join(run.describe()))
    _current["run"] = run
    return run


# ------------------------------------------------------------------ 01: cleaning


def raw_files_frame(run: Period) -> pd.DataFrame:
    """The period's raw files by kind (report text, KPI sheet, per-area table)."""
    with stop_on_input_error():
        files = find_raw_files(run.raw_dir)
    report = (
        "報告書（PDF）"
        if files.report and files.report.suffix.lower() == ".pdf"
        else "報告書のテキスト"
    )
    rows = [(report, files.report), ("成果指標シート", files.kpi_sheet)]
    rows += [
        ("分野別の表（ウェブページ）" if p.suffix.lower() in (".html", ".htm") else "分野別の表", p)
        for p in files.area_tables
    ]
    return pd.DataFrame(
        [{"kind": kind, "file": p.name, "bytes": p.stat().st_size} for kind, p in rows if p],
        columns=["kind", "file", "bytes"],
    )


def clean(run: Period):
    """01's step: the period's cleaned tables (a ``CleanResult``), written to its processed folder."""
    check_current(run)
    with stop_on_input_error():
        result = cleaned_tables(run.period, run.data_dir, run.processed_dir, run.plan)
    run.vocab = _vocab(result.meta)
    return result


def files_frame(files: list[Path], folder: Path | None = None) -> pd.DataFrame:
    """The files a step wrote, with their rows (tables) for a notebook to show."""
    rows = []
    for p in files:
        name = p.relative_to(folder).as_posix() if folder else shown_path(p)
        n = _data_rows(p) if p.suffix == ".csv" else None
        rows.append({"file": name, "rows": n})
    return pd.DataFrame(rows, columns=["file", "rows"]).astype({"rows": "Int64"})


def _data_rows(path: Path) -> int:
    """The data rows of a CSV the workbook wrote (a cell may be as long as the file: a report line)."""
    import csv

    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def area_columns(vocab: Vocabulary = STANDARD) -> list[str]:
    """The columns of areas.csv a notebook shows: area, items, a count per level (対象外)."""
    return [*AREA_COLUMNS, *vocab.count_columns()]


def count_columns(vocab: Vocabulary = STANDARD) -> list[str]:
    """The columns of status_counts a notebook shows: period, items, a count per level."""
    return ["period", "items", *vocab.count_columns()]


def status_count_frame(items: pd.DataFrame, vocab: Vocabulary = STANDARD) -> pd.DataFrame:
    """Items per status, in the scale's order (missing where the source does not say)."""
    counts = items["status"].value_counts(dropna=False)
    rows = [{"status": code, "items": int(counts.get(code, 0))} for code in vocab.codes]
    unknown = int(items["status"].isna().sum())
    if unknown:
        rows.append({"status": None, "items": unknown})
    return pd.DataFrame(rows, columns=["status", "items"])


# ------------------------------------------------------------------ 02: analysis


def _vocab(meta: dict) -> Vocabulary:
    return vocabulary_of(meta)


def _cleaned_on_disk(run: Period):
    """The cleaned tables in the processed folder, if all there and made from today's raw files."""
    if not all((run.processed_dir / f).is_file() for f in CLEANED_FILES):
        return None, "整理済みの表（01 の結果）がありません"
    meta = load_meta(run.period, processed=run.processed_dir)
    with stop_on_input_error():
        unchanged = _sources_unchanged(meta, run.raw_dir)
    if not unchanged:
        return None, "整理済みの表（01 の結果）が今の生データから作られたものではありません"
    tables = [load_table(run.period, n, processed=run.processed_dir) for n in ("areas", "items")]
    indicators = load_table(run.period, "indicators", processed=run.processed_dir)
    return CleanResult(run.period, *tables, indicators, meta), ""


def _cleaned(run: Period):
    """(the cleaned tables, whether they were built now)."""
    result, why = _cleaned_on_disk(run)
    if result is not None:
        run.vocab = _vocab(result.meta)
        return result, False
    if run.run_by_pipeline:
        raise NotebookStop(
            f"{why}（{shown_path(run.processed_dir)}）。前のノートブックが失敗しています。"
        )
    print(f"{why}。01_clean と同じ処理で、生データから作ります。")
    return clean(run), True


def cleaned_inputs(run: Period):
    """02's inputs: the cleaned tables of the period, built first if missing (and said so)."""
    result, _ = _cleaned(run)
    print(
        f"分野 {len(result.areas)}、項目 {len(result.items)}、"
        f"成果指標 {len(result.indicators)} を読み込みました。"
    )
    return result


def _save(run: Period, df: pd.DataFrame, name: str) -> None:
    check_current(run)
    save_table(df, run.period, name, processed=run.processed_dir)


def metrics_step(run: Period, indicators: pd.DataFrame) -> pd.DataFrame:
    """Each KPI's change and achievement (``metrics.csv``)."""
    metrics = compute_metrics(indicators)
    _save(run, metrics, "metrics")
    # the KPI charts need nothing more: the second process makes them meanwhile
    run.queued_charts.update(queue_kpi_charts(metrics, run.label, run.figures_dir))
    return metrics


def met_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """KPIs met, not met, and without a judgement (no data), as a small table."""
    s = summarise_met(metrics)
    return pd.DataFrame(
        {
            "judgement": ["達成", "未達成", "判定できない（データなし）", "計"],
            "count": [s["met"], s["not_met"], s["undetermined"], s["kpis"]],
        }
    )


def audit_step(run: Period, cleaned, metrics: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    """The report's own arithmetic recomputed, and its checks against the earlier periods
    (``audit.csv``): every check the report and the index count, so 02 says the same number."""
    audit = run_audit(cleaned.areas, cleaned.items, metrics, cleaned.meta)
    across = audit_across_periods(run.period, comparison.history)
    if len(across):
        audit = pd.concat([audit, across], ignore_index=True).drop_duplicates(ignore_index=True)
    _save(run, audit, "audit")
    return audit


def audit_summary(audit: pd.DataFrame) -> str:
    ok = int(audit["ok"].fillna(False).astype(bool).sum())
    flagged = len(audit) - ok
    tail = f"{flagged} 件が不一致です（下の表）。" if flagged else "不一致はありません。"
    return f"検算 {len(audit)} 件のうち {ok} 件が一致、{tail}"


def flagged(audit: pd.DataFrame) -> pd.DataFrame:
    """The checks that do not agree."""
    return audit[~audit["ok"].fillna(False).astype(bool)]


@dataclass
class Comparison:
    """The period beside the plan's earlier ones."""

    counts: pd.DataFrame
    areas: pd.DataFrame
    items: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    history: dict = field(default_factory=dict)  # the cleaned tables of each period compared


def compare_step(run: Period, cleaned) -> Comparison:
    """Status counts across the plan's periods and the change since the previous one."""
    with stop_on_input_error():
        history, notes = load_history(run.period, run.data_dir, cleaned, plan=run.plan)
    counts = status_counts(history)
    area_cmp, item_cmp = compare_with_previous(run.period, history, cleaned.areas, cleaned.items)
    for df, name in (
        (counts, "status_counts"),
        (area_cmp, "area_comparison"),
        (item_cmp, "item_comparison"),
        (pd.DataFrame({"note": notes}, dtype="string"), "history_notes"),
    ):
        _save(run, df, name)
    return Comparison(counts, area_cmp, item_cmp, notes, history)


def history_step(run: Period, comparison: Comparison, metrics: pd.DataFrame) -> pd.DataFrame:
    """Notebook 02's step: the KPI history and its chart.

    Writes ``kpi_history.csv`` into the period's processed folder and queues the chart
    ``kpi_history`` for its figures folder: the second process draws it while 02 goes on,
    and :func:`charts_step` (or :func:`show_charts`) returns once it is written (the
    audit's checks across periods are :func:`audit_step`'s, so that 02 counts them as
    the report and the index do).
    """
    check_current(run)
    kpi_history = build_kpi_history(run.period, comparison.history, metrics)
    save_table(kpi_history, run.period, "kpi_history", processed=run.processed_dir)
    run.queued_charts["kpi_history"] = queue_chart(
        "kpi_history", chart_kpi_history, (kpi_history,), run.figures_dir
    )
    return kpi_history


def notes_text(notes: list[str]) -> str:
    return "\n".join(f"・{n}" for n in notes) if notes else "比較から除いた期間はありません。"


def charts_step(run: Period, cleaned, metrics: pd.DataFrame, counts: pd.DataFrame) -> dict:
    """The period's charts, drawn into its figures folder (a chart with nothing to show is left out)."""
    check_current(run)
    queued, run.queued_charts = run.queued_charts, {}
    return make_all_charts(
        cleaned.areas,
        metrics,
        counts,
        run.label,
        run.figures_dir,
        _vocab(cleaned.meta),
        queued=queued,
    )


def _missing_chart(name: str):
    if name == "status_across_periods":
        return Message("前の期間の生データがないため、推移のグラフはありません。")
    return Message("この期間には成果指標がないため、このグラフはありません。")


def show_charts(run: Period, show: Callable | None = None) -> None:
    """Display every chart of the period drawn in its figures folder, each under its caption
    (charts still queued for the second process are waited for)."""
    from html import escape

    from IPython.display import HTML, Image

    figure_worker.finish()
    if show is None:
        from IPython.display import display as show
    for name, caption in CHARTS.items():
        png = run.figures_dir / f"{name}.png"
        show(HTML(f"<p><strong>{escape(caption)}</strong></p>"))
        show(Image(filename=str(png), width=760) if png.is_file() else _missing_chart(name))


@dataclass
class Analysis:
    metrics: pd.DataFrame
    audit: pd.DataFrame
    comparison: Comparison
    charts: dict


def analyze(run: Period, cleaned) -> Analysis:
    """All of 02's steps, in its order."""
    check_current(run)
    metrics = metrics_step(run, cleaned.indicators)
    comparison = compare_step(run, cleaned)
    audit = audit_step(run, cleaned, metrics, comparison)
    history_step(run, comparison, metrics)
    charts = charts_step(run, cleaned, metrics, comparison.counts)
    return Analysis(metrics, audit, comparison, charts)


# ------------------------------------------------------------------ 03: the report


@dataclass
class ReportInputs:
    meta: dict
    areas: pd.DataFrame
    items: pd.DataFrame
    metrics: pd.DataFrame
    audit: pd.DataFrame
    counts: pd.DataFrame
    area_cmp: pd.DataFrame
    item_cmp: pd.DataFrame
    history_notes: list[str]
    vocab: Vocabulary
    kpi_history: pd.DataFrame | None = None

    @property
    def scales(self) -> tuple[Vocabulary, ...]:
        """The plan's scales (one, or each of plan.toml's [scales])."""
        return scales_of(self.meta)


def _analysis_missing(run: Period) -> list[str]:
    missing = [
        f"{n}.csv" for n in ANALYSIS_TABLES if not (run.processed_dir / f"{n}.csv").is_file()
    ]
    if not (run.figures_dir / "status_by_area.png").is_file():
        missing.append("figures/")
    return missing


def report_inputs(run: Period) -> ReportInputs:
    """03's inputs: the cleaned and analysed tables and the charts, built first if missing."""
    check_current(run)
    cleaned, rebuilt = _cleaned(run)
    missing = _analysis_missing(run)
    if rebuilt or missing:
        if run.run_by_pipeline:
            raise NotebookStop(
                f"分析の結果（{', '.join(missing)}）がありません。前のノートブックが失敗しています。"
            )
        why = (
            "整理済みの表を作ったため"
            if rebuilt
            else f"分析の結果（{'、'.join(missing)}）がないため"
        )
        print(f"{why}、分析の結果とグラフを 02_analyze と同じ処理で作ります。")
        analyze(run, cleaned)

    def load(name: str) -> pd.DataFrame:
        return load_table(run.period, name, processed=run.processed_dir)

    notes = load("history_notes")["note"].dropna().tolist()
    return ReportInputs(
        cleaned.meta,
        cleaned.areas,
        cleaned.items,
        load("metrics"),
        load("audit"),
        load("status_counts"),
        load("area_comparison"),
        load("item_comparison"),
        notes,
        run.vocab,
        load("kpi_history"),
    )


def export_tables(
    run: Period, tables: dict, sheet_names: dict, vocab: Vocabulary = STANDARD
) -> TablesWriting:
    """03's tables for readers (CSV and one .xlsx, in ``vocab``'s words) in ``tables/``:
    the CSVs now, the workbook of large tables by the second process while the report's
    sections are made (its ``result()``: every path, once the workbook is written)."""
    check_current(run)
    unlisted = sorted(set(tables) - set(paths.READER_TABLES))
    if unlisted:  # a folder holding a table not named there could never be replaced again
        raise ValueError(f"reader tables not in paths.READER_TABLES: {unlisted}")
    return start_tables(
        tables, run.period_output / "tables", paths.READER_WORKBOOK, sheet_names, vocab
    )


def _in_own_thread(fn: Callable, *args, **kwargs):
    """Run ``fn`` in a thread of its own: the kernel's thread has a running asyncio loop,
    and the pipeline drives a kernel of its own through one."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reform-export") as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, LockedError):
        return "別の実行（make report など）がこの期間を処理中のため書き出せませんでした。終わってからもう一度実行してください。"
    if isinstance(exc, InputError | PeriodError):
        return f"入力データに誤りがあるため書き出せませんでした: {exc}"
    return f"レポートを書き出せませんでした（前回のレポートはそのまま残っています）: {exc}"


def export_report(run: Period, *, log: Callable[[str], None] = print) -> Path | None:
    """03's last cell: write the period's report.html as ``make report`` does, then the index.

    Run by the pipeline (``run_by_pipeline``) it writes nothing: the pipeline
    exports the executed notebook itself, once. Run alone, it runs the pipeline
    for this plan and period (:func:`helpers.run.pipeline.run_period`: the saved
    notebooks in a kernel of their own, the export, all staged and swapped in
    atomically, with the run's fingerprint, so the next ``make report`` finds the
    period up to date) and rebuilds ``index.html``. Returns the report's path.
    """
    check_current(run)
    if run.run_by_pipeline:
        log("report.html は、このノートブックの実行のあとにパイプラインが書き出します。")
        return None
    if not run.default_folders:
        log(
            "processed_dir または period_output_dir に既定と違うフォルダが指定されているため、"
            "report.html は書き出しません（make report で作ってください）。"
        )
        return None
    log("report.html を書き出しています（make report と同じ処理です。しばらくかかります）…")
    try:
        result = _in_own_thread(
            run_period,
            run.period,
            run.data_dir,
            run.output_dir,
            plan=run.plan,
            log=lambda _m: None,
        )
        index = build_index(run.data_dir, run.output_dir, log=lambda _m: None)
    except (WorkbookError, OSError) as exc:
        raise NotebookStop(_failure_text(exc)) from None
    report = result.output / "report.html"
    log(f"書き出しました: {shown_path(report)}")
    log(
        f"一覧ページ: {shown_path(index.path)}（{'更新しました' if index.rebuilt else '変更なし'}）"
    )
    return report
