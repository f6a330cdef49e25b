"""Run a plan's period end to end: three notebooks through papermill, then the HTML export.

One process: papermill's Python API executes the three notebooks in turn in one
kernel the pipeline starts and owns, and nbconvert's exporter turns the executed
report notebook into HTML.

Everything below is per plan and period: ``<output>/<plan>/<period>/`` and
``<data>/processed/<plan>/<period>/``, whose parents ``<output>/<plan>/`` and
``<data>/processed/<plan>/`` hold the lock ``.<period>.lock``, the staging
folders and the asides (written ``<period>`` below, relative to those parents).
The index page ``<output>/index.html`` is rebuilt by the command line after its
runs (:mod:`helpers.present.index_page`).

A run (``run_period``), in order
--------------------------------
1. Check the period and the folders: the output folder and the processed folder
   may not lie inside ``raw/`` nor hold it, also through links (exit 2).
2. Take the period's lock in the output root (held: exit 3); put back what a
   killed run left there (``recover``).
3. Fingerprint the run; if it equals the one the period's outputs and processed
   tables carry, stop: up to date.
4. Clean the period in memory: bad input stops the run here, before any kernel
   starts, with the file and line (exit 2). This is the run's only cleaning of
   the period (notebook 02 still reads earlier periods for the comparison).
5. ``<output>/<period>/`` and ``<data>/processed/<period>/`` must be absent or the
   workbook's own (marker ``.reform-workbook``, see ``helpers.core.paths``); a file, a
   link or a folder of someone else's there stops the run (exit 2) untouched.
   Take the period's lock in ``<data>/processed/`` and recover there too.
6. Stage: ``<output>/.<period>.staging-<random>/<period>/`` and
   ``<data>/processed/.<period>.staging-<random>/``, both marked. The tables of
   step 4 are written into the processed staging folder with the token
   ``.precleaned``; notebook 01 takes them from there (``store.cleaned_tables``).
7. Notebooks 01–03 write only into the staging folders (parameters
   ``processed_dir`` and ``output_dir``; ``run_by_pipeline`` tells 03 not to
   export itself); then ``report.html`` is exported there, and with ``pdf``
   printed to ``report.pdf`` beside it.
8. Commit: remove the token, write ``.fingerprint`` into both staged folders (the
   last file written), and swap both in (``swap_in``), processed first.
   Whatever happens, the staging folders are removed at the end (also on SIGTERM
   and SIGHUP, which the command line turns into an exit that runs this cleanup).

The swap (``swap_in``)
----------------------
For each pair: rename the current ``<period>/`` aside to
``.<period>.old-<random>`` in the same folder, then rename the staged folder to
``<period>``. Each step is one ``os.replace`` of a folder onto a name that does
not exist: atomic on POSIX and on Windows, no links. If a rename fails, those
done so far are undone in reverse order and the error is raised, so the old
folders are back; once all succeeded the asides are removed. A killed run cannot
undo: between the two renames of a pair (two consecutive system calls) the old
folder exists only under its aside name. The next run of the period therefore
begins with ``recover``: if ``<period>/`` is missing and a marked aside exists, it
is renamed back; leftover marked asides and staging folders of dead runs (under
the lock, so no live run owns them) are removed. A crash at any other instant
leaves the old or the new folder in place, each complete.

Processed tables follow the same path: the notebooks never write into
``data/processed/<period>/`` during a run, so a failed or killed run leaves the
previous tables as they were, and a run is up to date only if both the outputs
and the processed folder carry this run's fingerprint, which only a complete
run writes. Notebooks run alone in JupyterLab write to the usual folders and
remove the fingerprint there (``paths.product_folder``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from helpers.analysis.plan_history import publish_plan_history
from helpers.core import paths
from helpers.core.atomic import atomic_write_bytes
from helpers.core.errors import InputError, LockedError, StageError
from helpers.core.messages import FIXABLE_ERRNOS, os_error_with_option, say
from helpers.core.paths import FINGERPRINT_FILE, MARKER, RUN_FAILED_FILE
from helpers.core.periods import as_of_label, parse_period, period_label
from helpers.core.plans import raw_periods, resolve_plan
from helpers.core.tables import write_json
from helpers.ingest.clean import clean_period, write_cleaned
from helpers.present.index_page import SUMMARY_FILE, summary_bytes
from helpers.present.pdf import Printer, check_chromium, html_to_pdf
from helpers.present.render import export_report
from helpers.present.render import warm_up as warm_up_export
from helpers.run.fingerprint import run_fingerprint

STAGES = (
    ("01_clean", "クリーニング（生データ → 整理済みの表）"),
    ("02_analyze", "分析（指標・検算・比較・グラフ）"),
    ("03_report", "レポート（本文・表の書き出し）"),
)
KERNEL_NAME = "reform-workbook"
OUTPUT_OPTION, DATA_OPTION = "--output-dir", "--data-dir"


# What the run says, in Japanese; the words the benchmark and the tests look for
UP_TO_DATE = "最新です"
REPORT_WRITTEN = "レポートを書き出しました"
STAGE_DONE = "完了"


@dataclass
class RunResult:
    period: str
    skipped: bool
    output: Path
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)
    plan: str = ""


@dataclass
class Folders:
    """Where a period's run reads and writes."""

    plan: str
    period: str
    data: Path
    out_root: Path
    final: Path  # <output>/<plan>/<period>
    processed: Path  # <data>/processed/<plan>/<period>


