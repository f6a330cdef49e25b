"""Run a period end to end: three notebooks through papermill, then the HTML export.

One process: papermill's Python API executes each notebook (a kernel each), and
nbconvert's exporter turns the executed report notebook into HTML. Products are
first written to a staging folder beside the period's output folder and swapped
in only when every stage succeeded, so a failed run leaves the previous report
as it was; the failed notebook is kept in ``<period>/failed/``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from . import paths
from .errors import InputError, LockedError, StageError
from .fingerprint import raw_periods, run_fingerprint
from .periods import parse_period, period_label

STAGES = (
    ("01_clean", "クリーニング（生データ → 整理済みの表）"),
    ("02_analyze", "分析（指標・検算・比較・グラフ）"),
    ("03_report", "レポート（本文・表の書き出し）"),
)
KERNEL_NAME = "reform-workbook"
FINGERPRINT_FILE = ".fingerprint"


@dataclass
class RunResult:
    period: str
    skipped: bool
    output: Path
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


def _kernel_name() -> str:
    """The project's kernel if installed (make install does it), else python3."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
            return KERNEL_NAME
    except Exception:  # pragma: no cover - jupyter_client always present with papermill
        pass
    return "python3"


def check_period(period: str, data_dir: str | Path | None = None) -> str:
    """The period id if it has raw data; else InputError listing the periods that do."""
    pid = parse_period(period)
    data = paths.data_dir(data_dir)
    available = raw_periods(data)
    if pid not in available:
        raise InputError(
            data / "raw" / pid,
            f"no raw data for {pid} ({period_label(pid)}); periods with raw data: "
            + (", ".join(available) if available else "none"),
        )
    return pid


def is_up_to_date(period: str, data_dir=None, output_dir=None) -> bool:
    data, out_root = paths.data_dir(data_dir), paths.output_dir(output_dir)
    final = out_root / period
    fp_file = final / FINGERPRINT_FILE
    return (
        (final / "report.html").exists()
        and (paths.processed_dir(period, data) / "metrics.csv").exists()
        and fp_file.exists()
        and fp_file.read_text().strip() == run_fingerprint(period, data, out_root)
    )


