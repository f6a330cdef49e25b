"""What every section of the benchmark shares: paths, running commands, samples, formats."""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from helpers.present import pdf as _pdf  # noqa: E402  (light: no browser started at import)

BIN = Path(sys.executable).parent
PERIOD = "2018-03"
PLAN = "kodaira-3"  # the real plan's folder under data/raw/
RAW_PLAN = ROOT / "data" / "raw" / PLAN
RESULTS_DIR = ROOT / "bench" / "results"
GOALS = {
    "workbook_floor": 3.0,
    "workbook_chain": 0.6,
    "rerun_floor": 0.3,
    "per_period_single": 0.6,
    "scale_1m_seconds": 10.0,
}
# the product's own Chromium and flags (helpers.present.pdf prints the report with them)
CHROMIUM = str(_pdf.CHROMIUM)
CHROMIUM_ARGS = list(_pdf.LAUNCH_ARGS)


class BenchError(RuntimeError):
    pass


@dataclass
class Settings:
    """What one benchmark run measures, and how often."""

    quick: bool
    runs: int  # runs of slow things
    fast_runs: int  # runs of fast things
    periods: list[int]  # numbers of periods for the many-periods section
    rows: list[int]  # table sizes for the helpers at scale
    kpi_rows: list[int]  # KPI sheet sizes for the KPI sheet check
    tmp: Path  # the temporary folder every run uses


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

    def to_json(self) -> dict:
        return {"median": self.median, "values": self.values}

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
        encoding="utf-8",
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
    shutil.copytree(ROOT / "data" / "raw", data / "raw", ignore=shutil.ignore_patterns("README*"))
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


def sample_row(name: str, s: Sample) -> str:
    """A markdown table row: what, median, runs, range."""
    return f"| {name} | {fmt_s(s.median)} | {s.runs} | {s.spread() and s.spread() + ' s'} |"


def loadavg() -> list[str]:
    path = Path("/proc/loadavg")
    return path.read_text(encoding="utf-8").split()[:3] if path.exists() else []


def int_keys(d: dict) -> dict:
    """A dict read back from JSON with its number keys as ints again, in order."""
    return {int(k): v for k, v in sorted(d.items(), key=lambda kv: int(kv[0]))}


def workbook_cmd(data: Path, out: Path, *extra: str) -> list:
    """The workbook's command for the benchmark's period in the given folders."""
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