def _kernel_name() -> str:
    """The project's kernel if installed (make install does it), else python3."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
            return KERNEL_NAME
    except Exception:  # pragma: no cover - jupyter_client always present with papermill
        pass
    return "python3"


def check_period(period: str, data_dir: str | Path | None = None, plan: str | None = None) -> str:
    """The period id if the plan has raw data for it; else InputError listing its periods."""
    pid = parse_period(period)
    data = paths.data_dir(data_dir)
    plan = resolve_plan(data, plan)
    available = raw_periods(data, plan)
    if pid not in available:
        raise InputError(
            paths.raw_dir(pid, data, plan),
            say(
                "pipeline.no_raw",
                period=pid,
                label=period_label(pid),
                plan=plan,
                have=", ".join(available) if available else "なし",
            ),
        )
    return pid


def _read_fingerprint(folder: Path) -> str | None:
    """The fingerprint of the run that made ``folder``, if every file it listed is still there."""
    found = paths.read_fingerprint(folder)
    if found is None or not all((folder / rel).is_file() for rel in found[1]):
        return None  # a product deleted since: not up to date
    return found[0]


def write_fingerprint(folder: Path, fp: str) -> None:
    """Write the run's fingerprint into ``folder``, then the files it holds (checked on rerun)."""
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in (FINGERPRINT_FILE, MARKER)
    )
    atomic_write_bytes(folder / FINGERPRINT_FILE, "\n".join([fp, *files, ""]).encode("utf-8"))


def is_up_to_date(
    period: str, data_dir=None, output_dir=None, fingerprint=None, plan: str | None = None
) -> bool:
    """Whether the period's report and processed tables are complete and from this fingerprint."""
    data, out_root = paths.data_dir(data_dir), paths.output_dir(output_dir)
    plan = resolve_plan(data, plan)
    final, processed = (
        paths.period_output_dir(period, out_root, plan),
        paths.processed_dir(period, data, plan),
    )
    if not ((final / "report.html").is_file() and (processed / "metrics.csv").is_file()):
        return False
    fp = fingerprint or run_fingerprint(period, data, out_root, plan)
    return _read_fingerprint(final) == fp and _read_fingerprint(processed) == fp


# --- folders: checks, errors a user can fix, locks, recovery, the swap ---------------


def _folders(plan: str, pid: str, data_dir, output_dir) -> Folders:
    """The run's folders, refused (InputError) if they lie inside raw/ or hold it."""
    data, out_root = paths.data_dir(data_dir), paths.output_dir(output_dir)
    f = Folders(
        plan,
        pid,
        data,
        out_root,
        paths.period_output_dir(pid, out_root, plan),
        paths.processed_dir(pid, data, plan),
    )
    paths.check_outside_raw(f.out_root, data, say("paths.what_output", option=OUTPUT_OPTION))
    paths.check_outside_processed(f.out_root, data, say("paths.what_output", option=OUTPUT_OPTION))
    paths.check_outside_raw(f.final, data, say("paths.what_period_output"))
    paths.check_outside_raw(f.processed, data, say("paths.what_period_processed"))
    return f


_FIXES = (
    FIXABLE_ERRNOS  # errors a user can fix: permission, read-only or full disk, a file in the way
)