def _plan_name(pid: str, data: Path) -> str:
    """The plan's name as its source documents give it (meta.json of the period)."""
    import json

    try:
        meta = json.loads(
            (paths.processed_dir(pid, data) / "meta.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        meta = {}
    return meta.get("plan_name") or "行財政改革プラン"


def _shutdown(km) -> None:
    """Shut down the shared kernel, if it was started."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # pragma: no cover - a kernel that is already gone
        pass


def _swap_in(staged: Path, final: Path) -> None:
    """Replace ``final`` by ``staged`` with two renames; remove the old folder."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(staged, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_period(
    period: str,
    data_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    lock_timeout: float = 0,
) -> RunResult:
    """Run the three notebooks of ``period`` and export its report.

    Raises
    ------
    InputError, PeriodError
        Bad parameters or raw data (checked before any notebook runs).
    LockedError
        Another run of the same period is in progress.
    StageError
        A notebook failed; its executed copy is kept under ``<period>/failed/``.
    """
    t0 = time.perf_counter()
    pid = check_period(period, data_dir)
    data, out_root = paths.data_dir(data_dir), paths.output_dir(output_dir)
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / pid
    lock = FileLock(str(out_root / f".{pid}.lock"))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise LockedError(
            f"another run of {pid} is in progress (lock {out_root / f'.{pid}.lock'}); "
            "wait for it to finish and run again"
        ) from None
    try:
        fp = run_fingerprint(pid, data, out_root)
        if not force and is_up_to_date(pid, data, out_root):
            log(
                f"{pid}（{period_label(pid)}）: up to date, nothing changed since the last run; skipped (use --force to rerun)"
            )
            return RunResult(pid, True, final, time.perf_counter() - t0)
        # Fail fast on bad input, with the file and line, before any kernel starts.
        from .clean import clean_period

        clean_period(pid, data, write=False)
        return _execute(pid, data, out_root, final, fp, log, t0)
    finally:
        lock.release()


def _execute(
    pid: str, data: Path, out_root: Path, final: Path, fp: str, log, t0: float
) -> RunResult:
    import logging

    # jsonschema (via nbformat) builds an RFC 3987 grammar when it is imported
    # (about 0.9 s) for "iri" formats that notebook validation never checks.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill as pm
    from jupyter_client.manager import AsyncKernelManager

    # papermill logs at INFO/WARNING on its own; progress is reported by `log`
    logging.getLogger("papermill").setLevel(logging.ERROR)
    from papermill.exceptions import PapermillExecutionError

    from .render import export_report

    staging_root = Path(tempfile.mkdtemp(prefix=f".{pid}.staging-", dir=out_root))
    staged = staging_root / pid
    nb_dir = staged / "notebooks"
    nb_dir.mkdir(parents=True)
    params = {"period": pid, "data_dir": str(data), "output_dir": str(staging_root)}
    kernel = _kernel_name()
    timings: dict[str, float] = {}
    # One kernel serves the three notebooks in turn (each notebook also runs on
    # its own in a fresh kernel: tests/test_notebooks_run.py); papermill starts
    # it for the first notebook and leaves it running because we own it.
    km = AsyncKernelManager(kernel_name=kernel)
    try:
        for i, (name, title) in enumerate(STAGES, start=1):
            log(f"[{i}/{len(STAGES) + 1}] {name}: {title} …")
            s0 = time.perf_counter()
            out_nb = nb_dir / f"{name}.ipynb"
            for attempt in (1, 2):
                try:
                    pm.execute_notebook(
                        str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
                        str(out_nb),
                        parameters=params,
                        kernel_name=kernel,
                        km=km,
                        cwd=str(paths.NOTEBOOKS_DIR),
                        progress_bar=False,
                        log_output=False,
                        request_save_on_cell_execute=False,
                        # the kernel's start-up notices (e.g. about TCP transport) are not ours to show
                        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                    )
                    break
                except PapermillExecutionError as exc:
                    failed = final / "failed"
                    failed.mkdir(parents=True, exist_ok=True)
                    kept = failed / f"{name}.ipynb"
                    if out_nb.exists():
                        shutil.copyfile(out_nb, kept)
                    if exc.ename == "InputError":
                        raise InputError(
                            None, f"{exc.evalue} (in notebook {name}, cell {exc.exec_count})"
                        ) from None
                    raise StageError(
                        f"notebook {name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}; "
                        f"the executed notebook is kept at {kept}; the previous report is unchanged"
                    ) from None
                except RuntimeError as exc:
                    # "Kernel died before replying to kernel_info": two kernels started
                    # at once (--jobs 2) can race for a port; start a fresh one once.
                    if attempt == 2 or "Kernel died" not in str(exc):
                        raise StageError(f"notebook {name}: the kernel failed: {exc}") from None
                    _shutdown(km)
                    km = AsyncKernelManager(kernel_name=kernel)
                    log("      the kernel died at start; starting a new one")
            timings[name] = time.perf_counter() - s0
            log(f"      done in {timings[name]:.1f} s")
        log(f"[{len(STAGES) + 1}/{len(STAGES) + 1}] report.html: HTML に書き出し …")
        s0 = time.perf_counter()
        plan = _plan_name(pid, data)
        export_report(
            nb_dir / "03_report.ipynb",
            staged / "report.html",
            title=f"{plan}の進捗状況（{period_label(pid)}）",
            footer=f"reform-workbook により {period_label(pid)}（{pid}）の生データから自動生成。",
        )
        timings["export"] = time.perf_counter() - s0
        (staged / FINGERPRINT_FILE).write_text(fp + "\n")
        _swap_in(staged, final)
    finally:
        _shutdown(km)
        shutil.rmtree(staging_root, ignore_errors=True)
    total = time.perf_counter() - t0
    log(f"{pid}（{period_label(pid)}）: report written to {final / 'report.html'} in {total:.1f} s")
    return RunResult(pid, False, final, total, timings)
