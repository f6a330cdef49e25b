"""Benchmarks of the workbook: a period run against papermill's floor, reruns,
many periods, the helpers at scale, and the report in a browser.

Run with ``make bench`` (= ``.venv/bin/python bench/run_bench.py``). It prints a
table and writes ``docs/benchmarks.md``. Everything runs in temporary folders
(the raw data is copied there); the project's ``data/`` and ``outputs/`` are
never written. Not part of the tests.

    .venv/bin/python bench/run_bench.py            # full: 3 runs of slow things (~20-25 min on 2 cores)
    .venv/bin/python bench/run_bench.py --quick    # smoke test: 1 run, small sizes (~2 min);
                                                   # writes to a temporary file unless --out is given
    .venv/bin/python bench/run_bench.py --only scale,report   # some sections only

Sections: ``pipeline`` (floor, chain, workbook, rerun), ``periods`` (many
periods with --all --jobs 2), ``scale`` (helpers on 10k-1M KPI rows), ``report``
(size and Chromium load time).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BIN = Path(sys.executable).parent
PERIOD = "2018-03"
SECTIONS = ("pipeline", "periods", "scale", "report")
GOALS = {
    "workbook_floor": 3.0,
    "workbook_chain": 0.6,
    "rerun_floor": 0.3,
    "per_period_single": 0.6,
    "scale_1m_seconds": 10.0,
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------
# small utilities
# --------------------------------------------------------------------------


@dataclass
class Sample:
    """Repeated measurements of one thing; the figure is the median."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def runs(self) -> int:
        return len(self.values)

    def spread(self) -> str:
        if len(self.values) < 2:
            return ""
        return f"{min(self.values):.2f}–{max(self.values):.2f}"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def clean_env() -> dict:
    env = dict(os.environ)
    for k in ("REFORM_DATA_DIR", "REFORM_OUTPUT_DIR"):
        env.pop(k, None)
    return env


def run(
    cmd: list[str], cwd: Path, timeout: float = 3600
) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; its wall time in seconds. Raises BenchError if it fails."""
    t0 = time.perf_counter()
    p = subprocess.run(
        [str(c) for c in cmd],
        cwd=str(cwd),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise BenchError(
            f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n"
            f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-4000:]}"
        )
    return dt, p


def fresh_data(tmp: Path) -> Path:
    """A data folder holding a copy of the project's raw data."""
    data = Path(tempfile.mkdtemp(prefix="data-", dir=tmp))
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    return data


def fresh_dir(tmp: Path, prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=tmp))