def input_error_from(exc: OSError, option: str = OUTPUT_OPTION) -> InputError:
    """An OSError a user can fix (permissions, read-only disk, a file in the way) as InputError."""
    return InputError(exc.filename, os_error_with_option(exc, option))


@contextlib.contextmanager
def _user_fixable(option: str = OUTPUT_OPTION):
    """Turn the OSErrors a user can fix into InputError (exit 2, one line)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _FIXES:
            raise input_error_from(exc, option) from None
        raise


def _lock(root: Path, pid: str, timeout: float, option: str) -> FileLock:
    with _user_fixable(option):
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(root / f".{pid}.lock"))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise LockedError(
                say("pipeline.locked", period=pid, lock=root / f".{pid}.lock")
            ) from None
    return lock


def _marked(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


def _leftovers(final: Path) -> list[Path]:
    """Staging folders and asides of earlier runs beside ``final``."""
    parent = final.parent
    if not parent.is_dir():
        return []
    return [
        *parent.glob(paths.staging_name(final.name, "*")),
        *parent.glob(paths.aside_name(final.name, "*")),
    ]


def recover(final: Path, log: Callable[[str], None] = print) -> None:
    """Put back what a killed run left beside ``final``; call it holding the period's lock.

    A missing ``final`` with a marked aside ``.<name>.old-*`` (a run killed between
    the two renames of its swap) gets the aside back. Leftover marked asides and
    staging folders ``.<name>.staging-*`` of dead runs are removed. Nothing else is
    touched.
    """
    parent = final.parent
    if not parent.is_dir():
        return
    asides = sorted(
        (p for p in parent.glob(paths.aside_name(final.name, "*")) if _marked(p)),
        key=lambda p: p.stat().st_mtime_ns,
    )
    if asides and not (final.exists() or final.is_symlink()):
        os.replace(asides.pop(), final)
        log(f"{final}: 中断された実行が退避したままのフォルダを元に戻しました")
    for stale in parent.glob(paths.staging_name(final.name, "*")):
        if _marked(stale):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in asides:
        shutil.rmtree(stale, ignore_errors=True)


def _rename(src: Path, dst: Path) -> None:
    """One step of the swap (a name of its own so that tests can stop a run between steps)."""
    os.replace(src, dst)


def swap_in(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each staged folder to its final name; all or none (see the module docstring)."""
    done: list[tuple[Path, Path]] = []  # renames made, (from, to)
    try:
        for staged, final in pairs:
            if final.exists() or final.is_symlink():
                aside = final.with_name(paths.aside_name(final.name, secrets.token_hex(4)))
                _rename(final, aside)
                done.append((final, aside))
            _rename(staged, final)
            done.append((staged, final))
    except BaseException:
        for src, dst in reversed(done):
            with contextlib.suppress(OSError):  # what is left, the next run recovers
                _rename(dst, src)
        raise
    for _, dst in done:
        if ".old-" in dst.name:
            shutil.rmtree(dst, ignore_errors=True)


# --- a run ----------------------------------------------------------------------


def run_period(
    period: str,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    *,
    plan: str | None = None,
    force: bool = False,
    log: Callable[[str], None] = print,
    lock_timeout: float = 0,
    pdf: bool = False,
) -> RunResult:
    """Run the three notebooks of ``plan``'s ``period`` and export its report.

    ``plan`` is the plan's folder id; None means the only plan. ``pdf`` also
    prints ``report.pdf`` beside the report (staged like the rest: a failure
    leaves the previous report as it was); a period up to date but without its
    PDF is run again then.

    Raises
    ------
    InputError, PeriodError
        Bad parameters, folders or raw data (checked before any notebook runs).
    LockedError
        Another run of the same period is in progress.
    StageError
        A notebook failed; its executed copy is kept under ``<period>/failed/``.
    """
    t0 = time.perf_counter()
    plan = resolve_plan(paths.data_dir(data_dir), plan)
    pid = check_period(period, data_dir, plan)
    f = _folders(plan, pid, data_dir, output_dir)
    try:
        return _run_locked(f, force, log, lock_timeout, pdf, t0)
    except LockedError:
        raise  # another run of the period is going: not this period's failure
    except (InputError, StageError) as exc:
        record_failure(f.final, exc)
        raise


def record_failure(final: Path, exc: Exception) -> None:
    """Say in the period's output folder that its latest run failed (the index shows it).

    Written atomically into the workbook's own folder only; the earlier report
    beside it stays as it was. Never fatal: the run's own error is what matters.
    """
    try:
        if final.exists() and not (final / MARKER).is_file():
            return  # someone else's folder: not written into
        paths.mark(final)
        write_json(
            {
                "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "error": str(exc)[:2000],
            },
            final / RUN_FAILED_FILE,
        )
    except OSError:
        pass


def _run_locked(f: Folders, force: bool, log, lock_timeout: float, pdf: bool, t0: float):
    pid, plan = f.period, f.plan
    with contextlib.ExitStack() as locks:
        locks.callback(_lock(f.final.parent, pid, lock_timeout, OUTPUT_OPTION).release)
        with _user_fixable(OUTPUT_OPTION):
            recover(f.final, log)
        processed_locked = bool(_leftovers(f.processed))
        if processed_locked:  # a dead run's leftovers go, even if the period is up to date
            locks.callback(_lock(f.processed.parent, pid, lock_timeout, DATA_OPTION).release)
            with _user_fixable(DATA_OPTION):
                recover(f.processed, log)
        fp = run_fingerprint(pid, f.data, f.out_root, plan)
        wants_pdf = pdf and not (f.final / "report.pdf").is_file()
        if not force and not wants_pdf and is_up_to_date(pid, f.data, f.out_root, fp, plan):
            log(
                f"{plan} {pid}（{period_label(pid)}）: {UP_TO_DATE}。前回の実行から変わったものが"
                "ないため省きました（作り直すには --force、make では FORCE=1）"
            )
            _publish_history(f)  # back if deleted; bytes compared only
            (f.final / RUN_FAILED_FILE).unlink(missing_ok=True)  # the last good report is current
            return RunResult(pid, True, f.final, time.perf_counter() - t0, plan=plan)
        if not pdf and (f.final / "report.pdf").is_file():
            pdf = _keep_pdf(plan, pid, log)
        # The kernel starts (and imports pandas, matplotlib, the helpers) on the other core
        # while this process cleans the period; bad input stops it at once, unused.
        kernel = _SharedKernel.start()
        locks.callback(kernel.close)
        # papermill too, before the cleaning: the kernel needs longer to start than a small
        # period takes to clean, and a large one's cleaning leaves no wait to hide it in
        _import_papermill()
        # Fail fast on bad input, with the file and line, before any notebook runs.
        cleaned = clean_period(pid, f.data, plan=plan, write=False)
        paths.check_replaceable(f.final, say("paths.what_period_output"), OUTPUT_OPTION)
        if not processed_locked:
            locks.callback(_lock(f.processed.parent, pid, lock_timeout, DATA_OPTION).release)
            with _user_fixable(DATA_OPTION):
                recover(f.processed, log)
        paths.check_replaceable(
            f.processed, say("paths.what_period_processed"), DATA_OPTION, processed=True
        )
        with _user_fixable(OUTPUT_OPTION):
            return _execute(f, cleaned, fp, log, t0, pdf, kernel)


def _keep_pdf(plan: str, pid: str, log) -> bool:
    """Whether a rebuild not asked for a PDF prints the one the report had: yes, and said,
    when a browser is there; else the report is rebuilt without it, and that is said."""
    try:
        check_chromium()
    except InputError as exc:
        log(
            f"{plan} {pid}: 前のレポートには report.pdf がありましたが、PDF を印刷できないため"
            f"（{exc.detail}）、新しいレポートは PDF なしで作ります（古い PDF は新しいレポートと"
            "合わないため残しません）"
        )
        return False
    log(f"{plan} {pid}: 前のレポートに report.pdf があるため、PDF も作り直します")
    return True


@dataclass
class Staging:
    """A run's staging folders: ``output`` is passed as output_dir, ``period`` is in it."""

    output: Path
    period: Path
    processed: Path


@contextlib.contextmanager
def _staging(f: Folders):
    """Make and mark the staging folders; remove them whatever happens."""
    token = secrets.token_hex(4)
    st = Staging(
        f.final.parent / paths.staging_name(f.period, token),
        f.final.parent / paths.staging_name(f.period, token) / f.period,
        f.processed.parent / paths.staging_name(f.period, token),
    )
    try:
        with _user_fixable(DATA_OPTION):
            paths.mark(st.processed)
        paths.mark(st.output)  # marked too: it stays behind, empty, once its period is swapped in
        paths.mark(st.period)
        (st.period / "notebooks").mkdir()
        yield st
    finally:
        shutil.rmtree(st.output, ignore_errors=True)
        shutil.rmtree(st.processed, ignore_errors=True)