def tree_state(*paths: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under ``paths`` (to show what was written meanwhile)."""
    state = {}
    for root in paths:
        if not root.exists():
            continue
        for p in [root] if root.is_file() else sorted(root.rglob("*")):
            if "__pycache__" in p.parts:
                continue
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            if p.is_file():
                state[str(p.relative_to(ROOT))] = (st.st_size, st.st_mtime_ns)
    return state


def changed_files(before: dict, after: dict) -> list[tuple[str, str]]:
    """(path, local time of change) of files added, changed or removed between two states."""
    out = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            when = (
                datetime.fromtimestamp(after[path][1] / 1e9).strftime("%H:%M:%S")
                if path in after
                else "removed"
            )
            out.append((path, when))
    return out


def describe_changes(changes: list[tuple[str, str]], what: str) -> str:
    if not changes:
        return ""
    times = sorted(t for _, t in changes if t != "removed")
    shown = ", ".join(f"`{p}`" for p, _ in changes[:4]) + (
        f" and {len(changes) - 4} more" if len(changes) > 4 else ""
    )
    span = f" (at {times[0]}–{times[-1]})" if times else ""
    return f"{len(changes)} file(s) of {what} changed during the run{span}: {shown}"


def fmt_s(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x < 0.01:
        return f"{x * 1000:.2f} ms"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def fmt_bytes(n: float) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def verdict(value: float, goal: float) -> str:
    if value is None or math.isnan(value):
        return "not measured"
    return "met" if value <= goal else "**missed**"


# --------------------------------------------------------------------------
# the machine
# --------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    versions = {}
    for pkg in (
        "reform-workbook",
        "papermill",
        "nbclient",
        "nbconvert",
        "nbformat",
        "jupyter_client",
        "ipykernel",
        "pandas",
        "numpy",
        "matplotlib",
        "nh3",
        "playwright",
        "pyinstrument",
    ):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    chromium = "not found"
    if Path(CHROMIUM).exists():
        try:
            chromium = subprocess.run(
                [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except Exception:  # noqa: BLE001
            pass
    return {
        "nproc": nproc,
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "chromium": chromium,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3]
        if Path("/proc/loadavg").exists()
        else [],
    }


# --------------------------------------------------------------------------
# 1-2. floor, chain, workbook, rerun
# --------------------------------------------------------------------------


def empty_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    # the same kernel the workbook's notebooks use
    nb.metadata["kernelspec"] = {
        "name": "reform-workbook",
        "display_name": "Python (reform-workbook)",
        "language": "python",
    }
    nbformat.write(nb, str(path))


STAGE_RE = re.compile(r"^\[\d+/\d+\] (\S+):")
DONE_RE = re.compile(r"done in ([\d.]+) s")


def stage_times(stdout: str) -> dict[str, float]:
    out, current = {}, None
    for line in stdout.splitlines():
        m = STAGE_RE.match(line.strip())
        if m:
            current = m.group(1)
            continue
        m = DONE_RE.search(line)
        if m and current:
            out[current] = float(m.group(1))
    return out


def cell_profile(nb_dir: Path, top: int = 3) -> dict:
    """Per-notebook cell times papermill recorded in the executed notebooks (the last run)."""
    import nbformat

    out = {}
    for name in ("01_clean", "02_analyze", "03_report"):
        path = nb_dir / f"{name}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(str(path), as_version=4)
        cells = []
        for c in nb.cells:
            d = (c.get("metadata", {}).get("papermill") or {}).get("duration")
            if c.cell_type == "code" and d is not None:
                first = next(
                    (ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")),
                    "",
                )
                cells.append((float(d), first.strip()[:60]))
        cells.sort(reverse=True)
        out[name] = {"cells_total": sum(d for d, _ in cells), "top": cells[:top]}
    return out


def workbook_cmd(data: Path, out: Path, *extra: str) -> list:
    return [
        BIN / "reform-workbook",
        "--period",
        PERIOD,
        "--data-dir",
        data,
        "--output-dir",
        out,
        *extra,
    ]


def bench_pipeline(tmp: Path, runs: int, fast_runs: int) -> dict:
    res: dict = {}
    nb_dir = ROOT / "notebooks"

    # the floor: papermill CLI on an empty notebook
    log("floor: papermill CLI, empty notebook …")
    floor_dir = fresh_dir(tmp, "floor-")
    empty_notebook(floor_dir / "empty.ipynb")
    floor = Sample()
    for i in range(fast_runs):
        dt, _ = run([BIN / "papermill", "empty.ipynb", f"out-{i}.ipynb"], cwd=floor_dir)
        floor.values.append(dt)
    res["floor"] = floor

    # the obvious chain: papermill CLI per notebook, then nbconvert
    log("chain: papermill CLI × 3 + jupyter nbconvert …")
    chain = Sample()
    chain_parts: dict[str, Sample] = {}
    for _ in range(runs):
        data, out = fresh_data(tmp), fresh_dir(tmp, "out-chain-")
        nbo = out / "notebooks"
        nbo.mkdir()
        total = 0.0
        for name in ("01_clean", "02_analyze", "03_report"):
            dt, _ = run(
                [
                    BIN / "papermill",
                    f"{name}.ipynb",
                    nbo / f"{name}.ipynb",
                    "-p",
                    "period",
                    PERIOD,
                    "-p",
                    "data_dir",
                    data,
                    "-p",
                    "output_dir",
                    out,
                ],
                cwd=nb_dir,
            )
            chain_parts.setdefault(name, Sample()).values.append(dt)
            total += dt
        dt, _ = run(
            [
                BIN / "jupyter",
                "nbconvert",
                "--to",
                "html",
                nbo / "03_report.ipynb",
                "--output-dir",
                out,
            ],
            cwd=out,
        )
        chain_parts.setdefault("nbconvert", Sample()).values.append(dt)
        total += dt
        chain.values.append(total)
    res["chain"], res["chain_parts"] = chain, chain_parts

    # the workbook's own run, then reruns with nothing changed
    log("workbook: reform-workbook --force, then reruns without --force …")
    wb = Sample()
    stages: dict[str, Sample] = {}
    rerun = Sample()
    rerun_not_skipped = 0
    keep_out = None
    for _ in range(runs):
        data, out = fresh_data(tmp), fresh_dir(tmp, "out-wb-")
        dt, p = run(workbook_cmd(data, out, "--force"), cwd=tmp)
        wb.values.append(dt)
        st = stage_times(p.stdout)
        for k, v in st.items():
            stages.setdefault(k, Sample()).values.append(v)
        stages.setdefault(
            "other (CLI start, input check, HTML export, swap)", Sample()
        ).values.append(dt - sum(st.values()))
        # reruns right after the run: nothing changed, so each should be skipped
        for _ in range(math.ceil(fast_runs / runs)):
            for _attempt in range(3):
                dt, p = run(workbook_cmd(data, out), cwd=tmp)
                if "up to date" in p.stdout:
                    rerun.values.append(dt)
                    break
                # the code or notebooks changed under us (someone editing src/): not a rerun
                rerun_not_skipped += 1
        keep_out = (data, out)
    res["workbook"], res["stages"], res["rerun"] = wb, stages, rerun
    res["rerun_not_skipped"] = rerun_not_skipped
    res["kept_output"] = keep_out
    res["cells"] = cell_profile(keep_out[1] / PERIOD / "notebooks")
    res["ratios"] = {
        "workbook_floor": wb.median / floor.median,
        "workbook_chain": wb.median / chain.median,
        "rerun_floor": rerun.median / floor.median if rerun.runs else math.nan,
    }

    # what bounds it
    log("bounds: interpreter, CLI, kernel start-up, notebook imports, HTML export …")
    bounds: dict[str, Sample] = {}
    py = Sample()
    for _ in range(fast_runs):
        py.values.append(run([sys.executable, "-c", "pass"], cwd=tmp)[0])
    bounds["python -c pass"] = py
    cli = Sample()
    for _ in range(fast_runs):
        cli.values.append(
            run([BIN / "reform-workbook", "--list", "--data-dir", keep_out[0]], cwd=tmp)[0]
        )
    bounds["reform-workbook --list (CLI start-up)"] = cli
    kernel = Sample()
    code = (
        "import time\n"
        "t=time.perf_counter()\n"
        "from jupyter_client.manager import start_new_kernel\n"
        "km,kc=start_new_kernel(kernel_name='reform-workbook')\n"
        "t1=time.perf_counter()\n"
        "kc.execute_interactive('pass', timeout=60)\n"
        "kc.stop_channels(); km.shutdown_kernel(now=False)\n"
        "print(time.perf_counter()-t1, time.perf_counter()-t)\n"
    )
    kernel_start = Sample()
    for _ in range(fast_runs):
        _, p = run([sys.executable, "-c", code], cwd=tmp)
        a, b = map(float, p.stdout.split())
        kernel.values.append(b)
        kernel_start.values.append(b - a)
    bounds["one kernel: start, run `pass`, shut down (in-process)"] = kernel
    bounds["one kernel: start-up until ready"] = kernel_start
    timed_imports = {
        "import papermill (the parent process; pulls in nbformat and jsonschema)": "import papermill",
        "import rfc3987_syntax (jsonschema's format checker, via nbformat)": "import rfc3987_syntax",
        "import pandas (every notebook)": "import pandas",
        "import helpers.charts (matplotlib and the Japanese font; 02_analyze)": "import helpers.charts",
        "import helpers.report_html, helpers.render, helpers.export (03_report)": (
            "import helpers.report_html, helpers.render, helpers.export"
        ),
    }
    for label, stmt in timed_imports.items():
        code = f"import time; t=time.perf_counter()\n{stmt}\nprint(time.perf_counter()-t)\n"
        s = Sample()
        try:
            for _ in range(fast_runs):
                _, p = run([sys.executable, "-c", code], cwd=tmp)
                s.values.append(float(p.stdout.strip()))
        except BenchError:
            continue  # not installed
        bounds[label] = s
    export = Sample()
    exp = (
        "import sys, time; t=time.perf_counter()\n"
        "from helpers.render import export_report\n"
        "export_report(sys.argv[1], sys.argv[2], title='t', footer='f')\n"
        "print(time.perf_counter()-t)\n"
    )
    nb03 = keep_out[1] / PERIOD / "notebooks" / "03_report.ipynb"
    for i in range(fast_runs):
        _, p = run([sys.executable, "-c", exp, nb03, tmp / f"export-{i}.html"], cwd=tmp)
        export.values.append(float(p.stdout.strip()))
    bounds["HTML export of 03_report (import nbconvert + export)"] = export
    res["bounds"] = bounds
    return res


# --------------------------------------------------------------------------
# 3. many periods
# --------------------------------------------------------------------------


def _replace_once(text: str, old: str, new: str, where: str) -> str:
    n = text.count(old)
    if n != 1:
        raise BenchError(f"{where}: expected '{old}' once, found it {n} times")
    return text.replace(old, new)


def synthetic_periods(data: Path, n: int) -> list[str]:
    """``n`` March periods going back a year at a time from 2018-03, in ``data/raw``.

    2018-03 is the real folder; each earlier one is its report and KPI sheet with
    the as-of label of the title changed (平成29年度末 → that year's label) and a
    few numbers varied in the report text and the KPI sheet alike.
    """
    from helpers.periods import MIN_YEAR, period_label, validate_period

    src = ROOT / "data" / "raw" / PERIOD
    report_name = "progress_report_H29_end.txt"
    sheet_name = "kpi_sheet.csv"
    report = (src / report_name).read_text(encoding="utf-8")
    with open(src / sheet_name, encoding="utf-8-sig", newline="") as f:
        sheet = f.read()
    made = []
    for k in range(n):
        year = 2018 - k
        if year < MIN_YEAR + 1:
            raise BenchError(
                f"{year}-03 is before the periods helpers.periods supports ({MIN_YEAR}+)"
            )
        pid = validate_period(f"{year}-03")
        dest = data / "raw" / pid
        if k == 0:
            shutil.copytree(src, dest)
            made.append(pid)
            continue
        dest.mkdir(parents=True)
        label = period_label(pid)
        lines = report.split("\n")
        head = "\n".join(lines[:12])
        if head.count("平成 29年度末") != 1:
            raise BenchError("the report's title lines no longer hold '平成 29年度末' once")
        text = "\n".join([head.replace("平成 29年度末", label), *lines[12:]])
        value, prev = 9718 - 37 * k, 9855 - 37 * k  # still 4 digits, still 微減, still < 1 万人
        hits, visits = 340 - 2 * k, 980 - 3 * k  # still above 300万件, still below 1,000 人／年
        text = _replace_once(text, "9,718", f"{value:,}", "report")
        text = _replace_once(text, "9,855人", f"{prev:,}人", "report")
        text = _replace_once(text, "約 340万件", f"約 {hits}万件", "report")
        text = _replace_once(text, "延べ 980 人", f"延べ {visits} 人", "report")
        (dest / report_name).write_text(text, encoding="utf-8")
        s = _replace_once(sheet, '"9,718人"', f'"{value:,}人"', "sheet")
        s = _replace_once(s, '"9,855人"', f'"{prev:,}人"', "sheet")
        s = _replace_once(s, "約340万件", f"約{hits}万件", "sheet")
        s = _replace_once(s, "延べ 980 人／年", f"延べ {visits} 人／年", "sheet")
        with open(dest / sheet_name, "w", encoding="utf-8-sig", newline="") as f:
            f.write(s)
        made.append(pid)
    return sorted(made)


def check_synthetic(data: Path, periods: list[str]) -> None:
    """Every synthetic period cleans, is read as its own period, and has its varied values."""
    from helpers.clean import clean_period

    for pid in periods:
        k = 2018 - int(pid[:4])
        res = clean_period(pid, data, write=False)
        ind = res.indicators.set_index("kpi_id")
        want = {"1-1": 9718 - 37 * k, "8-1": (340 - 2 * k) * 10_000, "10-1": 980 - 3 * k}
        for kpi, v in want.items():
            if float(ind.loc[kpi, "value"]) != v:
                raise BenchError(f"{pid}: KPI {kpi} is {ind.loc[kpi, 'value']}, expected {v}")
        if float(ind.loc["1-1", "prev_value"]) != 9855 - 37 * k:
            raise BenchError(f"{pid}: KPI 1-1 previous value not varied")


def bench_periods(tmp: Path, sizes: list[int], runs: int) -> dict:
    res: dict = {"sizes": {}}
    failures: list[str] = []
    res["failures"] = failures
    for n in sizes:
        log(f"periods: building {n} March periods …")
        data = fresh_dir(tmp, f"data-{n}p-")
        periods = synthetic_periods(data, n)
        check_synthetic(data, periods)
        # the comparison's cost: every earlier period is cleaned from raw, in 02 and again in 03
        from helpers.clean import clean_period
        from helpers.compare import load_history

        history, clean_one = Sample(), Sample()
        for _ in range(max(runs, 3)):
            t0 = time.perf_counter()
            load_history(periods[-1], data)
            history.values.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            clean_period(periods[-1], data, write=False)
            clean_one.values.append(time.perf_counter() - t0)
        all_runs, single = Sample(), Sample()
        for r in range(runs):
            log(f"periods: N={n}, run {r + 1}/{runs}: reform-workbook --all --jobs 2 --force …")
            for attempt in range(3):
                out = fresh_dir(tmp, f"out-{n}p-")
                try:
                    dt, p = run(
                        [
                            BIN / "reform-workbook",
                            "--all",
                            "--jobs",
                            "2",
                            "--force",
                            "--data-dir",
                            data,
                            "--output-dir",
                            out,
                        ],
                        cwd=tmp,
                    )
                    break
                except BenchError as exc:
                    # a kernel that dies on start-up when two are started at once (see the doc)
                    died = re.search(
                        r"(Kernel died[^\n]*|ZMQError[^\n]*|Address already in use)", str(exc)
                    )
                    if not died or attempt == 2:
                        raise
                    failures.append(f"N={n}, run {r + 1}: {died.group(1)}")
                    log(f"periods: N={n}, run {r + 1} failed ({died.group(1)}); running it again")
            done = sorted(
                d.name for d in out.iterdir() if d.is_dir() and (d / "report.html").exists()
            )
            if done != periods:
                raise BenchError(f"--all wrote reports for {len(done)} of {n} periods")
            all_runs.values.append(dt)
            # the newest period alone in the same folder (it compares with all the earlier ones)
            out1 = fresh_dir(tmp, f"out-{n}p-single-")
            dt1, _ = run(workbook_cmd(data, out1, "--force"), cwd=tmp)
            single.values.append(dt1)
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(out1, ignore_errors=True)
        res["sizes"][n] = {
            "periods": periods,
            "all": all_runs,
            "per_period": all_runs.median / n,
            "single_here": single,
            "history": history,
            "clean_one": clean_one,
        }
    return res


# --------------------------------------------------------------------------
# 4. helpers at scale
# --------------------------------------------------------------------------


def synthetic_indicators(n: int, seed: int = 0):
    """A KPI indicators table of ``n`` rows: numbers, texts as a report writes them, kinds, directions."""
    import numpy as np
    import pandas as pd

    from helpers.jpnum import TARGET_KINDS
    from helpers.kpi_sheet import INDICATOR_COLUMNS

    rng = np.random.default_rng(seed)
    units = np.array(["人", "件", "円", "%"])
    unit = units[rng.integers(0, 4, n)]
    is_pct, is_yen = unit == "%", unit == "円"

    # values in the unit as written: persons/cases 10..99,999; yen in 万円 1..99,999; % one decimal
    raw = rng.integers(10, 100_000, n).astype(float)
    pct = np.round(rng.uniform(0, 100, n), 1)
    written = np.where(is_pct, pct, raw)
    value = np.where(is_yen, written * 10_000, written)
    value_missing = rng.random(n) < 0.05
    prev_written = np.where(
        is_pct,
        np.round(np.clip(pct + rng.normal(0, 5, n), 0, 100), 1),
        np.maximum(1, np.round(raw * rng.uniform(0.8, 1.2, n))),
    )
    prev = np.where(is_yen, prev_written * 10_000, prev_written)
    prev_missing = rng.random(n) < 0.25
    prev[rng.random(n) < 0.01] = 0.0  # a previous value of 0 (no change_pct)

    kinds = np.array(TARGET_KINDS)
    kind = kinds[rng.choice(9, n, p=[0.3, 0.05, 0.1, 0.05, 0.2, 0.1, 0.07, 0.05, 0.08])]
    kind = np.where((kind == "range") & ~is_pct, "at_least", kind)
    # targets are round numbers as plans set them (1 万人以上, 370万件, 35 億円): two significant digits
    t_raw = np.maximum(raw * rng.uniform(0.8, 1.3, n), 10)
    mag = np.maximum(10 ** (np.floor(np.log10(t_raw)) - 1), 1)
    t_written = np.where(is_pct, np.round(rng.uniform(50, 100, n)), np.round(t_raw / mag) * mag)
    t_value = np.where(is_yen, t_written * 10_000, t_written)
    decade = np.floor(pct / 10) * 10
    lower = (rng.random(n) < 0.15) | np.isin(kind, ["at_most", "less_than"])

    low = np.where(np.isin(kind, ["at_least", "greater_than", "point"]), t_value, np.nan)
    high = np.where(np.isin(kind, ["at_most", "less_than"]), t_value, np.nan)
    low = np.where(kind == "range", decade, low)
    high = np.where(kind == "range", decade + 10, high)

    def num_text(w, u, approx):
        if u == "%":
            return f"{w:.1f}%"
        if u == "円":
            return f"{int(w):,}万円"
        if approx:
            return f"約{int(w):,}{u}"
        return f"{int(w):,}{u}"

    approx = (rng.random(n) < 0.1) & ~is_pct
    ul, wl, pl, al, tl = (
        unit.tolist(),
        written.tolist(),
        prev_written.tolist(),
        approx.tolist(),
        t_written.tolist(),
    )
    value_text = [
        "未算出" if m else num_text(w, u, a)
        for m, w, u, a in zip(value_missing.tolist(), wl, ul, al, strict=True)
    ]
    prev_text = [
        None if m else num_text(w, u, False)
        for m, w, u in zip(prev_missing.tolist(), pl, ul, strict=True)
    ]
    suffix = {
        "at_least": "以上",
        "greater_than": "超",
        "at_most": "以下",
        "less_than": "未満",
        "point": "",
    }
    target_text = []
    for k, u, w, d in zip(kind.tolist(), ul, tl, decade.tolist(), strict=True):
        if k in suffix:
            target_text.append((f"{int(w)}%" if u == "%" else num_text(w, u, False)) + suffix[k])
        elif k == "range":
            target_text.append(f"{int(d)}%台")
        elif k == "achieved":
            target_text.append("目標を達成した")
        elif k == "yes_no":
            target_text.append("包括協定の締結")
        else:
            target_text.append(None)
    value = np.where(value_missing | (kind == "yes_no"), np.nan, value)
    prev = np.where(prev_missing, np.nan, prev)
    flag = np.where(kind == "yes_no", rng.random(n) < 0.5, False)
    flag_na = (kind != "yes_no") | (rng.random(n) < 0.2)

    df = pd.DataFrame(
        {
            "kpi_id": [f"{i // 3 + 1}-{i % 3 + 1}" for i in range(n)],
            "item_no": (np.arange(n) // 3 + 1),
            "area_no": rng.integers(1, 6, n),
            "item_status": np.where(rng.random(n) < 0.3, "S", "B").tolist(),
            "marker": None,
            "indicator": np.where(lower, "経常収支比率", "市民活動支援センター来場者数").tolist(),
            "unit": ul,
            "value": pd.array(np.where(np.isnan(value), None, value).tolist(), dtype="Float64"),
            "value_text": value_text,
            "approx": approx,
            "value_flag": pd.array(np.where(flag_na, None, flag).tolist(), dtype="boolean"),
            "prev_value": pd.array(np.where(np.isnan(prev), None, prev).tolist(), dtype="Float64"),
            "prev_text": prev_text,
            "prev_derived": False,
            "prev_approx": False,
            "change_stated": pd.array([None] * n, dtype="Float64"),
            "target_kind": kind.tolist(),
            "target_low": pd.array(np.where(np.isnan(low), None, low).tolist(), dtype="Float64"),
            "target_high": pd.array(np.where(np.isnan(high), None, high).tolist(), dtype="Float64"),
            "target_high_open": kind == "range",
            "target_value": pd.array(
                np.where(np.isnan(low), np.where(np.isnan(high), None, high), low).tolist(),
                dtype="Float64",
            ),
            "target_text": target_text,
            "result_text": None,
            "stated_met": pd.array([None] * n, dtype="boolean"),
            "direction": np.where(lower, "lower", "higher").tolist(),
            "direction_basis": "sheet",
            "source_quote": None,
            "note": None,
            "sheet_line": np.arange(n) + 2,
        },
        columns=INDICATOR_COLUMNS,
    )
    return df


def clean_rows(texts: list[tuple]) -> list[tuple]:
    """The cleaning step, row by row as read_kpi_sheet does it: value, previous value, target."""
    from helpers.jpnum import is_missing, parse_quantity, parse_target, to_float

    out = []
    for value_text, prev_text, target_text, unit in texts:
        v = None if is_missing(value_text) else to_float(parse_quantity(value_text, unit).value)
        p = None if is_missing(prev_text) else to_float(parse_quantity(prev_text, unit).value)
        t = parse_target(target_text, unit)
        out.append((v, p, t.kind, to_float(t.low), to_float(t.high)))
    return out


def clean_rows_dedup(texts: list[tuple]) -> list[tuple]:
    """The same, parsing each distinct (text, unit) once."""
    from helpers.jpnum import is_missing, parse_quantity, parse_target, to_float

    qcache: dict = {}
    tcache: dict = {}

    def q(text, unit):
        key = (text, unit)
        if key not in qcache:
            qcache[key] = None if is_missing(text) else to_float(parse_quantity(text, unit).value)
        return qcache[key]

    def t(text, unit):
        key = (text, unit)
        if key not in tcache:
            tg = parse_target(text, unit)
            tcache[key] = (tg.kind, to_float(tg.low), to_float(tg.high))
        return tcache[key]

    return [(q(v, u), q(p, u), *t(tt, u)) for v, p, tt, u in texts]


def clean_rows_vectorised(texts: list[tuple]) -> list[tuple]:
    """The same with helpers.jpnum_vec: Arrow string kernels, the scalar parser for the rest."""
    import math

    from helpers.jpnum_vec import parse_targets, parse_values

    v = parse_values([t[0] for t in texts])["value"].tolist()
    p = parse_values([t[1] for t in texts])["value"].tolist()
    tg = parse_targets([t[2] for t in texts])

    def none(x):
        return None if isinstance(x, float) and math.isnan(x) else x

    return [
        (none(a), none(b), k, none(lo), none(hi))
        for a, b, k, lo, hi in zip(
            v, p, tg["kind"].tolist(), tg["low"].tolist(), tg["high"].tolist(), strict=True
        )
    ]


def texts_of(df) -> list[tuple]:
    return list(
        zip(
            df["value_text"].tolist(),
            df["prev_text"].tolist(),
            df["target_text"].tolist(),
            df["unit"].tolist(),
            strict=True,
        )
    )


def scale_worker(what: str, rows: int) -> dict:
    """One call of ``what`` on a ``rows``-row table in this (fresh) process: seconds and peak memory."""
    import resource

    df = synthetic_indicators(rows)
    arg = texts_of(df) if what.startswith("clean") else df
    fn = scale_function(what)
    gc.collect()
    hwm_reset = False
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM)
        hwm_reset = True
    except OSError:
        pass
    base_rss = _proc_status("VmRSS")
    base_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    fn(arg)
    dt = time.perf_counter() - t0
    peak = (
        _proc_status("VmHWM")
        if hwm_reset
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    base = base_rss if hwm_reset else base_maxrss
    return {
        "seconds": dt,
        "peak_rss": peak,
        "base_rss": base,
        "peak_increase": max(0, peak - base),
        "hwm_reset": hwm_reset,
    }


def _proc_status(key: str) -> int:
    m = re.search(rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    return int(m.group(1)) * 1024 if m else 0


def scale_function(what: str):
    from helpers.metrics import compute_metrics, compute_metrics_rowwise

    return {
        "metrics": compute_metrics,
        "metrics_rowwise": compute_metrics_rowwise,
        "clean": clean_rows,
        "clean_dedup": clean_rows_dedup,
        "clean_vec": clean_rows_vectorised,
    }[what]


SCALE_WHAT = {
    "metrics": "compute_metrics (vectorised)",
    "metrics_rowwise": "compute_metrics_rowwise (the per-row kpi_metrics loop)",
    "clean": "cleaning: parse value/prev/target texts, row by row",
    "clean_dedup": "cleaning: the same, each distinct text parsed once",
    "clean_vec": "cleaning: the same, vectorised (helpers.jpnum_vec)",
}


def check_identical(df) -> dict:
    """compute_metrics against the per-row reference: every value and dtype equal."""
    import numpy as np
    import pandas as pd

    from helpers.metrics import compute_metrics, compute_metrics_rowwise

    a, b = compute_metrics_rowwise(df), compute_metrics(df)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for col in a.columns:
        if str(a[col].dtype) != str(b[col].dtype):
            raise BenchError(f"dtype of {col}: {a[col].dtype} vs {b[col].dtype}")
        if str(a[col].dtype) == "Float64":
            x, y = (
                a[col].to_numpy(np.float64, na_value=np.nan),
                b[col].to_numpy(np.float64, na_value=np.nan),
            )
            if not np.array_equal(
                x.view(np.int64), y.view(np.int64)
            ):  # bit for bit (NaNs included)
                raise BenchError(f"{col}: values differ in their bits")
    return {"rows": len(df), "identical": True}


def profile_text(fn, arg, limit: int = 28) -> str:
    from pyinstrument import Profiler

    prof = Profiler(interval=0.001)
    prof.start()
    fn(arg)
    prof.stop()
    text = prof.output_text(unicode=True, color=False, show_all=False)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    # drop pyinstrument's banner
    start = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.lstrip().startswith(("0.", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9."))
        ),
        0,
    )
    return "\n".join(lines[start : start + limit])


def bench_scale(tmp: Path, sizes: list[int], runs: int, quick: bool) -> dict:
    import numpy as np

    from helpers.clean import clean_period
    from helpers.metrics import compute_metrics, compute_metrics_rowwise

    res: dict = {"sizes": sizes, "time": {}, "mem": {}, "uniques": {}}
    # identical results: the real data and a 10k-row table
    log("scale: checking compute_metrics against the per-row reference …")
    real = clean_period(PERIOD, ROOT / "data", write=False).indicators
    res["identical_real"] = check_identical(real)
    res["identical_synthetic"] = check_identical(synthetic_indicators(10_000, seed=1))
    # parse check: the cleaning step recovers the table's numbers
    small = synthetic_indicators(2_000, seed=2)
    parsed = clean_rows(texts_of(small))
    vals = np.array([np.nan if r[0] is None else r[0] for r in parsed])
    ref = small["value"].to_numpy(np.float64, na_value=np.nan)
    ok = np.isnan(ref) | (vals == ref)
    res["parse_check"] = bool(ok.all())
    if clean_rows_dedup(texts_of(small)) != parsed:
        raise BenchError("the de-duplicated cleaning step differs from the per-row one")
    if clean_rows_vectorised(texts_of(small)) != parsed:
        raise BenchError("the vectorised cleaning step differs from the per-row one")

    for n in sizes:
        log(f"scale: {n:,} rows …")
        df = synthetic_indicators(n)
        texts = texts_of(df)
        res["uniques"][n] = len(
            {(v, u) for v, _, _, u in texts}
            | {(p, u) for _, p, _, u in texts}
            | {(t, u) for _, _, t, u in texts}
        )
        for what, fn, arg in (
            ("metrics", compute_metrics, df),
            ("metrics_rowwise", compute_metrics_rowwise, df),
            ("clean", clean_rows, texts),
            ("clean_dedup", clean_rows_dedup, texts),
            ("clean_vec", clean_rows_vectorised, texts),
        ):
            s = Sample()
            for _ in range(runs):
                gc.collect()
                t0 = time.perf_counter()
                fn(arg)
                s.values.append(time.perf_counter() - t0)
            res["time"][(what, n)] = s
            # peak memory of one call, in a fresh process
            _, p = run([sys.executable, __file__, "--worker", what, "--rows", str(n)], cwd=tmp)
            res["mem"][(what, n)] = json.loads(p.stdout.strip().splitlines()[-1])
        del df, texts
        gc.collect()

    # profiles
    log("scale: profiles (pyinstrument) …")
    n_prof = 10_000 if quick else 100_000
    df = synthetic_indicators(n_prof)
    res["profile_rows"] = n_prof
    res["profile_rowwise"] = profile_text(compute_metrics_rowwise, df)
    res["profile_vectorised"] = profile_text(compute_metrics, synthetic_indicators(sizes[-1]))
    res["profile_clean"] = profile_text(clean_rows, texts_of(df))
    return res


def growth(samples: dict, what: str, sizes: list[int]) -> float:
    """The exponent b of time ∝ rows^b between the smallest and largest size (1 = linear)."""
    a, b = samples[(what, sizes[0])].median, samples[(what, sizes[-1])].median
    return math.log(b / a) / math.log(sizes[-1] / sizes[0]) if a > 0 and b > 0 else math.nan


# --------------------------------------------------------------------------
# 5. the report in a browser
# --------------------------------------------------------------------------


def bench_report(tmp: Path, report: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    res: dict = {"bytes": report.stat().st_size, "path": report}
    load, launch = Sample(), Sample()
    url = report.resolve().as_uri()
    with sync_playwright() as pw:
        for _ in range(max(1, min(runs, 3))):
            t0 = time.perf_counter()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            launch.values.append(time.perf_counter() - t0)
            browser.close()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(url, wait_until="load")
                load.values.append(time.perf_counter() - t0)
                res["images"] = page.evaluate("document.images.length")
                res["title"] = page.title()
                page.close()
        finally:
            browser.close()
    res["load"], res["launch"] = load, launch
    html = report.read_text(encoding="utf-8")
    res["image_bytes"] = sum(
        len(m) for m in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    )
    return res


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------


def table_rows(R: dict) -> list[tuple[str, str, str, str]]:
    """(measure, figure, runs, goal/verdict) rows for the printed table."""
    rows = []
    P = R.get("pipeline")
    if P:
        rows += [
            (
                "papermill CLI, empty notebook (floor)",
                fmt_s(P["floor"].median),
                str(P["floor"].runs),
                "",
            ),
            (
                "obvious chain: papermill ×3 + nbconvert",
                fmt_s(P["chain"].median),
                str(P["chain"].runs),
                "",
            ),
            (
                "reform-workbook --force (one period)",
                fmt_s(P["workbook"].median),
                str(P["workbook"].runs),
                "",
            ),
            (
                "  workbook / floor",
                f"{P['ratios']['workbook_floor']:.2f}×",
                "",
                f"≤ 3× {verdict(P['ratios']['workbook_floor'], 3)}",
            ),
            (
                "  workbook / chain",
                f"{P['ratios']['workbook_chain']:.2f}×",
                "",
                f"≤ 0.6× {verdict(P['ratios']['workbook_chain'], 0.6)}",
            ),
            ("rerun, nothing changed", fmt_s(P["rerun"].median), str(P["rerun"].runs), ""),
            (
                "  rerun / floor",
                f"{P['ratios']['rerun_floor']:.2f}×",
                "",
                f"≤ 0.3× {verdict(P['ratios']['rerun_floor'], 0.3)}",
            ),
        ]
    M = R.get("periods")
    if M:
        single = P["workbook"].median if P else math.nan
        for n, d in M["sizes"].items():
            rows.append(
                (f"--all --jobs 2, {n} periods", fmt_s(d["all"].median), str(d["all"].runs), "")
            )
            rows.append((f"  per period ({n})", fmt_s(d["per_period"]), "", ""))
            if P:
                r = d["per_period"] / single
                rows.append(
                    (
                        f"  per period / single run ({n})",
                        f"{r:.2f}×",
                        "",
                        f"≤ 0.6× {verdict(r, 0.6)}",
                    )
                )
    S = R.get("scale")
    if S:
        big = S["sizes"][-1]
        for what in ("metrics", "metrics_rowwise", "clean", "clean_dedup", "clean_vec"):
            s = S["time"][(what, big)]
            goal = f"≤ 10 s {verdict(s.median, 10)}" if big >= 1_000_000 else ""
            rows.append((f"{SCALE_WHAT[what]}, {big:,} rows", fmt_s(s.median), str(s.runs), goal))
    Q = R.get("report")
    if Q:
        rows.append(("report.html size", fmt_bytes(Q["bytes"]), "", ""))
        rows.append(
            ("Chromium page.goto(report, load)", fmt_s(Q["load"].median), str(Q["load"].runs), "")
        )
    return rows


def print_table(rows) -> None:
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    head = ("measure", "median", "runs", "goal")
    w = [max(w[i], len(head[i])) for i in range(4)]
    line = "  ".join(h.ljust(w[i]) for i, h in enumerate(head))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join((r[i].rjust(w[i]) if i in (1, 2) else r[i].ljust(w[i])) for i in range(4)))


def sample_row(name: str, s: Sample) -> str:
    return f"| {name} | {fmt_s(s.median)} | {s.runs} | {s.spread() and s.spread() + ' s'} |"


def markdown(R: dict, args, env: dict, started: str, elapsed: float, untouched) -> str:
    P, M, S, Q = R.get("pipeline"), R.get("periods"), R.get("scale"), R.get("report")
    data_unchanged = untouched if isinstance(untouched, bool) else not untouched.get("data")
    out: list[str] = []
    w = out.append
    w("# Benchmarks")
    w("")
    w(
        f"Generated by `bench/run_bench.py` ({'--quick, ' if args.quick else ''}started {started}, "
        f"took {elapsed / 60:.1f} min). Every figure is the median of the runs shown; all runs used "
        "temporary folders (raw data copied there), never the project's `data/` or `outputs/`"
        + (" (they were unchanged during the run)." if data_unchanged else ".")
    )
    if untouched is False:
        w("")
        w(
            "**Note:** the project's data/ or outputs/ changed during the run, written by another process."
        )
    if isinstance(untouched, dict):
        notes = []
        if untouched.get("data"):
            notes.append(
                describe_changes(untouched["data"], "the project's data/ and outputs/")
                + ". This benchmark passes temporary --data-dir/--output-dir (or data_dir/output_dir "
                "parameters) to every run it starts, so another process wrote them (a run on the "
                "project's default folders while the benchmark ran)."
            )
        if untouched.get("code"):
            notes.append(
                describe_changes(untouched["code"], "the code (src/, notebooks/, pyproject.toml)")
                + ". The project was being edited while the benchmark ran; figures taken before and "
                "after may reflect different code."
            )
        for n in notes:
            w("")
            w(f"**Note:** {n}")
    w("")
    w("## Machine")
    w("")
    w(f"- CPUs (nproc): {env['nproc']}; CPU: {env['cpu']}; memory: {env['memory']}")
    w(f"- OS: {env['os']}; Python {env['python']}; {env['chromium']}")
    w("- packages: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()))
    w(
        f"- load average at the start: {' '.join(env['loadavg'])}; at the end: {' '.join(env.get('loadavg_end', []))} "
        "(other work on the machine slows the figures; 2 cores are shared by the kernel, papermill and everything else)"
    )
    w("")
    w("## Summary against the goals")
    w("")
    w("| goal | measured | verdict |")
    w("|---|---|---|")
    if P:
        r = P["ratios"]
        w(
            f"| workbook run ≤ 3 × the papermill floor | {fmt_s(P['workbook'].median)} / {fmt_s(P['floor'].median)} = **{r['workbook_floor']:.2f}×** | {verdict(r['workbook_floor'], 3)} |"
        )
        w(
            f"| workbook run ≤ 0.6 × the obvious chain | {fmt_s(P['workbook'].median)} / {fmt_s(P['chain'].median)} = **{r['workbook_chain']:.2f}×** | {verdict(r['workbook_chain'], 0.6)} |"
        )
        w(
            f"| rerun with nothing changed ≤ 0.3 × floor | {fmt_s(P['rerun'].median)} / {fmt_s(P['floor'].median)} = **{r['rerun_floor']:.2f}×** | {verdict(r['rerun_floor'], 0.3)} |"
        )
    if M and P:
        for n, d in M["sizes"].items():
            rr = d["per_period"] / P["workbook"].median
            w(
                f"| many periods ({n}): time per period ≤ 0.6 × one period alone | {fmt_s(d['per_period'])} / {fmt_s(P['workbook'].median)} = **{rr:.2f}×** | {verdict(rr, 0.6)} |"
            )
    if S:
        big = S["sizes"][-1]
        for what in ("metrics", "metrics_rowwise", "clean", "clean_dedup", "clean_vec"):
            s = S["time"][(what, big)]
            v = (
                verdict(s.median, 10)
                if big >= 1_000_000
                else f"not measured at 1M (largest here {big:,})"
            )
            if what in ("metrics_rowwise", "clean"):
                v += " (the row-by-row reference the fast path is checked against; KPI sheets of tens of rows use it)"
            w(f"| {SCALE_WHAT[what]}: {big:,} rows ≤ 10 s | **{fmt_s(s.median)}** | {v} |")
    w("")

    if P:
        w("## 1. The floor, the obvious chain and the workbook (one period, 2018-03)")
        w("")
        w("| what | median | runs | range |")
        w("|---|---:|---:|---|")
        w(
            sample_row(
                "floor: `papermill empty.ipynb out.ipynb` (one cell `pass`, kernel reform-workbook)",
                P["floor"],
            )
        )
        w(sample_row("obvious chain, total", P["chain"]))
        for k, s in P["chain_parts"].items():
            w(
                sample_row(
                    f"&nbsp;&nbsp;chain: {'papermill ' + k if k != 'nbconvert' else 'jupyter nbconvert --to html 03_report'}",
                    s,
                )
            )
        w(
            sample_row(
                "`reform-workbook --period 2018-03 --data-dir D --output-dir O --force`",
                P["workbook"],
            )
        )
        for k, s in P["stages"].items():
            w(sample_row(f"&nbsp;&nbsp;workbook: {k}", s))
        w("")
        w(
            "The stage times come from the workbook's own log (`done in … s`, 0.1 s resolution); "
            '"other" is the rest of the wall time.'
        )
        w("")
        w("What a run is made of (the bounds):")
        w("")
        w("| what | median | runs |")
        w("|---|---:|---:|")
        for k, s in P["bounds"].items():
            w(f"| {k} | {fmt_s(s.median)} | {s.runs} |")
        w("")
        if P.get("cells"):
            w(
                "Inside the notebooks (cell times papermill recorded in the last workbook run; "
                "the rest of a stage is kernel start-up, papermill's bookkeeping and saving the notebook):"
            )
            w("")
            w("| notebook | stage | all cells | rest | slowest cells |")
            w("|---|---:|---:|---:|---|")
            for name, c in P["cells"].items():
                stage = P["stages"].get(name)
                st = stage.values[-1] if stage else math.nan
                slow = "; ".join(f"{fmt_s(d)} `{src}`" for d, src in c["top"])
                w(
                    f"| {name} | {fmt_s(st)} | {fmt_s(c['cells_total'])} | {fmt_s(st - c['cells_total'])} | {slow} |"
                )
            w("")
        w(analysis_pipeline(P))
        w("")
        w("## 2. Rerun with nothing changed")
        w("")
        w(
            f"`reform-workbook --period 2018-03 …` without `--force`, right after a run: **{fmt_s(P['rerun'].median)}** "
            f"(median of {P['rerun'].runs}; range {P['rerun'].spread() or '–'} s), {P['ratios']['rerun_floor']:.2f}× the floor "
            f"(goal ≤ 0.3×: {verdict(P['ratios']['rerun_floor'], 0.3)}). The run hashes the raw data, the package's code and "
            "the notebooks, finds the fingerprint of the last run equal and skips; no kernel starts. "
            f"The CLI alone (`reform-workbook --list`) takes {fmt_s(P['bounds']['reform-workbook --list (CLI start-up)'].median)}, "
            f"the interpreter alone {fmt_s(P['bounds']['python -c pass'].median)}."
        )
        if P["rerun_not_skipped"]:
            w("")
            w(
                f"{P['rerun_not_skipped']} rerun(s) were not skipped because the code or notebooks changed between the "
                "run and the rerun (the project was being edited while the benchmark ran); they were left out and repeated."
            )
        w("")
    if M:
        w("## 3. Many periods: `reform-workbook --all --jobs 2 --force`")
        w("")
        w(
            "Synthetic March periods going back a year at a time from 2018-03 (one per fiscal year, so every label "
            "is of the 年度末 form): 2018-03 is the real folder; each earlier one is a copy of its report and KPI "
            "sheet with the title's as-of label replaced by `helpers.periods.period_label` (e.g. 平成10年度末 for "
            "1999-03) and four numbers varied alike in the report text and the sheet (9,718人 → 9,718 − 37k, "
            "9,855人 → 9,855 − 37k, 約340万件 → 約(340 − 2k)万件, 延べ 980 人 → 延べ (980 − 3k) 人, k years back), "
            "so the sheet still matches the report and the audit's words (微減, 伸び, 届かなかった) still hold. "
            "Each was cleaned and checked before the runs. helpers.periods accepts every year from 1989 "
            f"({min(min(d['periods']) for d in M['sizes'].values())} is the oldest used here). "
            "The real mid-year folder 2017-09 is not included."
        )
        w("")
        w(
            "| periods | --all --jobs 2 (median) | runs | per period | per period / single run (section 1) "
            "| newest period alone in the same folder | its `load_history` (in-process) | `clean_period` of one period |"
        )
        w("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n, d in M["sizes"].items():
            rr = d["per_period"] / P["workbook"].median if P else math.nan
            w(
                f"| {n} | {fmt_s(d['all'].median)} | {d['all'].runs} | {fmt_s(d['per_period'])} | {rr:.2f}× ({verdict(rr, 0.6)}) | {fmt_s(d['single_here'].median)} "
                f"| {fmt_s(d['history'].median)} | {fmt_s(d['clean_one'].median)} |"
            )
        w("")
        w(analysis_periods(M, P))
        w("")
        if not M.get("failures"):
            w(
                "No `--all --jobs 2` run failed here. (A run whose error is a kernel dying on start-up is run "
                "again and reported: two kernels started at the same moment by the two jobs can race for a TCP "
                "port, a known intermittent problem of papermill in parallel processes, nteract/papermill#511.)"
            )
            w("")
        if M.get("failures"):
            w(
                f"**{len(M['failures'])} `--all --jobs 2` run(s) failed** and were run again: "
                + "; ".join(f"{f}" for f in M["failures"])
                + ". A kernel died on start-up while the other job started one at the same moment. This is "
                "the known race of papermill in parallel processes (nteract/papermill#511, "
                '"ZMQError: Address already in use"): jupyter_client picks free TCP ports for a kernel by '
                "binding and releasing them, and the kernel started by the other process can take the same port "
                "before this one binds it. `--jobs 2` is therefore not fully reliable as it stands; kernels "
                "talking over IPC sockets (`KernelManager(transport='ipc')`) or a retry of the kernel start in "
                "`helpers.pipeline` would avoid it."
            )
            w("")
    if S:
        w("## 4. The helpers at scale")
        w("")
        w(
            "Synthetic indicator tables with the columns of `helpers.kpi_sheet.INDICATOR_COLUMNS` "
            "(numpy, fixed seed): units 人/件/円/%, every target kind (at_least 30 %, point 20 %, range, "
            "at_most, less_than, greater_than, achieved, yes_no, none), 15 % lower-is-better, 5 % values "
            "missing (未算出), 25 % without a previous value; the texts as a report writes them "
            "(`9,718人`, `約340万件`, `2,265万円`, `62.6%`, `1,000人以上`, `80%台`, `目標を達成した`); "
            "values are random, targets round numbers of two significant digits as plans set them."
        )
        w("")
        w(
            "`compute_metrics` is now vectorised (numpy on whole columns); `compute_metrics_rowwise` is the "
            "previous implementation (`kpi_metrics` per row), kept as the reference. They give identical "
            f"frames — every value bit for bit, every dtype — on the real 2018-03 indicators "
            f"({S['identical_real']['rows']} rows) and on a {S['identical_synthetic']['rows']:,}-row synthetic table "
            "(checked at each run of this benchmark). The cleaning step parses value, previous value and target "
            "texts with `helpers.jpnum.parse_quantity` / `parse_target` as `read_kpi_sheet` does"
            + (
                " (it recovers the table's values exactly)."
                if S["parse_check"]
                else " (**it did not recover the table's values**)."
            )
        )
        w("")
        w("| helper | rows | median | runs | per row | peak RSS increase |")
        w("|---|---:|---:|---:|---:|---:|")
        for what in ("metrics", "metrics_rowwise", "clean", "clean_dedup", "clean_vec"):
            for n in S["sizes"]:
                s, m = S["time"][(what, n)], S["mem"][(what, n)]
                w(
                    f"| {SCALE_WHAT[what]} | {n:,} | {fmt_s(s.median)} | {s.runs} | {s.median / n * 1e6:.2f} µs | {fmt_bytes(m['peak_increase'])} |"
                )
        w("")
        short = {
            "metrics": "compute_metrics",
            "metrics_rowwise": "compute_metrics_rowwise",
            "clean": "cleaning row by row",
            "clean_dedup": "cleaning, distinct texts once",
            "clean_vec": "cleaning, vectorised",
        }
        w(
            "Growth (exponent b in time ∝ rows^b, smallest to largest size; 1 is linear): "
            + ", ".join(f"{short[wh]} {growth(S['time'], wh, S['sizes']):.2f}" for wh in short)
            + ". Distinct (text, unit) pairs per table: "
            + ", ".join(f"{n:,} rows → {u:,}" for n, u in S["uniques"].items())
            + "."
        )
        w("")
        w(
            "Peak memory is measured for one call in a fresh process: the rise of the resident set's high-water "
            "mark (VmHWM, reset just before the call) over the resident set after the table was built."
        )
        w("")
        w(analysis_scale(S))
        w("")
        w(
            f"Profile of `compute_metrics_rowwise` on {S['profile_rows']:,} rows (pyinstrument, the reference):"
        )
        w("")
        w("```")
        w(S["profile_rowwise"])
        w("```")
        w("")
        w(f"Profile of the vectorised `compute_metrics` on {S['sizes'][-1]:,} rows:")
        w("")
        w("```")
        w(S["profile_vectorised"])
        w("```")
        w("")
        w(f"Profile of the row-by-row cleaning step on {S['profile_rows']:,} rows:")
        w("")
        w("```")
        w(S["profile_clean"])
        w("```")
        w("")
    if Q:
        w("## 5. The report in a browser")
        w("")
        w(
            f"`report.html` of 2018-03: **{Q['bytes']:,} bytes** ({fmt_bytes(Q['bytes'])}), of which "
            f"{Q['image_bytes']:,} bytes ({Q['image_bytes'] / Q['bytes'] * 100:.0f} %) are the base64 PNG charts "
            f"inlined in it ({Q.get('images', '?')} images). Headless Chromium (Playwright sync API, "
            f"`{CHROMIUM}`, flags {' '.join(CHROMIUM_ARGS)}) loads it with `page.goto(file URL, wait_until='load')` in "
            f"**{fmt_s(Q['load'].median)}** (median of {Q['load'].runs}, a new page each time; range "
            f"{Q['load'].spread() or '–'} s); launching the browser takes {fmt_s(Q['launch'].median)} more "
            f"(median of {Q['launch'].runs})."
        )
        w("")
    w("## How to reproduce")
    w("")
    w("```sh")
    w("make install                                   # the venv and the reform-workbook kernel")
    w(
        "make bench                                     # = .venv/bin/python bench/run_bench.py; writes docs/benchmarks.md"
    )
    w(
        ".venv/bin/python bench/run_bench.py --quick    # smoke test: 1 run, 3 periods, 1k/10k rows (writes a temp file)"
    )
    w(".venv/bin/python bench/run_bench.py --only pipeline,report --runs 5 --out /tmp/b.md")
    w("```")
    w("")
    w(
        "Options: `--runs N` (runs of slow things, default 3; fast things get max(N, 5)), `--periods 10,20`, "
        "`--rows 10000,100000,1000000`, `--only SECTIONS`, `--out FILE`. The full run takes about 15 minutes on 2 cores. "
        "Run it on an otherwise idle machine: the figures are wall-clock times."
    )
    w("")
    return "\n".join(out)


def analysis_pipeline(P: dict) -> str:
    b = {k: v.median for k, v in P["bounds"].items()}
    kernel = b["one kernel: start, run `pass`, shut down (in-process)"]
    export = b["HTML export of 03_report (import nbconvert + export)"]
    pm_import = b.get(
        "import papermill (the parent process; pulls in nbformat and jsonschema)", math.nan
    )
    rfc = b.get("import rfc3987_syntax (jsonschema's format checker, via nbformat)")
    floor, wb = P["floor"].median, P["workbook"].median
    cells = P.get("cells") or {}
    cells_total = sum(c["cells_total"] for c in cells.values())
    rest = {
        name: P["stages"][name].values[-1] - c["cells_total"]
        for name, c in cells.items()
        if name in P["stages"]
    }
    r1, r2 = P["ratios"]["workbook_floor"], P["ratios"]["workbook_chain"]
    slowest = sorted(
        ((d, src, name) for name, c in cells.items() for d, src in c["top"]), reverse=True
    )[:3]
    parts = [
        f"**Where the time goes.** The floor ({fmt_s(floor)}) is one papermill process: the interpreter, "
        f"importing papermill ({fmt_s(pm_import)}"
        + (
            f", of which {fmt_s(rfc)} is jsonschema importing `rfc3987_syntax`, which builds a grammar at import"
            if rfc
            else ""
        )
        + f"), one kernel ({fmt_s(kernel)} to start, run `pass` and shut down, measured alone) and saving the "
        f"notebook. The workbook imports papermill once (without jsonschema's `rfc3987_syntax`, which "
        "notebook validation never uses), then runs the three notebooks in one kernel, started for the "
        f"first: outside their cells the three stages took {fmt_s(sum(rest.values()))} "
        f"({', '.join(f'{k} {fmt_s(v)}' for k, v in rest.items())}) — the kernel's start-up (01_clean), "
        f"papermill's bookkeeping and saving; their cells took {fmt_s(cells_total)}, the slowest being "
        + "; ".join(f"{fmt_s(d)} for `{src}` ({name})" for d, src, name in slowest)
        + " (the first cell of each notebook imports pandas and the helpers, 02's chart cell imports "
        f"matplotlib and draws four charts with a Japanese font). The HTML export costs {fmt_s(export)} in a "
        "fresh process, mostly importing nbconvert; in the run it shares the parent's imports."
    ]
    if r1 > GOALS["workbook_floor"]:
        no_cells = wb - cells_total
        room = 3 * floor - no_cells
        chart = max(
            (d for c in cells.values() for d, src in c["top"] if "charts" in src), default=math.nan
        )
        parts.append(
            f"**The ≤ 3× floor goal is missed ({r1:.2f}×).** Without its cells' work the run would still take "
            f"≈ {fmt_s(no_cells)} = {no_cells / floor:.2f}× the floor: three kernels where the floor has one, "
            f"the input check and the HTML export. That leaves {fmt_s(max(room, 0))} of the 3× budget "
            f"({fmt_s(3 * floor)}) for all the cells of the three notebooks, which take {fmt_s(cells_total)} "
            f"({fmt_s(chart)} of it the chart cell). Meeting the goal would take one kernel fewer per stage "
            "(one nbclient session executing the three notebooks in turn, or the next kernel started while the "
            "current notebook runs: ≈ 0.7 s each) and cheaper charts; papermill's API starts a kernel per "
            "notebook, and the kernel start-up is the floor's own cost, paid three times."
        )
    else:
        parts.append(f"The ≤ 3× floor goal is met ({r1:.2f}×).")
    chain = P["chain"].median
    saved = chain - wb
    if r2 > GOALS["workbook_chain"]:
        short = wb - GOALS["workbook_chain"] * chain
        parts.append(
            f"**The ≤ 0.6× chain goal is missed ({r2:.2f}×)**, by {fmt_s(short)} "
            f"({short / wb * 100:.1f} % of the run; the workbook's own runs ranged {P['workbook'].spread()} s). "
            f"Against the chain the workbook saves {fmt_s(saved)}: the chain starts a new interpreter and "
            f"imports papermill ({fmt_s(pm_import)}) for each of the three notebooks and once more for nbconvert, "
            "while the workbook does it once; both start the same three kernels and do the same cell work. "
            + f"Taking {fmt_s(short)} off the workbook alone (one of its three kernel start-ups is ≈ "
            f"{fmt_s(kernel)}), or {fmt_s(short / (1 - GOALS['workbook_chain']))} of cell work off both (cheaper "
            "charts), would bring it under 0.6×."
        )
    else:
        parts.append(
            f"The ≤ 0.6× chain goal is met ({r2:.2f}×): the workbook saves {fmt_s(saved)} against the chain, which "
            f"starts a new interpreter and imports papermill ({fmt_s(pm_import)}) for every notebook and again for "
            "nbconvert, where the workbook does it once; both start the same three kernels and do the same cell work."
        )
    return "\n\n".join(parts)


def analysis_periods(M: dict, P: dict | None) -> str:
    if not P:
        return ""
    single = P["workbook"].median
    ns = sorted(M["sizes"])
    here = {n: M["sizes"][n]["single_here"].median for n in ns}
    hist = {n: M["sizes"][n]["history"].median for n in ns}
    worst = max(M["sizes"][n]["per_period"] / single for n in ns)
    best_speedup = max(single / M["sizes"][n]["per_period"] for n in ns)
    other = P["stages"].get("other (CLI start, input check, HTML export, swap)")
    parts = [
        f"Two jobs on {os.cpu_count()} cores run the periods two at a time, each period still with its own "
        f"three kernels. The throughput is up to {best_speedup:.1f}× that of single runs"
        + (
            ", more than the two cores alone would give: a single run leaves a core idle much of the time "
            "(while a kernel starts, or the parent waits on the kernel), and each of the two worker processes "
            "imports papermill and nbconvert once for all its periods, where a single run pays that in its "
            f"'other' {fmt_s(other.median if other else math.nan)} every time."
            if best_speedup > 2
            else "; the two runs compete for the same two cores (imports and charts are CPU-bound)."
        )
    ]
    if len(ns) and here[ns[-1]] > single * 1.03:
        parts.append(
            "The newest period alone gets slower as the folder fills ("
            + ", ".join(f"{fmt_s(here[n])} with {n} periods" for n in ns)
            + f", against {fmt_s(single)} with the two real periods). Its comparison "
            "(`helpers.compare.load_history`, called in 02_analyze and again in 03_report) cleans every earlier "
            "period from its raw files, "
            + ", ".join(f"{fmt_s(hist[n])} for the newest of {n}" for n in ns)
            + " per call, and its trend chart and tables cover every period. Over a run of all N periods the "
            "cleaning is O(N²) (N²/2 period cleanings per notebook), small next to the kernels at these sizes "
            "but growing."
        )
    if len(ns) > 1:
        a, b = ns[0], ns[-1]
        pa, pb = M["sizes"][a]["per_period"], M["sizes"][b]["per_period"]
        parts.append(
            f"Time per period: {fmt_s(pa)} with {a} periods, {fmt_s(pb)} with {b} ({(pb / pa - 1) * 100:+.0f} %)."
        )
    if worst > GOALS["per_period_single"]:
        parts.append(
            f"**The ≤ 0.6× per-period goal is missed (up to {worst:.2f}×).** Below 0.6× would need less work per "
            "period (fewer kernels per period, the comparison history cleaned once rather than per period and "
            "per notebook)."
        )
    else:
        parts.append(f"The ≤ 0.6× per-period goal is met (at most {worst:.2f}×).")
    return "\n\n".join(parts)


def analysis_scale(S: dict) -> str:
    sizes = S["sizes"]
    big = sizes[-1]
    t = {
        w: S["time"][(w, big)].median
        for w in ("metrics", "metrics_rowwise", "clean", "clean_dedup", "clean_vec")
    }
    parts = [
        f"At {big:,} rows the vectorised `compute_metrics` takes {fmt_s(t['metrics'])} against "
        f"{fmt_s(t['metrics_rowwise'])} for the per-row reference ({t['metrics_rowwise'] / t['metrics']:.0f}× faster); "
        "the reference spends its time turning each row into a dict (`to_dict('records')`), in `kpi_metrics`'s "
        "Python arithmetic and `round`, and building a frame from a list of dicts (see its profile below). "
        "The vectorised version's cost is copying columns out of the frame, the final concatenation and the "
        "conversion to nullable dtypes (Float64, boolean); only the few values whose rounding to 9 decimals "
        "numpy cannot settle exactly go through Python's `round`."
    ]
    if big >= 1_000_000:
        if t["clean"] > GOALS["scale_1m_seconds"]:
            per = t["clean"] / big * 1e6
            parts.append(
                f"**The cleaning step misses 10 s at 1M rows when every text is parsed ({fmt_s(t['clean'])}).** "
                f"It costs {per:.1f} µs per row: three texts per row, each normalised (NFKC), matched by several "
                "regular expressions and converted exactly with `decimal.Decimal` — about 10-15 µs per text "
                "in `parse_quantity` / `parse_target`; it grows linearly, so 1M rows cannot get under 10 s "
                "this way on one core. Parsing each distinct (text, unit) pair once (the same functions, a "
                f"dict in front) takes {fmt_s(t['clean_dedup'])}"
                + (
                    " and meets the goal"
                    if t["clean_dedup"] <= GOALS["scale_1m_seconds"]
                    else ", at the goal but not under it"
                    if t["clean_dedup"] <= GOALS["scale_1m_seconds"] * 1.1
                    else ", still over the goal"
                )
                + f": it helps as far as a table repeats its texts ({S['uniques'][big]:,} distinct pairs in "
                f"{big:,} rows here, ≈ {t['clean_dedup'] / S['uniques'][big] * 1e6:.0f} µs each; the values are "
                "random, the targets repeat). The vectorised parser `helpers.jpnum_vec` (Arrow's string "
                "kernels: NFKC, RE2 regular expressions; exact integer arithmetic for the common forms "
                "`9,718人`, `約340万件`, `25.4億円`, `…以上`, `80%台`; the scalar parser for every other text) "
                f"takes {fmt_s(t['clean_vec'])} and "
                + (
                    "meets the goal"
                    if t["clean_vec"] <= GOALS["scale_1m_seconds"]
                    else "still misses it"
                )
                + "; it gives the same values as the per-row step (checked at each run, and row for row "
                "against the scalar parser in tests/test_jpnum_vec.py). `read_kpi_sheet` keeps the scalar "
                "parser: KPI sheets have tens of rows and it also checks each text against the report."
            )
        else:
            parts.append(f"The cleaning step meets the goal at 1M rows ({fmt_s(t['clean'])}).")
    return "\n\n".join(parts)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="1 run, 3 periods, 1k/10k rows; writes to a temp file unless --out",
    )
    p.add_argument("--runs", type=int, help="runs of slow things (default 3, quick 1)")
    p.add_argument("--periods", help="numbers of periods, comma-separated (default 10,20; quick 3)")
    p.add_argument(
        "--rows",
        help="table sizes, comma-separated (default 10000,100000,1000000; quick 1000,10000)",
    )
    p.add_argument("--only", help="sections, comma-separated: " + ",".join(SECTIONS))
    p.add_argument(
        "--out", help="the markdown file (default docs/benchmarks.md; quick: a temporary file)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--save", help="also pickle the measurements to this file (see --render-from)")
    p.add_argument(
        "--render-from", help="measure nothing: write the table and markdown from --save's file"
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if "--worker" in argv:  # one memory measurement in a fresh process
        i = argv.index("--worker")
        what = argv[i + 1]
        rows = int(argv[argv.index("--rows") + 1])
        print(json.dumps(scale_worker(what, rows)))
        return 0
    args = parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    fast_runs = 1 if args.quick else max(runs, 5)
    periods = [int(x) for x in (args.periods or ("3" if args.quick else "10,20")).split(",")]
    rows = [
        int(x)
        for x in (args.rows or ("1000,10000" if args.quick else "10000,100000,1000000")).split(",")
    ]
    only = set((args.only or ",".join(SECTIONS)).split(","))
    unknown = only - set(SECTIONS)
    if unknown:
        print(
            f"unknown section(s): {', '.join(sorted(unknown))}; sections: {', '.join(SECTIONS)}",
            file=sys.stderr,
        )
        return 2
    if args.out:
        out_md = Path(args.out)
    elif args.quick:
        out_md = Path(tempfile.gettempdir()) / "reform-workbook-benchmarks-quick.md"
    else:
        out_md = ROOT / "docs" / "benchmarks.md"

    if args.render_from:
        with open(args.render_from, "rb") as f:
            saved = pickle.load(f)
        args.quick = saved["quick"]
        if args.quick and not args.out:
            out_md = Path(tempfile.gettempdir()) / "reform-workbook-benchmarks-quick.md"
        print_table(table_rows(saved["R"]))
        out_md.parent.mkdir(parents=True, exist_ok=True)
        out_md.write_text(
            markdown(
                saved["R"],
                args,
                saved["env"],
                saved["started"],
                saved["elapsed"],
                saved["untouched"],
            ),
            encoding="utf-8",
        )
        print(f"\nwritten: {out_md}")
        return 0

    started = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    t_start = time.perf_counter()
    env = machine()
    guard = (ROOT / "data", ROOT / "outputs")
    code = (ROOT / "src", ROOT / "notebooks", ROOT / "pyproject.toml")
    state0, code0 = tree_state(*guard), tree_state(*code)
    tmp = Path(tempfile.mkdtemp(prefix="reform-bench-"))
    R: dict = {}
    try:
        if "pipeline" in only:
            R["pipeline"] = bench_pipeline(tmp, runs, fast_runs)
        if "periods" in only:
            R["periods"] = bench_periods(tmp, periods, runs)
        if "scale" in only:
            R["scale"] = bench_scale(tmp, rows, runs, args.quick)
        if "report" in only:
            if "pipeline" in only:
                out = R["pipeline"]["kept_output"][1]
            else:
                log("report: one workbook run to make the report …")
                out = fresh_dir(tmp, "out-report-")
                run(workbook_cmd(fresh_data(tmp), out, "--force"), cwd=tmp)
            R["report"] = bench_report(tmp, out / PERIOD / "report.html", fast_runs)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    env["loadavg_end"] = (
        Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    )
    untouched = {
        "data": changed_files(state0, tree_state(*guard)),
        "code": changed_files(code0, tree_state(*code)),
    }
    elapsed = time.perf_counter() - t_start

    if args.save:
        with open(args.save, "wb") as f:
            pickle.dump(
                {
                    "R": R,
                    "env": env,
                    "started": started,
                    "elapsed": elapsed,
                    "untouched": untouched,
                    "quick": args.quick,
                },
                f,
            )
    rows_t = table_rows(R)
    print()
    print_table(rows_t)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(markdown(R, args, env, started, elapsed, untouched), encoding="utf-8")
    print(f"\nwritten: {out_md}  ({elapsed / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