def _execute(
    f: Folders, cleaned, fp: str, log, t0: float, pdf: bool, kernel: _SharedKernel
) -> RunResult:
    with _staging(f) as st, contextlib.ExitStack() as browser:
        write_cleaned(cleaned, st.processed)
        atomic_write_bytes(st.processed / paths.PRECLEANED_FILE, b"")
        printer: list[Printer] = []
        # the summary reads notebooks 01 and 02's tables only (03 writes none): it is made
        # in a thread while notebook 03 runs, and written after it (03 checks its folder)
        summary = browser.enter_context(ThreadPoolExecutor(1, thread_name_prefix="reform-summary"))
        summary_made = []

        def on_last() -> None:
            # as notebook 03 begins: the browser starts on the core the kernel leaves free
            # (the charts' second process has it during notebook 02), ready for the export
            summary_made.append(summary.submit(summary_bytes, st.processed, cleaned.meta))
            if pdf:
                printer.append(Printer())
                browser.callback(printer[0].close, wait=False)  # it closes while the run ends

        plan = cleaned.meta.get("plan_name") or "行財政改革プラン"
        timings = _notebooks_and_export(f, st, plan, log, on_last, kernel)
        atomic_write_bytes(st.period / SUMMARY_FILE, summary_made[0].result())
        if pdf:
            footer = f"{plan}の進捗状況　基準日 {as_of_label(f.period)}（{period_label(f.period)}）"
            _print_pdf(st.period, log, timings, footer, printer[0])
        (st.processed / paths.PRECLEANED_FILE).unlink(missing_ok=True)
        for folder in (st.processed, st.period):
            write_fingerprint(folder, fp)
        swap_in([(st.processed, f.processed), (st.period, f.final)])
    _publish_history(f)
    total = time.perf_counter() - t0
    also = f"（PDF: {f.final / 'report.pdf'}）" if pdf else ""
    log(
        f"{f.plan} {f.period}（{period_label(f.period)}）: {REPORT_WRITTEN} "
        f"{f.final / 'report.html'}{also}（{total:.1f} 秒）"
    )
    return RunResult(f.period, False, f.final, total, timings, f.plan)


def _notebooks_and_export(
    f: Folders, st: Staging, plan: str, log, on_last: Callable[[], None] | None, kernel
) -> dict[str, float]:
    """The three notebooks, then report.html from notebook 03; nbconvert's exporter is made
    ready in a thread while the kernel works. ``on_last`` is called as notebook 03 begins."""
    _skip_rfc3987()
    with ThreadPoolExecutor(1, thread_name_prefix="reform-warm-up") as pool:
        exporter_ready = pool.submit(warm_up_export)
        timings = _run_notebooks(f, st, log, kernel, on_last)
        log(f"[{len(STAGES) + 1}/{len(STAGES) + 1}] report.html: HTML に書き出し …")
        s0 = time.perf_counter()
        with contextlib.suppress(Exception):  # the export itself says what is wrong
            exporter_ready.result()
    export_report(
        st.period / "notebooks" / "03_report.ipynb",
        st.period / "report.html",
        title=f"{plan}の進捗状況（{period_label(f.period)}）",
        footer=f"{period_label(f.period)}の公表資料から自動で集計・作成しました。",
    )
    timings["export"] = time.perf_counter() - s0
    log(f"      {STAGE_DONE} {timings['export']:.1f} 秒")
    return timings


def _publish_history(f: Folders) -> None:
    """The plan's ``kpi_history.csv`` from its newest period's (:mod:`helpers.analysis.history`)."""
    publish_plan_history(f.processed.parent, raw_periods(f.data, f.plan))


def _print_pdf(
    period_dir: Path, log, timings: dict[str, float], footer: str, printer: Printer
) -> None:
    """``report.pdf`` beside the staged report (A4, through Chromium: helpers.present.pdf)."""
    log("      report.pdf: A4 で PDF に印刷 …")
    s0 = time.perf_counter()
    html_to_pdf(
        period_dir / "report.html", period_dir / "report.pdf", footer=footer, printer=printer
    )
    timings["pdf"] = time.perf_counter() - s0
    log(f"      {STAGE_DONE} {timings['pdf']:.1f} 秒")


# --- the notebooks ----------------------------------------------------------------


def _shutdown(km) -> None:
    """Shut down the shared kernel, if it was started."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # pragma: no cover - a kernel that is already gone
        pass


def _skip_rfc3987() -> None:
    """jsonschema (via nbformat) builds an RFC 3987 grammar when it is imported (about
    0.9 s) for "iri" formats that notebook validation never checks; call before nbformat."""
    sys.modules.setdefault("rfc3987_syntax", None)


def _import_papermill():
    import logging

    _skip_rfc3987()
    import papermill as pm

    # papermill logs at INFO/WARNING on its own; progress is reported by `log`
    logging.getLogger("papermill").setLevel(logging.ERROR)
    return pm


#: what the kernel imports before the first notebook, while this process imports papermill
#: and nbconvert: the modules the notebooks' first cells import (pandas, matplotlib, ...);
#: then it starts the process that makes and draws charts (helpers.present.figure_worker),
#: and registers the Japanese font (its import, 0.25 s, would fall on the first chart)
WARM_UP = (
    "import helpers.present.figure_worker\n"
    "helpers.present.figure_worker.start()\n"
    "import helpers.present.fonts\n"
    "helpers.present.fonts.use_japanese_font()\n"
    "import IPython.display, helpers.notebook, helpers.present.display, "
    "helpers.present.report_html, helpers.present.render, helpers.present.export"
)
#: the client papermill talks to the kernel through: ready without a fixed wait
#: (named, not imported: jupyter_client is imported only when a kernel starts)
CLIENT_CLASS = "helpers.run.kernel_client.PipelineKernelClient"
#: the arguments papermill (nbclient) starts a kernel with, and the pipeline's own
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]


def _start_kernel(km, sink) -> Callable[[], None]:
    """Start the shared kernel and ask it to import what the notebooks will (silently: no
    execution count, nothing in any notebook); returns the wait for that import.

    The kernel's own stderr goes to ``sink`` (a temporary file), not the user's terminal:
    a kernel that loses the race for a port with another run's (``--jobs 2``, two runs at
    once; papermill issue 511) prints a Python traceback there before it dies, and the
    run starts another (:func:`_run_notebook`); the last line is told only if that fails too.

    The kernel starts and imports on one core while this process imports papermill and
    nbconvert on the other. A kernel that dies here is left to :func:`_run_notebook`,
    which starts another; a failing import is left to the notebook's own first cell.
    """
    import queue

    from jupyter_core.utils import run_sync

    run_sync(km.start_kernel)(
        extra_arguments=KERNEL_ARGUMENTS, cwd=str(paths.NOTEBOOKS_DIR), stderr=sink
    )
    kc = km.client()
    kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
    msg_id = kc.execute(WARM_UP, silent=True, store_history=False)

    async def reply(limit: float) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                msg = await kc.get_shell_msg(timeout=0.2)
            except queue.Empty:
                if not await km.is_alive():
                    return
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return

    def wait(limit: float = 120.0) -> None:
        try:
            run_sync(reply)(limit)
        finally:
            kc.stop_channels()

    # a run stopped before the first notebook (bad input) closes the client unawaited:
    # its open sockets would keep the kernel manager's shutdown waiting for ever
    wait.stop = kc.stop_channels  # type: ignore[attr-defined]
    return wait


class _SharedKernel:
    """The kernel the three notebooks share, started ahead of them (:func:`_start_kernel`);
    ``kms`` ends with the one in use (a kernel that dies at start is replaced), ``sink``
    holds their stderr."""

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.sink = tempfile.TemporaryFile()
        self.kms = [AsyncKernelManager(kernel_name=_kernel_name(), client_class=CLIENT_CLASS)]
        self.warmed: Callable[[], None] | None = None
        self.error: Exception | None = None

    @classmethod
    def start(cls) -> _SharedKernel:
        kernel = cls()
        try:
            kernel.warmed = _start_kernel(kernel.kms[-1], kernel.sink)
        except Exception as exc:  # told when the first notebook needs the kernel
            kernel.error = exc
        return kernel

    def close(self) -> None:
        """Shut the kernel down (again: nothing) and drop its stderr."""
        warmed, self.warmed = self.warmed, None
        if warmed is not None:  # never waited for: its client's channels are still open
            with contextlib.suppress(Exception):
                warmed.stop()
        _shutdown(self.kms[-1])
        self.sink.close()


def _run_notebooks(
    f: Folders, st: Staging, log, kernel: _SharedKernel, on_last: Callable[[], None] | None = None
) -> dict[str, float]:
    """Execute the three notebooks in one kernel; their products go to the staging folders.
    ``on_last`` is called as the last notebook begins. The kernel is shut down after them."""
    try:
        if kernel.error is not None:
            raise kernel.error
        return _run_in(kernel, f, st, log, on_last)
    finally:
        kernel.close()


def _last_line(sink) -> str:
    """The last line a kernel wrote to its stderr (its error), or ''."""
    sink.seek(0)
    text = sink.read()[-4096:].decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _run_in(kernel: _SharedKernel, f: Folders, st: Staging, log, on_last=None) -> dict[str, float]:
    kms, sink = kernel.kms, kernel.sink
    pm = _import_papermill()
    params = {
        "plan": f.plan,
        "period": f.period,
        "data_dir": str(f.data),
        "output_dir": str(f.out_root),
        "period_output_dir": str(st.period),
        "processed_dir": str(st.processed),
        "run_by_pipeline": True,  # notebook 03 leaves the export to the pipeline (below)
    }
    timings: dict[str, float] = {}
    # One kernel serves the three notebooks in turn (each notebook also runs on
    # its own in a fresh kernel: tests/test_notebooks_run.py); it was started above,
    # and papermill leaves it running because we own it.
    for i, (name, title) in enumerate(STAGES, start=1):
        log(f"[{i}/{len(STAGES) + 1}] {name}: {title} …")
        s0 = time.perf_counter()
        if kernel.warmed is not None:  # waited for once, which closes its client
            warmed, kernel.warmed = kernel.warmed, None
            warmed()
        if i == len(STAGES) and on_last is not None:
            on_last()
        _run_notebook(
            pm, name, st.period / "notebooks" / f"{name}.ipynb", params, kms, f, log, sink
        )
        timings[name] = time.perf_counter() - s0
        log(f"      {STAGE_DONE} {timings[name]:.1f} 秒")
    return timings


def _run_notebook(
    pm, name: str, out_nb: Path, params: dict, kms: list, f: Folders, log, sink
) -> None:
    """Execute one notebook in the kernel ``kms[-1]``; a kernel that dies at start is replaced once."""
    from jupyter_client.manager import AsyncKernelManager
    from papermill.exceptions import PapermillExecutionError

    for attempt in (1, 2):
        try:
            pm.execute_notebook(
                str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
                str(out_nb),
                parameters=params,
                kernel_name=kms[-1].kernel_name,
                km=kms[-1],
                cwd=str(paths.NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                # the kernel's start-up notices (e.g. about TCP transport) are not ours to show
                extra_arguments=KERNEL_ARGUMENTS[:1],
            )
            return
        except PapermillExecutionError as exc:
            raise _stage_failure(name, exc, out_nb, f) from None
        except RuntimeError as exc:
            # "Kernel died before replying to kernel_info": two kernels started
            # at once (--jobs 2) can race for a port; start a fresh one once.
            if attempt == 2 or "Kernel died" not in str(exc):
                said = _last_line(sink)
                error = f"{exc}: {said}" if said else exc
                raise StageError(say("pipeline.kernel_failed", name=name, error=error)) from None
            _shutdown(kms[-1])
            kms.append(
                AsyncKernelManager(kernel_name=kms[-1].kernel_name, client_class=CLIENT_CLASS)
            )
            log("      カーネルが起動の途中で止まったため、起動し直します")
            _start_kernel(kms[-1], sink)()


def _stage_failure(name: str, exc, out_nb: Path, f: Folders) -> Exception:
    """The error for a failed notebook, whose executed copy is kept in ``<period>/failed/``."""
    failed = paths.mark(f.final) / "failed"
    failed.mkdir(exist_ok=True)
    kept = failed / f"{name}.ipynb"
    if out_nb.exists():
        shutil.copyfile(out_nb, kept)
    if exc.ename in ("InputError", "NotebookStop"):
        return InputError(
            None, say("pipeline.input_in_cell", what=exc.evalue, name=name, cell=exc.exec_count)
        )
    return StageError(
        say(
            "pipeline.stage_failed",
            name=name,
            cell=exc.exec_count,
            kind=exc.ename,
            what=exc.evalue,
            kept=kept,
        )
    )
